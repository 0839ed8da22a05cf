import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { Database } from "../../src/store/database.js";
import { PACK_MIN_ROWS } from "../../src/store/packed.js";
import type { AssignmentHistoryEntry, Booking, State, User } from "../../src/store/schema.js";
import { scenarioState } from "../../src/store/scenarios.js";
import { cleanup, tempDb } from "./support.js";

/**
 * A file the server wrote itself hands its history and scheduling collections to the store unloaded: they load
 * on first use. Nothing may tell: every read and write sees them, a snapshot taken before they load writes them
 * back as they were, and a restart after a crash (the journal replayed) loses nothing.
 */

const opened: Database[] = [];
afterAll(async () => {
  // Databases left open (a crash simulated) hold file descriptors: closed before their directories go.
  await Promise.allSettled(opened.map((db) => db.close()));
  await cleanup();
});

async function open(file: string, initial: () => State = () => bigState()): Promise<Database> {
  const db = await Database.open(file, initial);
  opened.push(db);
  return db;
}

const uuidOf = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`;

/** multi-org with enough history and bookings that both are packed (and so deferred). */
function bigState(): State {
  const state = scenarioState("multi-org", 5, Date.UTC(2030, 0, 7, 8));
  const memberIds = state.memberships.map((m) => m.id);
  const history: AssignmentHistoryEntry[] = Array.from({ length: PACK_MIN_ROWS + 200 }, (_, i) => ({
    id: uuidOf(i),
    memberId: memberIds[i % memberIds.length]!,
    timestamp: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString(),
    source: "API_V2",
    actor: { type: "USER", displayName: "Admin", displayEmail: "admin@example.test", displayAvatar: null },
    sourceContext: { operation: "assignOption", actorUserId: 1 },
    changes: [],
  }));
  const template = state.bookings[0]!;
  const top = Math.max(...state.bookings.map((b) => b.id));
  const bookings: Booking[] = Array.from({ length: PACK_MIN_ROWS + 10 }, (_, i) => ({
    ...template,
    id: top + 1 + i,
    uid: `deferredbooking${String(i).padStart(8, "0")}`,
    attendees: template.attendees.map((a, j) => ({ ...a, id: 900_000 + i * 10 + j })),
    fromReschedule: null,
    recurringEventId: null,
    seatsReferences: [],
  }));
  return { ...state, assignmentHistory: history, bookings: [...state.bookings, ...bookings] };
}

describe("a file's history and scheduling collections, loaded on first use", () => {
  it("are not loaded at start, read as if they were, and a snapshot before they load writes them back unchanged", async () => {
    const file = tempDb();
    const state = bigState();
    await (await open(file, () => state)).close();
    const raw = JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
    expect(raw.assignmentHistory).toMatchObject({ $packed: 1 });
    expect(raw.bookings).toMatchObject({ $packed: 1 });

    const db = await open(file);
    expect([...db.store.unloaded().keys()].sort()).toEqual(["assignmentHistory", "bookings"]);
    // A write to a collection that is loaded leaves the others unloaded, through a compaction too.
    const user: User = { id: 777_777, username: "deferred", name: "Deferred", email: "deferred@example.test" };
    await db.commit([{ op: "put", collection: "users", row: user }]);
    await db.compact();
    expect([...db.store.unloaded().keys()].sort()).toEqual(["assignmentHistory", "bookings"]);
    expect(JSON.parse(readFileSync(file, "utf8")).assignmentHistory).toEqual(raw.assignmentHistory);
    await db.close();

    const again = await open(file);
    const expected = { ...state, users: [...state.users, user] };
    expect(JSON.stringify(again.store.toState())).toBe(JSON.stringify(expected));
    expect(again.store.unloaded().size).toBe(0);
    await again.close();
  });

  it("lie in the file where its last lines say, unparsed at start; a file edited by hand is read whole", async () => {
    const file = tempDb();
    const state = bigState();
    await (await open(file, () => state)).close();
    const text = readFileSync(file, "utf8");
    const sections = JSON.parse(/,"\$sections":(\{[^{}]*\}),"integrity"/.exec(text)![1]!) as Record<string, [number, number]>;
    expect(Object.keys(sections)).toEqual(["assignmentHistory", "bookings"]);
    // Each range is exactly the collection's value.
    const bytes = Buffer.from(text);
    const raw = JSON.parse(text) as Record<string, unknown>;
    for (const [collection, [start, end]] of Object.entries(sections)) expect(JSON.parse(bytes.subarray(start, end).toString())).toEqual(raw[collection]);

    // One byte of whitespace more: the stamp no longer matches, so nothing is trusted, nor left unparsed.
    writeFileSync(file, text.replace('"journalSeq":0', '"journalSeq": 0'));
    const edited = await open(file);
    expect(edited.store.unloaded().size).toBe(0);
    expect(JSON.stringify(edited.store.toState())).toBe(JSON.stringify(state));
    await edited.close();
  });

  it("load on first use by any way in: a row, an index, a sequence", async () => {
    const file = tempDb();
    const state = bigState();
    await (await open(file, () => state)).close();
    const last = state.bookings.at(-1)!;
    const entry = state.assignmentHistory.at(-1)!;

    const byGet = await open(file);
    expect(byGet.store.get("bookings", last.id)).toEqual(last);
    await byGet.close();

    const byIndex = await open(file);
    expect(byIndex.store.bookingByUid.get(last.uid)).toEqual(last);
    expect(byIndex.store.historyByMember.get(entry.memberId)?.at(-1)).toEqual(entry);
    await byIndex.close();

    const bySequence = await open(file);
    expect(bySequence.store.nextSequenceId("bookings")).toBe(last.id + 1);
    expect(bySequence.store.nextSequenceId("attendees")).toBe(Math.max(...state.bookings.flatMap((b) => b.attendees.map((a) => a.id))) + 1);
    await bySequence.close();

    const byRows = await open(file);
    expect(byRows.store.rows.assignmentHistory.size).toBe(state.assignmentHistory.length);
    await byRows.close();
  });

  it("a write to one, acknowledged, survives a crash (the journal replayed onto the file's rows)", async () => {
    const file = tempDb();
    const state = bigState();
    await (await open(file, () => state)).close();
    const db = await open(file);
    const entry: AssignmentHistoryEntry = { ...state.assignmentHistory[0]!, id: uuidOf(999_999) };
    await db.commit([
      { op: "put", collection: "assignmentHistory", row: entry },
      { op: "del", collection: "bookings", id: state.bookings.at(-1)!.id },
    ]);
    // No close: what a restart after kill -9 finds.
    const restarted = await open(file);
    const shown = restarted.store.toState();
    expect(shown.assignmentHistory.at(-1)).toEqual(entry);
    expect(shown.assignmentHistory).toHaveLength(state.assignmentHistory.length + 1);
    expect(shown.bookings.map((b) => b.id)).toEqual(state.bookings.slice(0, -1).map((b) => b.id));
  });
});
