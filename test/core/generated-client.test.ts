import { rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createClient } from "@hey-api/openapi-ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadContract, type Operation } from "../../src/contract/index.js";
import { answeredBy } from "../../src/routes/index.js";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { ADMIN_KEY, startMock, type Client } from "../support/harness.js";
import { planFor } from "../support/plan.js";

/**
 * A client generated from the contract as the mock serves it (GET /__admin/openapi.json), by a generator the
 * project does not write: Hey API's fetch SDK, whose every function checks the answer with the zod schema it
 * generated for that operation. Each operation is called through its own function with a plausible request;
 * the call must succeed and the answer must pass the client's own check, as a user's generated client would.
 */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
// Inside the checkout (gitignored), so the generated files resolve zod from the project's node_modules.
const OUT = join(ROOT, "test-artifacts", `generated-client-${process.pid}`);
const contract = loadContract();

type SdkFunction = (options: Record<string, unknown>) => Promise<{ data?: unknown; error?: unknown; response: Response }>;
let mock: MockServer;
let api: Client;
let state: State;
let sdk: Record<string, SdkFunction>;
let client: unknown;

beforeAll(async () => {
  ({ mock, api } = await startMock());
  state = await api.state();
  await createClient({
    input: `${mock.url}/__admin/openapi.json`,
    output: { path: OUT, postProcess: [] },
    logs: { level: "silent" },
    // date-time is RFC 3339, offsets included: GET /v2/slots with a timeZone prints `…T09:00:00.000+01:00`, as Cal.com
    // does, which zod's datetime refuses unless told offsets are fine.
    plugins: ["@hey-api/client-fetch", { name: "zod", dates: { offset: true } }, { name: "@hey-api/sdk", validator: { request: false, response: "zod" } }],
  });
  sdk = (await import(pathToFileURL(join(OUT, "sdk.gen.ts")).href)) as Record<string, SdkFunction>;
  const generated = (await import(pathToFileURL(join(OUT, "client", "index.ts")).href)) as {
    createClient(config: unknown): unknown;
    createConfig(config: unknown): unknown;
  };
  client = generated.createClient(generated.createConfig({ baseUrl: mock.url }));
}, 180_000);

afterAll(async () => {
  await mock?.close();
  rmSync(OUT, { recursive: true, force: true });
});

/**
 * The generator's name for an operation's function: its operationId in camel case, without separators, a run of
 * capitals read as one word (`OOOController` → `OooController`).
 */
function functionName(operationId: string): string {
  const words = operationId.split(/[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])/).filter(Boolean);
  return words.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join("");
}

/** A planned request as the SDK's options: path parameters by name, the query as values (lists as arrays). */
function options(op: Operation, plan: ReturnType<typeof planFor>): Record<string, unknown> {
  const [pathname, search = ""] = plan.path.split("?") as [string, string?];
  const segments = pathname.split("/");
  const path: Record<string, string> = {};
  op.pathTemplate.split("/").forEach((segment, i) => {
    const name = /^\{(.+)\}$/.exec(segment)?.[1];
    if (name) path[name] = decodeURIComponent(segments[i]!);
  });
  const query: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(search)) {
    const param = op.parameters.find((p) => p.in === "query" && p.name === name);
    query[name] = param?.schema.type === "array" ? value.split(",") : value;
  }
  return {
    client,
    path,
    query,
    headers: { ...plan.headers, authorization: `Bearer ${plan.key ?? ADMIN_KEY}` },
    ...(plan.body !== undefined && { body: plan.body }),
  };
}

describe("a client generated from the contract", () => {
  it("has a function for every operation", () => {
    const missing = contract.operations.map((op) => functionName(op.operationId)).filter((name) => typeof sdk[name] !== "function");
    expect(missing).toEqual([]);
    expect(contract.operations).toHaveLength(274);
  });

  it.each(contract.operations.map((op) => [`${op.method} ${op.pathTemplate}`, op] as const))("%s", async (_label, op) => {
    if (answeredBy(op.operationId) === "state") await mock.reset();
    state = await api.state();
    const call = sdk[functionName(op.operationId)]!;
    // The SDK runs the answer through its zod schema and throws when the answer does not fit its types.
    const result = await call(options(op, planFor(contract, state, op)));
    expect(result.error, `${result.response.status} ${JSON.stringify(result.error)}`).toBeUndefined();
    expect(result.response.status).toBeGreaterThanOrEqual(200);
    expect(result.response.status).toBeLessThan(300);
    expect(new URL(result.response.url).pathname).toMatch(/^\/v2\//);
  });
});
