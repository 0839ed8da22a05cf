import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import type { ScenarioRecipe } from "../../src/store/seed.js";
import { ADMIN_KEY, MEMBER_KEY, expectSuccess, makeTempDir, scenarioFacts, startMock, writeScenario, type Client } from "../support/harness.js";

const SMALL: ScenarioRecipe = {
  name: "small",
  description: "One tiny organization.",
  organizations: [
    {
      name: "Tiny",
      slug: "tiny",
      teams: ["Only"],
      members: 3,
      keyedUsers: [{ role: "ADMIN", username: "tiny-admin", apiKey: "cal_test_tiny_admin" }],
      attributes: [{ name: "Color", slug: "color", type: "SINGLE_SELECT", options: ["Red", "Blue"], coverage: 1 }],
    },
  ],
};

let dir: string;
const servers: MockServer[] = [];

beforeAll(() => {
  dir = makeTempDir();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startMock>[0] = {}) {
  const started = await startMock(options);
  servers.push(started.mock);
  return started;
}

/** Makes one change of every kind through the API; returns the new attribute's id. */
async function writeEverything(api: Client, state: State): Promise<string> {
  const facts = scenarioFacts(state);
  const base = `/v2/organizations/${facts.org.id}`;
  const created = expectSuccess(await api.post(`${base}/attributes`, { name: "Office", slug: "office", type: "SINGLE_SELECT", options: [{ value: "Oslo", slug: "oslo" }] }), 201);
  const [oslo] = expectSuccess(await api.get(`${base}/attributes/${created.id}/options`));
  expectSuccess(await api.post(`${base}/attributes/options/${facts.memberId}`, { attributeId: created.id, attributeOptionId: oslo.id, weight: 4 }), 201);
  expectSuccess(await api.patch(`${base}/attributes/options/${facts.memberId}/${oslo.id}`, { weight: 6 }));
  expectSuccess(await api.patch(`${base}/attributes/${facts.attr("job-title").id}`, { name: "Role" }));
  expectSuccess(await api.del(`${base}/attributes/${facts.attr("legacy-region").id}`));
  const dept = facts.attr("department");
  const sales = facts.optionsOf(dept.id).find((o) => o.slug === "sales")!;
  expectSuccess(await api.patch(`${base}/attributes/${dept.id}/options/${sales.id}`, { value: "Revenue" }));
  return created.id;
}

describe("POST /__admin/reset", () => {
  it("restores the seeded state after writes", async () => {
    const { api } = await start();
    const initial = await api.state();
    await writeEverything(api, initial);
    const written = await api.state();
    expect(written).not.toEqual(initial);
    expect(written.assignmentHistory.length).toBeGreaterThan(0);

    const res = await api.reset();
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success", data: { seed: 42, scenario: "default" } });
    expect(await api.state()).toEqual(initial);
  });

  it("re-seeds with another seed, as a server started with it", async () => {
    const { mock, api } = await start();
    const { mock: other } = await start({ seed: 9 });
    const initial = await api.state();
    const res = await api.reset({ seed: 9 });
    expect(res.body.data).toMatchObject({ seed: 9 });
    const text = async (m: MockServer) => (await fetch(`${m.url}/__admin/state`)).text();
    expect(await text(mock)).toBe(await text(other));
    expect(await api.state()).not.toEqual(initial);
  });

  it("switches to a scenario file and back to the default scenario", async () => {
    const { api } = await start();
    const initial = await api.state();
    const file = writeScenario(dir, SMALL, "small.json");
    expect(expectSuccess(await api.reset({ scenario: file, seed: 1 }))).toMatchObject({ seed: 1 });
    const small = await api.state();
    expect(small.organizations.map((o) => o.slug)).toEqual(["tiny"]);
    expect(small.attributes.map((a) => a.slug)).toEqual(["color"]);
    // The default keys are gone with the default scenario; the scenario's own key works.
    expect((await api.get(`/v2/organizations/${small.organizations[0]!.id}/attributes`, ADMIN_KEY)).status).toBe(401);
    expect((await api.get(`/v2/organizations/${small.organizations[0]!.id}/attributes`, "cal_test_tiny_admin")).status).toBe(200);

    expectSuccess(await api.reset({ scenario: "default", seed: 42 }));
    expect(await api.state()).toEqual(initial);
    expect((await api.get(`/v2/organizations/${initial.organizations[0]!.id}/attributes`, MEMBER_KEY)).status).toBe(200);
  });

  it.each([
    [{ scenario: "no-such-scenario" }, /Unknown scenario/],
    [{ scenario: "/nowhere/at/all.json" }, /Unknown scenario/],
    [{ seed: -1 }, /seed/],
    [{ seed: "7" }, /seed/],
    [{ seed: 1.5 }, /seed/],
    [{ scenario: "" }, /scenario/],
    [{ scenario: 3 }, /scenario/],
  ])("answers 400 for %j and keeps the state", async (body, message) => {
    const { api } = await start();
    const facts = scenarioFacts(await api.state());
    await api.patch(`/v2/organizations/${facts.org.id}/attributes/${facts.attr("skills").id}`, { name: "Abilities" });
    const before = await api.state();
    const res = await api.reset(body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException", message: expect.stringMatching(message) } });
    expect(await api.state()).toEqual(before);
  });

  it("answers 400 for a reset body that is not a JSON object", async () => {
    const { api } = await start();
    const res = await api.request("POST", "/__admin/reset", { key: null, rawBody: "[1]", headers: { "content-type": "application/json" } });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException" } });
  });
});

describe("GET /__admin/state", () => {
  it("holds every collection of the store", async () => {
    const { api } = await start();
    const state = await api.state();
    expect(Object.keys(state).sort()).toEqual(
      [
        "apiKeys", "assignmentHistory", "attributeAssignments", "attributeOptions", "attributes", "memberships", "meta", "organizations", "profiles", "teams", "users",
        "schedules", "eventTypes", "bookings", "selectedSlots",
      ].sort(),
    );
    expect(state.meta).toEqual({ seed: 42, scenario: "default" });
    expect(state.apiKeys.map((k) => k.key).sort()).toEqual(["cal_test_mock_admin_key", "cal_test_mock_member_key", "cal_test_mock_owner_key"]);
  });
});

describe("file store", () => {
  it("keeps the writes across a close and a reopen of the same file", async () => {
    const file = join(dir, "store", "db.json");
    const first = await startMock({ db: file });
    expect(first.mock.meta.seeded).toBe(true);
    const initial = await first.api.state();
    const attributeId = await writeEverything(first.api, initial);
    const written = await first.api.state();
    const facts = scenarioFacts(written);
    const base = `/v2/organizations/${facts.org.id}`;
    const answers = async (api: Client) => ({
      attribute: (await api.get(`${base}/attributes/${attributeId}`)).body,
      options: (await api.get(`${base}/attributes/options/${facts.memberId}`)).body,
      history: (await api.get(`${base}/attributes/assignments/${facts.memberId}/history`)).body,
    });
    const before = await answers(first.api);
    await first.mock.close();
    expect(existsSync(file)).toBe(true);

    const second = await startMock({ db: file });
    try {
      expect(second.mock.meta).toMatchObject({ seeded: false, seed: 42 });
      expect(await second.api.state()).toEqual(written);
      expect(await answers(second.api)).toEqual(before);
      const types = before.history.data.auditLogs.flatMap((l: { changes: Array<{ type: string }> }) => l.changes.map((c) => c.type));
      expect(types).toEqual(expect.arrayContaining(["WEIGHT_CHANGED", "ASSIGNED"]));
    } finally {
      await second.mock.close();
    }
  });

  it("keeps a reset across a reopen, and a file started with another seed keeps its own state", async () => {
    const file = join(dir, "reset", "db.json");
    const first = await startMock({ db: file, seed: 3 });
    await writeEverything(first.api, await first.api.state());
    await first.api.reset({ seed: 4 });
    const reset = await first.api.state();
    await first.mock.close();

    // Without reseedOnMismatch, an existing file wins over the seed option.
    const second = await startMock({ db: file, seed: 99 });
    try {
      expect(second.mock.meta).toMatchObject({ seeded: false, seed: 4 });
      expect(await second.api.state()).toEqual(reset);
    } finally {
      await second.mock.close();
    }
  });
});
