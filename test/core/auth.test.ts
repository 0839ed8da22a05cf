import { readFileSync } from "node:fs";
import { answeredBy } from "../../src/routes/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, scenarioFacts, startMock, type Client } from "../support/harness.js";
import { successRequests, type OperationRequest } from "./operations.js";
import { DIRECTORY_TAGS } from "../support/stateful.js";

let mock: MockServer;
let api: Client;
let state: State;
let facts: ReturnType<typeof scenarioFacts>;
let requests: Record<string, OperationRequest>;

// Nearly every test here is refused and changes nothing (several check that); the one that writes resets after.
beforeAll(async () => {
  ({ mock, api } = await startMock());
  state = await api.state();
  facts = scenarioFacts(state);
  requests = successRequests(state, facts);
});
afterAll(() => mock.close());

/** Every stateful operation, with the role it needs read from the spec's x-required-role (the directory's name their guards instead). */
const spec = JSON.parse(readFileSync(new URL("../../spec/calcom.openapi.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, { operationId: string; tags?: string[]; "x-required-role"?: string }>>;
};
/** The directory's operations: the scheduling ones have their own guards and their own suites. */
const directory = (op: { operationId: string; tags?: string[] }) => answeredBy(op.operationId) === "state" && DIRECTORY_TAGS.has(op.tags?.[0] ?? "");
const roles = new Map(
  Object.values(spec.paths).flatMap((item) =>
    Object.values(item).flatMap((op) => (directory(op) ? [[op.operationId, op["x-required-role"]] as const] : [])),
  ),
);
/** The stateful operations under /v2/organizations/{orgId}; /v2/me and /v2/teams have no organization to get wrong. */
const orgScopedOps = Object.entries(spec.paths).flatMap(([path, item]) =>
  path.includes("{orgId}") ? Object.values(item).flatMap((op) => (directory(op) ? [op.operationId] : [])) : [],
);
const memberOps = [...roles].filter(([, role]) => role === "org member").map(([id]) => id);
const adminOps = [...roles].filter(([, role]) => role === "org admin").map(([id]) => id);

const send = (r: OperationRequest, key: string | null, extra: { path?: string; headers?: Record<string, string> } = {}) =>
  api.request(r.method, extra.path ?? r.path, { key, ...(r.body !== undefined && { body: r.body }), ...(extra.headers && { headers: extra.headers }) });
/** The same request against another organization id (any string, for the path check). */
const withOrg = (r: OperationRequest, orgId: string | number) => r.path.replace(/^\/v2\/organizations\/[^/]+/, `/v2/organizations/${orgId}`);

describe("the spec's roles", () => {
  // organizations-attributes-options.controller.ts: @Roles("ORG_MEMBER") on unassign, beside the six reads.
  it("has 6 member reads, unassign for members, and 9 admin operations, the history among them", () => {
    expect(memberOps).toHaveLength(7);
    expect(adminOps).toHaveLength(9);
    expect(adminOps).toContain("OrganizationsAttributesOptionsController_getOrganizationAttributeAssignmentHistory");
    expect(memberOps).toContain("OrganizationsAttributesOptionsController_unassignOrganizationAttributeOptionFromUser");
  });
});

describe("401: authentication", () => {
  it.each([...roles.keys()])("%s refuses a request without credentials", async (operationId) => {
    const r = requests[operationId]!;
    const res = await send(r, null);
    expectError(res, 401, "UnauthorizedException", /No authentication method provided/, r.path);
  });

  it.each([...roles.keys()])("%s refuses an unknown cal_ key", async (operationId) => {
    expectError(await send(requests[operationId]!, "cal_test_not_a_real_key"), 401, "UnauthorizedException", /Your api key is not valid/);
  });

  it.each([...roles.keys()])("%s refuses a bearer token that is not an API key", async (operationId) => {
    expectError(await send(requests[operationId]!, "eyJhbGciOiJIUzI1NiJ9.e30.sig"), 401, "UnauthorizedException");
  });

  it("refuses an empty bearer token and platform client credentials the mock does not know", async () => {
    const r = requests.OrganizationsAttributesController_getOrganizationAttributes!;
    expectError(await api.request("GET", r.path, { key: null, headers: { authorization: "Bearer " } }), 401, "UnauthorizedException");
    expectError(await api.request("GET", r.path, { key: null, headers: { authorization: "" } }), 401, "UnauthorizedException", /No authentication method provided/);
    expectError(
      await api.request("GET", r.path, { key: null, headers: { "x-cal-client-id": "client-1", "x-cal-secret-key": "s3cret" } }),
      401,
      "UnauthorizedException",
      /client-1/,
    );
  });

  it("authenticates before checking the path, and changes nothing", async () => {
    expectError(await api.get("/v2/organizations/abc/attributes", null), 401, "UnauthorizedException");
    expectError(await api.post("/v2/organizations/abc/attributes", { nope: true }, "cal_live_unknown"), 401, "UnauthorizedException", /Your api key is not valid/);
    const r = requests.OrganizationsAttributesController_createOrganizationAttribute!;
    expectError(await send(r, null), 401, "UnauthorizedException");
    expect(await api.state()).toEqual(state);
  });
});

describe("400: orgId must be an integer", () => {
  it.each(["abc", "1.5", "0", "-1", "1e3x", "2147483648"])("answers 400 naming orgId for %s", async (orgId) => {
    for (const operationId of ["OrganizationsAttributesController_getOrganizationAttributes", "OrganizationsAttributesController_createOrganizationAttribute"]) {
      const r = requests[operationId]!;
      expectError(await send(r, ADMIN_KEY, { path: withOrg(r, orgId) }), 400, "BadRequestException", /orgId/);
    }
  });
});

describe("403: organization and role guards", () => {
  it.each(orgScopedOps)("%s answers 'Forbidden resource' for an organization that does not exist", async (operationId) => {
    const r = requests[operationId]!;
    const path = withOrg(r, 4040);
    expectError(await send(r, OWNER_KEY, { path }), 403, "ForbiddenException", "Forbidden resource", path);
  });

  it("answers 'Forbidden resource' for a team id, which is not an organization", async () => {
    const team = facts.teams[0]!;
    const r = requests.OrganizationsAttributesController_getOrganizationAttributes!;
    expectError(await send(r, ADMIN_KEY, { path: withOrg(r, team.id) }), 403, "ForbiddenException", "Forbidden resource");
  });

  it.each(memberOps)("%s is open to a member", async (operationId) => {
    try {
      const res = await send(requests[operationId]!, MEMBER_KEY);
      expect(expectSuccess(res)).toBeDefined();
      expect(res.operationId).toBe(operationId);
    } finally {
      // Unassign is a member's write.
      await mock.reset();
    }
  });

  it.each(adminOps)("%s refuses a member with the RolesGuard message and changes nothing", async (operationId) => {
    const res = await send(requests[operationId]!, MEMBER_KEY);
    expectError(
      res,
      403,
      "ForbiddenException",
      `RolesGuard - user with id=${facts.memberId} does not have the minimum required role=ORG_ADMIN within organization with id=${facts.org.id}.`,
    );
    expect(await api.state()).toEqual(state);
  });

  it.each(adminOps)("%s is open to the owner", async (operationId) => {
    const r = requests[operationId]!;
    try {
      expectSuccess(await send(r, OWNER_KEY), r.method === "POST" ? 201 : 200);
    } finally {
      await mock.reset();
    }
    expect(await api.state()).toEqual(state);
  });

  it("checks the role before the body: a member's invalid write is a 403", async () => {
    const base = `/v2/organizations/${facts.org.id}`;
    expectError(await api.post(`${base}/attributes`, { name: 5 }, MEMBER_KEY), 403, "ForbiddenException", /RolesGuard/);
    expectError(await api.post(`${base}/attributes`, { name: 5 }, ADMIN_KEY), 400, "BadRequestException", /name/);
  });
});

describe("other error envelopes", () => {
  it("answers 404 in the envelope for a route that does not exist", async () => {
    const base = `/v2/organizations/${facts.org.id}`;
    expectError(await api.get(`${base}/nothing-here`), 404, "NotFoundException", undefined, `${base}/nothing-here`);
    expectError(await api.request("PUT", `${base}/attributes`, { body: {} }), 404, "NotFoundException");
  });

  it("echoes the request path with its query string", async () => {
    const path = `/v2/organizations/${facts.org.id}/attributes?take=0&skip=1`;
    expectError(await api.get(path), 400, "BadRequestException", /take/, path);
  });

  it("answers 400 for a body that is not valid JSON, on every operation with a body", async () => {
    for (const r of Object.values(requests).filter((x) => x.body !== undefined)) {
      const res = await api.request(r.method, r.path, { rawBody: "{not json", headers: { "content-type": "application/json" } });
      expectError(res, 400, "BadRequestException", /JSON/, r.path);
    }
    expect(await api.state()).toEqual(state);
  });

  it("answers 413 for a body larger than the server takes", async () => {
    const r = requests.OrganizationsAttributesController_createOrganizationAttribute!;
    const res = await api.post(r.path, { ...(r.body as object), name: "x".repeat(2 * 1024 * 1024) });
    expectError(res, 413, "PayloadTooLargeException");
  });
});

describe("cal-api-version", () => {
  it("is optional and any value answers the same", async () => {
    const r = requests.OrganizationsAttributesController_getOrganizationAttributes!;
    const plain = expectSuccess(await send(r, ADMIN_KEY));
    expect(expectSuccess(await send(r, ADMIN_KEY, { headers: { "cal-api-version": "2024-08-13" } }))).toEqual(plain);
    expect(expectSuccess(await send(r, ADMIN_KEY, { headers: { "cal-api-version": "not-a-version" } }))).toEqual(plain);
  });
});
