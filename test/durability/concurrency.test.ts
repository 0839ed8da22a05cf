import { afterAll, describe, expect, it } from "vitest";
import { scenarioFacts } from "../support/harness.js";
import { call, checkFiles, checkIntegrity, cleanup, getState, historyCounts, startServer, tempDb } from "./support.js";

/**
 * 50 clients assign and unassign the same few options of the same few members at once, against one server with
 * a file store. Whatever the interleaving: no duplicate (member, option), every assignment points at an option and
 * a membership, each pair ends as its 2xx answers imply (initial + assigns − unassigns, always 0 or 1) with one
 * history entry per 2xx, and the state read after a SIGKILL and restart is byte-identical.
 */

afterAll(cleanup);

const CLIENTS = 50;
const OPS_PER_CLIENT = 24;

/** A small deterministic generator, so a failing interleaving's requests can be replayed. */
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) >>> 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("50 concurrent clients on the same members and options", () => {
  it("end in a consistent state that a restart reproduces exactly", async () => {
    const db = tempDb();
    let server = await startServer(db);
    const initial = (await getState(server.url)).state;
    const facts = scenarioFacts(initial);
    const orgId = facts.org.id;
    const skills = facts.attr("skills");
    const jobTitle = facts.attr("job-title");
    const userIds = facts.memberUserIds.slice(0, 3);
    const optionIds = facts.optionsOf(skills.id).slice(0, 3).map((o) => o.id);
    const membershipOf = new Map(userIds.map((u) => [u, facts.orgMembership(u)!.id]));
    const key = (userId: number, optionId: string) => `${membershipOf.get(userId)}:${optionId}`;

    const tally = new Map<string, { assigns: number; unassigns: number }>();
    for (const u of userIds) for (const o of optionIds) tally.set(key(u, o), { assigns: 0, unassigns: 0 });
    const initiallyHeld = new Set(initial.attributeAssignments.map((a) => `${a.memberId}:${a.attributeOptionId}`));
    const assignmentIds: string[] = [];
    const failures: string[] = [];
    const statuses = new Map<string, number>();

    // Besides the storm: clients that assign the same new TEXT value to different members at once must end up
    // sharing one option for it.
    const sharedValue = `Concurrent title ${Date.now()}`;
    const valueMembers = facts.memberUserIds.slice(3, 13);

    async function client(n: number): Promise<void> {
      const random = mulberry32(1000 + n);
      if (n < valueMembers.length) {
        const reply = await call(server.url, "POST", `/v2/organizations/${orgId}/attributes/options/${valueMembers[n]}`, { attributeId: jobTitle.id, value: sharedValue });
        if (reply.status !== 201) failures.push(`assign value → ${reply.status} ${JSON.stringify(reply.body)}`);
      }
      for (let i = 0; i < OPS_PER_CLIENT; i++) {
        const userId = userIds[Math.floor(random() * userIds.length)]!;
        const optionId = optionIds[Math.floor(random() * optionIds.length)]!;
        const roll = random();
        const op = roll < 0.45 ? "assign" : roll < 0.9 ? "unassign" : "weight";
        const reply =
          op === "assign"
            ? await call(server.url, "POST", `/v2/organizations/${orgId}/attributes/options/${userId}`, { attributeId: skills.id, attributeOptionId: optionId, weight: Math.floor(random() * 100) })
            : op === "unassign"
              ? await call(server.url, "DELETE", `/v2/organizations/${orgId}/attributes/options/${userId}/${optionId}`)
              : await call(server.url, "PATCH", `/v2/organizations/${orgId}/attributes/options/${userId}/${optionId}`, { weight: Math.floor(random() * 100) });
        statuses.set(`${op} ${reply.status}`, (statuses.get(`${op} ${reply.status}`) ?? 0) + 1);
        const t = tally.get(key(userId, optionId))!;
        if (op === "assign" && reply.status === 201) {
          t.assigns++;
          assignmentIds.push(reply.body.data.id as string);
          expect(reply.body.data).toMatchObject({ memberId: membershipOf.get(userId), attributeOptionId: optionId });
        } else if (op === "unassign" && reply.status === 200) {
          t.unassigns++;
          expect(reply.body.data).toMatchObject({ memberId: membershipOf.get(userId), attributeOptionId: optionId });
        } else if (!(op === "assign" && reply.status === 409) && !(op !== "assign" && (reply.status === 404 || reply.status === 200))) {
          failures.push(`${op} ${key(userId, optionId)} → ${reply.status} ${JSON.stringify(reply.body)}`);
        }
      }
    }

    await Promise.all(Array.from({ length: CLIENTS }, (_, n) => client(n)));
    expect(failures, server.output()).toEqual([]);
    // The storm must have raced: successes and refusals of both kinds.
    for (const s of ["assign 201", "assign 409", "unassign 200", "unassign 404"]) expect(statuses.get(s) ?? 0, `${s} answers`).toBeGreaterThan(0);

    const { text, state } = await getState(server.url);
    checkIntegrity(state);
    expect(new Set(assignmentIds).size, "assignment ids are unique").toBe(assignmentIds.length);
    const held = new Set(state.attributeAssignments.map((a) => `${a.memberId}:${a.attributeOptionId}`));
    const before = historyCounts(initial);
    const after = historyCounts(state);
    for (const [pair, t] of tally) {
      const start = initiallyHeld.has(pair) ? 1 : 0;
      const implied = start + t.assigns - t.unassigns;
      expect([0, 1], `${pair}: ${start} + ${t.assigns} assigns − ${t.unassigns} unassigns`).toContain(implied);
      expect(held.has(pair) ? 1 : 0, `${pair} held at the end`).toBe(implied);
      const b = before.get(pair) ?? { assigned: 0, unassigned: 0 };
      const a = after.get(pair) ?? { assigned: 0, unassigned: 0 };
      expect({ assigned: a.assigned - b.assigned, unassigned: a.unassigned - b.unassigned }, `history of ${pair}`).toEqual({ assigned: t.assigns, unassigned: t.unassigns });
    }
    const shared = state.attributeOptions.filter((o) => o.attributeId === jobTitle.id && o.value === sharedValue);
    // As in Cal.com, each assignment of a value makes an option of its own: one per member, each held once.
    expect(shared, "one option per concurrent assignment of a value").toHaveLength(valueMembers.length);
    for (const option of shared) expect(state.attributeAssignments.filter((a) => a.attributeOptionId === option.id)).toHaveLength(1);

    // A SIGKILL and a restart replay the journal to the very same state; so does a clean stop and start.
    await server.kill("SIGKILL");
    checkFiles(db);
    server = await startServer(db);
    expect((await getState(server.url)).text, "state after SIGKILL and restart").toBe(text);
    await server.kill("SIGTERM");
    checkFiles(db);
    server = await startServer(db);
    expect((await getState(server.url)).text, "state after SIGTERM and restart").toBe(text);
    await server.kill("SIGKILL");
  }, 60_000);
});
