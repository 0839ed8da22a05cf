import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import { ADMIN_KEY, expectError, expectSuccess, startMock, type Client } from "../support/harness.js";

/**
 * An organization built only through /v2 calls, from the empty-org scenario (an organization and its admin):
 * users, teams, team memberships, attributes, options and assignments. The org users list and the assigned-options
 * queries are then checked against answers this file computes from what the calls returned, never from the store.
 */

let mock: MockServer;
let api: Client;
let base: string;

/** What the test knows, from the answers of its own calls. */
const model = {
  users: new Map<number, { email: string; membershipId?: number; accepted: boolean }>(),
  /** teamId → user ids with a membership of it. */
  teams: new Map<number, Set<number>>(),
  /** userId → (optionId → assignment id). */
  holdings: new Map<number, Map<string, string>>(),
  /** optionId → holders in assignment order. */
  holders: new Map<string, number[]>(),
};
const options: Record<string, string> = {};
let skillsId = "";
let adminId = 0;
let orgId = 0;

type Operator = "AND" | "OR" | "NONE";

/**
 * Cal.com's attribute filter, computed from the model: a member qualifies by AND (holds every listed option), OR
 * (holds one) or NONE (holds an option that is not listed: Cal.com's code, not its docs' "holds none of them"),
 * and is placed by the smallest id among the assignment rows that made them qualify.
 */
function expectedFiltered(optionIds: string[], operator: Operator, teamIds?: number[]): number[] {
  const rows: Array<[number, string]> = [];
  for (const [userId, held] of model.holdings) {
    let qualifying: string[];
    if (operator === "AND") qualifying = optionIds.every((o) => held.has(o)) ? [...held.values()] : [];
    else if (operator === "OR") qualifying = [...held].filter(([o]) => optionIds.includes(o)).map(([, a]) => a);
    else qualifying = [...held].filter(([o]) => !optionIds.includes(o)).map(([, a]) => a);
    if (qualifying.length === 0) continue;
    if (teamIds && !teamIds.some((t) => model.teams.get(t)?.has(userId))) continue;
    rows.push([userId, qualifying.sort()[0]!]);
  }
  return rows.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0)).map(([userId]) => userId);
}

/** Users with a profile, by id: everyone created here (and the admin), filtered by emails and teams. */
function expectedListed(filter: { emails?: string[]; teamIds?: number[] } = {}): number[] {
  return [...model.users.keys()]
    .filter((id) => !filter.emails || filter.emails.includes(model.users.get(id)!.email))
    .filter((id) => !filter.teamIds || filter.teamIds.some((t) => model.teams.get(t)?.has(id)))
    .sort((a, b) => a - b);
}

const ids = (list: Array<{ id: number }>) => list.map((u) => u.id);

async function assign(userId: number, optionId: string): Promise<void> {
  const res = expectSuccess(await api.post(`${base}/attributes/options/${userId}`, { attributeId: skillsId, attributeOptionId: optionId }, ADMIN_KEY), 201);
  const held = model.holdings.get(userId) ?? new Map<string, string>();
  held.set(optionId, res.id);
  model.holdings.set(userId, held);
  model.holders.set(optionId, [...(model.holders.get(optionId) ?? []), userId]);
}

beforeAll(async () => {
  ({ mock, api } = await startMock({ scenario: "empty-org" }));
  const me = expectSuccess(await api.get("/v2/me"));
  orgId = me.organizationId;
  adminId = me.id;
  base = `/v2/organizations/${orgId}`;
  model.users.set(adminId, { email: me.email, accepted: true });

  // Twelve people; the last one's invitation stays pending.
  for (let i = 1; i <= 12; i++) {
    const created = expectSuccess(await api.post(`${base}/users`, { email: `Person${i}@Build.example`, autoAccept: i !== 12, ...(i === 1 && { organizationRole: "ADMIN" }) }), 201);
    expect(created.email).toBe(`person${i}@build.example`);
    model.users.set(created.id, { email: created.email, accepted: i !== 12 });
  }
  const people = [...model.users.keys()].filter((id) => id !== adminId);

  // Three teams (the admin creating them owns them), with members added through the team membership route.
  for (const [t, name] of ["North", "South", "West"].entries()) {
    const team = expectSuccess(await api.post(`${base}/teams`, { name, slug: name.toLowerCase() }), 201);
    model.teams.set(team.id, new Set([adminId]));
    for (const userId of people.filter((_, i) => i % 3 === t || i === 11)) {
      expectSuccess(await api.post(`${base}/teams/${team.id}/memberships`, { userId, accepted: true }), 201);
      model.teams.get(team.id)!.add(userId);
    }
  }

  // One multi-select attribute with five options, assigned in a pattern that tells the operators apart.
  const skills = expectSuccess(
    await api.post(`${base}/attributes`, {
      name: "Skills",
      slug: "skills",
      type: "MULTI_SELECT",
      options: ["Go", "Rust", "SQL", "Design", "Sales"].map((value) => ({ value, slug: value.toLowerCase() })),
    }),
    201,
  );
  skillsId = skills.id;
  for (const o of expectSuccess(await api.get(`${base}/attributes/${skillsId}/options`))) options[o.slug] = o.id;
  const plan: string[][] = [
    ["go", "rust"], // both listed: AND and OR, not NONE (nothing unlisted)
    ["go"], // one listed
    ["go", "rust", "sql"], // both listed and one more: AND, OR and NONE
    ["sql"], // nothing listed: NONE only
    ["rust", "design"],
    [], // holds nothing: never in the filtered list
    ["go", "sales"],
    ["design", "sales", "sql"],
    ["rust"],
    ["go", "rust", "design", "sales"],
    ["sales"],
  ];
  for (const [i, slugs] of plan.entries()) for (const slug of slugs) await assign(people[i]!, options[slug]!);
  // The pending member cannot be given an option: Cal.com requires an accepted org membership.
  expectError(await api.post(`${base}/attributes/options/${people[11]}`, { attributeId: skillsId, attributeOptionId: options.go }), 404, "NotFoundException");
});
afterAll(() => mock.close());

describe("the organization built through /v2", () => {
  it("lists everyone with a profile, by id, for every take from 1 to 1000 and any skip", async () => {
    const all = expectedListed();
    expect(all).toHaveLength(13);
    expect(ids(expectSuccess(await api.get(`${base}/users`)))).toEqual(all);
    for (const take of [1, 2, 5, 13, 1000]) {
      for (const skip of [0, 1, 7, 12, 13, 20]) {
        expect(ids(expectSuccess(await api.get(`${base}/users?take=${take}&skip=${skip}`))), `take ${take} skip ${skip}`).toEqual(all.slice(skip, skip + take));
      }
    }
    expectError(await api.get(`${base}/users?take=0`), 400, "BadRequestException");
    expectError(await api.get(`${base}/users?take=1001`), 400, "BadRequestException");
  });

  it("filters by emails (repeated parameter) and teamIds", async () => {
    const emails = ["person3@build.example", "person7@build.example", "nobody@build.example"];
    expect(ids(expectSuccess(await api.get(`${base}/users?${emails.map((e) => `emails=${e}`).join("&")}`)))).toEqual(expectedListed({ emails }));
    expectError(await api.get(`${base}/users?emails=${emails.slice(0, 2).join(",")}`), 400, "BadRequestException");
    const [north, , west] = [...model.teams.keys()];
    expect(ids(expectSuccess(await api.get(`${base}/users?teamIds=${north}`)))).toEqual(expectedListed({ teamIds: [north!] }));
    expect(ids(expectSuccess(await api.get(`${base}/users?teamIds=${north},${west}&take=3&skip=1`)))).toEqual(expectedListed({ teamIds: [north!, west!] }).slice(1, 4));
    expect(ids(expectSuccess(await api.get(`${base}/users?teamIds=${west}&emails=${emails[0]}&emails=person12@build.example`)))).toEqual(
      expectedListed({ teamIds: [west!], emails: [emails[0]!, "person12@build.example"] }),
    );
  });

  it.each(["AND", "OR", "NONE"] as const)("filters by two options with %s, in Cal.com's order, and pages through it", async (operator) => {
    const listed = [options.go!, options.rust!];
    const expected = expectedFiltered(listed, operator);
    expect(expected.length).toBeGreaterThan(1);
    const got = expectSuccess(await api.get(`${base}/users?assignedOptionIds=${listed.join(",")}&attributeQueryOperator=${operator}`));
    expect(ids(got)).toEqual(expected);
    for (const [skip, take] of [[0, 1], [1, 2], [2, 1000], [expected.length, 5]] as const) {
      const page = expectSuccess(await api.get(`${base}/users?assignedOptionIds=${listed.join(",")}&attributeQueryOperator=${operator}&skip=${skip}&take=${take}`));
      expect(ids(page), `skip ${skip} take ${take}`).toEqual(expected.slice(skip, skip + take));
    }
    for (const teamId of model.teams.keys()) {
      const inTeam = expectSuccess(await api.get(`${base}/users?assignedOptionIds=${listed.join(",")}&attributeQueryOperator=${operator}&teamIds=${teamId}`));
      expect(ids(inTeam)).toEqual(expectedFiltered(listed, operator, [teamId]));
    }
  });

  it("evaluates NONE as Cal.com does: members holding an unlisted option, not members holding none of the listed ones", async () => {
    const people = [...model.users.keys()].filter((id) => id !== adminId);
    const none = ids(expectSuccess(await api.get(`${base}/users?assignedOptionIds=${options.go},${options.rust}&attributeQueryOperator=NONE`)));
    expect(none).not.toContain(people[0]); // go and rust only: holds nothing unlisted
    expect(none).toContain(people[2]); // go, rust and sql: holds a listed option, and an unlisted one
    expect(none).toContain(people[3]); // sql only: what the docs' reading would list too
    expect(none).not.toContain(people[5]); // holds nothing at all
    expect(none).not.toContain(people[11]); // pending, holds nothing
    // AND is the default operator; an option nobody holds empties AND.
    expect(ids(expectSuccess(await api.get(`${base}/users?assignedOptionIds=${options.go},${options.rust}`)))).toEqual(expectedFiltered([options.go!, options.rust!], "AND"));
    expect(expectSuccess(await api.get(`${base}/users?assignedOptionIds=${options.go},not-an-option&attributeQueryOperator=AND`))).toEqual([]);
    // The attribute-filtered list does not take emails (Cal.com fails on it).
    expectError(await api.get(`${base}/users?assignedOptionIds=${options.go}&emails=person1@build.example`), 400, "BadRequestException", /emails/);
  });

  it("answers the assigned-options queries with teamIds and assignedOptionIds from the same assignments", async () => {
    const order = ["go", "rust", "sql", "design", "sales"];
    const teams = [...model.teams.keys()];
    const cases: Array<{ teamIds?: number[]; assigned?: string[] }> = [{}, { teamIds: [teams[1]!] }, { assigned: [options.sales!] }, { teamIds: [teams[0]!, teams[2]!], assigned: [options.design!, options.go!] }];
    for (const c of cases) {
      const inTeams = (userId: number) => !c.teamIds || c.teamIds.some((t) => model.teams.get(t)!.has(userId));
      const filterUsers = c.assigned ? new Set(c.assigned.flatMap((o) => model.holders.get(o) ?? []).filter(inTeams)) : undefined;
      const expected = order
        .map((slug) => ({ id: options[slug]!, holders: model.holders.get(options[slug]!) ?? [] }))
        .filter((o) => o.holders.length > 0 && o.holders.some(inTeams))
        .filter((o) => !filterUsers || o.holders.some((u) => filterUsers.has(u)))
        .map((o) => ({ id: o.id, assignedUserIds: o.holders }));
      const query = [c.teamIds && `teamIds=${c.teamIds.join(",")}`, c.assigned && `assignedOptionIds=${c.assigned.join(",")}`].filter(Boolean).join("&");
      const got = expectSuccess(await api.get(`${base}/attributes/${skillsId}/options/assigned?${query}`));
      expect(got.map((o: { id: string; assignedUserIds: number[] }) => ({ id: o.id, assignedUserIds: o.assignedUserIds })), query).toEqual(expected);
      const bySlug = expectSuccess(await api.get(`${base}/attributes/slugs/skills/options/assigned?${query}`));
      expect(bySlug).toEqual(got);
    }
  });

  it("deleting a user takes their memberships, team places and assignments; deleting a membership takes its assignments", async () => {
    const people = [...model.users.keys()].filter((id) => id !== adminId);
    const gone = people[9]!; // holds four options and is in a team
    const teamOfGone = [...model.teams].find(([, members]) => members.has(gone))![0];
    expectSuccess(await api.del(`${base}/users/${gone}`));
    model.users.delete(gone);
    model.holdings.delete(gone);
    for (const [o, holders] of model.holders) model.holders.set(o, holders.filter((u) => u !== gone));
    for (const members of model.teams.values()) members.delete(gone);

    expect(ids(expectSuccess(await api.get(`${base}/users?take=1000`)))).toEqual(expectedListed());
    for (const operator of ["AND", "OR", "NONE"] as const) {
      expect(ids(expectSuccess(await api.get(`${base}/users?assignedOptionIds=${options.go},${options.sales}&attributeQueryOperator=${operator}`)))).toEqual(
        expectedFiltered([options.go!, options.sales!], operator),
      );
    }
    const teamMembers = expectSuccess(await api.get(`${base}/teams/${teamOfGone}/memberships`));
    expect(teamMembers.map((m: { userId: number }) => m.userId).sort((a: number, b: number) => a - b)).toEqual([...model.teams.get(teamOfGone)!].sort((a, b) => a - b));
    const assigned = expectSuccess(await api.get(`${base}/attributes/${skillsId}/options/assigned`));
    expect(assigned.flatMap((o: { assignedUserIds: number[] }) => o.assignedUserIds)).not.toContain(gone);
    expectError(await api.patch(`${base}/users/${gone}`, { bio: "back?" }), 403, "ForbiddenException");

    // An org membership deleted: current Cal.com removes the member from the organization (TeamService.removeMembers):
    // its assignments, its profile and its places in the organization's teams go with it.
    const kept = people[2]!;
    const membership = expectSuccess(await api.get(`${base}/memberships?take=250`)).find((m: { userId: number }) => m.userId === kept);
    expect(membership.attributes).toEqual([{ id: skillsId, name: "Skills", type: "multiSelect", options: expect.any(Array) }]);
    expect(membership.attributes[0].options.map((o: { optionId: string }) => o.optionId)).toEqual([...model.holdings.get(kept)!.keys()]);
    const wasInTeams = [...model.teams].filter(([, members]) => members.has(kept)).map(([t]) => t);
    expect(wasInTeams.length).toBeGreaterThan(0);
    expectSuccess(await api.del(`${base}/memberships/${membership.id}`));
    model.holdings.delete(kept);
    for (const [o, holders] of model.holders) model.holders.set(o, holders.filter((u) => u !== kept));
    for (const members of model.teams.values()) members.delete(kept);

    expect(ids(expectSuccess(await api.get(`${base}/users?take=1000`)))).not.toContain(kept);
    expect(ids(expectSuccess(await api.get(`${base}/users?assignedOptionIds=${options.sql}&attributeQueryOperator=OR`)))).toEqual(expectedFiltered([options.sql!], "OR"));
    // No membership check on a user's options (Cal.com's getOrganizationAttributeOptionsForUser): none held.
    expect(expectSuccess(await api.get(`${base}/attributes/options/${kept}`))).toEqual([]);
    for (const t of wasInTeams) {
      expect(expectSuccess(await api.get(`${base}/teams/${t}/memberships`)).some((m: { userId: number }) => m.userId === kept)).toBe(false);
    }
  });
});
