import { weakEtag } from "../http/etag.js";
import type { Store } from "../store/store.js";

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

/**
 * Serialized answers of GET operations, by URL, for as long as the store is unchanged: every GET of the spec is a
 * function of its URL and the data alone (the caller's key only decides whether it may ask, which is checked
 * before the cache is read). Any write, and a reset (a new store), empties it. Bounded in bytes.
 */
export class ResponseCache {
  private store: Store | undefined;
  private version = -1;
  private readonly entries = new Map<string, CachedAnswer>();
  /** When an entry stops being the answer although nothing was written (answers that move with a running clock). */
  private readonly expiries = new Map<string, number>();
  private bytes = 0;

  constructor(private readonly maxBytes = 64 * 1024 * 1024) {}

  get(store: Store, url: string, now?: number): CachedAnswer | undefined {
    this.follow(store);
    const expiry = this.expiries.get(url);
    if (expiry !== undefined && (now === undefined || now >= expiry)) {
      this.entries.delete(url);
      this.expiries.delete(url);
      return undefined;
    }
    return this.entries.get(url);
  }

  /** Keeps an answer until the next write, or until `expiresAt` (ms) if it comes first. */
  set(store: Store, url: string, answer: CachedAnswer, expiresAt?: number): void {
    this.follow(store);
    const size = answer.bytes.length;
    if (size > this.maxBytes) return;
    if (this.bytes + size > this.maxBytes) this.clear();
    this.entries.set(url, answer);
    if (expiresAt === undefined) this.expiries.delete(url);
    else this.expiries.set(url, expiresAt);
    this.bytes += size;
  }

  private follow(store: Store): void {
    if (store === this.store && store.version === this.version) return;
    this.clear();
    this.store = store;
    this.version = store.version;
  }

  private clear(): void {
    this.entries.clear();
    this.expiries.clear();
    this.bytes = 0;
  }
}
