import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import type { ScenarioRecipe } from "../../src/store/seed.js";
import { expectError, expectSuccess, makeTempDir, startMock, writeScenario, type Client } from "../support/harness.js";

/** Two organizations with the same attribute slug, and in Beta a keyed user whose invitation is still pending. */
const RECIPE: ScenarioRecipe = {
  name: "isolation",
  description: "Alpha and Beta, for cross-organization tests.",
  organizations: [
    {
      name: "Alpha",
      slug: "alpha",
      teams: ["Red", "Blue"],
      members: 8,
      keyedUsers: [
        { role: "OWNER", username: "alpha-owner", apiKey: "cal_test_alpha_owner" },
        { role: "ADMIN", username: "alpha-admin", apiKey: "cal_test_alpha_admin" },
        { role: "MEMBER", username: "alpha-member", apiKey: "cal_test_alpha_member" },
      ],
      attributes: [
        { name: "Department", slug: "department", type: "SINGLE_SELECT", options: ["Ops", "Dev"], coverage: 1 },
        { name: "Languages", slug: "languages", type: "MULTI_SELECT", options: ["EN", "FR", "DE"], perMember: [1, 2], weighted: true, coverage: 1 },
      ],
    },
    {
      name: "Beta",
      slug: "beta",
      teams: ["Green", "Yellow"],
      members: 4,
      pendingMembers: 2,
      // Keyed users are the first members in order: past `members`, the fifth one's invitation is pending.
      keyedUsers: [
        { role: "ADMIN", username: "beta-admin", apiKey: "cal_test_beta_admin" },
        { role: "MEMBER", username: "beta-member", apiKey: "cal_test_beta_member" },
        { role: "OWNER", username: "beta-owner", apiKey: "cal_test_beta_owner" },
        { role: "MEMBER", username: "beta-plain", apiKey: "cal_test_beta_plain" },
        { role: "ADMIN", username: "beta-pending", apiKey: "cal_test_beta_pending" },
      ],
      attributes: [
        { name: "Department", slug: "department", type: "SINGLE_SELECT", options: ["Research", "Sales"], coverage: 1 },
        { name: "Clearance", slug: "clearance", type: "TEXT", values: ["secret", "top-secret"], coverage: 1 },
        { name: "Level", slug: "level", type: "NUMBER", values: ["1", "2"], coverage: 0.5 },
      ],
    },
  ],
  outsiders: 1,
};

const A_ADMIN = "cal_test_alpha_admin";
const A_MEMBER = "cal_test_alpha_member";
const B_ADMIN = "cal_test_beta_admin";
const B_PENDING = "cal_test_beta_pending";

const NOT_ASSIGNED_MESSAGE =
  "Options provided in assignedOptionIds are not assigned to anyone, or the users are not part of the teams specified in teamIds filter.";

let dir: string;
let recipeFile: string;
let mock: MockServer;
let api: Client;
let state: State;

beforeAll(async () => {
  dir = makeTempDir();
  recipeFile = writeScenario(dir, RECIPE);
  ({ mock, api } = await startMock({ scenario: recipeFile, seed: 3 }));
});
afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await mock.reset({ scenario: recipeFile, seed: 3 });
  state = await api.state();
});

/** The ids of one organization of the scenario, read from the state. */
function org(slug: string) {
  const o = state.organizations.find((x) => x.slug === slug)!;
  const attributes = state.attributes.filter((a) => a.teamId === o.id);
  const attributeIds = new Set(attributes.map((a) => a.id));
  const options = state.attributeOptions.filter((x) => attributeIds.has(x.attributeId));
  const optionIds = new Set(options.map((x) => x.id));
  const memberships = state.memberships.filter((m) => m.teamId === o.id);
  const membershipIds = new Set(memberships.map((m) => m.id));
  const members = memberships.filter((m) => m.accepted).map((m) => m.userId);
  const teams = state.teams.filter((t) => t.parentId === o.id);
  const assignments = state.attributeAssignments.filter((a) => optionIds.has(a.attributeOptionId));
  const attr = (s: string) => attributes.find((a) => a.slug === s)!;
  const held = assignments.find((a) => a.weight !== null) ?? assignments[0]!;
  const holder = state.memberships.find((m) => m.id === held.memberId)!.userId;
  return { id: o.id, base: `/v2/organizations/${o.id}`, attributes, options, memberships, membershipIds, members, teams, assignments, attr, held, holder };
}

/** Everything of an organization in the state, to show it did not change. */
function slice(s: State, orgId: number) {
  const attributes = s.attributes.filter((a) => a.teamId === orgId);
  const attributeIds = new Set(attributes.map((a) => a.id));
  const options = s.attributeOptions.filter((o) => attributeIds.has(o.attributeId));
  const optionIds = new Set(options.map((o) => o.id));
  const membershipIds = new Set(s.memberships.filter((m) => m.teamId === orgId).map((m) => m.id));
  return {
    attributes,
    options,
    assignments: s.attributeAssignments.filter((a) => optionIds.has(a.attributeOptionId)),
    history: s.assignmentHistory.filter((h) => membershipIds.has(h.memberId)),
  };
}

describe("cross-organization isolation", () => {
  it("seeds two organizations with their own members, keys and same-slug attributes", () => {
    const a = org("alpha");
    const b = org("beta");
    expect(a.id).not.toBe(b.id);
    expect(a.members).toHaveLength(8);
    expect(b.members).toHaveLength(4);
    expect(a.members.filter((u) => b.members.includes(u))).toEqual([]);
    expect(a.attr("department").id).not.toBe(b.attr("department").id);
    // Beta's membership ids are not its user ids, so a test can tell them apart.
    expect(b.memberships.some((m) => m.id !== m.userId)).toBe(true);
  });

  it("refuses a key of Alpha on every operation under Beta's orgId, changing nothing", async () => {
    const a = org("alpha");
    const b = org("beta");
    const dept = b.attr("department");
    const opt = b.options.find((o) => o.attributeId === dept.id)!;
    const calls: Array<[string, string, unknown?]> = [
      ["GET", `${b.base}/attributes`],
      ["POST", `${b.base}/attributes`, { name: "X", slug: "x", type: "TEXT", options: [] }],
      ["GET", `${b.base}/attributes/${dept.id}`],
      ["PATCH", `${b.base}/attributes/${dept.id}`, { name: "Pwned" }],
      ["DELETE", `${b.base}/attributes/${dept.id}`],
      ["POST", `${b.base}/attributes/${dept.id}/options`, { value: "X", slug: "x" }],
      ["GET", `${b.base}/attributes/${dept.id}/options`],
      ["PATCH", `${b.base}/attributes/${dept.id}/options/${opt.id}`, { value: "X" }],
      ["DELETE", `${b.base}/attributes/${dept.id}/options/${opt.id}`],
      ["GET", `${b.base}/attributes/${dept.id}/options/assigned`],
      ["GET", `${b.base}/attributes/slugs/department/options/assigned`],
      ["GET", `${b.base}/attributes/options/${b.holder}`],
      ["POST", `${b.base}/attributes/options/${b.holder}`, { attributeId: dept.id, value: "X" }],
      ["DELETE", `${b.base}/attributes/options/${b.holder}/${b.held.attributeOptionId}`],
      ["PATCH", `${b.base}/attributes/options/${b.holder}/${b.held.attributeOptionId}`, { weight: 9 }],
      ["GET", `${b.base}/attributes/assignments/${b.holder}/history`],
    ];
    for (const key of [A_ADMIN, A_MEMBER, "cal_test_alpha_owner"]) {
      const userId = state.apiKeys.find((k) => k.key === key)!.userId;
      expect(a.members).toContain(userId);
      for (const [method, path, body] of calls) {
        const res = await api.request(method, path, { key, ...(body !== undefined && { body }) });
        expectError(res, 403, "ForbiddenException", `RolesGuard - User is not a member of the organization with id=${b.id}.`, path);
      }
    }
    expect(slice(await api.state(), b.id)).toEqual(slice(state, b.id));
  });

  // apps/api/v2/src/modules/auth/guards/roles/roles.guard.ts (RolesGuard.canActivate) looks the org membership up
  // without looking at `accepted`: a pending invitee's key passes with its invitation's role.
  it("lets a keyed user whose invitation is pending through the role guard with that role", async () => {
    const b = org("beta");
    const pendingUser = state.apiKeys.find((k) => k.key === B_PENDING)!.userId;
    expect(b.memberships.find((m) => m.userId === pendingUser)).toMatchObject({ accepted: false, role: "ADMIN" });
    expect(expectSuccess(await api.get(`${b.base}/attributes`, B_PENDING))).toEqual(b.attributes);
    expectSuccess(await api.post(`${b.base}/attributes`, { name: "X", slug: "x-pending", type: "TEXT", options: [] }, B_PENDING), 201);
    // Not in Alpha at all: still refused there.
    expectError(await api.get(`${org("alpha").base}/attributes`, B_PENDING), 403, "ForbiddenException", /not a member/);
  });

  it("lists only the caller's organization's attributes and options", async () => {
    const a = org("alpha");
    const b = org("beta");
    const ids = (res: { body: { data: Array<{ id: string }> } }) => res.body.data.map((x) => x.id);
    expect(ids(await api.get(`${a.base}/attributes`, A_MEMBER))).toEqual(a.attributes.map((x) => x.id));
    expect(ids(await api.get(`${b.base}/attributes`, B_ADMIN))).toEqual(b.attributes.map((x) => x.id));
    const aOptions = expectSuccess(await api.get(`${a.base}/attributes/${a.attr("department").id}/options`, A_ADMIN));
    expect(aOptions.map((o: { value: string }) => o.value)).toEqual(["Ops", "Dev"]);
  });

  it("answers as for an unknown attribute to Beta's attribute ids used under Alpha's orgId, on every attribute route", async () => {
    const a = org("alpha");
    const b = org("beta");
    const dept = b.attr("department");
    const opt = b.options.find((o) => o.attributeId === dept.id)!;
    // Each as Cal.com answers an attribute its organization does not have (findUnique's null, Prisma's NOT_FOUND,
    // the delete's "Attribute option not found", an empty listing), or, where Cal.com does not check the
    // organization at all, the mock's 404 "Attribute not found".
    const calls: Array<[string, string, unknown, number, string, string]> = [
      ["PATCH", `${a.base}/attributes/${dept.id}`, { name: "Pwned" }, 404, "NOT_FOUND", "Invalid Query: The requested record was not found."],
      ["DELETE", `${a.base}/attributes/${dept.id}`, undefined, 404, "NOT_FOUND", "Invalid Query: The requested record was not found."],
      ["POST", `${a.base}/attributes/${dept.id}/options`, { value: "X", slug: "x" }, 404, "NotFoundException", "Attribute not found"],
      ["PATCH", `${a.base}/attributes/${dept.id}/options/${opt.id}`, { value: "X" }, 404, "NotFoundException", "Attribute not found"],
      ["DELETE", `${a.base}/attributes/${dept.id}/options/${opt.id}`, undefined, 404, "NotFoundException", "Attribute option not found"],
      ["POST", `${a.base}/attributes/options/${a.members[3]}`, { attributeId: dept.id, attributeOptionId: opt.id }, 404, "NotFoundException", "Attribute not found"],
      ["POST", `${a.base}/attributes/options/${a.members[3]}`, { attributeId: b.attr("clearance").id, value: "secret" }, 404, "NotFoundException", "Attribute not found"],
    ];
    for (const [method, path, body, status, code, message] of calls) {
      const res = await api.request(method, path, { key: A_ADMIN, ...(body !== undefined && { body }) });
      expectError(res, status, code, message, path);
    }
    expect(expectSuccess(await api.get(`${a.base}/attributes/${dept.id}`, A_ADMIN))).toBeNull();
    expect(expectSuccess(await api.get(`${a.base}/attributes/${dept.id}/options/assigned`, A_ADMIN))).toEqual([]);
    // Cal.com would list Beta's options here (it looks the options up by attribute id alone); the mock lists none.
    expect(expectSuccess(await api.get(`${a.base}/attributes/${dept.id}/options`, A_ADMIN))).toEqual([]);
    // A slug Alpha does not have, even though Beta does.
    expect(expectSuccess(await api.get(`${a.base}/attributes/slugs/clearance/options/assigned`, A_ADMIN))).toEqual([]);
    expect(slice(await api.state(), b.id)).toEqual(slice(state, b.id));
    expect(slice(await api.state(), a.id)).toEqual(slice(state, a.id));
  });

  it("answers 404 for Beta's option ids under Alpha's attributes", async () => {
    const a = org("alpha");
    const b = org("beta");
    const aDept = a.attr("department");
    const bOpt = b.options[0]!;
    expectError(await api.patch(`${a.base}/attributes/${aDept.id}/options/${bOpt.id}`, { value: "X" }, A_ADMIN), 404, "NOT_FOUND");
    expectError(await api.del(`${a.base}/attributes/${aDept.id}/options/${bOpt.id}`, A_ADMIN), 404, "NotFoundException", "Attribute option not found");
    // Alpha's user, Beta's option: not held.
    const aUser = a.members[4]!;
    expectError(await api.del(`${a.base}/attributes/options/${aUser}/${bOpt.id}`, A_ADMIN), 404, "NotFoundException", "Attribute does not belong to this user");
    expectError(await api.patch(`${a.base}/attributes/options/${aUser}/${bOpt.id}`, { weight: 1 }, A_ADMIN), 404, "NotFoundException", "Attribute does not belong to this user");
    expect(slice(await api.state(), b.id)).toEqual(slice(state, b.id));
  });

  it("answers an option of Beta in an assignment under Alpha as if it did not exist", async () => {
    const a = org("alpha");
    const b = org("beta");
    const bOpt = b.options[0]!;
    const res = await api.post(`${a.base}/attributes/options/${a.members[4]}`, { attributeId: a.attr("department").id, attributeOptionId: bOpt.id }, A_ADMIN);
    expectError(res, 400, "BAD_REQUEST", "Invalid input: The referenced data does not exist.");
    const unknown = await api.post(`${a.base}/attributes/options/${a.members[4]}`, { attributeId: a.attr("department").id, attributeOptionId: "cnothere0000000000000000000" }, A_ADMIN);
    expect(unknown.body.error).toEqual(res.body.error);
    expect(await api.state()).toEqual(state);
  });

  it("answers 404 for Beta's users under Alpha's orgId", async () => {
    const a = org("alpha");
    const b = org("beta");
    const user = b.holder;
    const opt = b.held.attributeOptionId;
    const message = "User is not a member of the organization";
    // Listing has no membership check in Cal.com: Beta's user holds nothing in Alpha.
    expect(expectSuccess(await api.get(`${a.base}/attributes/options/${user}`, A_MEMBER))).toEqual([]);
    expectError(await api.post(`${a.base}/attributes/options/${user}`, { attributeId: a.attr("department").id, attributeOptionId: a.options[0]!.id }, A_ADMIN), 404, "NotFoundException", message);
    expectError(await api.del(`${a.base}/attributes/options/${user}/${opt}`, A_ADMIN), 404, "NotFoundException", message);
    expectError(await api.patch(`${a.base}/attributes/options/${user}/${opt}`, { weight: 4 }, A_ADMIN), 404, "NotFoundException", message);
    expectError(await api.get(`${a.base}/attributes/assignments/${user}/history`, A_ADMIN), 404, "NotFoundException", message);
    expect(await api.state()).toEqual(state);
  });

  it("does not let assignedOptionIds or teamIds of Beta reach into Beta", async () => {
    const a = org("alpha");
    const b = org("beta");
    const path = `${a.base}/attributes/slugs/department/options/assigned`;
    const bOptionIds = b.options.map((o) => o.id).join(",");
    expectError(await api.get(`${path}?assignedOptionIds=${bOptionIds}`, A_MEMBER), 404, "NotFoundException", NOT_ASSIGNED_MESSAGE);
    // Beta's teams hold nobody of Alpha's; Alpha's own team does.
    expect(expectSuccess(await api.get(`${path}?teamIds=${b.teams.map((t) => t.id).join(",")}`, A_MEMBER))).toEqual([]);
    expect(expectSuccess(await api.get(`${path}?teamIds=${b.id}`, A_MEMBER))).toEqual([]);
    expect(expectSuccess(await api.get(`${path}?teamIds=${a.teams[0]!.id}`, A_MEMBER)).length).toBeGreaterThan(0);
  });

  it("answers each organization's own attribute for the same slug, with its own holders", async () => {
    const a = org("alpha");
    const b = org("beta");
    for (const [o, key] of [
      [a, A_MEMBER],
      [b, B_ADMIN],
    ] as const) {
      const data = expectSuccess(await api.get(`${o.base}/attributes/slugs/department/options/assigned`, key));
      const dept = o.attr("department");
      expect(data.map((x: { attributeId: string }) => x.attributeId)).toEqual(data.map(() => dept.id));
      const holders = data.flatMap((x: { assignedUserIds: number[] }) => x.assignedUserIds);
      expect([...holders].sort((p: number, q: number) => p - q)).toEqual([...o.members].sort((p, q) => p - q));
    }
  });

  it("answers the membership id, not the user id, as memberId", async () => {
    const b = org("beta");
    const user = b.members.find((u) => b.memberships.find((m) => m.userId === u)!.id !== u)!;
    const membership = b.memberships.find((m) => m.userId === user)!;
    const dept = b.attr("department");
    const free = b.options.find((o) => o.attributeId === dept.id && !b.assignments.some((x) => x.attributeOptionId === o.id && x.memberId === membership.id))!;
    const data = expectSuccess(await api.post(`${b.base}/attributes/options/${user}`, { attributeId: dept.id, attributeOptionId: free.id }, B_ADMIN), 201);
    expect(data.memberId).toBe(membership.id);
    expect(data.memberId).not.toBe(user);
    const history = expectSuccess(await api.get(`${b.base}/attributes/assignments/${user}/history`, B_ADMIN));
    expect(history).toMatchObject({ userId: user, membershipId: membership.id });
  });

  it("lets Alpha use a slug Beta has, and keeps Beta's apart", async () => {
    const a = org("alpha");
    const b = org("beta");
    const created = expectSuccess(await api.post(`${a.base}/attributes`, { name: "Clearance", slug: "clearance", type: "TEXT", options: [] }, A_ADMIN), 201);
    expect(created.teamId).toBe(a.id);
    expectSuccess(await api.post(`${a.base}/attributes/options/${a.members[2]}`, { attributeId: created.id, value: "secret" }, A_ADMIN), 201);
    const aAssigned = expectSuccess(await api.get(`${a.base}/attributes/slugs/clearance/options/assigned`, A_ADMIN));
    expect(aAssigned).toEqual([expect.objectContaining({ attributeId: created.id, value: "secret", assignedUserIds: [a.members[2]] })]);
    const bAssigned = expectSuccess(await api.get(`${b.base}/attributes/slugs/clearance/options/assigned`, B_ADMIN));
    expect(bAssigned.every((x: { attributeId: string }) => x.attributeId === b.attr("clearance").id)).toBe(true);
    expect(slice(await api.state(), b.id)).toEqual(slice(state, b.id));
  });

  it("keeps a user who is in both organizations apart: Beta's teams and data stay invisible from Alpha", async () => {
    const a = org("alpha");
    const b = org("beta");
    // A state document of our own: an Alpha member who also joined Beta and one of Beta's teams.
    const shared = a.members.find((u) => a.assignments.some((x) => x.memberId === a.memberships.find((m) => m.userId === u)!.id))!;
    const nextId = Math.max(...state.memberships.map((m) => m.id)) + 1;
    const bTeam = b.teams[0]!;
    const doc: State = {
      ...state,
      memberships: [
        ...state.memberships,
        { id: nextId, userId: shared, teamId: b.id, role: "MEMBER", accepted: true },
        { id: nextId + 1, userId: shared, teamId: bTeam.id, role: "MEMBER", accepted: true },
      ],
    };
    const file = join(dir, "shared-user-state.json");
    writeFileSync(file, JSON.stringify(doc));
    expectSuccess(await api.reset({ scenario: file }));

    // From Alpha, Beta's team counts for nobody, although the shared user holds Alpha options and is in it.
    const assigned = `${a.base}/attributes/slugs/department/options/assigned`;
    expect(expectSuccess(await api.get(assigned, A_MEMBER)).some((o: { assignedUserIds: number[] }) => o.assignedUserIds.includes(shared))).toBe(true);
    expect(expectSuccess(await api.get(`${assigned}?teamIds=${bTeam.id}`, A_MEMBER))).toEqual([]);
    expect(expectSuccess(await api.get(`${assigned}?teamIds=${b.id}`, A_MEMBER))).toEqual([]);
    // From Beta, the user holds nothing: Alpha's options and history are not Beta's to see or change.
    expect(expectSuccess(await api.get(`${b.base}/attributes/options/${shared}`, B_ADMIN))).toEqual([]);
    const history = expectSuccess(await api.get(`${b.base}/attributes/assignments/${shared}/history`, B_ADMIN));
    expect(history).toEqual({ userId: shared, membershipId: nextId, auditLogs: [], hasMore: false });
    const aOption = a.assignments.find((x) => x.memberId === a.memberships.find((m) => m.userId === shared)!.id)!.attributeOptionId;
    expectError(await api.del(`${b.base}/attributes/options/${shared}/${aOption}`, B_ADMIN), 404, "NotFoundException", "Attribute does not belong to this user");
    expectError(await api.patch(`${b.base}/attributes/options/${shared}/${aOption}`, { weight: 1 }, B_ADMIN), 404, "NotFoundException", "Attribute does not belong to this user");
    expectError(
      await api.post(`${b.base}/attributes/options/${shared}`, { attributeId: b.attr("department").id, attributeOptionId: aOption }, B_ADMIN),
      400,
      "BAD_REQUEST",
    );
    expect(expectSuccess(await api.get(`${a.base}/attributes/options/${shared}`, A_MEMBER)).map((o: { id: string }) => o.id)).toContain(aOption);
  });
});
