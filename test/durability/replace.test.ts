import { readdirSync, readlinkSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { createMockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { scenarioFacts } from "../support/harness.js";
import { call, checkFiles, cleanup, getState, startServer, tempDb, type Reply } from "./support.js";

/**
 * Whole-state replaces (reset, state load, restore) against writes, on a file db. Two overlapping replaces used to
 * lose acknowledged writes (both closed the journal and opened a new one, and the second deleted the segment the
 * first had just opened, leaking a handle on it), and a write arriving while a replace wrote its snapshot answered
 * 500 ("journal is closed"). Now replaces run one at a time; a write that arrives during one applies to the state it
 * brings (or before it), is journalled after its snapshot, and is never answered 2xx and then lost.
 */

afterAll(cleanup);

/** The journal segments a process holds open that are no longer in the directory (a leaked handle). */
function deletedSegmentHandles(pid: number): string[] {
  const leaked: string[] = [];
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (/\.wal-\d+ \(deleted\)$/.test(target)) leaked.push(target);
    } catch {
      // Closed while listed.
    }
  }
  return leaked;
}

const optionSlugs = (state: State, attributeId: string) =>
  new Set(state.attributeOptions.filter((o) => o.attributeId === attributeId).map((o) => o.slug));

describe("whole-state replaces and concurrent writes", () => {
  it("overlapping resets, state loads and restores lose no acknowledged write across kill -9, and answer no 5xx", async () => {
    const db = tempDb();
    let server = await startServer(db);
    const seeded = await getState(server.url);
    const facts = scenarioFacts(seeded.state);
    const skills = facts.attr("skills");
    const optionsPath = `/v2/organizations/${facts.org.id}/attributes/${skills.id}/options`;
    expect((await call(server.url, "POST", "/__admin/snapshot", { name: "seeded" })).status).toBe(201);

    const acked: string[] = [];
    const failures: string[] = [];
    let writing = true;
    let n = 0;
    const writer = async (w: number) => {
      while (writing) {
        const slug = `w${w}-${n++}`;
        let reply: Reply;
        try {
          reply = await call(server.url, "POST", optionsPath, { value: slug, slug });
        } catch (err) {
          failures.push(`${slug}: ${(err as Error).message}`);
          continue;
        }
        if (reply.status === 201) acked.push(slug);
        else failures.push(`${slug}: ${reply.status} ${JSON.stringify(reply.body).slice(0, 200)}`);
      }
    };
    const writers = Array.from({ length: 8 }, (_, w) => writer(w));

    // Twelve rounds of replaces that overlap each other, as parallel test workers' beforeEach hooks do.
    const adminStatuses: number[] = [];
    const admin = async (method: string, path: string, body: unknown) => adminStatuses.push((await call(server.url, method, path, body)).status);
    for (let round = 0; round < 12; round++) {
      await Promise.all([
        admin("POST", "/__admin/reset", {}),
        admin("POST", "/__admin/reset", {}),
        admin("PUT", "/__admin/state", seeded.state),
        admin("POST", "/__admin/restore", { name: "seeded" }),
      ]);
      // Let some writes land on the state the round left.
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(deletedSegmentHandles(server.process.pid!)).toEqual([]);
    // Writes after the last replace: these must all be kept.
    const before = acked.length;
    await new Promise((r) => setTimeout(r, 200));
    writing = false;
    await Promise.all(writers);
    const afterLastReplace = acked.slice(before);

    expect(failures).toEqual([]);
    expect(adminStatuses.every((s) => s === 200)).toBe(true);
    expect(afterLastReplace.length).toBeGreaterThan(0);

    const shown = await getState(server.url);
    const shownSlugs = optionSlugs(shown.state, skills.id);
    for (const slug of afterLastReplace) expect(shownSlugs.has(slug), `${slug}, acknowledged after the last replace, is shown`).toBe(true);
    expect(deletedSegmentHandles(server.process.pid!)).toEqual([]);

    await server.kill("SIGKILL");
    checkFiles(db);
    server = await startServer(db);
    const restarted = await getState(server.url);
    // Everything GET /__admin/state showed, acknowledged writes included, is what the file holds.
    expect(restarted.text === shown.text, "the state after kill -9 and a restart is byte-identical to the one shown").toBe(true);
    const kept = acked.filter((slug) => shownSlugs.has(slug)).length;
    expect(kept).toBeGreaterThanOrEqual(afterLastReplace.length);
    await server.kill("SIGKILL");
  }, 120_000);

  it("writes that arrive during a reset wait for it and apply to the new state (no 5xx)", async () => {
    const db = tempDb();
    const server = await startServer(db, ["--scenario", "multi-org"]);
    const facts = scenarioFacts((await getState(server.url)).state);
    const userId = facts.memberUserIds[0]!;
    const path = `/v2/organizations/${facts.org.id}/users/${userId}`;
    const reset = call(server.url, "POST", "/__admin/reset", {});
    const patches = await Promise.all(Array.from({ length: 40 }, (_, i) => call(server.url, "PATCH", path, { bio: `bio ${i}` })));
    expect((await reset).status).toBe(200);
    expect(patches.map((p) => p.status).filter((s) => s !== 200)).toEqual([]);
    const state = (await getState(server.url)).state;
    const bio = state.users.find((u) => u.id === userId)?.bio;
    // The last PATCH answered is the one the state holds, whether it came before or after the reset's snapshot.
    expect(patches.map((p) => (p.body as { data: { bio: string } }).data.bio)).toContain(bio);
    await server.kill("SIGKILL");
    const again = await startServer(db, ["--scenario", "multi-org"]);
    expect((await getState(again.url)).state.users.find((u) => u.id === userId)?.bio).toBe(bio);
    await again.kill("SIGKILL");
  }, 60_000);

  it("the in-process API: concurrent mock.reset() calls and writes keep every acknowledged write of the final state", async () => {
    const db = tempDb();
    const mock = await createMockServer({ db });
    const facts = scenarioFacts(mock.state());
    const skills = facts.attr("skills");
    const optionsPath = `/v2/organizations/${facts.org.id}/attributes/${skills.id}/options`;
    const statuses: number[] = [];
    const writes = Array.from({ length: 30 }, async (_, i) => {
      const reply = await call(mock.url, "POST", optionsPath, { value: `p${i}`, slug: `p${i}` });
      statuses.push(reply.status);
    });
    await Promise.all([mock.reset(), mock.reset(), mock.reset({ seed: 42 }), ...writes]);
    expect(statuses.filter((s) => s !== 201)).toEqual([]);
    const shown = JSON.stringify(mock.state());
    expect(deletedSegmentHandles(process.pid)).toEqual([]);
    await mock.close();
    const reopened = await createMockServer({ db });
    expect(JSON.stringify(reopened.state())).toBe(shown);
    await reopened.close();
  }, 60_000);
});
