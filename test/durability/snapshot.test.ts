import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Database, parseDbText } from "../../src/store/database.js";
import { PACK_MIN_ROWS, Packer, unpack, type PackedCollection } from "../../src/store/packed.js";
import type { AssignmentHistoryEntry, State } from "../../src/store/schema.js";
import { scenarioState } from "../../src/store/scenarios.js";
import { Store } from "../../src/store/store.js";

function withDir(run: (dir: string) => Promise<void>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "calcom-mock-snapshot-"));
  return run(dir).finally(() => rmSync(dir, { recursive: true, force: true }));
}

/** Packs rows as the snapshot writer does, slices of `slice` rows at a time, and parses the text back. */
function packed(rows: unknown[], slice = 2000): PackedCollection {
  const packer = Packer.forRows(rows)!;
  const parts = [];
  for (let i = 0; i < rows.length; i += slice) parts.push(packer.slice(rows.slice(i, i + slice)));
  return JSON.parse(`${packer.head()}${parts.filter((p) => p !== "").join(",")}${packer.tail()}`) as PackedCollection;
}

const historyEntry = (i: number, actor: AssignmentHistoryEntry["actor"], changes: AssignmentHistoryEntry["changes"]): AssignmentHistoryEntry => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
  memberId: i % 7,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  source: "API_V2",
  actor,
  sourceContext: { operation: "assignOption", actorUserId: 1 },
  changes,
});

// The snapshot is streamed a slice of rows at a time; small collections are what JSON.stringify gives, large ones
// packed (src/store/packed.ts), and either reads back as the rows written.
describe("the JSON file snapshot", () => {
  it("writes small collections as compact JSON, packs large ones over several slices, and reads back the same state", () =>
    withDir(async (dir) => {
      const file = join(dir, "db.json");
      const state = scenarioState("multi-org", 5);
      // More assignments than one slice of 2,000 rows, so slices are joined.
      const many = Array.from({ length: 4_321 }, (_, i) => ({ ...state.attributeAssignments[0]!, id: `c${String(i).padStart(24, "0")}` }));
      const big = { ...state, attributeAssignments: [], attributeOptions: state.attributeOptions };
      const db = await Database.open(file, () => big);
      await db.commit(many.slice(0, 1).map((row) => ({ op: "put" as const, collection: "attributeAssignments" as const, row })));
      await db.close();
      const text = readFileSync(file, "utf8");
      const doc = JSON.parse(text) as Record<string, unknown>;
      // Nothing here reaches PACK_MIN_ROWS: the file is the plain JSON of the state, byte for byte.
      expect(text).toBe(JSON.stringify(doc));
      expect((doc.attributeAssignments as unknown[]).length).toBe(1);

      const db2 = await Database.open(file, () => big);
      await db2.replace({ ...big, attributeAssignments: many });
      await db2.close();
      const text2 = readFileSync(file, "utf8");
      const raw = JSON.parse(text2) as Record<string, unknown>;
      expect(text2).toBe(JSON.stringify(raw));
      expect(raw.attributeAssignments).toMatchObject({ $packed: 1 });
      expect(raw.users).toEqual(state.users);
      // Shorter: the keys and the repeated option id and times are written once.
      expect(text2.length).toBeLessThan(JSON.stringify({ ...big, attributeAssignments: many }).length / 2);
      expect(parseDbText(Buffer.from(text2), file).attributeAssignments).toEqual(many);
      const db3 = await Database.open(file, () => {
        throw new Error("the file exists: nothing to seed");
      });
      expect(JSON.stringify(db3.store.toState())).toBe(JSON.stringify({ ...big, attributeAssignments: many }));
      await db3.close();
    }));

  it("an older file, every collection plain, loads as it is", () =>
    withDir(async (dir) => {
      const file = join(dir, "db.json");
      const state = scenarioState("multi-org", 5);
      const history = Array.from({ length: PACK_MIN_ROWS + 10 }, (_, i) =>
        historyEntry(i, { type: "USER", displayName: "Admin", displayEmail: "admin@example.test", displayAvatar: null }, []),
      );
      const memberIds = state.memberships.map((m) => m.id);
      const plain = { ...state, assignmentHistory: history.map((h, i) => ({ ...h, memberId: memberIds[i % memberIds.length]! })), journalSeq: 0 };
      // No integrity stamp either: checked in full, as a file edited by hand is.
      writeFileSync(file, JSON.stringify(plain));
      const db = await Database.open(file, () => {
        throw new Error("the file exists: nothing to seed");
      });
      const { journalSeq: _seq, ...expected } = plain;
      expect(JSON.stringify(db.store.toState())).toBe(JSON.stringify(expected));
      await db.close();
      // Written back by the server: the history is packed now.
      expect(JSON.parse(readFileSync(file, "utf8")).assignmentHistory).toMatchObject({ $packed: 1 });
    }));
});

describe("a packed collection", () => {
  it("reads back rows equal to those written, keys in their order, whatever their shapes", () => {
    const rows: Array<Record<string, unknown>> = [];
    for (let i = 0; i < 3000; i++) {
      const row: Record<string, unknown> = { id: i, kind: ["a", "b", "c"][i % 3], when: `2026-01-0${1 + (i % 3)}` };
      if (i % 5 === 0) row.optional = { nested: [i, "x"], flag: i % 2 === 0 };
      if (i % 7 === 0) row.note = null;
      // Keys in another order make another shape.
      rows.push(i % 11 === 0 ? Object.fromEntries(Object.entries(row).reverse()) : row);
    }
    const back = unpack(packed(rows, 1000));
    expect(typeof back).not.toBe("string");
    expect(JSON.stringify(back)).toBe(JSON.stringify(rows));
    for (const [i, row] of (back as Array<Record<string, unknown>>).entries()) expect(Object.keys(row)).toEqual(Object.keys(rows[i]!));
  });

  it("writes a repeated value once, and rows read back share it", () => {
    const actor: AssignmentHistoryEntry["actor"] = { type: "USER", displayName: "Admin", displayEmail: "admin@example.test", displayAvatar: null };
    const change = [{ type: "ASSIGNED", attribute: { id: "a1", slug: "skills", name: "Skills", type: "MULTI_SELECT" }, previous: null, current: null }];
    // Equal, not identical, objects (as rows read from a plain file are): written once all the same.
    const rows = Array.from({ length: 2000 }, (_, i) => historyEntry(i, { ...actor }, structuredClone(change) as AssignmentHistoryEntry["changes"]));
    const pack = packed(rows);
    expect(pack.shared).toEqual(expect.arrayContaining(["source", "actor", "sourceContext", "changes"]));
    expect(pack.shared).not.toContain("id");
    expect(pack.values.filter((v) => JSON.stringify(v) === JSON.stringify(actor))).toHaveLength(1);
    const back = unpack(pack) as unknown as AssignmentHistoryEntry[];
    expect(back).toEqual(rows);
    expect(back[0]!.actor).toBe(back[1999]!.actor);
    expect(back[0]!.changes).toBe(back[1]!.changes);
    // Small enough that a long history is no longer most of the file: under 100 bytes a row here.
    expect(JSON.stringify(pack).length / rows.length).toBeLessThan(100);
  });

  it("keeps a row no shape can hold whole, `__proto__` among its keys as an own property", () => {
    const rows: unknown[] = Array.from({ length: PACK_MIN_ROWS }, (_, i) => ({ id: i }));
    const odd = JSON.parse('{"id":-1,"__proto__":{"polluted":true}}') as Record<string, unknown>;
    rows.push(odd);
    const back = unpack(packed(rows)) as Array<Record<string, unknown>>;
    expect(JSON.stringify(back)).toBe(JSON.stringify(rows));
    expect(Object.keys(back.at(-1)!)).toEqual(["id", "__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("malformed, is refused with a sentence naming the collection, never read wrong", () => {
    const rows = Array.from({ length: PACK_MIN_ROWS }, (_, i) => ({ id: `x${i}`, kind: "same" }));
    const good = packed(rows);
    const cases: Array<[string, (p: PackedCollection) => void, RegExp]> = [
      ["no shapes", (p) => delete (p as Partial<PackedCollection>).shapes, /needs the arrays/],
      ["unknown shape", (p) => (p.rows[0] = 9), /row 0 names no shape/],
      ["cut short", (p) => p.rows.pop(), /is cut short/],
      ["shared index out of range", (p) => (p.rows[2] = 99), /points at no shared value/],
      ["shared index not a number", (p) => (p.rows[2] = "length"), /points at no shared value/],
      ["a shape key that cannot be a property", (p) => (p.shapes[0] = ["__proto__", "kind"]), /distinct keys/],
    ];
    for (const [what, breakIt, message] of cases) {
      const broken = structuredClone(good);
      breakIt(broken);
      expect(unpack(broken), what).toMatch(message);
      const text = JSON.stringify({ meta: { seed: 1, scenario: "x" }, attributeAssignments: broken });
      expect(() => parseDbText(Buffer.from(text), "db.json"), what).toThrow(/^db\.json is .*\/attributeAssignments: /s);
    }
  });

  it("is what a store of the large scenario's size writes, and reads back into an equal store", () => {
    const state: State = scenarioState("multi-org", 9);
    const copies = Math.ceil(PACK_MIN_ROWS / state.attributeAssignments.length) + 1;
    const rows = Array.from({ length: copies }, () => state.attributeAssignments).flat().map((a, i) => ({ ...a, id: `z${i}` }));
    const store = new Store({ ...state, attributeAssignments: unpack(packed(rows)) as unknown as State["attributeAssignments"] });
    expect(JSON.stringify(store.toState().attributeAssignments)).toBe(JSON.stringify(rows));
  });
});
