import { describe, expect, it } from "vitest";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, expectError, expectSuccess, type Client, freshScenarioEachTest, type ScenarioFacts } from "../support/harness.js";

let api: Client;
let state: State;
let facts: ScenarioFacts;
let base: string;
freshScenarioEachTest((fresh) => ({ api, state, facts, base } = fresh));

const NOT_ASSIGNED_MESSAGE =
  "Options provided in assignedOptionIds are not assigned to anyone, or the users are not part of the teams specified in teamIds filter.";

interface Query {
  skip?: number;
  take?: number;
  assignedOptionIds?: string[];
  teamIds?: number[];
}

/** The user ids holding an option, in assignment order (read from the state, not from the server's indexes). */
function holders(optionId: string): number[] {
  return state.attributeAssignments
    .filter((a) => a.attributeOptionId === optionId)
    .map((a) => state.memberships.find((m) => m.id === a.memberId)!.userId);
}

function teamUserIds(teamIds: number[]): Set<number> {
  return new Set(state.memberships.filter((m) => teamIds.includes(m.teamId)).map((m) => m.userId));
}

/**
 * An independent model of the listing, written from the behavior notes: candidates are the attribute's options
 * that someone holds (a member of teamIds when given); skip/take page the candidates; assignedOptionIds then keeps
 * the page's options that share a holder (restricted to teamIds) with the given options.
 */
function expected(attributeId: string, q: Query = {}) {
  const teamUsers = q.teamIds ? teamUserIds(q.teamIds) : undefined;
  const candidates = state.attributeOptions
    .filter((o) => o.attributeId === attributeId)
    .filter((o) => {
      const users = holders(o.id);
      return users.length > 0 && (!teamUsers || users.some((u) => teamUsers.has(u)));
    });
  let page = candidates.slice(q.skip ?? 0, (q.skip ?? 0) + (q.take ?? Infinity));
  if (q.assignedOptionIds) {
    // Cal.com: teamIds only decides which given options qualify (a holder in the teams); then all their holders count.
    const qualifying = q.assignedOptionIds.filter((id) => !teamUsers || holders(id).some((u) => teamUsers.has(u)));
    const wanted = new Set(qualifying.flatMap((id) => holders(id)));
    page = page.filter((o) => holders(o.id).some((u) => wanted.has(u)));
  }
  return page.map((o) => ({ id: o.id, attributeId: o.attributeId, value: o.value, slug: o.slug, assignedUserIds: holders(o.id) }));
}

const byId = (attributeId: string, query = "") => `${base}/attributes/${attributeId}/options/assigned${query}`;
const bySlug = (slug: string, query = "") => `${base}/attributes/slugs/${slug}/options/assigned${query}`;

describe("GET /attributes/{attributeId}/options/assigned and /attributes/slugs/{attributeSlug}/options/assigned", () => {
  it.each(["department", "skills", "job-title", "years-of-experience", "legacy-region"])(
    "lists the held options of %s with every holder, by id and by slug alike, to a member",
    async (slug) => {
      const attr = facts.attr(slug);
      const data = expectSuccess(await api.get(byId(attr.id), MEMBER_KEY));
      expect(data.length).toBeGreaterThan(0);
      expect(data).toEqual(expected(attr.id));
      expect(expectSuccess(await api.get(bySlug(slug), MEMBER_KEY))).toEqual(data);
    },
  );

  it("lists the users of an option by user id, not by membership id", async () => {
    const skills = facts.attr("skills");
    const data = expectSuccess(await api.get(byId(skills.id)));
    const total = data.reduce((n: number, o: { assignedUserIds: number[] }) => n + o.assignedUserIds.length, 0);
    const optionIds = new Set(facts.optionsOf(skills.id).map((o) => o.id));
    expect(total).toBe(state.attributeAssignments.filter((a) => optionIds.has(a.attributeOptionId)).length);
    for (const o of data as Array<{ assignedUserIds: number[] }>) for (const u of o.assignedUserIds) expect(facts.memberUserIds).toContain(u);
  });

  it("leaves out options nobody holds, and shows them once assigned", async () => {
    const dept = facts.attr("department");
    const legal = expectSuccess(await api.post(`${base}/attributes/${dept.id}/options`, { value: "Legal", slug: "legal" }), 201);
    const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((o) => o.id);
    expect(ids(await api.get(byId(dept.id)))).not.toContain(legal.id);
    expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: dept.id, attributeOptionId: legal.id }), 201);
    const data = expectSuccess(await api.get(byId(dept.id)));
    // Shaped by its output class: the option's stored isGroup and contains are not in this listing.
    const { isGroup: _isGroup, contains: _contains, ...listed } = legal;
    expect(data.at(-1)).toEqual({ ...listed, assignedUserIds: [facts.memberId] });
  });

  // organization-attribute-options.repository.ts (getOrganizationAttributeAssignedOptions): an unknown attribute
  // simply has no options to list.
  it("answers 200 with nothing for an unknown attribute id or slug", async () => {
    expect(expectSuccess(await api.get(byId("cunknown00000000000000000")))).toEqual([]);
    expect(expectSuccess(await api.get(bySlug("no-such-slug")))).toEqual([]);
  });

  describe("skip and take", () => {
    it("page the held options", async () => {
      const skills = facts.attr("skills");
      const all = expected(skills.id);
      expect(all.length).toBeGreaterThan(4);
      expect(expectSuccess(await api.get(byId(skills.id, "?take=2")))).toEqual(all.slice(0, 2));
      expect(expectSuccess(await api.get(byId(skills.id, "?skip=2&take=3")))).toEqual(all.slice(2, 5));
      expect(expectSuccess(await api.get(bySlug("skills", "?skip=3")))).toEqual(all.slice(3));
      expect(expectSuccess(await api.get(byId(skills.id, "?take=1000")))).toEqual(all);
      expect(expectSuccess(await api.get(byId(skills.id, "?take=2147483647")))).toEqual(all);
    });

    it("answer an empty page past the end", async () => {
      const skills = facts.attr("skills");
      const count = expected(skills.id).length;
      expect(expectSuccess(await api.get(byId(skills.id, `?skip=${count}`)))).toEqual([]);
      expect(expectSuccess(await api.get(bySlug("skills", "?skip=500&take=5")))).toEqual([]);
    });

    it.each(["take=0", "take=-1", "skip=-1", "take=x", "skip=x1", "take=2147483648"])("refuse %s with a 400 naming the field", async (query) => {
      const field = query.split("=")[0]!;
      expectError(await api.get(byId(facts.attr("skills").id, `?${query}`)), 400, "BadRequestException", new RegExp(field));
      expectError(await api.get(bySlug("skills", `?${query}`)), 400, "BadRequestException", new RegExp(field));
    });
  });

  describe("teamIds", () => {
    it("keeps only options held by a member of the teams, still listing every holder", async () => {
      const skills = facts.attr("skills");
      const sales = facts.teams.find((t) => t.slug === "sales")!;
      const data = expectSuccess(await api.get(byId(skills.id, `?teamIds=${sales.id}`)));
      expect(data).toEqual(expected(skills.id, { teamIds: [sales.id] }));
      expect(data.length).toBeGreaterThan(0);
      const salesUsers = teamUserIds([sales.id]);
      for (const o of data as Array<{ id: string; assignedUserIds: number[] }>) {
        expect(o.assignedUserIds.some((u) => salesUsers.has(u))).toBe(true);
        expect(o.assignedUserIds).toEqual(holders(o.id));
      }
      // assignedUserIds is not narrowed to the team: some listed holder is outside Sales.
      expect(data.some((o: { assignedUserIds: number[] }) => o.assignedUserIds.some((u) => !salesUsers.has(u)))).toBe(true);
    });

    it("narrows the candidates for a single select attribute", async () => {
      const dept = facts.attr("department");
      // Find a team whose members do not hold every department option, so the filter visibly narrows.
      const narrowing = facts.teams.find((t) => expected(dept.id, { teamIds: [t.id] }).length < expected(dept.id).length);
      expect(narrowing).toBeDefined();
      const data = expectSuccess(await api.get(bySlug("department", `?teamIds=${narrowing!.id}`)));
      expect(data).toEqual(expected(dept.id, { teamIds: [narrowing!.id] }));
      expect(data.length).toBeLessThan(expected(dept.id).length);
    });

    // get-assigned-attribute-options.input.ts: the teamIds @Transform splits and parseInts a string only; given
    // twice (or as teamIds[]) it stays a list of strings, which @IsInt({each: true}) refuses.
    it("takes a comma-separated list; refuses the parameter given twice or in qs's list syntax", async () => {
      const skills = facts.attr("skills");
      const [a, b] = facts.teams;
      const want = expected(skills.id, { teamIds: [a!.id, b!.id] });
      expect(expectSuccess(await api.get(byId(skills.id, `?teamIds=${a!.id},${b!.id}`)))).toEqual(want);
      expect(expectSuccess(await api.get(bySlug("skills", `?teamIds=${b!.id},${a!.id}`)))).toEqual(want);
      expect(expectSuccess(await api.get(bySlug("skills", `?teamIds=${a!.id}abc,${b!.id}.5`)))).toEqual(want);
      for (const query of [`teamIds=${a!.id}&teamIds=${b!.id}`, `teamIds[]=${a!.id}&teamIds[]=${b!.id}`, `teamIds[0]=${a!.id}`]) {
        const res = await api.get(byId(skills.id, `?${query}`));
        expectError(res, 400, "BadRequestException", /teamIds/);
        expect(res.body.error.details.errors[0]).toMatchObject({
          target: { teamIds: [String(a!.id), ...(query.includes(String(b!.id)) ? [String(b!.id)] : [])] },
          property: "teamIds",
          constraints: { isInt: "each value in teamIds must be an integer number" },
        });
      }
    });

    it("counts the organization's own id as a team of all its members", async () => {
      const skills = facts.attr("skills");
      expect(expectSuccess(await api.get(byId(skills.id, `?teamIds=${facts.org.id}`)))).toEqual(expected(skills.id));
    });

    it("finds nobody in a team that does not exist", async () => {
      expect(expectSuccess(await api.get(byId(facts.attr("skills").id, "?teamIds=999999")))).toEqual([]);
    });

    it("pages after filtering by team", async () => {
      const skills = facts.attr("skills");
      const team = facts.teams[1]!;
      const want = expected(skills.id, { teamIds: [team.id], skip: 1, take: 2 });
      expect(want).toHaveLength(2);
      expect(expectSuccess(await api.get(byId(skills.id, `?teamIds=${team.id}&skip=1&take=2`)))).toEqual(want);
    });

    it.each(["teamIds=", "teamIds=,", "teamIds=abc", "teamIds=2,abc", "teamIds=0", "teamIds=.5", "teamIds=-3", "teamIds=2,", "teamIds=2,%20", "teamIds=2,,3"])("refuses %s with a 400 naming teamIds", async (query) => {
      expectError(await api.get(byId(facts.attr("skills").id, `?${query}`)), 400, "BadRequestException", /teamIds/);
      expectError(await api.get(bySlug("skills", `?${query}`)), 400, "BadRequestException", /teamIds/);
    });
  });

  describe("assignedOptionIds", () => {
    it("keeps the options that share a holder with the given options", async () => {
      const skills = facts.attr("skills");
      const go = facts.optionsOf(skills.id).find((o) => o.slug === "go")!;
      const data = expectSuccess(await api.get(byId(skills.id, `?assignedOptionIds=${go.id}`)));
      const want = expected(skills.id, { assignedOptionIds: [go.id] });
      expect(data).toEqual(want);
      expect(data.map((o: { id: string }) => o.id)).toContain(go.id);
      // Every kept option has a holder who also holds Go, and assignedUserIds still lists all holders.
      const goUsers = new Set(holders(go.id));
      for (const o of data as Array<{ id: string; assignedUserIds: number[] }>) {
        expect(o.assignedUserIds.some((u) => goUsers.has(u))).toBe(true);
        expect(o.assignedUserIds).toEqual(holders(o.id));
      }
      expect(data.length).toBeLessThan(expected(skills.id).length);
    });

    it("filters by options of another attribute of the organization", async () => {
      const skills = facts.attr("skills");
      const support = facts.optionsOf(facts.attr("department").id).find((o) => o.slug === "support")!;
      const data = expectSuccess(await api.get(bySlug("skills", `?assignedOptionIds=${support.id}`)));
      expect(data).toEqual(expected(skills.id, { assignedOptionIds: [support.id] }));
      expect(data.length).toBeGreaterThan(0);
    });

    it("takes a comma-separated list and a repeated parameter alike", async () => {
      const skills = facts.attr("skills");
      const [x, , , y] = facts.optionsOf(skills.id);
      const want = expected(skills.id, { assignedOptionIds: [x!.id, y!.id] });
      expect(expectSuccess(await api.get(byId(skills.id, `?assignedOptionIds=${x!.id},${y!.id}`)))).toEqual(want);
      expect(expectSuccess(await api.get(byId(skills.id, `?assignedOptionIds=${x!.id}&assignedOptionIds=${y!.id}`)))).toEqual(want);
    });

    it("applies skip and take before the narrowing", async () => {
      const dept = facts.attr("department");
      const candidates = expected(dept.id);
      expect(candidates.length).toBeGreaterThanOrEqual(3);
      // In a single select attribute the holders of two options are disjoint, so an option only matches itself.
      const third = candidates[2]!;
      for (const other of candidates) {
        if (other.id !== third.id) expect(other.assignedUserIds.filter((u) => third.assignedUserIds.includes(u))).toEqual([]);
      }
      // Paging first: the first page (the first option) has no holder of the third, so nothing is left.
      expect(expectSuccess(await api.get(byId(dept.id, `?assignedOptionIds=${third.id}&take=1`)))).toEqual([]);
      expect(expectSuccess(await api.get(byId(dept.id, `?assignedOptionIds=${third.id}&take=2`)))).toEqual([]);
      expect(expectSuccess(await api.get(byId(dept.id, `?assignedOptionIds=${third.id}&skip=2&take=1`)))).toEqual([third]);
      expect(expectSuccess(await api.get(byId(dept.id, `?assignedOptionIds=${third.id}&skip=3`)))).toEqual([]);
      expect(expectSuccess(await api.get(byId(dept.id, `?assignedOptionIds=${third.id}`)))).toEqual([third]);
    });

    it("combines with teamIds: given options qualify by a holder in the teams, then all their holders count", async () => {
      const skills = facts.attr("skills");
      const options = facts.optionsOf(skills.id);
      let found: { teamId: number; optionId: string } | undefined;
      for (const team of facts.teams) {
        for (const o of options) {
          const q = { teamIds: [team.id], assignedOptionIds: [o.id] };
          // A case where the team restriction changes the answer beyond what either filter alone gives.
          const both = expected(skills.id, q);
          if (both.length > 0 && both.length < expected(skills.id, { assignedOptionIds: [o.id] }).length) found ??= { teamId: team.id, optionId: o.id };
        }
      }
      expect(found).toBeDefined();
      const { teamId, optionId } = found!;
      const data = expectSuccess(await api.get(byId(skills.id, `?teamIds=${teamId}&assignedOptionIds=${optionId}`)));
      expect(data).toEqual(expected(skills.id, { teamIds: [teamId], assignedOptionIds: [optionId] }));
    });

    it("answers 404 with Cal.com's message when no given id is an option of the organization", async () => {
      const skills = facts.attr("skills");
      const path = byId(skills.id, "?assignedOptionIds=cnothere0000000000000000000");
      expectError(await api.get(path), 404, "NotFoundException", NOT_ASSIGNED_MESSAGE, path);
      expectError(await api.get(bySlug("skills", "?assignedOptionIds=a,b,c")), 404, "NotFoundException", NOT_ASSIGNED_MESSAGE);
    });

    it("ignores unknown ids when another given id is an option of the organization", async () => {
      const skills = facts.attr("skills");
      const go = facts.optionsOf(skills.id).find((o) => o.slug === "go")!;
      expect(expectSuccess(await api.get(byId(skills.id, `?assignedOptionIds=cnothere0000000000000000000,${go.id}`)))).toEqual(
        expected(skills.id, { assignedOptionIds: [go.id] }),
      );
    });

    it("counts an option nobody holds as matching, and so answers an empty list rather than 404", async () => {
      const skills = facts.attr("skills");
      const fresh = expectSuccess(await api.post(`${base}/attributes/${skills.id}/options`, { value: "Rust", slug: "rust" }), 201);
      expect(expectSuccess(await api.get(byId(skills.id, `?assignedOptionIds=${fresh.id}`)))).toEqual([]);
    });

    it.each(["assignedOptionIds=", "assignedOptionIds=,", `assignedOptionIds=${"x".repeat(256)}`])("refuses %s with a 400 naming assignedOptionIds", async (query) => {
      expectError(await api.get(byId(facts.attr("skills").id, `?${query}`)), 400, "BadRequestException", /assignedOptionIds/);
    });
  });
});
