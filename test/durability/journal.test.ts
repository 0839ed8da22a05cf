import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Database } from "../../src/store/database.js";
import type { Change, State, User } from "../../src/store/schema.js";
import { scenarioState } from "../../src/store/scenarios.js";

/**
 * The file store at the Database level, with crashes simulated by abandoning a Database without close() and
 * opening the same file again (what a restart after SIGKILL sees: whatever reached the files). Every commit whose
 * promise resolved (an acknowledged write) must be there after the "restart".
 */

const dirs: string[] = [];
const opened: Database[] = [];
afterAll(async () => {
  // Abandoned databases still hold file descriptors; let them finish before their directories go.
  await Promise.allSettled(opened.map((db) => db.close()));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "calcom-mock-journal-"));
  dirs.push(dir);
  return join(dir, "db.json");
}

const initial = (): State => scenarioState("default", 7);

async function open(file: string): Promise<Database> {
  const db = await Database.open(file, initial);
  opened.push(db);
  return db;
}

let nextUser = 100_000;
function userChange(): { change: Change; id: number } {
  const id = nextUser++;
  const row: User = { id, username: `u${id}`, name: `User ${id}`, email: `u${id}@example.test` };
  return { change: { op: "put", collection: "users", row }, id };
}

/** Commits `n` transactions at once (they share group commits) and returns the ids acknowledged. */
async function commitMany(db: Database, n: number, during?: () => Promise<void>): Promise<number[]> {
  const pending: Array<Promise<number>> = [];
  for (let i = 0; i < n; i++) {
    const { change, id } = userChange();
    pending.push(db.commit([change]).then(() => id));
    if (during && i === Math.floor(n / 2)) pending.push(during().then(() => -1));
  }
  return (await Promise.all(pending)).filter((id) => id >= 0);
}

function expectAll(db: Database, ids: number[]): void {
  const missing = ids.filter((id) => !db.store.get("users", id));
  expect(missing, `${missing.length} acknowledged writes lost`).toEqual([]);
}

function segments(file: string): string[] {
  const dir = join(file, "..");
  return readdirSync(dir).filter((n) => n.startsWith("db.json.wal-"));
}

describe("the write-ahead journal survives crashes", () => {
  it("acknowledged writes survive a crash (no close)", async () => {
    const file = tempFile();
    const db = await open(file);
    const acked = await commitMany(db, 200);
    const reopened = await open(file);
    expectAll(reopened, acked);
  });

  it("writes acknowledged after a restart that replayed the journal survive the next crash", async () => {
    // The restart replays the journal and compacts it; the compaction must not delete the segment the new
    // process appends to.
    const file = tempFile();
    const first = await open(file);
    const acked = await commitMany(first, 50);
    const second = await open(file); // crash, restart: replays 50 entries and compacts
    acked.push(...(await commitMany(second, 50)));
    const third = await open(file); // crash again
    expectAll(third, acked);
    acked.push(...(await commitMany(third, 50)));
    const fourth = await open(file);
    expectAll(fourth, acked);
    expect(fourth.store.rows.users.size).toBe(third.store.rows.users.size);
  });

  it("writes made while a compaction runs survive a crash during or after it", async () => {
    const file = tempFile();
    const db = await open(file);
    const acked = await commitMany(db, 300, () => db.compact());
    acked.push(...(await commitMany(db, 100, () => db.compact())));
    // A compaction with nothing appended since the last one must not lose the live segment either.
    await db.compact();
    await db.compact();
    acked.push(...(await commitMany(db, 20)));
    const reopened = await open(file);
    expectAll(reopened, acked);
  });

  it("a torn last line (the process died mid-append) is dropped, and later writes are not glued to it", async () => {
    const file = tempFile();
    const db = await open(file);
    const acked = await commitMany(db, 10);
    // Simulate a crash in the middle of the next append: a partial line with no newline.
    const live = segments(file).sort().at(-1)!;
    appendFileSync(join(file, "..", live), '{"seq":11,"changes":[{"op":"put","collection":"users","row":{"id":4242');
    const second = await open(file);
    expectAll(second, acked);
    expect(second.store.get("users", 4242)).toBeUndefined();
    acked.push(...(await commitMany(second, 10)));
    const third = await open(file);
    expectAll(third, acked);
  });

  it("a segment holding only a torn line, left where the next segment goes, is not appended to", async () => {
    const file = tempFile();
    const db = await open(file);
    const acked = await commitMany(db, 5);
    await db.close();
    // After a clean close the snapshot holds everything (journalSeq 5) and the next segment is wal-6. A process
    // that died mid-way through its first append there leaves a torn wal-6 behind.
    const doc = JSON.parse(readFileSync(file, "utf8")) as { journalSeq: number };
    const next = join(file, "..", `db.json.wal-${doc.journalSeq + 1}`);
    writeFileSync(next, '{"seq":6,"chan');
    const second = await open(file);
    expectAll(second, acked);
    acked.push(...(await commitMany(second, 5)));
    const third = await open(file);
    expectAll(third, acked);
  });

  it("a crash between the snapshot's rename and the removal of the segments it covers loses and repeats nothing", async () => {
    const file = tempFile();
    const db = await open(file);
    const acked = await commitMany(db, 50);
    const dir = join(file, "..");
    const oldSegments = new Map(segments(file).map((name) => [name, readFileSync(join(dir, name))]));
    await db.compact();
    // Put the covered segments back, as if the process died right after the rename, and leave a torn temporary
    // file of a later snapshot beside them.
    for (const [name, bytes] of oldSegments) writeFileSync(join(dir, name), bytes);
    writeFileSync(join(dir, ".db.json.tmp"), '{"meta":{"seed"');
    const second = await open(file);
    expectAll(second, acked);
    expect(second.store.rows.users.size).toBe(db.store.rows.users.size);
    acked.push(...(await commitMany(second, 20)));
    const third = await open(file);
    expectAll(third, acked);
    expect(third.store.rows.users.size).toBe(second.store.rows.users.size);
  });

  it("a JSON file that does not parse is refused, never reseeded over", async () => {
    const file = tempFile();
    const db = await open(file);
    await db.close();
    writeFileSync(file, '{"meta": {"seed": 7, "scen');
    await expect(Database.open(file, initial)).rejects.toThrow(/not valid JSON/);
    expect(readFileSync(file, "utf8")).toBe('{"meta": {"seed": 7, "scen');
  });

  it("the JSON file is always complete JSON, and compaction removes the segments it covers", async () => {
    const file = tempFile();
    const db = await open(file);
    await commitMany(db, 100, () => db.compact());
    await db.compact();
    expect(() => JSON.parse(readFileSync(file, "utf8"))).not.toThrow();
    // The live segment plus at most the one a rotation just opened.
    expect(segments(file).length).toBeLessThanOrEqual(2);
    await db.close();
    expect(existsSync(file)).toBe(true);
    const reopened = await open(file);
    expect(reopened.store.rows.users.size).toBe(db.store.rows.users.size);
  });
});
