import { closeSync, fsyncSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { Low, Memory } from "lowdb";
import { DataFile } from "lowdb/node";
import { Journal, readJournal } from "./journal.js";
import type { Change, State } from "./schema.js";
import { Store } from "./store.js";

/** What the JSON file holds: the state, stamped with the last journal entry it already contains. */
type FileDocument = State & { journalSeq?: number };

// Compact the journal into the JSON file once a segment grows past this.
const COMPACT_AT_BYTES = 32 * 1024 * 1024;

export type DbLocation = "memory" | string;

/**
 * The store and its persistence. In memory, a commit is immediate. With a file, the JSON file (read and written
 * through lowdb, whose writer replaces the file by atomic rename) is the snapshot, and the write-ahead journal
 * beside it holds every acknowledged change since; see journal.ts for why.
 */
export class Database {
  private compacting: Promise<void> | undefined;

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
    // Compact JSON: at a large organization's size, indentation doubles the file and the time to write it.
    const low = new Low<FileDocument>(new DataFile(location, { parse: JSON.parse, stringify: (d) => JSON.stringify(d) }), null as unknown as FileDocument);
    await low.read();
    if (!low.data) {
      Journal.removeAll(location);
      const state = await initial();
      const db = new Database(new Store(state), low, location, undefined);
      await db.snapshot(0);
      db.journal = new Journal(location, 0);
      return db;
    }
    const { journalSeq = 0, ...state } = low.data;
    const store = new Store(state);
    const entries = readJournal(location, journalSeq);
    for (const entry of entries) store.apply(entry.changes);
    const seq = entries.at(-1)?.seq ?? journalSeq;
    const db = new Database(store, low, location, new Journal(location, seq));
    // Fold the replayed journal into the file now, so the next start reads one file.
    if (entries.length > 0) await db.compact();
    low.data = null as unknown as FileDocument; // the Store holds the data from here on
    return db;
  }

  get location(): DbLocation {
    return this.file ?? "memory";
  }

  /** Applies a transaction and resolves once it is durable (at once, in memory). */
  commit(changes: Change[]): Promise<void> {
    this.store.apply(changes);
    if (!this.journal) return Promise.resolve();
    const done = this.journal.append(changes);
    if (this.journal.size > COMPACT_AT_BYTES) void this.compact();
    return done;
  }

  /** Replaces the whole state (reset, load) and makes it durable. */
  async replace(state: State): Promise<void> {
    await this.compacting;
    this.store = new Store(state);
    if (!this.journal || !this.file) return;
    await this.journal.close();
    Journal.removeAll(this.file);
    await this.snapshot(0);
    this.journal = new Journal(this.file, 0);
  }

  /** Folds the journal into the JSON file. */
  compact(): Promise<void> {
    this.compacting ??= (async () => {
      try {
        const journal = this.journal!;
        // Rotate and stamp the snapshot in the same tick, so the snapshot holds exactly the older segments.
        const removeOld = journal.rotate();
        await this.snapshot(journal.lastSeq);
        await removeOld();
      } finally {
        this.compacting = undefined;
      }
    })();
    return this.compacting;
  }

  async close(): Promise<void> {
    if (this.journal) {
      await this.compact();
      await this.journal.close();
    }
  }

  private async snapshot(journalSeq: number): Promise<void> {
    this.low.data = { ...this.store.toState(), journalSeq };
    const written = this.low.write();
    this.low.data = null as unknown as FileDocument;
    await written;
    // The rename is atomic, but the journal segments it replaces may only go once its bytes are on disk.
    const fd = openSync(this.file!, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}

