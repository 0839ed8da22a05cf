import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { MEMBER_KEY, OWNER_KEY, expectError, expectSuccess, scenarioFacts, startMock, type Client } from "../support/harness.js";
import { DIRECTORY_TAGS } from "../support/stateful.js";
import { successRequests, type OperationRequest } from "./operations.js";

/** Every directory operation with the role its guards ask for, read from the spec's x-calcom-guards. */
const spec = JSON.parse(readFileSync(new URL("../../spec/calcom.openapi.json", import.meta.url), "utf8")) as {
  paths: Record<string, Record<string, { operationId: string; tags?: string[]; "x-calcom-guards"?: string[] }>>;
};
// The scheduling operations name guards too (schedules of org users and teams, team event types); their own suites check them.
const directory = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([, op]) => op["x-calcom-guards"] && DIRECTORY_TAGS.has(op.tags?.[0] ?? ""))
    .map(([method, op]) => ({ path, method, operationId: op.operationId, role: op["x-calcom-guards"]!.find((g) => g.startsWith("RolesGuard:"))?.slice("RolesGuard:".length) })),
);
const byRole = (role: string | undefined, inOrg: boolean) => directory.filter((o) => o.role === role && o.path.includes("{orgId}") === inOrg).map((o) => o.operationId);

let mock: MockServer;
let api: Client;
let state: State;
let facts: ReturnType<typeof scenarioFacts>;
let requests: Record<string, OperationRequest>;

beforeAll(async () => {
  ({ mock, api } = await startMock());
  state = await api.state();
  facts = scenarioFacts(state);
  requests = successRequests(state, facts);
});
afterAll(() => mock.close());

const send = (r: OperationRequest, key: string) => api.request(r.method, r.path, { key, ...(r.body !== undefined && { body: r.body }) });

describe("the directory's roles, operation by operation", () => {
  it("names a role or none for each of the 32 operations", () => {
    expect(directory).toHaveLength(32);
    expect(byRole("ORG_ADMIN", true)).toHaveLength(13);
    expect(byRole("ORG_MEMBER", true)).toEqual(["OrganizationsTeamsController_getMyTeams"]);
    expect(byRole("TEAM_ADMIN", true)).toHaveLength(6);
    expect(byRole(undefined, false).sort()).toEqual(["MeController_getMe", "MeController_updateMe", "TeamsController_createTeam", "TeamsController_getTeams"]);
    expect(byRole("TEAM_ADMIN", false)).toHaveLength(5);
    expect(byRole("TEAM_OWNER", false).sort()).toEqual(["TeamsController_deleteTeam", "TeamsController_updateTeam"]);
  });

  it.each(byRole("ORG_ADMIN", true))("%s refuses an org member, whatever their team roles, and changes nothing", async (operationId) => {
    const r = requests[operationId]!;
    const teamId = /\/teams\/(\d+)/.exec(r.path)?.[1];
    const where = `organization with id=${facts.org.id}${teamId ? ` team with id=${teamId}` : ""}`;
    expectError(await send(r, MEMBER_KEY), 403, "ForbiddenException", `RolesGuard - user with id=${facts.memberId} does not have the minimum required role=ORG_ADMIN within ${where}.`);
    expect(await api.state()).toEqual(state);
  });

  it.each(byRole("TEAM_ADMIN", true))("%s refuses an org member who is not in the team, and changes nothing", async (operationId) => {
    const r = requests[operationId]!;
    const teamId = /\/teams\/(\d+)/.exec(r.path)![1];
    expectError(
      await send(r, MEMBER_KEY),
      403,
      "ForbiddenException",
      `RolesGuard - User is not part of the team with id=${teamId} and/or, is not an admin nor an owner of the organization with id=${facts.org.id}.`,
    );
    expect(await api.state()).toEqual(state);
  });

  it.each([...byRole("TEAM_ADMIN", false), ...byRole("TEAM_OWNER", false), ...byRole("TEAM_MEMBER", false)])(
    "%s refuses a caller who is not in that team, org owner included",
    async (operationId) => {
      const r = requests[operationId]!;
      const teamId = /\/teams\/(\d+)/.exec(r.path)![1];
      const key = r.key === OWNER_KEY ? MEMBER_KEY : OWNER_KEY;
      const caller = state.apiKeys.find((k) => k.key === key)!.userId;
      // The org owner is in team 2 only; the member in team 4 only: neither is in the other's team.
      expect(state.memberships.some((m) => m.userId === caller && String(m.teamId) === teamId)).toBe(false);
      expectError(await send(r, key), 403, "ForbiddenException", `RolesGuard - User is not a member of the team with id=${teamId}.`);
      expect(await api.state()).toEqual(state);
    },
  );

  const reads = directory.filter((o) => o.method === "get").map((o) => o.operationId);
  it.each([...byRole("ORG_MEMBER", true), ...byRole(undefined, false).filter((id) => reads.includes(id))])("%s is open to a plain member", async (operationId) => {
    expectSuccess(await send(requests[operationId]!, MEMBER_KEY));
  });
});
