import { rmSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import type { ScenarioRecipe } from "../../src/store/seed.js";
import { expectError, expectSuccess, makeTempDir, startMock, writeScenario, type Client } from "../support/harness.js";

/**
 * Two organizations for the directory routes: Alpha with an owner, an admin and a member (each also in a team
 * with that role), Beta with a keyed admin whose invitation is still pending, and one user outside both.
 */
const RECIPE: ScenarioRecipe = {
  name: "directory",
  description: "Alpha and Beta, for the directory routes.",
  organizations: [
    {
      name: "Alpha",
      slug: "alpha",
      teams: ["Red", "Blue", "Green"],
      members: 9,
      keyedUsers: [
        { role: "OWNER", username: "alpha-owner", apiKey: "cal_test_alpha_owner" },
        { role: "ADMIN", username: "alpha-admin", apiKey: "cal_test_alpha_admin" },
        { role: "MEMBER", username: "alpha-member", apiKey: "cal_test_alpha_member" },
      ],
      attributes: [
        { name: "Department", slug: "department", type: "SINGLE_SELECT", options: ["Ops", "Dev"], coverage: 1 },
        { name: "Languages", slug: "languages", type: "MULTI_SELECT", options: ["EN", "FR", "DE"], perMember: [1, 2], weighted: true, coverage: 1 },
        { name: "Title", slug: "title", type: "TEXT", values: ["Pilot"], coverage: 1 },
        { name: "Level", slug: "level", type: "NUMBER", values: ["3"], coverage: 1 },
      ],
    },
    {
      name: "Beta",
      slug: "beta",
      teams: ["Yellow"],
      members: 2,
      pendingMembers: 1,
      keyedUsers: [
        { role: "OWNER", username: "beta-owner", apiKey: "cal_test_beta_owner" },
        { role: "MEMBER", username: "beta-member", apiKey: "cal_test_beta_member" },
        { role: "ADMIN", username: "beta-pending", apiKey: "cal_test_beta_pending" },
      ],
    },
  ],
  outsiders: 1,
};

const A_OWNER = "cal_test_alpha_owner";
const A_ADMIN = "cal_test_alpha_admin";
const A_MEMBER = "cal_test_alpha_member";
const B_OWNER = "cal_test_beta_owner";
const B_PENDING = "cal_test_beta_pending";

let mock: MockServer;
let api: Client;
let dir: string;
let state: State;

beforeAll(async () => {
  dir = makeTempDir();
  ({ mock, api } = await startMock({ scenario: writeScenario(dir, RECIPE), seed: 11 }));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await mock.reset();
  state = await api.state();
});

const org = (slug: string) => state.organizations.find((o) => o.slug === slug)!;
const userOf = (key: string) => state.users.find((u) => u.id === state.apiKeys.find((k) => k.key === key)!.userId)!;
const teamsOf = (orgId: number) => state.teams.filter((t) => t.parentId === orgId);
const orgMembership = (orgId: number, userId: number) => state.memberships.find((m) => m.teamId === orgId && m.userId === userId)!;
const outsider = () => state.users.find((u) => !state.memberships.some((m) => m.userId === u.id))!;
const alpha = () => `/v2/organizations/${org("alpha").id}`;
const ids = (list: Array<{ id: number }>) => list.map((u) => u.id);
const beta = () => `/v2/organizations/${org("beta").id}`;

describe("Orgs / Users", () => {
  it("lists the users with a profile in the organization, by id, with their profile, paginated", async () => {
    const a = org("alpha");
    const expected = state.profiles.filter((p) => p.organizationId === a.id).map((p) => p.userId).sort((x, y) => x - y);
    const all = expectSuccess(await api.get(`${alpha()}/users?take=1000`, A_ADMIN));
    expect(all.map((u: { id: number }) => u.id)).toEqual(expected);
    const first = all[0];
    const profile = state.profiles.find((p) => p.organizationId === a.id && p.userId === first.id)!;
    expect(first.profile).toEqual({ id: profile.id, organizationId: a.id, userId: first.id, username: profile.username });
    expect(first).toMatchObject({ timeZone: "Europe/London", weekStart: "Sunday", timeFormat: 12, hideBranding: false, locale: null, bio: null });
    expect(first).not.toHaveProperty("metadata");
    const page = expectSuccess(await api.get(`${alpha()}/users?skip=2&take=3`, A_ADMIN));
    expect(page.map((u: { id: number }) => u.id)).toEqual(expected.slice(2, 5));
  });

  it("filters by emails given as repeated parameters (a comma is no separator) and by teamIds", async () => {
    const users = state.users.filter((u) => state.profiles.some((p) => p.userId === u.id && p.organizationId === org("alpha").id));
    const [x, y] = [users[4]!, users[1]!];
    const both = expectSuccess(await api.get(`${alpha()}/users?emails=${x.email}&emails=${y.email}`, A_ADMIN));
    expect(both.map((u: { id: number }) => u.id)).toEqual([y.id, x.id]);
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=${x.email}`, A_ADMIN)).map((u: { id: number }) => u.id)).toEqual([x.id]);
    expectError(await api.get(`${alpha()}/users?emails=${x.email},${y.email}`, A_ADMIN), 400, "BadRequestException", /emails/);
    // An outsider's address finds nothing: the list is the organization's.
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=${outsider().email}`, A_ADMIN))).toEqual([]);
    const team = teamsOf(org("alpha").id)[1]!;
    const inTeam = state.memberships.filter((m) => m.teamId === team.id).map((m) => m.userId).sort((a, b) => a - b);
    expect(expectSuccess(await api.get(`${alpha()}/users?teamIds=${team.id}`, A_ADMIN)).map((u: { id: number }) => u.id)).toEqual(inTeam);
  });

  it("refuses take outside 1-1000 and skip below 0", async () => {
    for (const q of ["take=0", "take=1001", "skip=-1", "take=abc", "attributeQueryOperator=and"]) {
      expectError(await api.get(`${alpha()}/users?${q}`, A_ADMIN), 400, "BadRequestException");
    }
    expect(expectSuccess(await api.get(`${alpha()}/users?take=1000`, A_ADMIN)).length).toBeGreaterThan(0);
  });

  it("creates the user with its profile (derived username) and org membership", async () => {
    const created = expectSuccess(
      await api.post(`${alpha()}/users`, { email: "Jane.Doe@Mail.Example.com", username: "JaneD", organizationRole: "ADMIN", autoAccept: false, bio: "Hi", timeZone: "Asia/Tokyo", metadata: { desk: 4 } }, A_ADMIN),
      201,
    );
    expect(created).toMatchObject({ email: "jane.doe@mail.example.com", username: "janed", name: null, bio: "Hi", timeZone: "Asia/Tokyo", metadata: { desk: 4 }, verified: true, invitedTo: org("alpha").id });
    expect(created.profile).toMatchObject({ organizationId: org("alpha").id, userId: created.id });
    // The profile keeps the username derived from the email; the user's own username is the one sent.
    expect(created.profile.username).toMatch(/^jane.?doe-mail$/);
    const after = await api.state();
    expect(after.memberships.find((m) => m.userId === created.id)).toMatchObject({ teamId: org("alpha").id, role: "ADMIN", accepted: false });
    expect(after.users.find((u) => u.id === created.id)).toMatchObject({ organizationId: org("alpha").id });
    // The new user is listed, and the pending ADMIN membership already grants its role (below, with Beta's key).
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=jane.doe@mail.example.com`, A_ADMIN))).toHaveLength(1);
  });

  it("refuses a second user with the same email or username, an email used outside, and weekday", async () => {
    const member = userOf(A_MEMBER);
    expectError(await api.post(`${alpha()}/users`, { email: member.email.toUpperCase() }, A_ADMIN), 409, "ConflictException", "A user already exists with that email");
    expectError(await api.post(`${alpha()}/users`, { email: "fresh@x.example", username: member.username }, A_ADMIN), 409, "ConflictException", "Username is already taken");
    expectError(await api.post(`${alpha()}/users`, { email: outsider().email }, A_ADMIN), 409, "CONFLICT");
    expectError(await api.post(`${alpha()}/users`, { email: "a@x.example", weekday: "Monday" }, A_ADMIN), 400, "BadRequestException", /weekday/);
    expectError(await api.post(`${alpha()}/users`, { email: "not-an-email" }, A_ADMIN), 400, "BadRequestException", /email/);
    expectError(await api.post(`${alpha()}/users`, { email: "b@x.example", avatarUrl: "https://x.example/a.png" }, A_ADMIN), 400, "BadRequestException", /avatarUrl/);
    expectError(await api.post(`${alpha()}/users`, { email: "c@x.example", timeZone: "Mars/Olympus" }, A_ADMIN), 400, "BadRequestException", /timeZone/);
    expectError(await api.post(`${alpha()}/users`, { email: "d@x.example", metadata: { ["k".repeat(41)]: 1 } }, A_ADMIN), 400, "BadRequestException", /metadata/);
    expectError(await api.post(`${alpha()}/users`, { email: "e@x.example", metadata: { nested: { a: 1 } } }, A_ADMIN), 400, "BadRequestException", /metadata/);
    expect(await api.state()).toEqual(state);
  });

  it("updates a user; a username any profile of the organization has is taken, the user's own included", async () => {
    const member = userOf(A_MEMBER);
    const profile = state.profiles.find((p) => p.userId === member.id)!;
    const updated = expectSuccess(await api.patch(`${alpha()}/users/${member.id}`, { bio: "New", locale: "fr", theme: "dark", metadata: { a: "b" } }, A_ADMIN));
    expect(updated).toMatchObject({ id: member.id, bio: "New", locale: "fr", theme: "dark", metadata: { a: "b" }, profile: { id: profile.id } });
    expectError(await api.patch(`${alpha()}/users/${member.id}`, { username: profile.username }, A_ADMIN), 409, "ConflictException", "Username is already taken");
    const renamed = expectSuccess(await api.patch(`${alpha()}/users/${member.id}`, { username: "Captain" }, A_ADMIN));
    expect(renamed.username).toBe("captain");
    expect(renamed.profile.username).toBe(profile.username);
    const other = userOf(A_OWNER);
    expectError(await api.patch(`${alpha()}/users/${member.id}`, { email: other.email }, A_ADMIN), 409, "CONFLICT");
  });

  it("updates only a user whose organizationId column is the organization (404 otherwise, as Cal.com's update finds no row)", async () => {
    const member = userOf(A_MEMBER);
    const put = await fetch(`${mock.url}/__admin/state`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...state, users: state.users.map((u) => (u.id === member.id ? { ...u, organizationId: null } : u)) }),
    });
    expect(put.status).toBe(200);
    expectError(await api.patch(`${alpha()}/users/${member.id}`, { bio: "x" }, A_ADMIN), 404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
    // Still listed (by profile), and still deletable, as current Cal.com's delete takes a profile or the column.
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=${member.email}`, A_ADMIN))).toHaveLength(1);
    expectSuccess(await api.del(`${alpha()}/users/${member.id}`, A_ADMIN));
  });

  it("refuses users without a profile in the organization (403), members included", async () => {
    expectError(await api.patch(`${alpha()}/users/${outsider().id}`, { bio: "x" }, A_ADMIN), 403, "ForbiddenException", "Forbidden resource");
    expectError(await api.del(`${alpha()}/users/${userOf(B_OWNER).id}`, A_ADMIN), 403, "ForbiddenException", "Forbidden resource");
    // An org membership alone (created through /memberships) gives no profile.
    expectSuccess(await api.post(`${alpha()}/memberships`, { userId: outsider().id }, A_ADMIN), 201);
    expectError(await api.del(`${alpha()}/users/${outsider().id}`, A_ADMIN), 403, "ForbiddenException", "Forbidden resource");
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=${outsider().email}`, A_ADMIN))).toEqual([]);
  });

  it("deletes the user itself with its memberships, assignments, profiles and API keys", async () => {
    const member = userOf(A_MEMBER);
    const membership = orgMembership(org("alpha").id, member.id);
    expect(state.attributeAssignments.some((a) => a.memberId === membership.id)).toBe(true);
    const deleted = expectSuccess(await api.del(`${alpha()}/users/${member.id}`, A_ADMIN));
    expect(deleted).toMatchObject({ id: member.id, email: member.email, profile: { userId: member.id } });
    const after = await api.state();
    expect(after.users.some((u) => u.id === member.id)).toBe(false);
    expect(after.memberships.filter((m) => m.userId === member.id)).toEqual([]);
    expect(after.profiles.filter((p) => p.userId === member.id)).toEqual([]);
    expect(after.attributeAssignments.filter((a) => a.memberId === membership.id)).toEqual([]);
    expect(after.apiKeys.some((k) => k.key === A_MEMBER)).toBe(false);
    expectError(await api.get(`${alpha()}/attributes`, A_MEMBER), 401, "UnauthorizedException");
    // Nothing else went: every other row is still there.
    expect(after.users).toHaveLength(state.users.length - 1);
    expect(after.attributeAssignments.length).toBe(state.attributeAssignments.filter((a) => a.memberId !== membership.id).length);
  });

  it("checks the organization before the caller, then the role before the body", async () => {
    const team = teamsOf(org("alpha").id)[0]!;
    expectError(await api.get(`/v2/organizations/${team.id}/users`, null), 403, "ForbiddenException", "Forbidden resource");
    expectError(await api.get(`${alpha()}/users`, null), 401, "UnauthorizedException");
    expectError(await api.post(`${alpha()}/users`, {}, A_MEMBER), 403, "ForbiddenException", /minimum required role=ORG_ADMIN/);
    expectError(await api.post(`${alpha()}/users`, {}, A_ADMIN), 400, "BadRequestException", /email/);
  });
});

describe("roles", () => {
  it("a pending membership grants its role", async () => {
    const pending = orgMembership(org("beta").id, userOf(B_PENDING).id);
    expect(pending).toMatchObject({ accepted: false, role: "ADMIN" });
    expect(expectSuccess(await api.get(`${beta()}/users`, B_PENDING)).length).toBeGreaterThan(0);
    expect(expectSuccess(await api.get(`${beta()}/memberships`, B_PENDING)).length).toBe(3);
  });

  it("an org admin counts as team admin on the organization's team routes, not on the plain team routes", async () => {
    const ownTeam = state.memberships.find((m) => m.userId === userOf(A_ADMIN).id && m.teamId !== org("alpha").id)!.teamId;
    const other = teamsOf(org("alpha").id).find((t) => t.id !== ownTeam && !state.memberships.some((m) => m.teamId === t.id && m.userId === userOf(A_ADMIN).id))!;
    expectSuccess(await api.get(`${alpha()}/teams/${other.id}/memberships`, A_ADMIN));
    expectSuccess(await api.get(`${alpha()}/teams/${other.id}`, A_ADMIN));
    expectError(await api.get(`/v2/teams/${other.id}/memberships`, A_ADMIN), 403, "ForbiddenException", `RolesGuard - User is not a member of the team with id=${other.id}.`);
    // A plain member of the organization is refused on the team route unless they administer that team.
    expectError(
      await api.get(`${alpha()}/teams/${other.id}/memberships`, A_MEMBER),
      403,
      "ForbiddenException",
      `RolesGuard - User is not part of the team with id=${other.id} and/or, is not an admin nor an owner of the organization with id=${org("alpha").id}.`,
    );
    // PATCH of an org team needs ORG_ADMIN: the team role does not count there.
    const memberTeam = state.memberships.find((m) => m.userId === userOf(A_MEMBER).id && m.teamId !== org("alpha").id)!.teamId;
    expectError(await api.patch(`${alpha()}/teams/${memberTeam}`, { name: "Mine" }, A_MEMBER), 403, "ForbiddenException", /role=ORG_ADMIN/);
  });

  it("lets a system admin through every role check; the teams they create get no creator membership", async () => {
    const sysadmin = outsider();
    const doc = {
      ...state,
      users: state.users.map((u) => (u.id === sysadmin.id ? { ...u, role: "ADMIN" } : u)),
      apiKeys: [...state.apiKeys, { id: "key_sys", key: "cal_test_sysadmin", userId: sysadmin.id, note: "system admin" }],
    };
    expect((await fetch(`${mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) })).status).toBe(200);
    expectSuccess(await api.get(`${alpha()}/memberships`, "cal_test_sysadmin"));
    expectSuccess(await api.get(`/v2/teams/${teamsOf(org("alpha").id)[0]!.id}/memberships`, "cal_test_sysadmin"));
    const team = expectSuccess(await api.post(`${alpha()}/teams`, { name: "Ops" }, "cal_test_sysadmin"), 201);
    expect((await api.state()).memberships.some((m) => m.teamId === team.id)).toBe(false);
  });

  it("keeps organizations apart: another organization's ids are not found, its routes refused", async () => {
    const betaMembership = orgMembership(org("beta").id, userOf(B_OWNER).id);
    const betaTeam = teamsOf(org("beta").id)[0]!;
    expectError(await api.get(`${alpha()}/memberships/${betaMembership.id}`, A_ADMIN), 404, "NotFoundException", `IsMembershipInOrg - Membership (${betaMembership.id}) not found.`);
    expectError(await api.get(`${alpha()}/teams/${betaTeam.id}`, A_ADMIN), 404, "NotFoundException", `IsTeamInOrg - Team (${betaTeam.id}) not found.`);
    expectError(await api.get(`${alpha()}/teams/${betaTeam.id}/memberships`, A_ADMIN), 404, "NotFoundException", `IsTeamInOrg - Team (${betaTeam.id}) not found.`);
    expectError(await api.get(`${beta()}/users`, A_ADMIN), 403, "ForbiddenException", `RolesGuard - User is not a member of the organization with id=${org("beta").id}.`);
    expectError(await api.get(`${beta()}/teams/me`, A_ADMIN), 403, "ForbiddenException");
    expectError(await api.post(`${alpha()}/teams/${teamsOf(org("alpha").id)[0]!.id}/memberships`, { userId: userOf(B_OWNER).id }, A_ADMIN), 422, "UnprocessableEntityException", "User is not part of the Organization");
    const alphaUsers = expectSuccess(await api.get(`${alpha()}/users?take=1000`, A_ADMIN));
    expect(alphaUsers.every((u: { profile: { organizationId: number } }) => u.profile.organizationId === org("alpha").id)).toBe(true);
    expect(await api.state()).toEqual(state);
  });
});

describe("the platform-plan and admin-API guards", () => {
  const withBeta = async (fields: Record<string, unknown>) => {
    const organizations = state.organizations.map((o) => (o.slug === "beta" ? { ...o, ...fields } : o));
    const res = await fetch(`${mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...state, organizations }) });
    expect(res.status).toBe(200);
  };
  const PLAN = "Platform plan - you do not have required plan for this operation. Minimum plan is ESSENTIALS.";
  const ADMIN_API = "Organization does not have Admin API access, please contact https://cal.com/sales to upgrade";

  it("refuses an organization without a settings row on its routes (the row's flag is not read), after the role check", async () => {
    await withBeta({ organizationSettings: null });
    expectError(await api.get(`${beta()}/users`, B_OWNER), 403, "ForbiddenException", ADMIN_API);
    expectError(await api.get(`${beta()}/teams/me`, B_OWNER), 403, "ForbiddenException", ADMIN_API);
    expectError(await api.get(`${beta()}/memberships`, "cal_test_beta_member"), 403, "ForbiddenException", /role=ORG_ADMIN/);
    // Routes outside the organization's guards still answer.
    expectSuccess(await api.get(`/v2/teams/${org("beta").id}/memberships`, B_OWNER));
    await withBeta({ organizationSettings: { isAdminAPIEnabled: false } });
    expectSuccess(await api.get(`${beta()}/users`, B_OWNER));
  });

  it("refuses a platform organization below plan ESSENTIALS or without a subscription", async () => {
    await withBeta({ isPlatform: true, organizationSettings: null });
    expectError(await api.get(`${beta()}/users`, B_OWNER), 403, "ForbiddenException", PLAN);
    await withBeta({ isPlatform: true, platformBilling: { plan: "STARTER", subscriptionId: "sub_1" } });
    expectError(await api.get(`${beta()}/teams`, B_OWNER), 403, "ForbiddenException", PLAN);
    await withBeta({ isPlatform: true, platformBilling: { plan: "ESSENTIALS", subscriptionId: null } });
    expectError(await api.get(`${beta()}/teams`, B_OWNER), 403, "ForbiddenException", PLAN);
    // A platform organization skips the admin-API guard: no settings row is needed.
    await withBeta({ isPlatform: true, platformBilling: { plan: "SCALE", subscriptionId: "sub_1" }, organizationSettings: null });
    expectSuccess(await api.get(`${beta()}/teams`, B_OWNER));
    expect(expectSuccess(await api.get("/v2/me", B_OWNER)).organization).toEqual({ id: org("beta").id, isPlatform: true });
  });
});

describe("cross-organization filters", () => {
  it("does not let one organization ask whether its people are in another organization's teams", async () => {
    const betaTeam = teamsOf(org("beta").id)[0]!;
    const alphaMember = userOf(A_MEMBER);
    // Beta's owner adds an Alpha member to a Beta team through the plain route, which checks no organization.
    expectSuccess(await api.post(`/v2/teams/${betaTeam.id}/memberships`, { userId: alphaMember.id, accepted: true }, B_OWNER), 201);
    expect(expectSuccess(await api.get(`${alpha()}/users?teamIds=${betaTeam.id}`, A_ADMIN))).toEqual([]);
    // The organization's own id counts as a team of everyone with an org membership.
    const members = state.memberships.filter((m) => m.teamId === org("alpha").id).map((m) => m.userId).sort((a, b) => a - b);
    expect(ids(expectSuccess(await api.get(`${alpha()}/users?teamIds=${org("alpha").id}`, A_ADMIN)))).toEqual(members);
    expect(ids(expectSuccess(await api.get(`${alpha()}/users?teamIds=${org("alpha").id},${betaTeam.id}`, A_ADMIN)))).toEqual(members);
  });
});

describe("Orgs / Memberships", () => {
  it("lists every membership of the organization, pending included, by id, with the members' attributes", async () => {
    const b = org("beta");
    const expected = state.memberships.filter((m) => m.teamId === b.id).map((m) => m.id).sort((x, y) => x - y);
    const list = expectSuccess(await api.get(`${beta()}/memberships`, B_OWNER));
    expect(list.map((m: { id: number }) => m.id)).toEqual(expected);
    expect(list.some((m: { accepted: boolean }) => !m.accepted)).toBe(true);
    expect(list[0]).toMatchObject({ teamId: b.id, disableImpersonation: false, attributes: [], user: { email: expect.any(String) } });
    const page = expectSuccess(await api.get(`${beta()}/memberships?skip=1&take=1`, B_OWNER));
    expect(page.map((m: { id: number }) => m.id)).toEqual(expected.slice(1, 2));
  });

  it("groups the member's assignments by attribute: text, number, singleSelect, multiSelect", async () => {
    const member = userOf(A_MEMBER);
    const membership = orgMembership(org("alpha").id, member.id);
    const got = expectSuccess(await api.get(`${alpha()}/memberships/${membership.id}`, A_ADMIN));
    const held = state.attributeAssignments.filter((a) => a.memberId === membership.id);
    const optionById = new Map(state.attributeOptions.map((o) => [o.id, o]));
    const attrOf = (slug: string) => state.attributes.find((a) => a.slug === slug && a.teamId === org("alpha").id)!;
    const heldOf = (slug: string) => held.map((a) => optionById.get(a.attributeOptionId)!).filter((o) => o.attributeId === attrOf(slug).id);
    const bySlug = (slug: string) => got.attributes.find((a: { id: string }) => a.id === attrOf(slug).id);
    expect(bySlug("title")).toEqual({ id: attrOf("title").id, name: "Title", type: "text", option: "Pilot", optionId: heldOf("title")[0]!.id });
    expect(bySlug("level")).toEqual({ id: attrOf("level").id, name: "Level", type: "number", option: 3, optionId: heldOf("level")[0]!.id });
    expect(bySlug("department")).toMatchObject({ type: "singleSelect", option: heldOf("department")[0]!.value });
    expect(bySlug("languages")).toEqual({
      id: attrOf("languages").id,
      name: "Languages",
      type: "multiSelect",
      options: heldOf("languages").map((o) => ({ optionId: o.id, option: o.value })),
    });
    // An assignment made through the attribute routes shows at once.
    const ops = state.attributeOptions.filter((o) => o.attributeId === attrOf("languages").id && !heldOf("languages").some((h) => h.id === o.id));
    if (ops.length > 0) {
      expectSuccess(await api.post(`${alpha()}/attributes/options/${member.id}`, { attributeId: attrOf("languages").id, attributeOptionId: ops[0]!.id }, A_ADMIN), 201);
      const again = expectSuccess(await api.get(`${alpha()}/memberships/${membership.id}`, A_ADMIN));
      expect(again.attributes.find((a: { id: string }) => a.id === attrOf("languages").id).options).toHaveLength(heldOf("languages").length + 1);
    }
  });

  it("a number attribute whose option holds text answers option null, as Cal.com's unary plus and JSON make of it", async () => {
    const member = userOf(A_MEMBER);
    const membership = orgMembership(org("alpha").id, member.id);
    const level = state.attributes.find((a) => a.slug === "level" && a.teamId === org("alpha").id)!;
    const held = state.attributeAssignments.filter((a) => a.memberId === membership.id).map((a) => a.attributeOptionId);
    const option = state.attributeOptions.find((o) => o.attributeId === level.id && held.includes(o.id))!;
    const levelOf = async () => expectSuccess(await api.get(`${alpha()}/memberships/${membership.id}`, A_ADMIN)).attributes.find((a: { id: string }) => a.id === level.id);
    // The client checks every answer against spec/, so each of these also passes the contract.
    expectSuccess(await api.patch(`${alpha()}/attributes/${level.id}/options/${option.id}`, { value: "three" }, A_ADMIN));
    expect(await levelOf()).toEqual({ id: level.id, name: "Level", type: "number", option: null, optionId: option.id });
    const list = expectSuccess(await api.get(`${alpha()}/memberships`, A_ADMIN));
    expect(list.find((m: { id: number }) => m.id === membership.id).attributes.find((a: { id: string }) => a.id === level.id).option).toBeNull();
    // Blank and padded values convert as a unary plus does: "" is 0, " 4 " is 4.
    expectSuccess(await api.patch(`${alpha()}/attributes/${level.id}/options/${option.id}`, { value: " 4 " }, A_ADMIN));
    expect((await levelOf()).option).toBe(4);
    expectSuccess(await api.patch(`${alpha()}/attributes/${level.id}/options/${option.id}`, { value: option.value }, A_ADMIN));
    expect((await levelOf()).option).toBe(Number(option.value));
  });

  it("creation is an upsert that overwrites with the defaults; an unknown user is a 400", async () => {
    const u = outsider();
    const created = expectSuccess(await api.post(`${alpha()}/memberships`, { userId: u.id, role: "ADMIN", accepted: true }, A_ADMIN), 201);
    expect(created).toMatchObject({ userId: u.id, teamId: org("alpha").id, role: "ADMIN", accepted: true, attributes: [] });
    const again = expectSuccess(await api.post(`${alpha()}/memberships`, { userId: u.id }, A_ADMIN), 201);
    expect(again).toMatchObject({ id: created.id, role: "MEMBER", accepted: false, disableImpersonation: false });
    expectError(await api.post(`${alpha()}/memberships`, { userId: 987654 }, A_ADMIN), 400, "BAD_REQUEST");
    expectError(await api.post(`${alpha()}/memberships`, { role: "ADMIN" }, A_ADMIN), 400, "BadRequestException", /userId/);
  });

  it("updates and deletes; the delete removes the member from the organization: assignments, team memberships, profile", async () => {
    const member = userOf(A_MEMBER);
    const membership = orgMembership(org("alpha").id, member.id);
    const updated = expectSuccess(await api.patch(`${alpha()}/memberships/${membership.id}`, { role: "OWNER", disableImpersonation: true }, A_ADMIN));
    expect(updated).toMatchObject({ id: membership.id, role: "OWNER", disableImpersonation: true, accepted: true });
    const deleted = expectSuccess(await api.del(`${alpha()}/memberships/${membership.id}`, A_ADMIN));
    expect(deleted.id).toBe(membership.id);
    expect(deleted.attributes.length).toBeGreaterThan(0);
    const after = await api.state();
    expect(after.memberships.some((m) => m.id === membership.id)).toBe(false);
    expect(after.attributeAssignments.some((a) => a.memberId === membership.id)).toBe(false);
    // Current Cal.com removes the member through TeamService.removeMembers: the profile and the memberships of
    // the organization's teams go too, and the user leaves the organization under a username of its own.
    expect(after.profiles.some((p) => p.userId === member.id && p.organizationId === org("alpha").id)).toBe(false);
    const alphaTeams = new Set(teamsOf(org("alpha").id).map((t) => t.id));
    expect(after.memberships.filter((m) => m.userId === member.id && alphaTeams.has(m.teamId))).toEqual([]);
    expect(after.users.find((u) => u.id === member.id)).toMatchObject({ organizationId: null, username: `${member.username}-${member.id}` });
    expect(expectSuccess(await api.get(`${alpha()}/users?emails=${member.email}`, A_ADMIN))).toHaveLength(0);
    expectError(await api.get(`${alpha()}/memberships/${membership.id}`, A_ADMIN), 404, "NotFoundException");
  });
});

describe("Orgs / Teams", () => {
  it("lists, creates (with the creator as owner), reads, updates and deletes the organization's teams", async () => {
    const a = org("alpha");
    const ids = teamsOf(a.id).map((t) => t.id).sort((x, y) => x - y);
    expect(expectSuccess(await api.get(`${alpha()}/teams`, A_ADMIN)).map((t: { id: number }) => t.id)).toEqual(ids);
    const created = expectSuccess(await api.post(`${alpha()}/teams`, { name: "Labs", slug: "labs", autoAcceptCreator: false, metadata: { k: "v" } }, A_ADMIN), 201);
    expect(created).toMatchObject({ name: "Labs", slug: "labs", parentId: a.id, isOrganization: false, timeZone: "Europe/London", weekStart: "Sunday", metadata: { k: "v" }, logoUrl: null });
    expect(Math.min(...state.organizations.map((o) => o.id), ...ids)).toBeLessThan(created.id);
    const mine = expectSuccess(await api.get(`${alpha()}/teams/me`, A_ADMIN));
    expect(mine.find((t: { id: number }) => t.id === created.id)).toMatchObject({ role: "OWNER", accepted: false });
    expectError(await api.post(`${alpha()}/teams`, { name: "Labs 2", slug: "labs" }, A_ADMIN), 409, "CONFLICT");
    expectError(await api.post(`${alpha()}/teams`, { name: "Clock", timeFormat: 24 }, A_ADMIN), 400, "BadRequestException", /timeFormat/);
    expectError(await api.post(`${alpha()}/teams`, { name: "Clock", timeFormat: "24" }, A_ADMIN), 400, "BadRequestException", /timeFormat/);
    expect(expectSuccess(await api.get(`${alpha()}/teams/${created.id}`, A_ADMIN)).name).toBe("Labs");
    expectError(await api.patch(`${alpha()}/teams/${created.id}`, { bio: "no name" }, A_ADMIN), 400, "BadRequestException", /name/);
    expect(expectSuccess(await api.patch(`${alpha()}/teams/${created.id}`, { name: "Labs", bio: "R&D", hideBranding: true }, A_ADMIN))).toMatchObject({ bio: "R&D", hideBranding: true });
    expect(expectSuccess(await api.del(`${alpha()}/teams/${created.id}`, A_ADMIN)).id).toBe(created.id);
    const after = await api.state();
    expect(after.teams.some((t) => t.id === created.id)).toBe(false);
    expect(after.memberships.some((m) => m.teamId === created.id)).toBe(false);
  });

  it("deleting a team takes its memberships, not the org memberships or their assignments", async () => {
    const team = teamsOf(org("alpha").id)[0]!;
    expectSuccess(await api.del(`${alpha()}/teams/${team.id}`, A_ADMIN));
    const after = await api.state();
    expect(after.memberships).toEqual(state.memberships.filter((m) => m.teamId !== team.id));
    expect(after.attributeAssignments).toEqual(state.attributeAssignments);
  });

  it("teams/me lists the caller's teams of the organization with their role, for any member", async () => {
    const member = userOf(A_MEMBER);
    const mine = state.memberships.filter((m) => m.userId === member.id && teamsOf(org("alpha").id).some((t) => t.id === m.teamId));
    const got = expectSuccess(await api.get(`${alpha()}/teams/me`, A_MEMBER));
    expect(got.map((t: { id: number; role: string }) => [t.id, t.role])).toEqual(mine.sort((a, b) => a.teamId - b.teamId).map((m) => [m.teamId, m.role]));
    // Each caller sees their own answer, even from the response cache.
    const admins = expectSuccess(await api.get(`${alpha()}/teams/me`, A_ADMIN));
    expect(admins).not.toEqual(got);
  });
});

describe("Orgs / Teams / Memberships", () => {
  it("adds a member with a profile, refuses a duplicate, reads, updates and deletes", async () => {
    const team = teamsOf(org("alpha").id)[2]!;
    const candidate = state.profiles.find((p) => p.organizationId === org("alpha").id && !state.memberships.some((m) => m.teamId === team.id && m.userId === p.userId))!;
    const created = expectSuccess(await api.post(`${alpha()}/teams/${team.id}/memberships`, { userId: candidate.userId, role: "ADMIN", accepted: true }, A_ADMIN), 201);
    expect(created).toMatchObject({ teamId: team.id, userId: candidate.userId, role: "ADMIN", accepted: true, disableImpersonation: false });
    expect(created).not.toHaveProperty("attributes");
    expectError(await api.post(`${alpha()}/teams/${team.id}/memberships`, { userId: candidate.userId }, A_ADMIN), 409, "CONFLICT");
    expectError(await api.post(`${alpha()}/teams/${team.id}/memberships`, { userId: outsider().id }, A_ADMIN), 422, "UnprocessableEntityException");
    const list = expectSuccess(await api.get(`${alpha()}/teams/${team.id}/memberships`, A_ADMIN));
    expect(list.map((m: { id: number }) => m.id)).toEqual([...state.memberships.filter((m) => m.teamId === team.id).map((m) => m.id), created.id].sort((a, b) => a - b));
    expect(expectSuccess(await api.patch(`${alpha()}/teams/${team.id}/memberships/${created.id}`, { accepted: false }, A_ADMIN)).accepted).toBe(false);
    const other = teamsOf(org("alpha").id)[0]!;
    expectError(await api.get(`${alpha()}/teams/${other.id}/memberships/${created.id}`, A_ADMIN), 404, "NotFoundException", "Organization's Team membership not found");
    expectError(await api.del(`${alpha()}/teams/${other.id}/memberships/${created.id}`, A_ADMIN), 404, "NOT_FOUND");
    expect(expectSuccess(await api.del(`${alpha()}/teams/${team.id}/memberships/${created.id}`, A_ADMIN)).user.email).toBeDefined();
    const after = await api.state();
    expect(after.memberships.some((m) => m.id === created.id)).toBe(false);
    expect(after.profiles).toEqual(state.profiles);
  });
});

describe("Teams and Teams / Memberships (outside organizations)", () => {
  it("creates a standalone team owned by the caller, refuses the same name twice, and lists the caller's teams", async () => {
    const outsiderKey = A_MEMBER;
    const created = expectSuccess(await api.post("/v2/teams", { name: "Book club" }, outsiderKey), 201);
    expect(created).toMatchObject({ name: "Book club", parentId: null, slug: null, isOrganization: false });
    expectError(await api.post("/v2/teams", { name: "Book club" }, outsiderKey), 400, "BadRequestException", "You already have created a team with name=Book club");
    const member = userOf(A_MEMBER);
    const expected = [...state.memberships.filter((m) => m.userId === member.id).map((m) => m.teamId), created.id].sort((a, b) => a - b);
    const teams = expectSuccess(await api.get("/v2/teams", outsiderKey));
    expect(teams.map((t: { id: number }) => t.id)).toEqual(expected);
    expect(teams.find((t: { id: number }) => t.id === org("alpha").id)).toMatchObject({ isOrganization: true, name: "Alpha" });
  });

  it("gives owners, admins and members what Cal.com gives them", async () => {
    const created = expectSuccess(await api.post("/v2/teams", { name: "Club" }, A_MEMBER), 201);
    const admin = userOf(A_ADMIN);
    const added = expectSuccess(await api.post(`/v2/teams/${created.id}/memberships`, { userId: admin.id, role: "ADMIN" }, A_MEMBER), 201);
    expect(added).toMatchObject({ role: "ADMIN", accepted: false, user: { email: admin.email } });
    expectError(await api.post(`/v2/teams/${created.id}/memberships`, { userId: 424242 }, A_MEMBER), 400, "BAD_REQUEST");
    // A pending ADMIN membership grants team admin: it may list and add, but not update or delete the team (owner only).
    expect(expectSuccess(await api.get(`/v2/teams/${created.id}/memberships`, A_ADMIN))).toHaveLength(2);
    expectError(await api.patch(`/v2/teams/${created.id}`, { name: "Club 2" }, A_ADMIN), 403, "ForbiddenException", /role=TEAM_OWNER/);
    expect(expectSuccess(await api.patch(`/v2/teams/${created.id}`, { name: "Club 2" }, A_MEMBER)).name).toBe("Club 2");
    expectError(await api.get(`/v2/teams/${created.id}`, A_OWNER), 403, "ForbiddenException", `RolesGuard - User is not a member of the team with id=${created.id}.`);
    expectError(await api.get("/v2/teams/999999", A_OWNER), 403, "ForbiddenException", "RolesGuard - User is not a member of the team with id=999999.");
    const updated = expectSuccess(await api.patch(`/v2/teams/${created.id}/memberships/${added.id}`, { role: "MEMBER" }, A_MEMBER));
    expect(updated.role).toBe("MEMBER");
    expectError(await api.patch(`/v2/teams/${created.id}/memberships/999999`, { role: "MEMBER" }, A_MEMBER), 404, "NOT_FOUND");
    const removed = expectSuccess(await api.del(`/v2/teams/${created.id}/memberships/${added.id}`, A_MEMBER));
    expect(removed).toMatchObject({ id: added.id, userId: admin.id, teamId: created.id, accepted: false, role: "MEMBER", disableImpersonation: false });
    expect(removed.user).toMatchObject({ email: admin.email, username: admin.username });
    expect(expectSuccess(await api.del(`/v2/teams/${created.id}`, A_MEMBER)).id).toBe(created.id);
    expect((await api.state()).memberships.some((m) => m.teamId === created.id)).toBe(false);
  });

  it("reaches an organization through /v2/teams/{orgId} with an org membership, and will not change it there", async () => {
    const a = org("alpha");
    expect(expectSuccess(await api.get(`/v2/teams/${a.id}`, A_MEMBER))).toMatchObject({ id: a.id, isOrganization: true, parentId: null });
    expectSuccess(await api.post(`/v2/teams/${a.id}/memberships`, { userId: outsider().id }, A_ADMIN), 201);
    expectError(await api.patch(`/v2/teams/${a.id}`, { name: "Renamed" }, A_OWNER), 400, "BadRequestException", /organization/);
    expectError(await api.del(`/v2/teams/${a.id}`, A_OWNER), 400, "BadRequestException", /organization/);
  });
});

describe("Me", () => {
  it("answers the caller with the organization of their profile, and updates them", async () => {
    const admin = userOf(A_ADMIN);
    const me = expectSuccess(await api.get("/v2/me", A_ADMIN));
    expect(me).toEqual({
      id: admin.id,
      email: admin.email,
      name: admin.name,
      avatarUrl: null,
      bio: null,
      username: admin.username,
      timeFormat: 12,
      // Seeded users have a default schedule, as Cal.com's users get one when they set their availability.
      defaultScheduleId: admin.defaultScheduleId,
      weekStart: "Sunday",
      timeZone: "Europe/London",
      organizationId: org("alpha").id,
      organization: { id: org("alpha").id, isPlatform: false },
    });
    const updated = expectSuccess(await api.patch("/v2/me", { timeZone: "america/new_york", timeFormat: 24, weekStart: "Monday", name: "Ada", email: "Ada@Alpha.example" }, A_ADMIN));
    // The email waits for verification (current Cal.com); the rest is applied.
    expect(updated).toMatchObject({ timeZone: "America/New_York", timeFormat: 24, weekStart: "Monday", name: "Ada", email: admin.email, organizationId: org("alpha").id });
    expect((await api.state()).users.find((u) => u.id === admin.id)!.metadata).toMatchObject({ emailChangeWaitingForVerification: "ada@alpha.example" });
    expect(updated).not.toHaveProperty("organization");
    expect(expectSuccess(await api.get("/v2/me", A_ADMIN))).toMatchObject({ timeZone: "America/New_York", organization: { id: org("alpha").id } });
    expectError(await api.patch("/v2/me", { timeZone: "Nowhere/Land" }, A_ADMIN), 400, "BadRequestException", /timeZone/);
    expectError(await api.patch("/v2/me", { weekStart: "Funday" }, A_ADMIN), 400, "BadRequestException", /weekStart/);
    expectError(await api.get("/v2/me", null), 401, "UnauthorizedException");
  });
});

describe("the state document", () => {
  it("holds the profiles; PUT /__admin/state refuses a dangling one and takes a document without any", async () => {
    expect(state.profiles.length).toBe(state.memberships.filter((m) => state.organizations.some((o) => o.id === m.teamId)).length);
    const put = (doc: unknown) => fetch(`${mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(doc) });
    const dangling = await put({ ...state, profiles: [...state.profiles, { id: 9999, userId: 424242, organizationId: org("alpha").id, username: "ghost" }] });
    expect(dangling.status).toBe(400);
    expect(((await dangling.json()) as { error: { message: string } }).error.message).toMatch(/profiles\/\d+: userId 424242/);
    const duplicate = await put({ ...state, profiles: [...state.profiles, { ...state.profiles[0]!, id: 9999 }] });
    expect(duplicate.status).toBe(400);
    expect(await api.state()).toEqual(state);

    const { profiles: _profiles, ...withoutProfiles } = state;
    expect((await put(withoutProfiles)).status).toBe(200);
    expect((await api.state()).profiles).toEqual([]);
    // No profiles, no org users; the memberships still grant their roles.
    expect(expectSuccess(await api.get(`${alpha()}/users`, A_ADMIN))).toEqual([]);
  });
});
