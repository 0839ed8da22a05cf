import { afterAll, describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { scenarioFacts } from "../support/harness.js";
import { call, checkFiles, checkIntegrity, cleanup, getState, historyCounts, sleep, startServer, tempDb, type Child } from "./support.js";

/**
 * SIGKILL in the middle of a stream of writes, again and again on the same file: after each restart the JSON
 * file parses, the journal is intact but for a torn last line, and every write acknowledged (2xx received) before
 * the kill is there; writes whose answer never came may or may not be, and nothing else appears.
 */

afterAll(cleanup);

interface Pair {
  key: string;
  membershipId: number;
  userId: number;
  optionId: string;
  /** What the last acknowledged write (or, after a restart, the state read back) says. */
  assigned: boolean;
  /** The id of the assignment the last acknowledged assign made. */
  assignmentId: string | undefined;
  /** A write sent but not answered when the server died. */
  pending: "assign" | "unassign" | undefined;
  /** Assignments and unassignments known durable: acknowledged, or pending and found after the restart. */
  assigns: number;
  unassigns: number;
}

interface CreatedOption {
  slug: string;
  id: string | undefined;
  acked: boolean;
}

const SLUG_PREFIX = "durable-";
const WORKERS = 6;
const PAIRS_PER_WORKER = 3;

describe("SIGKILL during a stream of writes", () => {
  it("keeps every acknowledged write, over several kills at different moments, on one file", async () => {
    const db = tempDb();
    let server: Child = await startServer(db);
    const first = (await getState(server.url)).state;
    const facts = scenarioFacts(first);
    const skills = facts.attr("skills");
    const options = facts.optionsOf(skills.id);
    const orgId = facts.org.id;
    const baseHistory = historyCounts(first);

    // Each worker owns its pairs, so the outcome of every acknowledged write is known exactly.
    const pairs: Pair[] = [];
    const members = facts.memberUserIds.filter((id) => id !== facts.memberId).slice(0, WORKERS * PAIRS_PER_WORKER);
    members.forEach((userId, i) => {
      const membershipId = facts.orgMembership(userId)!.id;
      const optionId = options[i % options.length]!.id;
      const assignment = first.attributeAssignments.find((a) => a.memberId === membershipId && a.attributeOptionId === optionId);
      pairs.push({ key: `${membershipId}:${optionId}`, membershipId, userId, optionId, assigned: !!assignment, assignmentId: assignment?.id, pending: undefined, assigns: 0, unassigns: 0 });
    });
    const created: CreatedOption[] = [];
    const failures: string[] = [];
    let acknowledged = 0;

    async function worker(url: string, own: Pair[], stop: { now: boolean }): Promise<void> {
      for (let step = 0; !stop.now; step++) {
        if (step % 3 === 2) {
          const option: CreatedOption = { slug: `${SLUG_PREFIX}${created.length}-${Date.now().toString(36)}`, id: undefined, acked: false };
          created.push(option);
          let reply;
          try {
            reply = await call(url, "POST", `/v2/organizations/${orgId}/attributes/${skills.id}/options`, { value: option.slug, slug: option.slug });
          } catch {
            return; // the server died: the outcome is unknown
          }
          if (reply.status !== 201) failures.push(`create option → ${reply.status} ${JSON.stringify(reply.body)}`);
          else Object.assign(option, { id: reply.body.data.id as string, acked: true }), acknowledged++;
          continue;
        }
        const pair = own[step % own.length]!;
        pair.pending = pair.assigned ? "unassign" : "assign";
        let reply;
        try {
          reply = pair.assigned
            ? await call(url, "DELETE", `/v2/organizations/${orgId}/attributes/options/${pair.userId}/${pair.optionId}`)
            : await call(url, "POST", `/v2/organizations/${orgId}/attributes/options/${pair.userId}`, { attributeId: skills.id, attributeOptionId: pair.optionId });
        } catch {
          return; // pending stays set: the write may or may not have been made durable
        }
        const expected = pair.assigned ? 200 : 201;
        if (reply.status !== expected) {
          failures.push(`${pair.pending} ${pair.key} → ${reply.status} ${JSON.stringify(reply.body)}`);
          pair.pending = undefined;
          return;
        }
        acknowledged++;
        if (pair.assigned) {
          pair.unassigns++;
          pair.assigned = false;
          pair.assignmentId = undefined;
        } else {
          pair.assigns++;
          pair.assigned = true;
          pair.assignmentId = reply.body.data.id as string;
        }
        pair.pending = undefined;
      }
    }

    /** After a restart: the state must hold every acknowledged write; pending ones are settled from what it holds. */
    function verify(state: State, when: string): void {
      checkIntegrity(state);
      const held = new Map(state.attributeAssignments.map((a) => [`${a.memberId}:${a.attributeOptionId}`, a]));
      const history = historyCounts(state);
      for (const pair of pairs) {
        const found = held.get(pair.key);
        if (pair.pending === undefined) {
          expect(!!found, `${when}: pair ${pair.key} (acknowledged ${pair.assigned ? "assigned" : "unassigned"})`).toBe(pair.assigned);
          if (pair.assigned && pair.assignmentId) expect(found?.id, `${when}: assignment of ${pair.key}`).toBe(pair.assignmentId);
        } else {
          const landed = !!found !== pair.assigned;
          if (landed && pair.pending === "assign") pair.assigns++;
          if (landed && pair.pending === "unassign") pair.unassigns++;
          pair.assigned = !!found;
          pair.assignmentId = found?.id;
          pair.pending = undefined;
        }
        // Each assignment change and its history entry are one transaction: both durable, or neither.
        const base = baseHistory.get(pair.key) ?? { assigned: 0, unassigned: 0 };
        const now = history.get(pair.key) ?? { assigned: 0, unassigned: 0 };
        expect({ assigned: now.assigned - base.assigned, unassigned: now.unassigned - base.unassigned }, `${when}: history of ${pair.key}`).toEqual({
          assigned: pair.assigns,
          unassigned: pair.unassigns,
        });
      }
      const bySlug = new Map(state.attributeOptions.filter((o) => o.slug.startsWith(SLUG_PREFIX)).map((o) => [o.slug, o]));
      for (const option of created) {
        const found = bySlug.get(option.slug);
        if (option.acked) expect(found, `${when}: acknowledged option ${option.slug}`).toMatchObject({ id: option.id, value: option.slug, attributeId: skills.id });
        else if (found) Object.assign(option, { id: found.id, acked: true });
        bySlug.delete(option.slug);
      }
      expect([...bySlug.keys()], `${when}: options nobody created`).toEqual([]);
    }

    // How each cycle ends: once this many writes of the cycle are acknowledged (counting, not timing, so a loaded
    // machine kills at the same points), by SIGKILL, SIGTERM (a clean stop, which compacts), or SIGTERM followed at
    // once by SIGKILL (killed while saving). Writes are in flight at every kill: six workers keep sending.
    const endings: Array<{ acks: number; how: "kill" | "term" | "term+kill" }> = [
      { acks: 0, how: "kill" },
      { acks: 15, how: "kill" },
      { acks: 60, how: "kill" },
      { acks: 30, how: "term+kill" },
      { acks: 30, how: "term" },
      { acks: 120, how: "kill" },
    ];
    for (const [cycle, ending] of endings.entries()) {
      const stop = { now: false };
      const target = acknowledged + ending.acks;
      const work = Array.from({ length: WORKERS }, (_, w) => worker(server.url, pairs.slice(w * PAIRS_PER_WORKER, (w + 1) * PAIRS_PER_WORKER), stop));
      const deadline = Date.now() + 30_000;
      while (acknowledged < target && failures.length === 0 && Date.now() < deadline) await sleep(1);
      if (ending.how === "kill") await server.kill("SIGKILL");
      else if (ending.how === "term") await server.kill("SIGTERM");
      else {
        server.process.kill("SIGTERM");
        await sleep(3);
        await server.kill("SIGKILL");
      }
      stop.now = true;
      await Promise.all(work);
      expect(failures, server.output()).toEqual([]);
      expect(acknowledged, `cycle ${cycle}: writes acknowledged before the kill`).toBeGreaterThanOrEqual(target);
      checkFiles(db);
      server = await startServer(db);
      verify((await getState(server.url)).state, `after cycle ${cycle} (${ending.how} after ${ending.acks} acknowledged writes)`);
    }

    // A restart replays the journal: a restart without writes in between reads the same state.
    const settled = (await getState(server.url)).text;
    await server.kill("SIGKILL");
    server = await startServer(db);
    expect((await getState(server.url)).text).toBe(settled);
    await server.kill("SIGKILL");
  }, 90_000);
});
