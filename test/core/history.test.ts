import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
freshScenarioEachTest((fresh) => ({ api, state, facts, base } = fresh));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const history = (userId: number, query = "", key?: string) => api.get(`${base}/attributes/assignments/${userId}/history${query}`, key);
const attrSummary = (slug: string) => {
  const a = facts.attr(slug);
  return { id: a.id, slug: a.slug, name: a.name, type: a.type };
};
const option = (slug: string, optionSlug: string) => facts.optionsOf(facts.attr(slug).id).find((o) => o.slug === optionSlug)!;
const holds = (userId: number, optionId: string) =>
  state.attributeAssignments.some((a) => a.attributeOptionId === optionId && a.memberId === facts.orgMembership(userId)!.id);
const actorOf = (key: string) => {
  const user = state.users.find((u) => u.id === facts.keyOf(key))!;
  return { type: "USER", displayName: user.name, displayEmail: user.email, displayAvatar: null };
};

describe("GET /attributes/assignments/{userId}/history", () => {
  it("is empty for a member nothing has happened to", async () => {
    const data = expectSuccess(await history(facts.memberId));
    expect(data).toEqual({ userId: facts.memberId, membershipId: facts.orgMembership(facts.memberId)!.id, auditLogs: [], hasMore: false });
  });

  it("records an assignment, with who made it", async () => {
    const userId = facts.memberUserIds[6]!;
    const go = option("skills", "go");
    const target = holds(userId, go.id) ? option("skills", "python") : go;
    expect(holds(userId, target.id)).toBe(false);
    expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: target.id, weight: 12 }), 201);
    const data = expectSuccess(await history(userId));
    expect(data.userId).toBe(userId);
    expect(data.membershipId).toBe(facts.orgMembership(userId)!.id);
    expect(data.hasMore).toBe(false);
    expect(data.nextCursor).toBeUndefined();
    expect(data.auditLogs).toHaveLength(1);
    const [log] = data.auditLogs;
    expect(log).toMatchObject({ id: expect.stringMatching(UUID), source: "API_V2", actor: actorOf(ADMIN_KEY), sourceContext: expect.any(Object) });
    expect(new Date(log.timestamp).toISOString()).toBe(log.timestamp);
    expect(log.changes).toEqual([
      { type: "ASSIGNED", attribute: attrSummary("skills"), previous: null, current: { optionId: target.id, optionSlug: target.slug, value: target.value, weight: 12 } },
    ]);
  });

  it("records a weight change and an unassignment, newest first", async () => {
    const skills = facts.attr("skills");
    const a = state.attributeAssignments.find((x) => facts.optionsOf(skills.id).some((o) => o.id === x.attributeOptionId) && x.weight !== null)!;
    const userId = state.memberships.find((m) => m.id === a.memberId)!.userId;
    const o = state.attributeOptions.find((x) => x.id === a.attributeOptionId)!;
    const value = { optionId: o.id, optionSlug: o.slug, value: o.value };
    expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${o.id}`, { weight: a.weight! + 1 }, OWNER_KEY));
    expectSuccess(await api.del(`${base}/attributes/options/${userId}/${o.id}`));
    const logs = expectSuccess(await history(userId)).auditLogs;
    expect(logs.map((l: { changes: Array<{ type: string }> }) => l.changes.map((c) => c.type))).toEqual([["UNASSIGNED"], ["WEIGHT_CHANGED"]]);
    expect(logs[1].changes[0]).toEqual({
      type: "WEIGHT_CHANGED",
      attribute: attrSummary("skills"),
      previous: { ...value, weight: a.weight },
      current: { ...value, weight: a.weight! + 1 },
    });
    expect(logs[1].actor).toEqual(actorOf(OWNER_KEY));
    expect(logs[0].changes[0]).toEqual({ type: "UNASSIGNED", attribute: attrSummary("skills"), previous: { ...value, weight: a.weight! + 1 }, current: null });
    expect(logs[0].actor).toEqual(actorOf(ADMIN_KEY));
  });

  it("records nothing for a weight that does not change, or a refused write", async () => {
    const a = state.attributeAssignments.find((x) => x.weight !== null)!;
    const userId = state.memberships.find((m) => m.id === a.memberId)!.userId;
    expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${a.attributeOptionId}`, { weight: a.weight }));
    expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${a.attributeOptionId}`, {}));
    expectError(await api.patch(`${base}/attributes/options/${userId}/${a.attributeOptionId}`, { weight: -3 }), 400, "BadRequestException");
    expectError(await api.post(`${base}/attributes/options/${userId}`, { attributeId: facts.attr("skills").id, attributeOptionId: a.attributeOptionId }), 409, "CONFLICT");
    expect(expectSuccess(await history(userId)).auditLogs).toEqual([]);
    expect((await api.state()).assignmentHistory).toEqual([]);
  });

  it("records a VALUE_CHANGED entry for every holder when an option is renamed", async () => {
    const dept = facts.attr("department");
    const sales = option("department", "sales");
    const holders = state.attributeAssignments.filter((a) => a.attributeOptionId === sales.id).map((a) => state.memberships.find((m) => m.id === a.memberId)!.userId);
    expect(holders.length).toBeGreaterThan(1);
    expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { value: "Revenue", slug: "revenue" }));
    for (const userId of holders) {
      const logs = expectSuccess(await history(userId)).auditLogs;
      expect(logs).toHaveLength(1);
      expect(logs[0].changes).toEqual([
        {
          type: "VALUE_CHANGED",
          attribute: attrSummary("department"),
          previous: { optionId: sales.id, optionSlug: "sales", value: "Sales", weight: null },
          current: { optionId: sales.id, optionSlug: "revenue", value: "Revenue", weight: null },
        },
      ]);
    }
    const nonHolder = facts.memberUserIds.find((u) => !holders.includes(u))!;
    expect(expectSuccess(await history(nonHolder)).auditLogs).toEqual([]);
    // Changing nothing records nothing.
    expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { value: "Revenue" }));
    expect(expectSuccess(await history(holders[0]!)).auditLogs).toHaveLength(1);
  });

  it("records an UNASSIGNED entry for every holder when an option is deleted", async () => {
    const dept = facts.attr("department");
    const support = option("department", "support");
    const holders = state.attributeAssignments.filter((a) => a.attributeOptionId === support.id).map((a) => state.memberships.find((m) => m.id === a.memberId)!.userId);
    expect(holders.length).toBeGreaterThan(1);
    expectSuccess(await api.del(`${base}/attributes/${dept.id}/options/${support.id}`));
    for (const userId of holders) {
      const logs = expectSuccess(await history(userId)).auditLogs;
      expect(logs.map((l: { changes: unknown[] }) => l.changes)).toEqual([
        [{ type: "UNASSIGNED", attribute: attrSummary("department"), previous: { optionId: support.id, optionSlug: "support", value: "Support", weight: null }, current: null }],
      ]);
    }
  });

  it("keeps each user's history apart", async () => {
    const skills = facts.attr("skills");
    const [u1, u2] = facts.memberUserIds.slice(10, 12);
    const free = (u: number) => facts.optionsOf(skills.id).find((o) => !holds(u, o.id))!;
    expectSuccess(await api.post(`${base}/attributes/options/${u1}`, { attributeId: skills.id, attributeOptionId: free(u1!).id }), 201);
    expectSuccess(await api.post(`${base}/attributes/options/${u1}`, { attributeId: facts.attr("job-title").id, value: "Gardener" }), 201);
    expectSuccess(await api.post(`${base}/attributes/options/${u2}`, { attributeId: skills.id, attributeOptionId: free(u2!).id }), 201);
    const first = expectSuccess(await history(u1!)).auditLogs;
    const second = expectSuccess(await history(u2!)).auditLogs;
    expect(first).toHaveLength(2);
    expect(second).toHaveLength(1);
    expect(first[0].changes[0]).toMatchObject({ type: "ASSIGNED", attribute: attrSummary("job-title"), current: { value: "Gardener", optionSlug: "gardener" } });
    const ids = new Set([...first, ...second].map((l: { id: string }) => l.id));
    expect(ids.size).toBe(3);
  });

  describe("pagination", () => {
    /** Makes `n` history entries for one user: alternating weight changes of a held option. */
    async function entries(n: number): Promise<{ userId: number; all: Array<{ id: string }> }> {
      const a = state.attributeAssignments.find((x) => x.weight !== null)!;
      const userId = state.memberships.find((m) => m.id === a.memberId)!.userId;
      for (let i = 0; i < n; i++) {
        expectSuccess(await api.patch(`${base}/attributes/options/${userId}/${a.attributeOptionId}`, { weight: 1000 + i }));
      }
      const all = expectSuccess(await history(userId, "?limit=50")).auditLogs;
      expect(all).toHaveLength(n);
      // Newest first: the last weight set is first.
      expect(all.map((l: { changes: Array<{ current: { weight: number } }> }) => l.changes[0]!.current.weight)).toEqual(
        Array.from({ length: n }, (_, i) => 1000 + n - 1 - i),
      );
      return { userId, all };
    }

    it("pages with limit and a cursor until hasMore is false", async () => {
      const { userId, all } = await entries(5);
      const p1 = expectSuccess(await history(userId, "?limit=2"));
      expect(p1.auditLogs).toEqual(all.slice(0, 2));
      expect(p1.hasMore).toBe(true);
      expect(p1.nextCursor).toMatch(UUID);
      const p2 = expectSuccess(await history(userId, `?limit=2&cursor=${p1.nextCursor}`));
      expect(p2.auditLogs).toEqual(all.slice(2, 4));
      expect(p2.hasMore).toBe(true);
      expect(p2.nextCursor).toMatch(UUID);
      const p3 = expectSuccess(await history(userId, `?limit=2&cursor=${p2.nextCursor}`));
      expect(p3.auditLogs).toEqual(all.slice(4));
      expect(p3.hasMore).toBe(false);
      expect(p3.nextCursor).toBeUndefined();
    });

    it("says hasMore is false when the limit takes exactly the rest", async () => {
      const { userId, all } = await entries(4);
      const p1 = expectSuccess(await history(userId, "?limit=2"));
      const p2 = expectSuccess(await history(userId, `?limit=2&cursor=${p1.nextCursor}`));
      expect(p2.auditLogs).toEqual(all.slice(2));
      expect(p2.hasMore).toBe(false);
      expect(p2.nextCursor).toBeUndefined();
      const whole = expectSuccess(await history(userId, "?limit=4"));
      expect(whole).toMatchObject({ auditLogs: all, hasMore: false });
      expect(whole.nextCursor).toBeUndefined();
    });

    it("defaults to 25 entries a page and takes up to 50", async () => {
      const { userId, all } = await entries(27);
      const p1 = expectSuccess(await history(userId));
      expect(p1.auditLogs).toEqual(all.slice(0, 25));
      expect(p1.hasMore).toBe(true);
      const p2 = expectSuccess(await history(userId, `?cursor=${p1.nextCursor}`));
      expect(p2.auditLogs).toEqual(all.slice(25));
      expect(p2.hasMore).toBe(false);
      expect(expectSuccess(await history(userId, "?limit=50")).auditLogs).toEqual(all);
      expect(expectSuccess(await history(userId, "?limit=1")).auditLogs).toEqual(all.slice(0, 1));
    });

    it.each(["limit=0", "limit=51", "limit=-1", "limit=two", "cursor=not-a-uuid", "cursor="])("refuses %s with a 400 naming the field", async (query) => {
      const field = query.split("=")[0]!;
      expectError(await history(facts.adminId, `?${query}`), 400, "BadRequestException", new RegExp(field));
    });

    it("refuses a well-formed cursor that is not an entry of this user's history", async () => {
      const { all } = await entries(2);
      expectError(await history(facts.memberId, `?cursor=${all[0]!.id}`), 400, "BadRequestException", /cursor/);
      expectError(await history(facts.memberId, "?cursor=00000000-0000-4000-8000-000000000000"), 400, "BadRequestException", /cursor/);
    });
  });

  it("answers 404 for a user who is not an accepted member", async () => {
    for (const userId of [facts.pendingUserIds[0]!, facts.outsiderIds[0]!, 31337]) {
      expectError(await history(userId), 404, "NotFoundException", "User is not a member of the organization");
    }
  });

  it("is for admins: a member is refused, even for their own history", async () => {
    expectError(await history(facts.memberId, "", MEMBER_KEY), 403, "ForbiddenException", /RolesGuard - user with id=\d+ does not have the minimum required role=ORG_ADMIN/);
    expectSuccess(await history(facts.memberId, "", OWNER_KEY));
  });
});
