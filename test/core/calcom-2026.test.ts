import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import {
  ADMIN_KEY,
  MEMBER_KEY,
  OWNER_KEY,
  expectError,
  expectSuccess,
  freshScenarioEachTest,
  scenarioFacts,
  startMock,
  type Client,
  type FreshScenario,
} from "../support/harness.js";

/**
 * What changed in Cal.com between its 2025 and its 2026 code for the 48 stateful operations, point by point as
 * ../shared/reference/calcom-2026-changes.md (sections 1 and 2) lists them, checked over HTTP on the default
 * scenario (organization 1 with teams 2, 3 and 4; the admin key's user is ADMIN of team 3, the member key's a
 * MEMBER of team 4, the owner key's OWNER of team 2).
 */

let f: FreshScenario;
freshScenarioEachTest((fresh) => (f = fresh));

/** Loads a changed copy of the current state (PUT /__admin/state), as a test sets up data the seed lacks. */
async function putState(change: (state: State) => void): Promise<void> {
  const state = structuredClone(f.state);
  change(state);
  const res = await fetch(`${f.mock.url}/__admin/state`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(state) });
  expect(res.status, await res.clone().text()).toBe(200);
}

const membershipOf = (state: State, teamId: number, userId: number) => state.memberships.find((m) => m.teamId === teamId && m.userId === userId);

describe("1.1 pagination: SkipTakePagination's defaults and bounds", () => {
  const lists = () => [
    `${f.base}/attributes`,
    `${f.base}/memberships`,
    `${f.base}/teams`,
    `${f.base}/teams/me`,
    `${f.base}/teams/3/memberships`,
    `/v2/teams/3/memberships`,
  ];

  it("an empty take= or skip= reads as the default (250, 0) on the six lists, where 2025 answered 400", async () => {
    for (const path of lists()) {
      const plain = expectSuccess(await f.api.get(path));
      expect(expectSuccess(await f.api.get(`${path}?take=`)), path).toEqual(plain);
      expect(expectSuccess(await f.api.get(`${path}?skip=`)), path).toEqual(plain);
      expect(expectSuccess(await f.api.get(`${path}?take=&skip=`)), path).toEqual(plain);
    }
  });

  it("take stays 1-250 and skip >= 0 there: take=0, take=251 and skip=-1 are 400 naming the bound", async () => {
    for (const path of lists()) {
      const zero = await f.api.get(`${path}?take=0`);
      expectError(zero, 400, "BadRequestException", /query take/);
      expect(zero.body.error.details.errors[0]).toMatchObject({ property: "take", constraints: { min: "take must not be less than 1" } });
      const over = await f.api.get(`${path}?take=251`);
      expect(over.body.error.details.errors[0]).toMatchObject({ property: "take", constraints: { max: "take must not be greater than 250" } });
      expectError(await f.api.get(`${path}?skip=-1`), 400, "BadRequestException", /query skip/);
      expect(expectSuccess(await f.api.get(`${path}?take=250`)), path).toEqual(expectSuccess(await f.api.get(path)));
    }
  });

  it("the attributes list answers at most 250 without take (2025: all of them)", async () => {
    await putState((state) => {
      const template = state.attributes[0]!;
      for (let i = 0; i < 260; i++) {
        const n = String(i).padStart(12, "0");
        state.attributes.push({ ...template, id: `00000000-0000-4000-8000-${n}`, name: `Extra ${i}`, slug: `extra-${i}` });
      }
    });
    const total = f.state.attributes.filter((a) => a.teamId === f.facts.org.id).length + 260;
    expect(expectSuccess(await f.api.get(`${f.base}/attributes`))).toHaveLength(250);
    expect(expectSuccess(await f.api.get(`${f.base}/attributes?skip=250`))).toHaveLength(total - 250);
  });

  it("the org users list keeps its own bounds (take 1-1000)", async () => {
    expectSuccess(await f.api.get(`${f.base}/users?take=1000`));
    expectError(await f.api.get(`${f.base}/users?take=1001`), 400, "BadRequestException", /query take/);
  });
});

describe("1.2 the permission guard in front of the role guard (attributes and options)", () => {
  // No organization of the mock has Cal.com's `pbac` feature or custom roles (see the README's differences), so
  // Cal.com's PbacGuard lets every request through to RolesGuard, whose decisions and texts are these.
  it("without PBAC the legacy role decides: a member may read and unassign, not create", async () => {
    const memberId = f.facts.memberId;
    expectSuccess(await f.api.get(`${f.base}/attributes`, MEMBER_KEY));
    expectError(
      await f.api.post(`${f.base}/attributes`, { name: "Shift", slug: "shift", type: "TEXT" }, MEMBER_KEY),
      403,
      "ForbiddenException",
      `RolesGuard - user with id=${memberId} does not have the minimum required role=ORG_ADMIN within organization with id=${f.facts.org.id}.`,
    );
    const held = expectSuccess(await f.api.get(`${f.base}/attributes/options/${memberId}`, MEMBER_KEY))[0];
    expectSuccess(await f.api.del(`${f.base}/attributes/options/${memberId}/${held.id}`, MEMBER_KEY));
  });
});

describe("2 Orgs / Memberships: OrganizationMembershipOutput with attributes on all five", () => {
  const ATTRIBUTE = {
    text: ["id", "name", "option", "optionId", "type"],
    number: ["id", "name", "option", "optionId", "type"],
    singleSelect: ["id", "name", "option", "optionId", "type"],
    multiSelect: ["id", "name", "options", "type"],
  } as const;

  /** The member's attribute values, grouped per attribute, from the state (the reference's groupMembershipAttributes). */
  function expectedAttributes(membershipId: number) {
    const byAttribute = new Map<string, { type: string; values: string[] }>();
    for (const a of f.state.attributeAssignments.filter((x) => x.memberId === membershipId)) {
      const option = f.state.attributeOptions.find((o) => o.id === a.attributeOptionId)!;
      const attribute = f.state.attributes.find((x) => x.id === option.attributeId)!;
      const entry = byAttribute.get(attribute.id) ?? { type: attribute.type, values: [] };
      entry.values.push(option.id);
      byAttribute.set(attribute.id, entry);
    }
    return byAttribute;
  }

  function checkAttributes(output: { id: number; attributes: Array<Record<string, any>> }) {
    const expected = expectedAttributes(output.id);
    expect(output.attributes.map((a) => a.id).sort()).toEqual([...expected.keys()].sort());
    for (const a of output.attributes) {
      expect(Object.keys(a).sort()).toEqual([...ATTRIBUTE[a.type as keyof typeof ATTRIBUTE]]);
      const want = expected.get(a.id)!;
      const type = { TEXT: "text", NUMBER: "number", SINGLE_SELECT: "singleSelect", MULTI_SELECT: "multiSelect" }[want.type];
      expect(a.type).toBe(type);
      if (a.type === "multiSelect") expect(a.options.map((o: { optionId: string }) => o.optionId).sort()).toEqual([...want.values].sort());
      else expect([a.optionId]).toEqual(want.values);
      if (a.type === "number") expect(typeof a.option).toBe("number");
    }
  }

  it("list, create, get, update and delete each answer the member's attributes, grouped per attribute", async () => {
    const list = expectSuccess(await f.api.get(`${f.base}/memberships`));
    for (const m of list) checkAttributes(m);
    const someone = list.find((m: { attributes: Array<{ type: string }> }) => m.attributes.some((a) => a.type === "multiSelect"));
    expect(someone).toBeDefined();
    checkAttributes(expectSuccess(await f.api.get(`${f.base}/memberships/${someone.id}`)));
    checkAttributes(expectSuccess(await f.api.patch(`${f.base}/memberships/${someone.id}`, { role: "ADMIN" })));
    const created = expectSuccess(await f.api.post(`${f.base}/memberships`, { userId: f.facts.outsiderIds[0], role: "MEMBER", accepted: true }), 201);
    expect(created.attributes).toEqual([]);
    // The delete answers the membership as it was, with the attributes it held.
    checkAttributes(expectSuccess(await f.api.del(`${f.base}/memberships/${someone.id}`)));
  });

  it("a membership that is not the organization's answers the guard's 404 on get, update and delete", async () => {
    const team = membershipOf(f.state, 3, f.facts.adminId)!;
    for (const res of [
      await f.api.get(`${f.base}/memberships/${team.id}`),
      await f.api.patch(`${f.base}/memberships/${team.id}`, { role: "ADMIN" }),
      await f.api.del(`${f.base}/memberships/${team.id}`),
      await f.api.get(`${f.base}/memberships/999999`),
    ]) {
      expectError(res, 404, "NotFoundException", /^IsMembershipInOrg - Membership \(\d+\) not found\.$/);
    }
  });

  it("a delete removes the member from the organization as removeMembers does, and leaves the user", async () => {
    const userId = 5; // a member of team 3 and of the organization, with attributes
    const user = f.state.users.find((u) => u.id === userId)!;
    const org = membershipOf(f.state, f.facts.org.id, userId)!;
    expect(membershipOf(f.state, 3, userId)).toBeDefined();
    expectSuccess(await f.api.del(`${f.base}/memberships/${org.id}`));
    const after = await f.api.state();
    expect(after.memberships.filter((m) => m.userId === userId)).toEqual([]);
    expect(after.profiles.filter((p) => p.userId === userId)).toEqual([]);
    expect(after.attributeAssignments.filter((a) => a.memberId === org.id)).toEqual([]);
    expect(after.users.find((u) => u.id === userId)).toMatchObject({ id: userId, email: user.email, organizationId: null, username: `${user.username}-${userId}` });
    expect(expectSuccess(await f.api.get(`${f.base}/users?emails=${user.email}`))).toEqual([]);
    expect(expectSuccess(await f.api.get(`${f.base}/teams/3/memberships`)).some((m: { userId: number }) => m.userId === userId)).toBe(false);
  });

  it("the platform compatibility check passes where no OAuth client is involved, a platform organization included", async () => {
    await putState((state) => {
      state.organizations[0]!.isPlatform = true;
      state.organizations[0]!.platformBilling = { plan: "ESSENTIALS", subscriptionId: "sub_1" };
    });
    const created = expectSuccess(await f.api.post(`${f.base}/memberships`, { userId: f.facts.outsiderIds[0] }), 201);
    expect(created).toMatchObject({ userId: f.facts.outsiderIds[0], teamId: f.facts.org.id, role: "MEMBER", accepted: false });
  });
});

describe("2 Orgs / Teams", () => {
  it("teams/me lists every team of the organization for an org admin, with role and accepted only where they are a member", async () => {
    const mine = expectSuccess(await f.api.get(`${f.base}/teams/me`, ADMIN_KEY));
    expect(mine.map((t: { id: number }) => t.id)).toEqual([2, 3, 4]);
    const byId = new Map(mine.map((t: { id: number }) => [t.id, t]));
    // The admin is ADMIN of team 3 and a MEMBER of team 2, and not in team 4.
    expect(byId.get(3)).toMatchObject({ id: 3, role: "ADMIN", accepted: true });
    expect(byId.get(2)).toMatchObject({ id: 2, role: "MEMBER", accepted: true });
    expect(byId.get(4)).not.toHaveProperty("role");
    expect(byId.get(4)).not.toHaveProperty("accepted");
    expect(expectSuccess(await f.api.get(`${f.base}/teams/me?take=1&skip=1`, ADMIN_KEY)).map((t: { id: number }) => t.id)).toEqual([3]);
    // The owner too (OWNER of team 2 only); a plain member sees only their own teams.
    const owner = expectSuccess(await f.api.get(`${f.base}/teams/me`, OWNER_KEY));
    expect(owner.map((t: { id: number }) => t.id)).toEqual([2, 3, 4]);
    expect(owner.map((t: { role?: string }) => t.role ?? null)).toEqual(["OWNER", null, null]);
    const member = expectSuccess(await f.api.get(`${f.base}/teams/me`, MEMBER_KEY));
    expect(member).toEqual([expect.objectContaining({ id: 4, role: "MEMBER", accepted: true })]);
  });

  it("without rate limits (the mock's default) two team deletes in a row both go through", async () => {
    expectSuccess(await f.api.del(`${f.base}/teams/2`));
    expectSuccess(await f.api.del(`${f.base}/teams/3`));
  });
});

describe("2 Orgs / Teams / Memberships and Teams / Memberships: auto-accept by the organization's e-mail domain", () => {
  async function autoAcceptFor(domain: string, verified: boolean) {
    await putState((state) => {
      state.organizations[0]!.organizationSettings = { orgAutoAcceptEmail: domain, isOrganizationVerified: verified };
    });
  }
  // User 6 is a member of the organization (acme.example) and of team 4, not of teams 2 and 3; user 3 only of team 4.
  const USER = 6;

  it("on the org route, a matching domain makes the membership accepted whatever the body says", async () => {
    expect(membershipOf(f.state, 3, USER)).toBeUndefined();
    await autoAcceptFor(" ACME.example ", true);
    const created = expectSuccess(await f.api.post(`${f.base}/teams/3/memberships`, { userId: USER, accepted: false }), 201);
    expect(created).toMatchObject({ userId: USER, teamId: 3, accepted: true });
  });

  it("not verified, or another domain: accepted as asked (default false)", async () => {
    await autoAcceptFor("acme.example", false);
    expect(expectSuccess(await f.api.post(`${f.base}/teams/3/memberships`, { userId: USER }), 201).accepted).toBe(false);
    await autoAcceptFor("other.example", true);
    expect(expectSuccess(await f.api.post(`${f.base}/teams/2/memberships`, { userId: USER }), 201).accepted).toBe(false);
    expect(expectSuccess(await f.api.post(`${f.base}/teams/2/memberships`, { userId: 3, accepted: true }), 201).accepted).toBe(true);
  });

  it("on the plain route, for a team of that organization; a standalone team has no organization to ask", async () => {
    await autoAcceptFor("acme.example", true);
    expect(expectSuccess(await f.api.post(`/v2/teams/3/memberships`, { userId: USER, accepted: false }, ADMIN_KEY), 201).accepted).toBe(true);
    const standalone = expectSuccess(await f.api.post(`/v2/teams`, { name: "Book club" }, ADMIN_KEY), 201);
    expect(expectSuccess(await f.api.post(`/v2/teams/${standalone.id}/memberships`, { userId: USER }, ADMIN_KEY), 201).accepted).toBe(false);
  });
});

describe("2 Teams / Memberships: the emails filter", () => {
  const path = "/v2/teams/3/memberships";
  const emailOf = (userId: number) => f.state.users.find((u) => u.id === userId)!.email;
  const usersOf = (data: Array<{ userId: number }>) => data.map((m) => m.userId).sort((a, b) => a - b);

  it("takes a comma-separated list or a repeated parameter, trimmed, lower-cased and de-duplicated", async () => {
    const [a, b] = [emailOf(4), emailOf(5)];
    expect(usersOf(expectSuccess(await f.api.get(`${path}?emails=${a},${b}`)))).toEqual([4, 5]);
    expect(usersOf(expectSuccess(await f.api.get(`${path}?emails=${a}&emails=${b}`)))).toEqual([4, 5]);
    expect(usersOf(expectSuccess(await f.api.get(`${path}?emails=%20${a.toUpperCase()}%20,,${a}`)))).toEqual([4]);
    // Someone who is not in the team, or an address nobody has: not listed.
    expect(usersOf(expectSuccess(await f.api.get(`${path}?emails=${emailOf(3)},nobody@acme.example`)))).toEqual([]);
    expect(usersOf(expectSuccess(await f.api.get(`${path}?emails=${a},${b}&skip=1&take=1`)))).toEqual([5]);
  });

  it("an empty value filters nothing", async () => {
    const all = expectSuccess(await f.api.get(path));
    expect(expectSuccess(await f.api.get(`${path}?emails=`))).toEqual(all);
    expect(expectSuccess(await f.api.get(`${path}?emails=,%20,`))).toEqual(all);
  });

  it("more than 20 distinct addresses is a 400 with Cal.com's message; 20 (after de-duplication) is fine", async () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => `user${i}@example.com`);
    expectSuccess(await f.api.get(`${path}?emails=${[...many(20), ...many(20)].join(",")}`));
    const res = await f.api.get(`${path}?emails=${many(21).join(",")}`);
    expectError(res, 400, "BadRequestException", /query emails/);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({
        property: "emails",
        constraints: { arrayMaxSize: "emails array cannot contain more than 20 email addresses for team membership filtering" },
      }),
    ]);
  });

  it("an address that is not one is a 400: Each email must be a valid email address", async () => {
    const res = await f.api.get(`${path}?emails=${emailOf(4)},not-an-email`);
    expectError(res, 400, "BadRequestException", /query emails/);
    expect(res.body.error.details.errors).toEqual([
      expect.objectContaining({ property: "emails", constraints: { isEmail: "Each email must be a valid email address" } }),
    ]);
  });
});

describe("2 Teams / Memberships: delete through removeMembers", () => {
  it("an absent membership is 404 with the service's message", async () => {
    expectError(await f.api.del(`/v2/teams/3/memberships/999999`, ADMIN_KEY), 404, "NotFoundException", "Membership with id 999999 not found in team 3");
    const elsewhere = membershipOf(f.state, 4, f.facts.memberId)!;
    expectError(await f.api.del(`/v2/teams/3/memberships/${elsewhere.id}`, ADMIN_KEY), 404, "NotFoundException", `Membership with id ${elsewhere.id} not found in team 3`);
  });

  it("removes the team membership only, answering it with its user: the org membership and the profile stay", async () => {
    const m = membershipOf(f.state, 3, 5)!;
    const user = f.state.users.find((u) => u.id === 5)!;
    expect(expectSuccess(await f.api.del(`/v2/teams/3/memberships/${m.id}`, ADMIN_KEY))).toEqual({
      id: m.id,
      userId: 5,
      teamId: 3,
      accepted: m.accepted,
      role: m.role,
      disableImpersonation: false,
      user: { avatarUrl: null, username: user.username, name: user.name, email: user.email, bio: null },
    });
    const after = await f.api.state();
    expect(membershipOf(after, 3, 5)).toBeUndefined();
    expect(membershipOf(after, f.facts.org.id, 5)).toEqual(membershipOf(f.state, f.facts.org.id, 5));
    expect(after.profiles.filter((p) => p.userId === 5)).toEqual(f.state.profiles.filter((p) => p.userId === 5));
  });
});

describe("2 Me", () => {
  it("GET and PATCH answer name, avatarUrl and bio, null when unset", async () => {
    const user = f.state.users.find((u) => u.id === f.facts.memberId)!;
    const me = expectSuccess(await f.api.get("/v2/me", MEMBER_KEY));
    expect(me).toMatchObject({ id: user.id, name: user.name, avatarUrl: null, bio: null });
    const updated = expectSuccess(await f.api.patch("/v2/me", { bio: "Hi", avatarUrl: "https://cdn.example/a.png", name: "Collin" }, MEMBER_KEY));
    expect(updated).toMatchObject({ name: "Collin", avatarUrl: "https://cdn.example/a.png", bio: "Hi" });
    expect(expectSuccess(await f.api.get("/v2/me", MEMBER_KEY))).toMatchObject({ name: "Collin", avatarUrl: "https://cdn.example/a.png", bio: "Hi" });
  });

  it("accepts the locale bn", async () => {
    expectSuccess(await f.api.patch("/v2/me", { locale: "bn" }, MEMBER_KEY));
    expect((await f.api.state()).users.find((u) => u.id === f.facts.memberId)!.locale).toBe("bn");
    expectError(await f.api.patch("/v2/me", { locale: "xx" }, MEMBER_KEY), 400, "BadRequestException", /locale/);
  });

  it("a changed email waits for verification: not applied, kept lower-cased in metadata beside the metadata sent", async () => {
    const user = f.state.users.find((u) => u.id === f.facts.memberId)!;
    const taken = f.state.users.find((u) => u.id === f.facts.adminId)!.email;
    const updated = expectSuccess(await f.api.patch("/v2/me", { email: "New.Address@Acme.example", metadata: { desk: "4B" } }, MEMBER_KEY));
    expect(updated.email).toBe(user.email);
    const stored = (await f.api.state()).users.find((u) => u.id === user.id)!;
    expect(stored.email).toBe(user.email);
    expect(stored.metadata).toEqual({ ...(user.metadata ?? {}), desk: "4B", emailChangeWaitingForVerification: "new.address@acme.example" });
    // Another user's address is not taken either, so there is no conflict to report.
    expect(expectSuccess(await f.api.patch("/v2/me", { email: taken }, MEMBER_KEY)).email).toBe(user.email);
    // The same address is no change.
    expectSuccess(await f.api.patch("/v2/me", { email: user.email }, MEMBER_KEY));
    expect((await f.api.state()).users.find((u) => u.id === user.id)!.metadata).toMatchObject({ emailChangeWaitingForVerification: taken });
  });

  it("a platform-managed user's email change is applied at once (and clashes as before)", async () => {
    await putState((state) => {
      state.users.find((u) => u.id === f.facts.memberId)!.isPlatformManaged = true;
    });
    expect(expectSuccess(await f.api.patch("/v2/me", { email: "Moved@Acme.example" }, MEMBER_KEY)).email).toBe("Moved@Acme.example");
    const taken = f.state.users.find((u) => u.id === f.facts.adminId)!.email;
    expectError(await f.api.patch("/v2/me", { email: taken }, MEMBER_KEY), 409, "CONFLICT");
  });
});

describe("query parsing as qs (extended) parses it", () => {
  it("`teamIds=]=` names a key `teamIds=]`, not teamIds: the filter is absent", async () => {
    const skills = f.facts.attr("skills");
    const plain = expectSuccess(await f.api.get(`${f.base}/attributes/slugs/${skills.slug}/options/assigned`));
    expect(expectSuccess(await f.api.get(`${f.base}/attributes/slugs/${skills.slug}/options/assigned?teamIds=]=`))).toEqual(plain);
    expectError(await f.api.get(`${f.base}/attributes/slugs/${skills.slug}/options/assigned?teamIds=]%3D`), 400, "BadRequestException", /query teamIds/);
  });
});

describe("2 the team delete throttle (with Cal.com's rate limits on)", () => {
  let mock: MockServer;
  let api: Client;
  beforeAll(async () => {
    ({ mock, api } = await startMock({ rateLimit: "cal" }));
  });
  afterAll(() => mock.close());
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it("DELETE /organizations/{orgId}/teams/{teamId}: one per second per caller, counted before any other check", async () => {
    await mock.reset();
    await sleep(1100);
    const first = await api.del(`/v2/organizations/1/teams/2`, ADMIN_KEY);
    expectSuccess(first);
    expect(first.headers.get("x-ratelimit-limit-org_teams_delete")).toBe("1");
    expect(first.headers.get("x-ratelimit-remaining-org_teams_delete")).toBe("0");
    // The next one within the second is refused, whatever team it names (one that is not there included).
    for (const team of [3, 999999]) {
      const again = await api.del(`/v2/organizations/1/teams/${team}`, ADMIN_KEY);
      expectError(again, 429, "ThrottlerException", "CustomThrottlerGuard - Too many requests. Please try again later.");
      expect(again.body.error.details).toBe("CustomThrottlerGuard - Too many requests. Please try again later.");
      expect(again.headers.get("x-ratelimit-remaining-org_teams_delete")).toBe("0");
      expect(again.headers.get("x-ratelimit-reset-org_teams_delete")).toBe("1");
    }
    // Another caller has a throttle of their own; the throttle is the endpoint's, not the default limit's.
    const owner = await api.del(`/v2/organizations/1/teams/3`, OWNER_KEY);
    expectSuccess(owner);
    expect(owner.headers.get("x-ratelimit-limit-default")).toBeNull();
    await sleep(1100);
    expectSuccess(await api.del(`/v2/organizations/1/teams/4`, ADMIN_KEY));
    expect(scenarioFacts(await api.state()).teams).toEqual([]);
  });

  it("DELETE /v2/teams/{teamId} has its own: teams_delete", async () => {
    await mock.reset();
    await sleep(1100);
    const first = await api.del(`/v2/teams/2`, OWNER_KEY);
    expectSuccess(first);
    expect(first.headers.get("x-ratelimit-limit-teams_delete")).toBe("1");
    expectError(await api.del(`/v2/teams/2`, OWNER_KEY), 429, "ThrottlerException", "CustomThrottlerGuard - Too many requests. Please try again later.");
    // The org route's throttle is a different one.
    expectSuccess(await api.del(`/v2/organizations/1/teams/3`, OWNER_KEY));
  });
});
