import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import SwaggerParser from "@apidevtools/swagger-parser";
import { getHttpOperationsFromSpec } from "@stoplight/prism-http";
import { validateOutput } from "@stoplight/prism-http/dist/validator/index.js";
import type { IHttpOperation } from "@stoplight/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answeredBy } from "../../src/routes/index.js";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, scenarioFacts, startMock, type ApiResponse, type Client } from "../support/harness.js";
import { PUBLISHED_DOC, withoutPublishedDoc } from "../support/reference.js";
import { loadContract } from "../../src/contract/index.js";
import { handlers } from "../../src/routes/index.js";
import { DIRECTORY_TAGS } from "../support/stateful.js";
import { directoryFacts, successRequests, type OperationRequest } from "./operations.js";
import { schedulingRequests } from "./requests/index.js";

const SPEC_PATH = fileURLToPath(new URL("../../spec/calcom.openapi.json", import.meta.url));
/** Cal.com's published document, from the shared reference material (beside the checkout in CI too). */
const rawSpec = () =>
  JSON.parse(readFileSync(SPEC_PATH, "utf8")) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };

/** Every operation of spec/, read straight from the document. */
const allOperations = Object.entries(rawSpec().paths).flatMap(([path, item]) =>
  Object.entries(item).map(([method, op]) => ({ operationId: op.operationId, method: method.toUpperCase(), path, statuses: Object.keys(op.responses) })),
);
/** The stateful ones, walked here with requests made from the seeded store (test/core/every-operation covers all). */
const specOperations = allOperations.filter((o) => answeredBy(o.operationId) === "state");
const parsed = new Map(loadContract().operations.map((op) => [op.operationId, op]));
/** The attributes and the organization directory: stateful since before the scheduling operations were. */
const directoryOperations = specOperations.filter((o) => DIRECTORY_TAGS.has(parsed.get(o.operationId)!.tag));

let prismOperations: IHttpOperation[];
let mock: MockServer;
let api: Client;

beforeAll(async () => {
  prismOperations = await getHttpOperationsFromSpec(SPEC_PATH);
  ({ mock, api } = await startMock());
});
afterAll(() => mock.close());

describe("spec/calcom.openapi.json", () => {
  it("is a valid OpenAPI document", async () => {
    const doc = (await SwaggerParser.validate(rawSpec() as never)) as { openapi?: string; paths?: Record<string, unknown> };
    expect(doc.openapi).toMatch(/^3\./);
    // Cal.com's 175 paths, and the attribute assignment history its document lacks.
    expect(Object.keys(doc.paths ?? {})).toHaveLength(176);
  });

  it("has Cal.com's 272 operations and the 2 attribute ones its document lacks, with unique ids; the stateful ones are the handlers' (16 attribute, 32 directory, the rest scheduling)", () => {
    expect(allOperations).toHaveLength(274);
    expect(new Set(allOperations.map((o) => o.operationId)).size).toBe(274);
    expect(specOperations.map((o) => o.operationId).sort()).toEqual(Object.keys(handlers).sort());
    expect(directoryOperations).toHaveLength(48);
    expect(specOperations.filter((o) => o.operationId.startsWith("OrganizationsAttributes"))).toHaveLength(16);
  });

  it.skipIf(withoutPublishedDoc)("has the stateful directory operations exactly as Cal.com's published document names them", () => {
    const published = JSON.parse(readFileSync(PUBLISHED_DOC, "utf8")) as { paths: Record<string, Record<string, { operationId: string; tags?: string[] }>> };
    const directoryTags = new Set(["Orgs / Users", "Orgs / Memberships", "Orgs / Teams", "Orgs / Teams / Memberships", "Me", "Teams", "Teams / Memberships"]);
    const theirs = Object.entries(published.paths).flatMap(([path, item]) =>
      Object.entries(item).filter(([, op]) => directoryTags.has(op.tags?.[0] ?? "")).map(([method, op]) => `${method.toUpperCase()} ${path} ${op.operationId}`),
    );
    const ours = directoryOperations.filter((o) => !o.operationId.startsWith("OrganizationsAttributes")).map((o) => `${o.method} ${o.path} ${o.operationId}`);
    expect(theirs).toHaveLength(32);
    expect(ours.sort()).toEqual(theirs.sort());
  });

  it("parses with Prism into the same operations", () => {
    const prism = prismOperations.map((o) => `${o.method.toUpperCase()} ${o.path} ${o.iid}`).sort();
    const ours = allOperations.map((o) => `${o.method} ${o.path} ${o.operationId}`).sort();
    expect(prism).toEqual(ours);
  });

  it("declares every success status Cal.com answers: 201 for POST, 200 otherwise (or the status its success request names)", async () => {
    await mock.reset();
    const state = await api.state();
    const requests = successRequests(state, scenarioFacts(state));
    for (const op of specOperations) {
      expect(op.statuses, op.operationId).toContain(String(requests[op.operationId]?.status ?? (op.method === "POST" ? 201 : 200)));
      // The refusals every operation can meet: bad input, and, where credentials are asked for, their absence.
      expect(op.statuses, op.operationId).toContain("400");
      if (parsed.get(op.operationId)!.auth === "api-key") for (const status of ["401", "403", "404"]) expect(op.statuses, op.operationId).toContain(status);
    }
  });
});

/** One failing request per operation, each answering a status the spec declares for it. */
function errorRequests(state: State, facts: ReturnType<typeof scenarioFacts>): Record<string, OperationRequest & { status: number }> {
  const base = `/v2/organizations/${facts.org.id}`;
  const dept = facts.attr("department");
  const skills = facts.attr("skills");
  const held = state.attributeAssignments.find((a) => a.weight !== null)!;
  const holder = state.memberships.find((m) => m.id === held.memberId)!.userId;
  const unknown = "cnothere0000000000000000000";
  return {
    OrganizationsAttributesController_getOrganizationAttributes: { method: "GET", path: `${base}/attributes?take=0`, status: 400 },
    OrganizationsAttributesController_createOrganizationAttribute: {
      method: "POST",
      path: `${base}/attributes`,
      body: { name: "Skills", slug: "skills", type: "TEXT", options: [] },
      status: 409,
    },
    // An unknown attribute is 200 with null data (item 1): the error here is an organization that does not exist.
    OrganizationsAttributesController_getOrganizationAttribute: { method: "GET", path: `/v2/organizations/999999/attributes/${dept.id}`, status: 403 },
    OrganizationsAttributesController_updateOrganizationAttribute: { method: "PATCH", path: `${base}/attributes/${unknown}`, body: { name: "X" }, status: 404 },
    OrganizationsAttributesController_deleteOrganizationAttribute: { method: "DELETE", path: `${base}/attributes/${unknown}`, status: 404 },
    OrganizationsAttributesOptionsController_createOrganizationAttributeOption: {
      method: "POST",
      path: `${base}/attributes/${dept.id}/options`,
      body: { value: "Sales" },
      status: 400,
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeOptions: { method: "GET", path: `/v2/organizations/abc/attributes/${dept.id}/options`, status: 400 },
    OrganizationsAttributesOptionsController_updateOrganizationAttributeOption: {
      method: "PATCH",
      path: `${base}/attributes/${dept.id}/options/${unknown}`,
      body: { value: "X" },
      status: 404,
    },
    OrganizationsAttributesOptionsController_deleteOrganizationAttributeOption: { method: "DELETE", path: `${base}/attributes/${dept.id}/options/${unknown}`, status: 404 },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptions: {
      method: "GET",
      path: `${base}/attributes/${skills.id}/options/assigned?assignedOptionIds=${unknown}`,
      status: 404,
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignedOptionsBySlug: {
      method: "GET",
      path: `${base}/attributes/slugs/skills/options/assigned?teamIds=abc`,
      status: 400,
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeOptionsForUser: { method: "GET", path: `${base}/attributes/options/0x1`, status: 400 },
    OrganizationsAttributesOptionsController_assignOrganizationAttributeOptionToUser: {
      method: "POST",
      path: `${base}/attributes/options/${holder}`,
      body: { attributeId: skills.id, attributeOptionId: held.attributeOptionId },
      status: 409,
    },
    OrganizationsAttributesOptionsController_unassignOrganizationAttributeOptionFromUser: {
      method: "DELETE",
      path: `${base}/attributes/options/${holder}/${unknown}`,
      status: 404,
    },
    OrganizationsAttributesOptionsController_updateOrganizationAttributeOptionForUser: {
      method: "PATCH",
      path: `${base}/attributes/options/${holder}/${held.attributeOptionId}`,
      body: { weight: -1 },
      status: 400,
    },
    OrganizationsAttributesOptionsController_getOrganizationAttributeAssignmentHistory: {
      method: "GET",
      path: `${base}/attributes/assignments/${holder}/history`,
      status: 403,
      key: MEMBER_KEY,
    },
    ...directoryErrorRequests(state, facts),
    ...schedulingRequests(state, facts).errors,
  };
}

function directoryErrorRequests(state: State, facts: ReturnType<typeof scenarioFacts>): Record<string, OperationRequest & { status: number }> {
  const base = `/v2/organizations/${facts.org.id}`;
  const d = directoryFacts(state, facts);
  const team = facts.teams[0]!.id;
  const existing = state.users.find((u) => u.id === d.plain[0])!;
  const unknownKey = "cal_test_not_a_real_key";
  return {
    OrganizationsUsersController_getOrganizationsUsers: { method: "GET", path: `${base}/users?take=1001`, status: 400 },
    OrganizationsUsersController_createOrganizationUser: { method: "POST", path: `${base}/users`, body: { email: existing.email }, status: 409 },
    OrganizationsUsersController_updateOrganizationUser: { method: "PATCH", path: `${base}/users/${facts.outsiderIds[0]}`, body: { bio: "x" }, status: 403 },
    OrganizationsUsersController_deleteOrganizationUser: { method: "DELETE", path: `${base}/users/${facts.outsiderIds[0]}`, status: 403 },
    OrganizationsMembershipsController_getAllMemberships: { method: "GET", path: `${base}/memberships`, status: 403, key: MEMBER_KEY },
    OrganizationsMembershipsController_createMembership: { method: "POST", path: `${base}/memberships`, body: { userId: 999999 }, status: 400 },
    OrganizationsMembershipsController_getOrgMembership: { method: "GET", path: `${base}/memberships/999999`, status: 404 },
    OrganizationsMembershipsController_updateMembership: { method: "PATCH", path: `${base}/memberships/999999`, body: { role: "ADMIN" }, status: 404 },
    OrganizationsMembershipsController_deleteMembership: { method: "DELETE", path: `${base}/memberships/999999`, status: 404 },
    OrganizationsTeamsController_getAllTeams: { method: "GET", path: `${base}/teams?take=251`, status: 400 },
    OrganizationsTeamsController_createTeam: { method: "POST", path: `${base}/teams`, body: { name: "Sales again", slug: facts.teams[0]!.slug }, status: 409 },
    OrganizationsTeamsController_getMyTeams: { method: "GET", path: "/v2/organizations/999999/teams/me", status: 403 },
    OrganizationsTeamsController_getTeam: { method: "GET", path: `${base}/teams/999999`, status: 404 },
    OrganizationsTeamsController_updateTeam: { method: "PATCH", path: `${base}/teams/${team}`, body: { bio: "no name" }, status: 400 },
    OrganizationsTeamsController_deleteTeam: { method: "DELETE", path: `${base}/teams/999999`, status: 404 },
    OrganizationsTeamsMembershipsController_getAllOrgTeamMemberships: { method: "GET", path: `${base}/teams/${d.ownerTeam}/memberships`, status: 403, key: MEMBER_KEY },
    OrganizationsTeamsMembershipsController_createOrgTeamMembership: {
      method: "POST",
      path: `${base}/teams/${team}/memberships`,
      body: { userId: facts.outsiderIds[0] },
      status: 422,
    },
    OrganizationsTeamsMembershipsController_getOrgTeamMembership: { method: "GET", path: `${base}/teams/${team}/memberships/999999`, status: 404 },
    OrganizationsTeamsMembershipsController_updateOrgTeamMembership: { method: "PATCH", path: `${base}/teams/${team}/memberships/999999`, body: { role: "ADMIN" }, status: 404 },
    OrganizationsTeamsMembershipsController_deleteOrgTeamMembership: { method: "DELETE", path: `${base}/teams/${team}/memberships/999999`, status: 404 },
    MeController_getMe: { method: "GET", path: "/v2/me", status: 401, key: unknownKey },
    MeController_updateMe: { method: "PATCH", path: "/v2/me", body: { timeFormat: 13 }, status: 400 },
    TeamsController_createTeam: { method: "POST", path: "/v2/teams", body: {}, status: 400 },
    TeamsController_getTeams: { method: "GET", path: "/v2/teams", status: 401, key: unknownKey },
    TeamsController_getTeam: { method: "GET", path: "/v2/teams/999999", status: 403 },
    TeamsController_updateTeam: { method: "PATCH", path: `/v2/teams/${d.adminTeam}`, body: { name: "Mine now" }, status: 403 },
    TeamsController_deleteTeam: { method: "DELETE", path: `/v2/teams/${d.ownerTeam}`, status: 403 },
    TeamsMembershipsController_createTeamMembership: { method: "POST", path: `/v2/teams/${d.adminTeam}/memberships`, body: { userId: facts.adminId }, status: 409 },
    TeamsMembershipsController_getTeamMemberships: { method: "GET", path: `/v2/teams/${d.adminTeam}/memberships?take=0`, status: 400 },
    TeamsMembershipsController_getTeamMembership: { method: "GET", path: `/v2/teams/${d.adminTeam}/memberships/999999`, status: 404 },
    TeamsMembershipsController_updateTeamMembership: { method: "PATCH", path: `/v2/teams/${d.adminTeam}/memberships/999999`, body: { role: "ADMIN" }, status: 404 },
    TeamsMembershipsController_deleteTeamMembership: { method: "DELETE", path: `/v2/teams/${d.adminTeam}/memberships/999999`, status: 404 },
  };
}

/** Checks an answer a second time, with Prism's own response validator, and that its status is declared. */
function checkWithPrism(operationId: string, res: ApiResponse): void {
  const operation = prismOperations.find((o) => o.iid === operationId)!;
  const declared = operation.responses.map((r) => r.code);
  expect(declared, `${operationId} does not declare ${res.status}`).toContain(String(res.status));
  const result = validateOutput({
    resource: operation,
    element: { statusCode: res.status, headers: { "content-type": res.headers.get("content-type") ?? "" }, body: res.body },
  });
  const errors = result._tag === "Left" ? result.left.filter((d) => d.severity === 0) : [];
  expect(errors.map((d) => d.message), `${operationId} → ${res.status}`).toEqual([]);
}

describe("walk over every operation of spec/", () => {
  const ids = specOperations.map((o) => o.operationId);

  it("has a success and an error request for exactly the spec's operations", async () => {
    await mock.reset();
    const state = await api.state();
    const facts = scenarioFacts(state);
    expect(Object.keys(successRequests(state, facts)).sort()).toEqual([...ids].sort());
    expect(Object.keys(errorRequests(state, facts)).sort()).toEqual([...ids].sort());
  });

  it.each(ids)("%s: a success and an error, both valid against spec/", async (operationId) => {
    const spec = specOperations.find((o) => o.operationId === operationId)!;

    await mock.reset();
    let state = await api.state();
    let facts = scenarioFacts(state);
    const ok = successRequests(state, facts)[operationId]!;
    expect(ok.method).toBe(spec.method);
    const options = (r: OperationRequest) => ({ ...(r.key !== undefined && { key: r.key }), ...(r.body !== undefined && { body: r.body }), ...(r.headers && { headers: r.headers }) });
    // The harness validates every /v2 answer against spec/ and names the operation it matched.
    const success = await api.request(ok.method, ok.path, options(ok));
    expect(success.operationId).toBe(operationId);
    expect(success.status, JSON.stringify(success.body).slice(0, 300)).toBe(ok.status ?? (spec.method === "POST" ? 201 : 200));
    expect(success.body.status).toBe("success");
    checkWithPrism(operationId, success);

    await mock.reset();
    state = await api.state();
    facts = scenarioFacts(state);
    const bad = errorRequests(state, facts)[operationId]!;
    expect(bad.method).toBe(spec.method);
    const failure = await api.request(bad.method, bad.path, options(bad));
    expect(failure.operationId).toBe(operationId);
    expect(failure.status, JSON.stringify(failure.body)).toBe(bad.status);
    expect(failure.body).toMatchObject({ status: "error", path: bad.path, error: { code: expect.any(String), message: expect.any(String) } });
    checkWithPrism(operationId, failure);
    // A refused request changes nothing.
    expect(await api.state()).toEqual(state);

    // And the same operation without credentials, where it asks for them: 401 in the envelope.
    if (parsed.get(operationId)!.auth !== "api-key") return;
    const anonymous = await api.request(bad.method, ok.path, { ...options(ok), key: null });
    expect(anonymous.status).toBe(401);
    checkWithPrism(operationId, anonymous);
  });
});
