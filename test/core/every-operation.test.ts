import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, type Operation } from "../../src/contract/index.js";
import { answeredBy } from "../../src/routes/index.js";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { readFileSync } from "node:fs";
import { request as httpRequest } from "node:http";
import { ADMIN_KEY, expectError, startMock, type ApiResponse, type Client } from "../support/harness.js";
import { planFor as planOf, type Plan } from "../support/plan.js";
import { inventedKeys } from "../support/plausible.js";
import { STATEFUL_COUNT } from "../support/stateful.js";

/**
 * Every operation of the contract, stateful or answered from the spec: a plausible request answers 2xx with a body
 * valid against the contract (the harness checks every answer), no credentials answer 401, and a malformed
 * request answers 400 in Cal.com's envelope.
 */

const contract = loadContract();
const planFor = (op: Operation) => planOf(contract, state, op);
let mock: MockServer;
let api: Client;
let state: State;

beforeAll(async () => {
  ({ mock, api } = await startMock());
  state = await api.state();
});
afterAll(() => mock.close());

/** The same request made malformed in the first way the operation allows, with what the 400 should name. */
function malformed(op: Operation, plan: Plan): { request: Plan & { rawBody?: string }; names: RegExp } {
  const [path, search = ""] = plan.path.split("?") as [string, string?];
  const intParam = op.parameters.find((p) => p.in === "path" && p.schema.type === "integer");
  if (intParam) {
    const at = op.pathTemplate.split("/").indexOf(`{${intParam.name}}`);
    const segments = path.split("/");
    segments[at] = "abc";
    return { request: { ...plan, path: segments.join("/") + (search ? `?${search}` : "") }, names: new RegExp(`path ${intParam.name}`) };
  }
  const requiredQuery = op.parameters.find((p) => p.in === "query" && p.required);
  if (requiredQuery) {
    const query = new URLSearchParams(search);
    query.delete(requiredQuery.name);
    // An operation whose own pipe reads the query (GET /v2/slots) answers in that pipe's words, not a validation's.
    const names = op.queryPipe ? `^${requiredQuery.name} property is wrong` : `query ${requiredQuery.name}`;
    return { request: { ...plan, path: `${path}?${query}` }, names: new RegExp(names) };
  }
  const typedQuery = op.parameters.find((p) => p.in === "query" && ["integer", "number", "boolean"].includes(String(p.schema.type)));
  if (typedQuery) {
    const query = new URLSearchParams(search);
    query.set(typedQuery.name, "abc");
    return { request: { ...plan, path: `${path}?${query}` }, names: new RegExp(`query ${typedQuery.name}`) };
  }
  // Cal.com's own input pipes (bookings) name no part: "undefined property is wrong,an unknown value was passed …".
  if (op.body) return { request: { ...plan, body: ["not", "an", "object"] }, names: op.inputPipe ? /property is wrong/ : /body/ };
  // Nothing else to get wrong: a body that is not JSON, which Cal.com's body parser refuses on any route.
  return { request: { ...plan, body: undefined, rawBody: "{not json" }, names: /not valid JSON/ };
}

/** fetch refuses a body on GET; Node's client sends one, as some HTTP clients do. */
function rawRequest(method: string, path: string, headers: Record<string, string>, body: string): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${mock.url}${path}`, { method, headers: { ...headers, authorization: `Bearer ${ADMIN_KEY}`, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: new Headers(), body: JSON.parse(text) as unknown }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

const send = (r: Plan & { rawBody?: string }, key: string | null | undefined = r.key) =>
  r.rawBody !== undefined && (r.method === "GET" || r.method === "DELETE")
    ? rawRequest(r.method, r.path, { ...r.headers, "content-type": "application/json" }, r.rawBody)
    : api.request(r.method, r.path, {
    ...(key !== undefined && { key }),
    headers: { ...r.headers, ...(r.rawBody !== undefined && { "content-type": "application/json" }) },
    ...(r.rawBody !== undefined ? { rawBody: r.rawBody } : r.body !== undefined ? { body: r.body } : {}),
  });

describe("every operation of the contract", () => {
  it("has 274 operations (Cal.com's 272 and the 2 attribute ones its document lacks), each answered by state (those with a handler) or by the spec", () => {
    expect(contract.operations).toHaveLength(274);
    expect(contract.operations.filter((op) => answeredBy(op.operationId) === "state")).toHaveLength(STATEFUL_COUNT);
  });

  it("is what README's table of tags counts, tag by tag", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const table = readme.slice(readme.indexOf("| tag | operations | answered by |"), readme.indexOf("| **all** |"));
    const rows = table.split("\n").slice(2).filter((l) => l.startsWith("| ")).map((l) => l.split("|").map((c) => c.trim()));
    const documented = rows.map(([, tag, count, by]) => `${tag} ${count} ${by}`);
    const tags = [...new Set(contract.operations.map((op) => op.tag))];
    const actual = tags.map((tag) => {
      const ops = contract.operations.filter((op) => op.tag === tag);
      return `${tag} ${ops.length} ${[...new Set(ops.map((op) => answeredBy(op.operationId)))].join(", ")}`;
    });
    expect(documented).toEqual(actual);
    expect(readme).toContain(`| **all** | **${contract.operations.length}** |`);
  });

  it.each(contract.operations.map((op) => [`${op.method} ${op.pathTemplate}`, op] as const))("%s", async (_label, op) => {
    if (answeredBy(op.operationId) === "state") {
      await mock.reset();
      state = await api.state();
    }
    const plan = planFor(op);

    const ok = await send(plan);
    expect(ok.operationId, "the router picked another operation").toBe(op.operationId);
    expect(ok.status, String(JSON.stringify(ok.body)).slice(0, 400)).toBeGreaterThanOrEqual(200);
    expect(ok.status).toBeLessThan(300);
    // Every 2xx body that carries a status says success (a few published schemas, such as the Stripe redirect
    // URL, have none).
    if (ok.status === 204) expect(ok.body).toBeUndefined();
    else if ("status" in ok.body) expect(ok.body.status).toBe("success");
    expect(ok.headers.get("x-calcom-mock-answered-by") ?? "state").toMatch(answeredBy(op.operationId) === "state" ? /^state$/ : /^spec/);

    if (op.auth === "api-key" || op.auth === "client-secret") {
      const anonymous = await send({ ...plan, headers: Object.fromEntries(Object.entries(plan.headers).filter(([k]) => k !== "x-cal-secret-key")) }, null);
      expectError(anonymous, 401, "UnauthorizedException");
    }

    const bad = malformed(op, plan);
    const refused = await send(bad.request);
    expectError(refused, 400, "BadRequestException", bad.names);
  });
});

describe("every operation answered from the spec, with Prefer: dynamic=true", () => {
  const specOps = contract.operations.filter((op) => answeredBy(op.operationId) === "spec");

  it.each(specOps.map((op) => [`${op.method} ${op.pathTemplate}`, op] as const))("%s", async (_label, op) => {
    const plan = planFor(op);
    const dynamic = { ...plan, headers: { ...plan.headers, prefer: "dynamic=true" } };
    const first = await send(dynamic);
    expect(first.status, String(JSON.stringify(first.body)).slice(0, 400)).toBeGreaterThanOrEqual(200);
    expect(first.status).toBeLessThan(300);
    expect(first.headers.get("x-calcom-mock-answered-by")).toMatch(/^spec; (dynamic|static \(the generator failed)/);
    if (first.status !== 204 && "status" in first.body) expect(first.body.status).toBe("success");
    const schema = op.responses.get(String(first.status));
    if (schema) expect(inventedKeys(contract.doc, schema, first.body), String(JSON.stringify(first.body)).slice(0, 400)).toEqual([]);
    // Seeded from the request: asking again gives the same body.
    expect((await send(dynamic)).body).toEqual(first.body);
  });
});
