/**
 * An integration test of your own code against calcom-mock, started in-process.
 *
 * Copy this file into your project and replace `AttributeSync` with the code you want to test. The mock runs
 * in the test process: no container, no network beyond 127.0.0.1, a fresh port per run, and a reset between
 * tests, so tests neither see each other's writes nor depend on their order.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "calcom-mock";

// ---------------------------------------------------------------------------------------------------------
// The code under test: a small client of Cal.com's organization attributes API, as your application might
// have. It only knows a base URL and an API key, so in production it points at https://api.cal.com.
// ---------------------------------------------------------------------------------------------------------
interface Option {
  id: string;
  attributeId: string;
  value: string;
  slug: string;
}

class AttributeSync {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly orgId: number,
  ) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}/v2/organizations/${this.orgId}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${this.apiKey}`,
        "cal-api-version": "2024-08-13",
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const json = (await res.json()) as { status: string; data?: T; error?: { code: string; message: string } };
    if (!res.ok) throw new Error(`Cal.com answered ${res.status} ${json.error?.code}: ${json.error?.message}`);
    return json.data as T;
  }

  createSelectAttribute(name: string, slug: string, values: string[]) {
    const options = values.map((value) => ({ value, slug: value.toLowerCase().replace(/[^a-z0-9]+/g, "-") }));
    return this.call<{ id: string; slug: string }>("POST", "/attributes", { name, slug, type: "SINGLE_SELECT", options });
  }

  options(attributeId: string) {
    return this.call<Option[]>("GET", `/attributes/${attributeId}/options`);
  }

  assign(userId: number, attributeId: string, attributeOptionId: string) {
    return this.call<{ id: string }>("POST", `/attributes/options/${userId}`, { attributeId, attributeOptionId });
  }

  assignedBySlug(slug: string, teamIds: number[]) {
    return this.call<Array<Option & { assignedUserIds: number[] }>>("GET", `/attributes/slugs/${slug}/options/assigned?teamIds=${teamIds.join(",")}`);
  }

  unassign(userId: number, attributeOptionId: string) {
    return this.call<{ id: string }>("DELETE", `/attributes/options/${userId}/${attributeOptionId}`);
  }
}

// ---------------------------------------------------------------------------------------------------------
// The tests.
// ---------------------------------------------------------------------------------------------------------

/** A key the default scenario issues to an organization admin (the CLI prints them all at start). */
const ADMIN_KEY = "cal_test_mock_admin_key";

let mock: MockServer;
let sync: AttributeSync;
let orgId: number;
let userId: number;
let teamId: number;

/** The journal of /v2 requests the mock received, optionally filtered (method, path with * and **, status). */
async function requests(filter: Record<string, string> = {}) {
  const res = await fetch(`${mock.url}/__admin/requests?${new URLSearchParams(filter)}`);
  return ((await res.json()) as { data: Array<{ method: string; path: string; query: Record<string, unknown>; body: unknown; status: number }> }).data;
}

beforeAll(async () => {
  // Port 0 picks a free port; a fixed seed makes the generated people and ids the same on every run.
  mock = await createMockServer({ port: 0, seed: 42, scenario: "default", db: "memory" });

  // The default scenario: one organization (Acme) with teams, members and three keyed users. Look up what the
  // test needs instead of hard-coding ids.
  const state = mock.state();
  orgId = state.organizations[0]!.id;
  const member = state.apiKeys.find((k) => k.key === "cal_test_mock_member_key")!;
  userId = member.userId;
  teamId = state.memberships.find((m) => m.userId === userId && state.teams.some((t) => t.id === m.teamId))!.teamId;

  sync = new AttributeSync(mock.url, ADMIN_KEY, orgId);
});

afterAll(() => mock.close());

beforeEach(async () => {
  // Every test starts from the seeded state, with an empty journal and no injected faults.
  await mock.reset();
  await fetch(`${mock.url}/__admin/requests`, { method: "DELETE" });
  await fetch(`${mock.url}/__admin/faults`, { method: "DELETE" });
});

describe("AttributeSync against calcom-mock", () => {
  it("creates an attribute, assigns an option, finds it by slug within a team, and unassigns it", async () => {
    const office = await sync.createSelectAttribute("Office", "office", ["Berlin", "Lisbon", "Remote"]);
    const options = await sync.options(office.id);
    expect(options.map((o) => o.value)).toEqual(["Berlin", "Lisbon", "Remote"]);
    const lisbon = options.find((o) => o.value === "Lisbon")!;

    await sync.assign(userId, office.id, lisbon.id);

    // Only held options are listed, each with its holders; teamIds narrows them to members of those teams.
    const { id, attributeId, value, slug } = lisbon;
    expect(await sync.assignedBySlug("office", [teamId])).toEqual([{ id, attributeId, value, slug, assignedUserIds: [userId] }]);
    const otherTeam = mock.state().teams.find((t) => t.id !== teamId && !mock.state().memberships.some((m) => m.teamId === t.id && m.userId === userId))!;
    expect(await sync.assignedBySlug("office", [otherTeam.id])).toEqual([]);

    await sync.unassign(userId, lisbon.id);
    expect(await sync.assignedBySlug("office", [teamId])).toEqual([]);

    // What did our code send? The journal answers, with the API key masked.
    const sent = await requests();
    expect(sent.map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      `POST /v2/organizations/${orgId}/attributes 201`,
      `GET /v2/organizations/${orgId}/attributes/${office.id}/options 200`,
      `POST /v2/organizations/${orgId}/attributes/options/${userId} 201`,
      `GET /v2/organizations/${orgId}/attributes/slugs/office/options/assigned 200`,
      `GET /v2/organizations/${orgId}/attributes/slugs/office/options/assigned 200`,
      `DELETE /v2/organizations/${orgId}/attributes/options/${userId}/${lisbon.id} 200`,
      `GET /v2/organizations/${orgId}/attributes/slugs/office/options/assigned 200`,
    ]);
    const [assignment] = await requests({ method: "POST", path: "/v2/organizations/*/attributes/options/*" });
    expect(assignment!.body).toEqual({ attributeId: office.id, attributeOptionId: lisbon.id });
    const [firstLookup] = await requests({ path: "/v2/**/slugs/office/**" });
    expect(firstLookup!.query).toEqual({ teamIds: String(teamId) });
  });

  it("starts each test from the seeded state", async () => {
    // The attribute the previous test created is gone, and the journal is empty.
    const res = await fetch(`${mock.url}/v2/organizations/${orgId}/attributes`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const slugs = ((await res.json()) as { data: Array<{ slug: string }> }).data.map((a) => a.slug);
    expect(slugs).not.toContain("office");
    expect(await requests()).toHaveLength(1);
  });

  it("reports Cal.com's errors: a conflict, and an outage injected with a fault rule", async () => {
    const office = await sync.createSelectAttribute("Office", "office", ["Berlin"]);
    await expect(sync.createSelectAttribute("Office again", "office", ["Paris"])).rejects.toThrow(/409 CONFLICT/);

    // The next assignment request fails once with 503, as during a Cal.com outage. (For a single request, the
    // header `Prefer: code=503` does the same; `Prefer: delay=2000` makes an answer slow.)
    await fetch(`${mock.url}/__admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "POST", path: "/v2/organizations/*/attributes/options/*", status: 503, count: 1 }),
    });
    const [berlin] = await sync.options(office.id);
    await expect(sync.assign(userId, office.id, berlin!.id)).rejects.toThrow(/503 ServiceUnavailableException/);
    await sync.assign(userId, office.id, berlin!.id); // the fault was used up: the retry goes through

    expect(await requests({ status: "4xx" })).toHaveLength(1);
    expect(await requests({ status: "5xx" })).toHaveLength(1);
  });
});
