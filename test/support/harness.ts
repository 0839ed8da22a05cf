import { afterAll, beforeAll, beforeEach, expect } from "vitest";
import { createResponseValidator, loadContract, matchOperation } from "../../src/contract/index.js";
import { createMockServer, type MockServer, type MockServerOptions } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";

export const ADMIN_KEY = "cal_test_mock_admin_key";
export const MEMBER_KEY = "cal_test_mock_member_key";
export const OWNER_KEY = "cal_test_mock_owner_key";

const contract = loadContract();
const validateResponse = createResponseValidator(contract.doc, contract.operations);

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  operationId?: string;
}

/**
 * Every /v2 answer a test receives passes through here and is validated against spec/: the response must be
 * JSON, its status declared for the operation (or covered by `default`), and its body must match the schema.
 */
export function checkContract(method: string, url: string, status: number, body: unknown): string | undefined {
  const path = new URL(url).pathname;
  if (!path.startsWith("/v2/")) return undefined;
  const { operation } = matchOperation(contract.operations, method, path);
  if (!operation) {
    // Unknown routes still answer in Cal.com's error envelope.
    expect(body).toMatchObject({ status: "error", error: { code: expect.any(String), message: expect.any(String) } });
    return undefined;
  }
  const check = validateResponse(operation.operationId, status, body);
  expect(check.errors, `${method} ${path} → ${status} does not match spec/: ${String(JSON.stringify(body)).slice(0, 500)}`).toEqual([]);
  return operation.operationId;
}

export interface Client {
  request<T = any>(method: string, path: string, options?: { key?: string | null; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<ApiResponse<T>>;
  get<T = any>(path: string, key?: string | null): Promise<ApiResponse<T>>;
  post<T = any>(path: string, body: unknown, key?: string | null): Promise<ApiResponse<T>>;
  patch<T = any>(path: string, body: unknown, key?: string | null): Promise<ApiResponse<T>>;
  del<T = any>(path: string, key?: string | null): Promise<ApiResponse<T>>;
  state(): Promise<State>;
  reset(body?: unknown): Promise<ApiResponse>;
}

/** A fetch-based client of a running mock; the key defaults to the admin's. */
export function client(baseUrl: string): Client {
  const request: Client["request"] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    const key = options.key === undefined ? ADMIN_KEY : options.key;
    if (key !== null) headers.authorization = `Bearer ${key}`;
    let body: string | undefined;
    if (options.rawBody !== undefined) body = options.rawBody;
    else if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers["content-type"] ??= "application/json";
    }
    const url = `${baseUrl}${path}`;
    const res = await fetch(url, { method, headers, ...(body !== undefined && { body }) });
    const text = await res.text();
    let parsed: unknown;
    try {
      // A 204 has no body at all, as HTTP says.
      if (res.status === 204 && text === "") parsed = undefined;
      else parsed = JSON.parse(text);
    } catch {
      throw new Error(`${method} ${path} answered ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
    }
    const operationId = checkContract(method, url, res.status, parsed);
    return { status: res.status, headers: res.headers, body: parsed as never, ...(operationId && { operationId }) };
  };
  return {
    request,
    get: (path, key) => request("GET", path, { key }),
    post: (path, body, key) => request("POST", path, { key, body }),
    patch: (path, body, key) => request("PATCH", path, { key, body }),
    del: (path, key) => request("DELETE", path, { key }),
    state: async () => ((await (await fetch(`${baseUrl}/__admin/state`)).json()) as { data: State }).data,
    reset: (body = {}) => request("POST", "/__admin/reset", { key: null, body }),
  };
}

/** Starts a mock on port 0 (memory store by default) and gives a client of it. */
export async function startMock(options: MockServerOptions = {}): Promise<{ mock: MockServer; api: Client }> {
  const mock = await createMockServer({ db: "memory", ...options });
  return { mock, api: client(mock.url) };
}

/**
 * A server with the response cache and one computing every answer afresh, started before the suite's tests and
 * closed after them (call inside a describe); the fields are filled once `beforeAll` has run.
 */
export function cachedAndFresh(): { cached: { mock: MockServer; api: Client }; fresh: { mock: MockServer; api: Client } } {
  const servers = {} as ReturnType<typeof cachedAndFresh>;
  beforeAll(async () => {
    servers.cached = await startMock();
    servers.fresh = await startMock({ responseCache: false });
  });
  afterAll(async () => {
    await servers.cached.mock.close();
    await servers.fresh.mock.close();
  });
  return servers;
}

/** Ids of the default scenario, discovered from the state rather than hard-coded. */
export function scenarioFacts(state: State) {
  const org = state.organizations[0]!;
  const keyOf = (key: string) => state.apiKeys.find((k) => k.key === key)!.userId;
  const attr = (slug: string) => state.attributes.find((a) => a.slug === slug && a.teamId === org.id)!;
  const optionsOf = (attributeId: string) => state.attributeOptions.filter((o) => o.attributeId === attributeId);
  const orgMembership = (userId: number) => state.memberships.find((m) => m.teamId === org.id && m.userId === userId);
  const memberUserIds = state.memberships.filter((m) => m.teamId === org.id && m.accepted).map((m) => m.userId);
  const pendingUserIds = state.memberships.filter((m) => m.teamId === org.id && !m.accepted).map((m) => m.userId);
  const outsiderIds = state.users.filter((u) => !state.memberships.some((m) => m.userId === u.id)).map((u) => u.id);
  const teams = state.teams.filter((t) => t.parentId === org.id);
  return { org, keyOf, attr, optionsOf, orgMembership, memberUserIds, pendingUserIds, outsiderIds, teams, adminId: keyOf(ADMIN_KEY), memberId: keyOf(MEMBER_KEY) };
}

// ---- Helpers for the core suite (test/core). ----
// (Import declarations are hoisted, so these work here at the end of the module.)
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioRecipe } from "../../src/store/seed.js";

/** The messages of Cal.com's validation failures, whose particulars are in `details` and the mock's diagnostics header. */
export const VALIDATION_MESSAGES = new Set(["Bad Request Exception", "Validation failed (numeric string is expected)"]);

/**
 * Checks that an answer is Cal.com's error envelope: the status, `error.code`, `error.details` as Cal.com's filters
 * send it (NestJS's exception response for HTTP exceptions, none for the database-mapped codes), and (when given)
 * the message, exact for a string and matched for a pattern. For a failed validation, whose message is Cal.com's
 * fixed text, the pattern is matched against the mock's readable summary in the X-Calcom-Mock-Diagnostics header.
 * `path` defaults to no check; give the request URL to check it.
 */
export function expectError(res: ApiResponse, status: number, code: string, message?: string | RegExp, path?: string): void {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.status).toBe("error");
  expect(Object.keys(res.body).sort()).toEqual(["error", "path", "status", "timestamp"]);
  expect(typeof res.body.timestamp).toBe("string");
  expect(new Date(res.body.timestamp).toISOString()).toBe(res.body.timestamp);
  expect(res.body.error.code).toBe(code);
  expectDetails(res);
  const text: string = VALIDATION_MESSAGES.has(res.body.error.message) && message !== undefined && !VALIDATION_MESSAGES.has(String(message))
    ? (res.headers.get("x-calcom-mock-diagnostics") ?? "")
    : res.body.error.message;
  if (typeof message === "string") expect(text).toBe(message);
  else if (message) expect(text).toMatch(message);
  if (path !== undefined) expect(res.body.path).toBe(path);
}

/** `error.details` as Cal.com's exception filters send it; see expectError. */
export function expectDetails(res: Pick<ApiResponse, "status" | "body">): void {
  const { code, message, details } = res.body.error as { code: string; message: string; details?: any };
  if (/^[A-Z_]+$/.test(code) || code === "TRPCError") {
    // Prisma's mapped errors (CONFLICT, NOT_FOUND, BAD_REQUEST) carry none, nor do Cal.com's TRPC filter's answers.
    expect(Object.keys(res.body.error).sort()).toEqual(["code", "message"]);
  } else if (message === "Bad Request Exception") {
    expect(Array.isArray(details?.errors), JSON.stringify(res.body)).toBe(true);
    expect(details.errors.length).toBeGreaterThan(0);
  } else if (typeof details !== "string") {
    expect(details, JSON.stringify(res.body)).toEqual({ message, error: expect.any(String), statusCode: res.status });
  }
}

/** Checks a success answer: the status (pass 201 for a POST) and the `{status, data}` envelope; returns `data`. */
export function expectSuccess<T = any>(res: ApiResponse, status: 200 | 201 = 200): T {
  expect(res.status, JSON.stringify(res.body).slice(0, 500)).toBe(status);
  expect(res.body.status).toBe("success");
  expect(Object.keys(res.body).sort()).toEqual(["data", "status"]);
  return res.body.data as T;
}

/** A fresh directory under the system's temp dir; the caller removes it. */
export function makeTempDir(prefix = "calcom-mock-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes a scenario recipe as JSON into `dir` and returns the file's path, usable as `scenario`. */
export function writeScenario(dir: string, recipe: ScenarioRecipe, name = "scenario.json"): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(recipe, null, 2));
  return file;
}

export type ScenarioFacts = ReturnType<typeof scenarioFacts>;

/** What a test of the default scenario starts from. */
export interface FreshScenario {
  mock: MockServer;
  api: Client;
  state: State;
  facts: ScenarioFacts;
  base: string;
}

/**
 * One mock for the test file, reset to the default scenario before each test; `use` receives the server, a
 * client, the state, its facts and the organization's base path, before each test runs.
 */
export function freshScenarioEachTest(use: (fresh: FreshScenario) => void): void {
  let started: { mock: MockServer; api: Client } | undefined;
  beforeAll(async () => {
    started = await startMock();
  });
  afterAll(() => started?.mock.close());
  beforeEach(async () => {
    await started!.mock.reset();
    const state = await started!.api.state();
    const facts = scenarioFacts(state);
    use({ ...started!, state, facts, base: `/v2/organizations/${facts.org.id}` });
  });
}
