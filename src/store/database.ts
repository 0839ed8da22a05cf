import { isAscii } from "node:buffer";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { open as openFile, readFile, rename } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { Low, Memory, type Adapter } from "lowdb";
import { VERSION } from "../version.js";
import { STATE_SCHEMA_PATH, stateProblems } from "./state-document.js";
import { Journal, readJournal, syncDir } from "./journal.js";
import { isPacked, Packer, unpack, unpackDocument } from "./packed.js";
import { COLLECTIONS, type Change, type CollectionName, type Rows, type State } from "./schema.js";
import { Store, type Deferred } from "./store.js";

/** What the JSON file holds: the state, stamped with the last journal entry it already contains. */
type FileDocument = State & { journalSeq?: number };

// Compact the journal into the JSON file once a segment grows past this.
const COMPACT_AT_BYTES = 32 * 1024 * 1024;

export type DbLocation = "memory" | string;

/** A db file that exists but cannot be served; it is left exactly as it was. */
export class InvalidDbFileError extends Error {
  readonly code = "EDBINVALID";
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    const listed = problems.slice(0, 20).map((p) => `\n  - ${p}`).join("");
    const more = problems.length > 20 ? `\n  … and ${problems.length - 20} more` : "";
    super(
      problems.length === 1 && problems[0]!.startsWith("not ")
        ? `${file} is ${problems[0]}; it was left as it is: fix it, or move it away to start afresh`
        : `${file} is not a valid calcom-mock state (${problems.length} problem${problems.length === 1 ? "" : "s"}); it was left as it is: fix it, or move it away to start afresh${listed}${more}`,
    );
  }
}

/**
 * The last member of every file the server writes: `"integrity":"<sha-256>"` of the bytes before it, salted with the
 * rules the state was checked against (the state schema, the module of the other checks, the version). A file
 * whose stamp matches was written by a server with these rules from a state that passed them, so a start skips
 * checking it again row by row (on a large file that was the biggest part of the start-up); a file edited by hand
 * or written by another version fails the match and is checked in full.
 */
const STAMP_KEY = "integrity";
const STAMP_TAIL = /,"integrity":"([0-9a-f]{64})"\}$/;
let stampSalt: string | undefined;
function stampHash(): ReturnType<typeof createHash> {
  stampSalt ??= createHash("sha256")
    .update(VERSION)
    .update(readFileSync(STATE_SCHEMA_PATH))
    .update(readFileSync(fileURLToPath(new URL(`./state-document${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url))))
    .digest("hex");
  return createHash("sha256").update(stampSalt);
}

/**
 * A db file's bytes as the state document they hold (its stamp and sections left out), packed collections unpacked
 * (src/store/packed.ts); throws InvalidDbFileError when they are not one.
 */
export function parseDbText(bytes: Buffer, file: string): Record<string, unknown> {
  const doc = parseDbJson(bytes, file);
  delete doc[STAMP_KEY];
  delete doc[SECTIONS_KEY];
  const problems = unpackDocument(doc);
  if (problems.length > 0) throw new InvalidDbFileError(file, problems);
  return doc;
}

/**
 * A db file's bytes as JSON, packed collections left packed. Most files are ASCII (JSON.stringify escapes nothing
 * else by itself, but names may hold any character): those are read as Latin-1, which is the same text without a
 * UTF-8 decoder's work over every byte.
 */
function parseDbJson(bytes: Buffer, file: string): Record<string, unknown> {
  const text = isAscii(bytes) ? bytes.toString("latin1") : bytes.toString("utf8");
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    // Never reseed over a file that exists: it may be the only copy of someone's data.
    throw new InvalidDbFileError(file, [`not valid JSON (${(err as Error).message})`]);
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new InvalidDbFileError(file, ["not a JSON object"]);
  return doc as Record<string, unknown>;
}

/**
 * Collections whose rows a server loads on first use when the file is its own (stamped): the history and the
 * scheduling collections, which a server answering the directory never reads. They stay packed until then, and a
 * snapshot taken before writes the same packed object back.
 */
const DEFERRED: readonly CollectionName[] = ["assignmentHistory", "schedules", "eventTypes", "bookings", "selectedSlots"];

function deferPacked(doc: Record<string, unknown>, file: string): Deferred {
  const deferred: Deferred = {};
  for (const collection of DEFERRED) {
    const source = doc[collection];
    if (!isPacked(source) && !(source instanceof RawSection)) continue;
    doc[collection] = [];
    deferred[collection] = {
      source,
      load: () => {
        // The file passed its integrity stamp: only a server writing it wrong could make either step fail.
        const value = source instanceof RawSection ? (JSON.parse(source.bytes.toString(isAscii(source.bytes) ? "latin1" : "utf8")) as unknown) : source;
        const rows = isPacked(value) ? unpack(value) : Array.isArray(value) ? value : "not an array";
        if (typeof rows === "string") throw new InvalidDbFileError(file, [`/${collection}: ${rows}`]);
        return rows as unknown as Array<Rows[CollectionName]>;
      },
    };
  }
  return deferred;
}

/**
 * Where the file's deferred collections (see DEFERRED) lie, as byte ranges `[start, end)` of their values: written
 * just before the integrity stamp, `"$sections":{"bookings":[s,e],…}`. A start that finds the stamp matching parses
 * the file without them, and each one only when it is first used; a file edited by hand is parsed whole.
 */
const SECTIONS_KEY = "$sections";
const SECTIONS_TAIL = /,"\$sections":(\{[^{}]*\}),"integrity":"[0-9a-f]{64}"\}$/;
/** Smaller deferred collections are parsed with the rest. */
const SECTION_MIN_BYTES = 64 * 1024;

/** The bytes of a deferred collection's value, as the file held them, not parsed yet. */
class RawSection {
  constructor(readonly bytes: Buffer) {}
}

/** The sections a stamped file lists, if they are well formed (they always are, in a file the server wrote). */
function sectionsOf(bytes: Buffer): Record<string, [number, number]> | undefined {
  const tail = bytes.subarray(Math.max(0, bytes.length - 1024)).toString("latin1");
  const found = SECTIONS_TAIL.exec(tail);
  if (!found) return undefined;
  let sections: unknown;
  try {
    sections = JSON.parse(found[1]!);
  } catch {
    return undefined;
  }
  const ranges = Object.entries(sections as Record<string, unknown>);
  let last = 0;
  for (const [key, range] of ranges) {
    if (!DEFERRED.includes(key as CollectionName) || !Array.isArray(range) || range.length !== 2) return undefined;
    const [start, end] = range as unknown[];
    if (!Number.isInteger(start) || !Number.isInteger(end) || (start as number) < last || (end as number) <= (start as number) || (end as number) > bytes.length) return undefined;
    last = end as number;
  }
  return sections as Record<string, [number, number]>;
}

/** The file's bytes with each section's value replaced by `null`. */
function withoutSections(bytes: Buffer, sections: Record<string, [number, number]>): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (const [start, end] of Object.values(sections)) {
    parts.push(bytes.subarray(at, start), NULL_BYTES);
    at = end;
  }
  parts.push(bytes.subarray(at));
  return Buffer.concat(parts);
}
const NULL_BYTES = Buffer.from("null");

/** Rows serialized at a time when the snapshot is written, and bytes gathered before each write. */
const ROWS_PER_SLICE = 2000;
const WRITE_CHUNK = 1 << 20;

/**
 * lowdb's JSON file adapter, made crash-safe: like lowdb's own (steno) it writes a temporary file and renames it
 * over the JSON file, but it also syncs the temporary file before the rename and the directory after it. Without
 * the first sync, a power cut soon after the rename can leave an empty JSON file, with the journal segments it
 * replaced already deleted.
 */
class DurableJsonFile<T> implements Adapter<T> {
  private readonly temp: string;
  private queue: Promise<void> = Promise.resolve();
  /** Whether the last document read carried a matching integrity stamp (see STAMP_KEY). */
  verified = false;

  constructor(private readonly file: string) {
    this.temp = join(dirname(file), `.${basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    let bytes: Buffer;
    try {
      bytes = await readFile(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
    const tail = bytes.subarray(Math.max(0, bytes.length - 100)).toString("latin1");
    const stamp = STAMP_TAIL.exec(tail);
    this.verified =
      stamp !== null && stampHash().update(bytes.subarray(0, bytes.length - (tail.length - stamp.index))).digest("hex") === stamp[1];
    // Packed collections stay packed here: Database.open unpacks them, or defers them (see DEFERRED). A file of
    // this server's own leaves its deferred collections unparsed too (see SECTIONS_KEY).
    const sections = this.verified ? sectionsOf(bytes) : undefined;
    const doc = parseDbJson(sections ? withoutSections(bytes, sections) : bytes, this.file);
    delete doc[STAMP_KEY];
    delete doc[SECTIONS_KEY];
    for (const [collection, [start, end]] of Object.entries(sections ?? {})) doc[collection] = new RawSection(Buffer.from(bytes.subarray(start, end)));
    return doc as T;
  }

  write(data: T): Promise<void> {
    // Writes go one at a time: two at once would share the temporary file. The document is kept, not copied:
    // the store builds a fresh one for every write, of rows it never changes in place.
    const done = this.queue.then(() => this.replace(data));
    this.queue = done.catch(() => undefined);
    return done;
  }

  /**
   * Streams the document as compact JSON, a slice of rows at a time: one string of a large organization's whole
   * state took ~80 MB and blocked the server for ~200 ms while it was built. A collection of PACK_MIN_ROWS rows or
   * more is written packed (src/store/packed.ts); the rest is what JSON.stringify gives.
   */
  private async replace(data: T): Promise<void> {
    const handle = await openFile(this.temp, "w");
    try {
      let buffered = "";
      /** Bytes written to the file before `buffered`. */
      let written = 0;
      const hash = stampHash();
      const flush = async () => {
        hash.update(buffered);
        await handle.writeFile(buffered);
        written += Buffer.byteLength(buffered);
        buffered = "";
      };
      const put = async (text: string) => {
        buffered += text;
        if (buffered.length >= WRITE_CHUNK) await flush();
      };
      const offset = () => written + Buffer.byteLength(buffered);
      if (typeof data !== "object" || data === null || Array.isArray(data)) await put(JSON.stringify(data));
      else {
        let first = true;
        const sections: Record<string, [number, number]> = {};
        await put("{");
        for (const [key, value] of Object.entries(data)) {
          if (value === undefined || typeof value === "function") continue;
          await put(`${first ? "" : ","}${JSON.stringify(key)}:`);
          first = false;
          const start = DEFERRED.includes(key as CollectionName) ? offset() : undefined;
          if (value instanceof RawSection) {
            // A collection never loaded since it was read: its bytes go back as they came.
            await flush();
            hash.update(value.bytes);
            await handle.write(value.bytes);
            written += value.bytes.length;
          } else if (!Array.isArray(value)) {
            await put(JSON.stringify(value));
          } else {
            const packer = Packer.forRows(value);
            await put(packer ? packer.head() : "[");
            let empty = true;
            for (let i = 0; i < value.length; i += ROWS_PER_SLICE) {
              const slice = value.slice(i, i + ROWS_PER_SLICE);
              const text = packer ? packer.slice(slice) : JSON.stringify(slice).slice(1, -1);
              if (text === "") continue;
              await put(`${empty ? "" : ","}${text}`);
              empty = false;
            }
            await put(packer ? packer.tail() : "]");
          }
          // Only a large one is worth leaving unparsed.
          if (start !== undefined && offset() - start >= SECTION_MIN_BYTES) sections[key] = [start, offset()];
        }
        if (Object.keys(sections).length > 0) await put(`,${JSON.stringify(SECTIONS_KEY)}:${JSON.stringify(sections)}`);
        hash.update(buffered);
        buffered += `${first ? "" : ","}${JSON.stringify(STAMP_KEY)}:"${hash.digest("hex")}"}`;
      }
      if (buffered) await handle.writeFile(buffered);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(this.temp, this.file);
    await syncDir(dirname(this.file));
  }
}

/**
 * The store and its persistence. In memory, a commit is immediate. With a file, the JSON file (read and written
 * through lowdb, with an adapter that replaces the file by a synced atomic rename) is the snapshot, and the
 * write-ahead journal beside it holds every acknowledged change since; see journal.ts for why.
 */
export class Database {
  private compacting: Promise<void> | undefined;
  /**
   * Replaces and compactions, one at a time: each rotates the journal and writes a snapshot, and two at once would
   * stamp and delete each other's segments.
   */
  private exclusive: Promise<void> = Promise.resolve();
  /**
   * Transactions committed while a replace writes its snapshot: applied to the new state at once, journalled once
   * the snapshot is durable (before that, a restart would replay them onto the state they did not start from).
   */
  private deferred: Array<{ changes: Change[]; resolve: () => void; reject: (err: unknown) => void }> | undefined;
  /** Set when a replace could not make its state durable: what is shown is not what a restart would read. */
  private failed: Error | undefined;
  /**
   * The journal sequence number the JSON file holds everything up to, when the file is the current snapshot
   * (written by this server, or read with a matching integrity stamp); undefined when it must be written again.
   */
  private snapshotSeq: number | undefined;

  private constructor(
    public store: Store,
    private readonly low: Low<FileDocument>,
    private readonly file: string | undefined,
    private journal: Journal | undefined,
  ) {}

  /** Opens the location; `initial` makes the state when the file does not exist yet (or for memory). */
  static async open(location: DbLocation, initial: () => State | Promise<State>): Promise<Database> {
    if (location === "memory") {
      const state = await initial();
      return new Database(new Store(state), new Low<FileDocument>(new Memory(), state), undefined, undefined);
    }
    mkdirSync(dirname(location), { recursive: true });
    const low = new Low<FileDocument>(new DurableJsonFile<FileDocument>(location), null as unknown as FileDocument);
    await low.read();
    if (!low.data) {
      const state = await initial();
      // Segments without their JSON file belong to a snapshot that is gone: they cannot be replayed onto this one.
      Journal.removeAll(location);
      const db = new Database(new Store(state), low, location, undefined);
      await db.snapshot(0);
      db.journal = new Journal(location, 0);
      return db;
    }
    const { journalSeq = 0, ...state } = low.data;
    // The checks PUT /__admin/state applies: a file edited by hand (or by another program) that fails them is
    // refused as it is, never served half-broken nor re-seeded over. Those are checked whole; a file this server
    // wrote (its stamp matches) has its history and scheduling collections loaded when first used.
    const verified = (low.adapter as DurableJsonFile<FileDocument>).verified;
    const deferred = verified ? deferPacked(state as unknown as Record<string, unknown>, location) : {};
    const unpacked = unpackDocument(state as unknown as Record<string, unknown>);
    if (unpacked.length > 0) throw new InvalidDbFileError(location, unpacked);
    const problems = typeof journalSeq !== "number" ? ["/journalSeq must be a number"] : verified ? [] : stateProblems(state);
    if (problems.length > 0) throw new InvalidDbFileError(location, problems);
    const store = new Store(state, deferred);
    const entries = readJournal(location, journalSeq);
    for (const entry of entries) store.apply(entry.changes);
    const seq = entries.at(-1)?.seq ?? journalSeq;
    const db = new Database(store, low, location, new Journal(location, seq));
    // A file that was checked in full (edited by hand, or written by another version) is written again on close,
    // stamped, so the next start need not check it again.
    if (verified) db.snapshotSeq = journalSeq;
    // Fold the replayed journal into the file now, so the next start reads one file.
    if (entries.length > 0) await db.compact();
    low.data = null as unknown as FileDocument; // the Store holds the data from here on
    return db;
  }

  get location(): DbLocation {
    return this.file ?? "memory";
  }

  /**
   * Applies a transaction and resolves once it is durable (at once, in memory). A journal that refuses appends
   * (closed, or stopped by a failed write) refuses the transaction before it touches the store, so what the server
   * shows never runs ahead of what it could make durable.
   */
  commit(changes: Change[]): Promise<void> {
    const refusal = this.failed ?? this.journal?.refusal;
    if (refusal) return Promise.reject(refusal);
    this.store.apply(changes);
    if (!this.journal) return Promise.resolve();
    if (this.deferred) {
      const waiting = this.deferred;
      return new Promise<void>((resolve, reject) => waiting.push({ changes, resolve, reject }));
    }
    const done = this.journal.append(changes);
    if (this.journal.size > COMPACT_AT_BYTES && !this.compacting) {
      // Nobody awaits a background compaction: its failure is logged (the journal still holds everything).
      this.compact().catch((err: unknown) => console.error("[calcom-mock] compaction failed; the journal keeps growing", err));
    }
    return done;
  }

  /**
   * Replaces the whole state (reset, load, restore) and makes it durable. Replaces run one at a time, in the order
   * they were asked for. The new state is served from the moment this replace starts: a write arriving while its
   * snapshot is written applies to it and is acknowledged once both are durable; a write that came before is in
   * the old segments, which the new snapshot supersedes.
   */
  replace(state: State): Promise<void> {
    return this.exclusively(async () => {
      if (this.failed) throw this.failed;
      this.store = new Store(state);
      const journal = this.journal;
      if (!journal) return;
      this.deferred = [];
      let waiting = this.deferred;
      try {
        // Rotate and stamp in the same tick: what was appended up to here (the old state's writes, some perhaps
        // still in flight) goes to segments the new snapshot marks as already applied.
        const removeOld = journal.rotate();
        await this.snapshot(journal.lastSeq);
        await removeOld();
      } catch (err) {
        this.failed = new Error(`the state could not be made durable: ${(err as Error).message ?? String(err)}`);
        for (const w of waiting) w.reject(this.failed);
        waiting = [];
        throw err;
      } finally {
        this.deferred = undefined;
        for (const w of waiting) journal.append(w.changes).then(w.resolve, w.reject);
      }
    });
  }

  /** Folds the journal into the JSON file. */
  compact(): Promise<void> {
    this.compacting ??= this.exclusively(async () => {
      try {
        const journal = this.journal!;
        // Rotate and stamp the snapshot in the same tick, so the snapshot holds exactly the older segments.
        const removeOld = journal.rotate();
        await this.snapshot(journal.lastSeq);
        await removeOld();
      } finally {
        this.compacting = undefined;
      }
    });
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.journal) {
      await this.exclusive;
      // Nothing written since the file was: it is already what a compaction would write.
      if (!this.failed && this.snapshotSeq !== this.journal.lastSeq) await this.compact();
      await this.journal.close();
    }
  }

  /** Runs `task` once every replace and compaction asked for before it has finished. */
  private exclusively(task: () => Promise<void>): Promise<void> {
    const run = this.exclusive.then(task);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  /** Writes the state as the JSON file; resolves once the file (contents and name) is durable. */
  private async snapshot(journalSeq: number): Promise<void> {
    // Collections never loaded since they were read are written back as they were read (packed), still unloaded.
    const loaded = this.store.loadedState(true) as unknown as Record<string, unknown>;
    const unloaded = this.store.unloaded();
    const doc: Record<string, unknown> = { meta: loaded.meta };
    for (const collection of COLLECTIONS) doc[collection] = unloaded.has(collection) ? unloaded.get(collection) : loaded[collection];
    this.low.data = { ...(doc as unknown as State), journalSeq };
    // The adapter keeps the document until it is written; lowdb's copy is dropped at once (the Store holds the data).
    const written = this.low.write();
    this.low.data = null as unknown as FileDocument;
    this.snapshotSeq = undefined;
    await written;
    this.snapshotSeq = journalSeq;
  }
}

