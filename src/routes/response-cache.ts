import { weakEtag } from "../http/etag.js";
import type { MemoDeps, Store } from "../store/store.js";

/**
 * A serialized answer as it is sent: its UTF-8 bytes and their ETag, each computed once. Sending bytes (rather than
 * the text, which the socket would encode again) also lets the request journal keep the answer outside the
 * JavaScript heap.
 */
export interface CachedAnswer {
  bytes: Buffer;
  etag: string;
}

export function serializedAnswer(text: string): CachedAnswer {
  const bytes = Buffer.from(text, "utf8");
  return { bytes, etag: weakEtag(bytes) };
}

/** What an answer kept in the cache was made from, when its operation says (see `tracked`). */
interface Kept {
  answer: CachedAnswer;
  /** When it stops being the answer although nothing was written (answers that move with a running clock). */
  expiresAt: number | undefined;
}

interface Tracked extends Kept {
  deps: MemoDeps;
  seen: number[];
}

/**
 * Serialized answers of GET operations, by URL, for as long as what they were made from is unchanged: every GET of
 * the spec is a function of its URL and the data alone (the caller's key only decides whether it may ask, which is
 * checked before the cache is read). An answer whose operation names what it reads (collections, the holders of
 * options, what members hold: see src/routes/read-deps.ts) is kept until a write reaches that, so a test suite's
 * writes to one corner of the data leave the other answers cached; any other answer until the next write. A reset
 * (a new store) empties it. Bounded in bytes.
 */
export class ResponseCache {
  private store: Store | undefined;
  private version = -1;
  /** Answers kept until the next write. */
  private readonly untilWrite = new Map<string, Kept>();
  /** Answers kept until a write to what they name. */
  private readonly tracked = new Map<string, Tracked>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(store: Store, url: string, now?: number): CachedAnswer | undefined {
    this.follow(store);
    const kept = this.untilWrite.get(url);
    if (kept !== undefined) {
      if (!expired(kept, now)) return kept.answer;
      this.drop(url);
      return undefined;
    }
    const tracked = this.tracked.get(url);
    if (tracked === undefined) return undefined;
    if (!expired(tracked, now) && store.unchangedSince(tracked.deps, tracked.seen)) return tracked.answer;
    this.drop(url);
    return undefined;
  }

  /**
   * Keeps an answer until the next write (or, given `deps`, the next write to what they name), or until `expiresAt`
   * (ms) if it comes first.
   */
  set(store: Store, url: string, answer: CachedAnswer, expiresAt?: number, deps?: MemoDeps): void {
    this.follow(store);
    const size = answer.bytes.length;
    if (size > this.maxBytes) return;
    this.drop(url);
    if (this.bytes + size > this.maxBytes) this.clear();
    if (deps) this.tracked.set(url, { answer, expiresAt, deps, seen: store.writeCounts(deps) });
    else this.untilWrite.set(url, { answer, expiresAt });
    this.bytes += size;
  }

  private drop(url: string): void {
    const kept = this.untilWrite.get(url) ?? this.tracked.get(url);
    if (kept === undefined) return;
    this.bytes -= kept.answer.bytes.length;
    this.untilWrite.delete(url);
    this.tracked.delete(url);
  }

  private follow(store: Store): void {
    if (store !== this.store) {
      this.clear();
      this.store = store;
    } else if (store.version !== this.version) {
      for (const kept of this.untilWrite.values()) this.bytes -= kept.answer.bytes.length;
      this.untilWrite.clear();
    }
    this.version = store.version;
  }

  private clear(): void {
    this.untilWrite.clear();
    this.tracked.clear();
    this.bytes = 0;
  }
}

const expired = (kept: Kept, now: number | undefined) => kept.expiresAt !== undefined && (now === undefined || now >= kept.expiresAt);
