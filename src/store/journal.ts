import { close, existsSync, fdatasync, openSync, readdirSync, readFileSync, unlinkSync, write } from "node:fs";
import { open as openAsync } from "node:fs/promises";
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
 *
 * Only the last line of the last segment written can be torn (the process died mid-append), and a torn line is
 * never followed by another: a new segment is opened truncated (whatever a file of that name holds has no entry
 * after the sequence number it is opened at), and after a failed write the journal refuses every later append
 * (fail-stop), so no acknowledged line can end up behind a partial one.
 */
export interface JournalEntry {
  seq: number;
  changes: Change[];
}

/** Resolves with the number of bytes written, which may be fewer than asked. */
const writeAsync = (fd: number, buffer: Buffer, offset: number, length: number) =>
  new Promise<number>((resolve, reject) => write(fd, buffer, offset, length, null, (err, written) => (err ? reject(err) : resolve(written))));
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

/**
 * Makes a directory's entries (a file created, renamed or removed in it) durable. Some platforms cannot open a
 * directory for syncing; there the file system's own ordering is all there is.
 */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await openAsync(dir, "r");
    await handle.sync();
  } catch {
    // Not supported here (EISDIR, EPERM or EINVAL on some platforms).
  } finally {
    await handle?.close();
  }
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
  /** The sequence number the current segment's name carries: its first entry's. */
  private segmentFirst = 0;
  private queue: Pending[] = [];
  private flushing: Promise<void> | undefined;
  private bytes = 0;
  private closed = false;
  private failed: unknown;
  /** Segments whose directory entry is not yet known to be durable. */
  private readonly unsyncedSegments = new Set<number>();

  /** Opens a fresh segment after `seq`, the sequence number the JSON file (with any replayed entries) holds. */
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

  /** Why appends are refused, if they are: the journal is closed, or a write to it failed. */
  get refusal(): Error | undefined {
    if (this.failed !== undefined) {
      return new Error(`the journal stopped after a failed write: ${(this.failed as Error).message ?? String(this.failed)}`);
    }
    return this.closed ? new Error("journal is closed") : undefined;
  }

  /** Queues one transaction; resolves once it is on disk. */
  append(changes: Change[]): Promise<void> {
    const refusal = this.refusal;
    if (refusal) return Promise.reject(refusal);
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
   *
   * When nothing was appended since the current segment was opened, the new segment would have the current one's
   * name: the current segment is kept (it is empty) and only the older ones go.
   */
  rotate(): () => Promise<void> {
    const current = this.segmentPath(this.segmentFirst);
    const all = segmentsOf(this.file).map((s) => s.path);
    if (this.seq + 1 === this.segmentFirst) {
      const old = all.filter((path) => path !== current);
      return async () => {
        await this.drain();
        Journal.removeSegments(old);
      };
    }
    const oldFd = this.fd;
    this.fd = this.openSegment();
    return async () => {
      await this.drain();
      this.unsyncedSegments.delete(oldFd);
      await closeAsync(oldFd);
      Journal.removeSegments(all);
    };
  }

  async close(): Promise<void> {
    await this.drain();
    if (this.closed) return;
    this.closed = true;
    this.unsyncedSegments.delete(this.fd);
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

  private segmentPath(first: number): string {
    return `${this.file}.wal-${first}`;
  }

  private openSegment(): number {
    this.bytes = 0;
    this.segmentFirst = this.seq + 1;
    // Truncating: a file already at this name holds at most a torn line of a process that died (a complete
    // entry there would have been replayed, and the sequence would be past it). Appending after that torn line
    // would glue the next entry to it, and the next replay would drop both.
    const fd = openSync(this.segmentPath(this.segmentFirst), "w");
    this.unsyncedSegments.add(fd);
    return fd;
  }

  private async writeAll(fd: number, data: Buffer): Promise<void> {
    let offset = 0;
    while (offset < data.length) offset += await writeAsync(fd, data, offset, data.length - offset);
  }

  private async flushLoop(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue;
        this.queue = [];
        if (this.failed !== undefined) {
          for (const p of batch) p.reject(this.refusal);
          continue;
        }
        // The segment is read per batch: a rotation between batches sends the next batch to the new segment.
        const fd = this.fd;
        try {
          const data = Buffer.from(batch.map((p) => p.line).join(""));
          await this.writeAll(fd, data);
          await datasyncAsync(fd);
          // A new segment's name must be durable too, or the entries in it could vanish with a power cut.
          if (this.unsyncedSegments.has(fd)) {
            await syncDir(dirname(this.file));
            this.unsyncedSegments.delete(fd);
          }
          if (fd === this.fd) this.bytes += data.length;
          for (const p of batch) p.resolve();
        } catch (err) {
          // Fail-stop: part of the batch may be on disk, so nothing may be appended behind it. The server keeps
          // answering reads; writes answer 500 until it is restarted (and the replay drops the torn tail).
          this.failed = err;
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
