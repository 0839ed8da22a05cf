import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/index.js";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, client, expectSuccess, scenarioFacts, startMock, type Client } from "../support/harness.js";
import { admin } from "./helpers.js";

let mock: MockServer;
let api: Client;
beforeAll(async () => ({ mock, api } = await startMock({ seed: 5 })));
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.reset();
});

/** GET /__admin/state: its text as served (in the envelope) and the state document inside. */
const getState = async () => {
  const res = await admin<{ status: string; data: State }>(mock.url, "GET", "/state");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(Object.keys(res.body)).toEqual(["status", "data"]);
  expect(res.body.status).toBe("success");
  return { ...res, body: res.body.data };
};

/** Checks a refused control-API call: 400 in Cal.com's error envelope, with a message matching every pattern. */
function expectRefused(res: { status: number; body: any }, ...patterns: RegExp[]) {
  expect(res.status, JSON.stringify(res.body)).toBe(400);
  expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException", message: expect.any(String) } });
  for (const p of patterns) expect(res.body.error.message).toMatch(p);
}

describe("GET and PUT /__admin/state", () => {
  it("answers the state in the control API's envelope, the same document mock.state() gives", async () => {
    const got = await getState();
    expect(got.body.meta).toEqual({ seed: 5, scenario: "default" });
    expect(got.text).toBe(`{"status":"success","data":${JSON.stringify(mock.state())}}`);
  });

  it("round-trips: putting back what GET answered, envelope and all, changes nothing, byte for byte", async () => {
    const before = await getState();
    const put = await admin(mock.url, "PUT", "/state", before.text);
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ status: "success", data: { seed: 5, scenario: "default" } });
    expect((await getState()).text).toBe(before.text);
  });

  it("takes the bare state document as well, and a changed one in the envelope", async () => {
    const before = await getState();
    expect((await admin(mock.url, "PUT", "/state", JSON.stringify(before.body))).status).toBe(200);
    expect((await getState()).text).toBe(before.text);
    const doc = structuredClone(before.body);
    doc.attributes[0]!.name = "Renamed in the envelope";
    expect((await admin(mock.url, "PUT", "/state", { status: "success", data: doc })).status).toBe(200);
    expect((await getState()).body.attributes[0]!.name).toBe("Renamed in the envelope");
  });

  it("checks the document inside an envelope like a bare one, naming paths within it", async () => {
    const before = await getState();
    const doc = structuredClone(before.body);
    doc.apiKeys[0]!.userId = 31337;
    expectRefused(await admin(mock.url, "PUT", "/state", { status: "success", data: doc }), /^Invalid state document: \/apiKeys\/0: userId 31337/);
    // Only Cal.com's success envelope is unwrapped: anything else beside the data is refused, not ignored.
    expectRefused(await admin(mock.url, "PUT", "/state", { status: "success", data: before.body, extra: 1 }), /must NOT have additional properties/);
    expectRefused(await admin(mock.url, "PUT", "/state", { status: "error", data: before.body }), /^Invalid state document: /);
    expect((await getState()).text).toBe(before.text);
  });

  it("serves a modified valid document through /v2 afterwards", async () => {
    const doc = structuredClone((await getState()).body);
    const facts = scenarioFacts(doc);
    const base = `/v2/organizations/${facts.org.id}`;
    const dept = doc.attributes.find((a) => a.slug === "department")!;
    dept.name = "Division";
    doc.attributeOptions.push({ id: "cloadedoption0000000000001", attributeId: dept.id, value: "Legal", slug: "legal", isGroup: false, contains: [] });
    const membership = facts.orgMembership(facts.memberId)!;
    // The member now holds Legal (and only Legal) of the department.
    const deptOptionIds = new Set(doc.attributeOptions.filter((o) => o.attributeId === dept.id).map((o) => o.id));
    doc.attributeAssignments = doc.attributeAssignments.filter((a) => !(a.memberId === membership.id && deptOptionIds.has(a.attributeOptionId)));
    doc.attributeAssignments.push({ id: "cloadedassignment000000001", memberId: membership.id, attributeOptionId: "cloadedoption0000000000001", weight: null, createdAt: "2025-02-03T10:00:00.000Z", createdById: null, createdByDSyncId: null, updatedAt: "2025-02-03T10:00:00.000Z", updatedById: null, updatedByDSyncId: null });
    // Drop a whole attribute with its options and assignments.
    const legacy = doc.attributes.find((a) => a.slug === "legacy-region")!;
    const legacyOptions = new Set(doc.attributeOptions.filter((o) => o.attributeId === legacy.id).map((o) => o.id));
    doc.attributes = doc.attributes.filter((a) => a !== legacy);
    doc.attributeOptions = doc.attributeOptions.filter((o) => !legacyOptions.has(o.id));
    doc.attributeAssignments = doc.attributeAssignments.filter((a) => !legacyOptions.has(a.attributeOptionId));

    const put = await admin(mock.url, "PUT", "/state", doc);
    expect(put.status, put.text).toBe(200);

    const list = expectSuccess(await api.get(`${base}/attributes`, MEMBER_KEY));
    expect(list.map((a: { slug: string }) => a.slug)).toEqual(["department", "skills", "job-title", "years-of-experience"]);
    expect(list[0].name).toBe("Division");
    const options = expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`));
    expect(options.at(-1)).toEqual({ id: "cloadedoption0000000000001", attributeId: dept.id, value: "Legal", slug: "legal", isGroup: false, contains: [] });
    const mine = expectSuccess(await api.get(`${base}/attributes/options/${facts.memberId}`));
    expect(mine.map((o: { id: string }) => o.id)).toContain("cloadedoption0000000000001");
    const assigned = expectSuccess(await api.get(`${base}/attributes/slugs/department/options/assigned`));
    expect(assigned.find((o: { id: string }) => o.id === "cloadedoption0000000000001")).toMatchObject({ assignedUserIds: [facts.memberId] });
    expect((await getState()).text).toBe(`{"status":"success","data":${JSON.stringify(doc)}}`);
  });

  it("fills in a missing meta and history, and the API keys of the document are the ones that work", async () => {
    const doc: Partial<State> = structuredClone((await getState()).body);
    delete doc.meta;
    delete doc.assignmentHistory;
    doc.apiKeys = doc.apiKeys!.map((k) => ({ ...k, key: k.key.replace("cal_test_mock_", "cal_loaded_") }));
    const put = await admin(mock.url, "PUT", "/state", doc);
    expect(put.status, put.text).toBe(200);
    expect(put.body.data).toEqual({ seed: 5, scenario: "custom" });
    const state = (await getState()).body;
    expect(state.meta).toEqual({ seed: 5, scenario: "custom" });
    expect(state.assignmentHistory).toEqual([]);
    const orgId = state.organizations[0]!.id;
    expect((await api.get(`/v2/organizations/${orgId}/attributes`, "cal_loaded_admin_key")).status).toBe(200);
    expect((await api.get(`/v2/organizations/${orgId}/attributes`)).status).toBe(401);
  });

  it("accepts a document larger than the body limit of the API", async () => {
    const small = await createMockServer({ bodyLimit: 2000 });
    try {
      const text = (await admin(small.url, "GET", "/state")).text;
      expect(text.length).toBeGreaterThan(20_000);
      const put = await admin(small.url, "PUT", "/state", text);
      expect(put.status, put.text).toBe(200);
      // The API itself keeps its limit.
      const orgId = small.state().organizations[0]!.id;
      const res = await client(small.url).post(`/v2/organizations/${orgId}/attributes`, { name: "x".repeat(3000), slug: "big", type: "TEXT", options: [] });
      expect(res.status).toBe(413);
    } finally {
      await small.close();
    }
  });

  it("accepts the smallest document: empty collections", async () => {
    const empty = { organizations: [], teams: [], users: [], memberships: [], attributes: [], attributeOptions: [], attributeAssignments: [], apiKeys: [] };
    expect((await admin(mock.url, "PUT", "/state", empty)).status).toBe(200);
    expect(mock.state()).toMatchObject({ ...empty, assignmentHistory: [] });
    expect((await api.get("/v2/organizations/1/attributes")).status).toBe(401);
  });

  describe("refuses a document that does not hold together, naming the problem, and keeps the current state", () => {
    type Break = (doc: State) => void;
    const cases: Array<[string, Break, RegExp[]]> = [
      [
        "an assignment of a missing option",
        (doc) => void (doc.attributeAssignments[0]!.attributeOptionId = "cmissingoption00000000000"),
        [/\/attributeAssignments\/0: attributeOptionId "cmissingoption00000000000" does not name an existing attribute option/],
      ],
      [
        "an assignment of a missing membership",
        (doc) => void (doc.attributeAssignments[2]!.memberId = 99999),
        [/\/attributeAssignments\/2: memberId 99999 does not name an existing membership/],
      ],
      [
        "a membership of a missing user",
        (doc) => void (doc.memberships[3]!.userId = 424242),
        [/\/memberships\/3: userId 424242 does not name an existing user/],
      ],
      [
        "a membership of a missing team",
        (doc) => void (doc.memberships[0]!.teamId = 777),
        [/\/memberships\/0: teamId 777 does not name an existing organization or team/],
      ],
      [
        "a team whose parentId is a team, not an organization",
        (doc) => void (doc.teams[1]!.parentId = doc.teams[0]!.id),
        [/\/teams\/1: parentId \d+ does not name an existing organization/],
      ],
      [
        "a team whose parentId names nothing",
        (doc) => void (doc.teams[0]!.parentId = 5000),
        [/\/teams\/0: parentId 5000 does not name an existing organization/],
      ],
      [
        "an API key of a missing user",
        (doc) => void (doc.apiKeys[1]!.userId = 31337),
        [/\/apiKeys\/1: userId 31337 does not name an existing user/],
      ],
      [
        "an option of a missing attribute",
        (doc) => void (doc.attributeOptions[0]!.attributeId = "cmissingattribute00000000"),
        [/\/attributeOptions\/0: attributeId "cmissingattribute00000000" does not name an existing attribute/],
      ],
      [
        "an attribute of a missing organization",
        (doc) => void (doc.attributes[0]!.teamId = 404),
        [/\/attributes\/0: teamId 404 does not name an existing organization/],
      ],
      [
        "two users with one id",
        (doc) => void (doc.users[1]!.id = doc.users[0]!.id),
        [/\/users\/1: duplicate id/],
      ],
      [
        "two API keys with one key",
        (doc) => void (doc.apiKeys[1]!.key = doc.apiKeys[0]!.key),
        [/\/apiKeys\/1: duplicate key "cal_test_mock_owner_key"/],
      ],
      [
        "several problems at once, all listed",
        (doc) => {
          doc.apiKeys[0]!.userId = 31337;
          doc.memberships[0]!.userId = 424242;
        },
        [/\/memberships\/0: userId 424242/, /\/apiKeys\/0: userId 31337/],
      ],
      // Schema errors.
      ["a missing collection", (doc) => void delete (doc as Partial<State>).attributes, [/must have required property 'attributes'/]],
      ["a field of the wrong type", (doc) => void ((doc.users[0] as { id: unknown }).id = "one"), [/\/users\/0\/id must be integer/]],
      ["an unknown field", (doc) => void ((doc.attributes[0] as unknown as Record<string, unknown>).color = "red"), [/\/attributes\/0 must NOT have additional properties/]],
      ["an unknown collection", (doc) => void ((doc as unknown as Record<string, unknown>).webhooks = []), [/must NOT have additional properties/]],
      ["an unknown attribute type", (doc) => void ((doc.attributes[0] as { type: string }).type = "COLOR"), [/\/attributes\/0\/type must be equal to one of the allowed values/]],
      ["an API key without the cal_ prefix", (doc) => void (doc.apiKeys[0]!.key = "sk_live_123"), [/\/apiKeys\/0\/key must match pattern/]],
      ["a negative weight", (doc) => void (doc.attributeAssignments[0]!.weight = -1), [/\/attributeAssignments\/0\/weight must be >= 0/]],
    ];

    it.each(cases)("%s", async (_name, breakIt, patterns) => {
      const before = await getState();
      const doc = structuredClone(before.body);
      breakIt(doc);
      expectRefused(await admin(mock.url, "PUT", "/state", doc), /^Invalid state document: /, ...patterns);
      expect((await getState()).text).toBe(before.text);
    });

    it.each([
      ["an array", "[]", /must be object/],
      ["a string", '"state"', /must be object|body/],
      ["invalid JSON", "{not json", /not valid JSON/],
    ])("refuses %s as the body", async (_name, body, pattern) => {
      const before = await getState();
      expectRefused(await admin(mock.url, "PUT", "/state", body), pattern);
      expect((await getState()).text).toBe(before.text);
    });

    it("keeps the current state after a refusal even when it had been changed by writes", async () => {
      const facts = scenarioFacts(mock.state());
      expectSuccess(await api.post(`/v2/organizations/${facts.org.id}/attributes`, { name: "Fresh", slug: "fresh", type: "TEXT", options: [] }), 201);
      const before = await getState();
      const doc = structuredClone(before.body);
      doc.apiKeys[0]!.userId = 31337;
      expectRefused(await admin(mock.url, "PUT", "/state", doc), /apiKeys/);
      expect((await getState()).text).toBe(before.text);
      expect(before.body.attributes.map((a) => a.slug)).toContain("fresh");
    });
  });
});

describe("snapshots", () => {
  it("POST /__admin/snapshot {name} and POST /__admin/restore {name} bring back the state after writes", async () => {
    const facts = scenarioFacts(mock.state());
    const base = `/v2/organizations/${facts.org.id}`;
    const seeded = (await getState()).text;

    const snap = await admin(mock.url, "POST", "/snapshot", { name: "seeded" });
    expect(snap.status).toBe(201);
    expect(snap.body.data).toMatchObject({ name: "seeded", createdAt: expect.any(String) });

    expectSuccess(await api.post(`${base}/attributes`, { name: "Office", slug: "office", type: "SINGLE_SELECT", options: [{ value: "Berlin", slug: "berlin" }] }), 201);
    const withOffice = (await getState()).text;
    expect((await admin(mock.url, "POST", "/snapshot", { name: "with-office" })).status).toBe(201);

    expectSuccess(await api.del(`${base}/attributes/${facts.attr("department").id}`));
    const skills = facts.attr("skills");
    const skillOption = facts.optionsOf(skills.id)[0]!;
    expectSuccess(await api.patch(`${base}/attributes/${skills.id}/options/${skillOption.id}`, { value: "Changed" }));
    expect((await getState()).text).not.toBe(withOffice);

    const restored = await admin(mock.url, "POST", "/restore", { name: "with-office" });
    expect(restored.status).toBe(200);
    expect(restored.body.data).toEqual({ seed: 5, scenario: "default" });
    expect((await getState()).text).toBe(withOffice);
    const slugs = expectSuccess(await api.get(`${base}/attributes`)).map((a: { slug: string }) => a.slug);
    expect(slugs).toEqual(["department", "skills", "job-title", "years-of-experience", "legacy-region", "office"]);

    expect((await admin(mock.url, "POST", "/restore", { name: "seeded" })).status).toBe(200);
    expect((await getState()).text).toBe(seeded);
    // A snapshot outlives a restore, and writes after a restore do not reach the snapshot.
    expectSuccess(await api.del(`${base}/attributes/${facts.attr("job-title").id}`));
    expect((await admin(mock.url, "POST", "/restore", { name: "seeded" })).status).toBe(200);
    expect((await getState()).text).toBe(seeded);
  });

  it("survives a reset, and a snapshot taken twice under one name holds the later state", async () => {
    const facts = scenarioFacts(mock.state());
    const base = `/v2/organizations/${facts.org.id}`;
    await admin(mock.url, "POST", "/snapshot", { name: "twice" });
    expectSuccess(await api.post(`${base}/attributes`, { name: "Later", slug: "later", type: "TEXT", options: [] }), 201);
    const later = (await getState()).text;
    await admin(mock.url, "POST", "/snapshot", { name: "twice" });
    await mock.reset();
    expect((await admin(mock.url, "POST", "/restore", { name: "twice" })).status).toBe(200);
    expect((await getState()).text).toBe(later);
  });

  it("GET /__admin/snapshots lists them by name with their time", async () => {
    await admin(mock.url, "POST", "/snapshot", { name: "list-a" });
    await admin(mock.url, "POST", "/snapshot", { name: "list-b.v2" });
    const res = await admin(mock.url, "GET", "/snapshots");
    expect(res.status).toBe(200);
    expect(res.body.status).toBe("success");
    const names = res.body.data.map((s: { name: string }) => s.name);
    expect(names).toEqual(expect.arrayContaining(["list-a", "list-b.v2"]));
    for (const s of res.body.data) expect(new Date(s.createdAt).toISOString()).toBe(s.createdAt);
  });

  it("answers 404 naming the snapshots there are when restoring an unknown name, and keeps the state", async () => {
    await admin(mock.url, "POST", "/snapshot", { name: "known" });
    const before = (await getState()).text;
    const res = await admin(mock.url, "POST", "/restore", { name: "never-taken" });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: "error", error: { code: "NotFoundException" } });
    expect(res.body.error.message).toMatch(/No snapshot named "never-taken"/);
    expect(res.body.error.message).toMatch(/known/);
    expect((await getState()).text).toBe(before);
  });

  it("refuses a snapshot name it cannot keep", async () => {
    expectRefused(await admin(mock.url, "POST", "/snapshot", { name: "has space" }), /name/);
    expectRefused(await admin(mock.url, "POST", "/snapshot", { name: 42 }), /name/);
    expectRefused(await admin(mock.url, "POST", "/snapshot", { name: "" }), /name/);
    expectRefused(await admin(mock.url, "POST", "/restore", { name: "../x" }), /name/);
  });
});
