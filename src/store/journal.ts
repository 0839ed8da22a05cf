import { close, existsSync, fdatasync, openSync, readdirSync, readFileSync, unlinkSync, write } from "node:fs";
import { promisify } from "node:util";
import { basename, dirname, join } from "node:path";
import type { Change } from "./schema.js";

/**
 * The write-ahead journal kept beside the JSON file. lowdb rewrites the whole file on every write, which at a
 * large organization's size costs tens of milliseconds; instead each transaction is appended here as one JSON
 * line, and transactions that arrive while a flush is under way share the next flush (group commit), which ends
 * with fdatasync. The JSON file is rewritten only on compaction, in the background.
 *
 * Segments are named `<file>.wal-<first seq>`; a compaction starts a new segment, writes a snapshot stamped with
 * the last sequence number it holds, and then deletes the older segments.
 */
export interface JournalEntry {
  seq: number;
  changes: Change[];
}

const writeAsync = promisify(write) as (fd: number, text: string) => Promise<unknown>;
const datasyncAsync = promisify(fdatasync);
const closeAsync = promisify(close);

interface Pending {
  line: string;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function segmentsOf(file: string): Array<{ path: string; first: number }> {
  const dir = dirname(file);
  const prefix = `${basename(file)}.wal-`;
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix) && /^\d+$/.test(name.slice(prefix.length)))
    .map((name) => ({ path: join(dir, name), first: Number(name.slice(prefix.length)) }))
    .sort((a, b) => a.first - b.first);
}

/** Reads every journal entry after `afterSeq`. A torn last line (the process died mid-append) is dropped. */
export function readJournal(file: string, afterSeq: number): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const segment of segmentsOf(file)) {
    const lines = readFileSync(segment.path, "utf8").split("\n");
    for (const line of lines) {
      if (!line) continue;
      let entry: JournalEntry;
      try {
        entry = JSON.parse(line) as JournalEntry;
      } catch {
        // Only an unacknowledged append can be torn: everything acknowledged ended with a full line and fdatasync.
        break;
      }
      if (entry.seq > afterSeq) entries.push(entry);
    }
  }
  return entries;
}

export class Journal {
  private fd: number;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private bytes = 0;
  private closed = false;

  /** Opens a fresh segment after `seq`, the sequence number the JSON file already holds. */
  constructor(
    private readonly file: string,
    private seq: number,
  ) {
    this.fd = this.openSegment();
  }

  get lastSeq(): number {
    return this.seq;
  }

  /** Bytes appended to the current segment. */
  get size(): number {
    return this.bytes;
  }

  /** Queues one transaction; resolves once it is on disk. */
  append(changes: Change[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error("journal is closed"));
    this.seq += 1;
    const line = `${JSON.stringify({ seq: this.seq, changes })}\n`;
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      this.flushing ??= this.flushLoop();
    });
  }

  /** Waits for everything queued so far to be on disk. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  /**
   * Synchronously switches appends to a new segment, so that everything up to `lastSeq` (which the caller
   * snapshots in the same tick) is in older segments. Returns a function that, once the snapshot is durable,
   * waits for in-flight appends to the old segment and deletes the old segments.
   */
  rotate(): () => Promise<void> {
    const old = segmentsOf(this.file).map((s) => s.path);
    const oldFd = this.fd;
    this.fd = this.openSegment();
    return async () => {
      await this.drain();
      await closeAsync(oldFd);
      Journal.removeSegments(old);
    };
  }

  async close(): Promise<void> {
    await this.drain();
    if (this.closed) return;
    this.closed = true;
    await closeAsync(this.fd);
  }

  static removeSegments(paths: readonly string[]): void {
    for (const path of paths) {
      try {
        unlinkSync(path);
      } catch {
        // Already gone: a segment is removed only after a snapshot covers it, so this is harmless.
      }
    }
  }

  /** Removes every segment of a file: used before the whole state is replaced by a new snapshot. */
  static removeAll(file: string): void {
    Journal.removeSegments(segmentsOf(file).map((s) => s.path));
  }

  private openSegment(): number {
    this.bytes = 0;
    return openSync(`${this.file}.wal-${this.seq + 1}`, "a");
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        // The segment is read per batch: a rotation between batches sends the next batch to the new segment.
        const fd = this.fd;
        try {
          const text = batch.map((p) => p.line).join("");
          await writeAsync(fd, text);
          await datasyncAsync(fd);
          if (fd === this.fd) this.bytes += Buffer.byteLength(text);
          for (const p of batch) p.resolve();
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
