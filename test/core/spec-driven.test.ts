import { execFile, spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/server.js";
import { loadContract } from "../../src/contract/index.js";
import { plausibleRequest } from "../support/plausible.js";
import { ADMIN_KEY, client, expectError, makeTempDir, scenarioFacts, startMock, type Client } from "../support/harness.js";
import { PUBLISHED_DOC, withoutPublishedDoc } from "../support/reference.js";
import { STATEFUL_COUNT } from "../support/stateful.js";

/** The operations answered from the spec: static and dynamic answers, Prefer, cal-api-version, --spec, the lists. */

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const V = { "cal-api-version": "2024-08-13" };

let mock: MockServer;
let api: Client;
let orgId: number;

beforeAll(async () => {
  ({ mock, api } = await startMock());
  orgId = scenarioFacts(await api.state()).org.id;
});
afterAll(() => mock.close());

describe("static answers (the default)", () => {
  it("answer the contract's examples, the same every time, with status success", async () => {
    const first = await api.request("GET", "/v2/webhooks");
    const second = await api.request("GET", "/v2/webhooks");
    expect(first.status).toBe(200);
    expect(first.headers.get("x-calcom-mock-answered-by")).toBe("spec; static");
    expect(first.body.status).toBe("success");
    // The published document's example webhook, not a placeholder.
    expect(first.body.data[0]).toMatchObject({ id: 1, triggers: ["BOOKING_CREATED"], payloadTemplate: expect.stringContaining("A new event has been scheduled") });
    expect(second.body).toEqual(first.body);
  });

  it("keep no state: creating a webhook does not make GET /v2/webhooks list it", async () => {
    const before = await api.request("GET", "/v2/webhooks");
    const created = await api.request("POST", "/v2/webhooks", {
      body: { subscriberUrl: "https://example.com/hook", triggers: ["BOOKING_CANCELLED"], active: true },
    });
    expect(created.status).toBe(201);
    expect((await api.request("GET", "/v2/webhooks")).body).toEqual(before.body);
  });

  it("answer {status: success} where the document declares no body", async () => {
    const res = await api.del(`/v2/organizations/${orgId}/teams/${scenarioFacts(await api.state()).teams[0]!.id}/workflows/1`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: "success" });
  });
});

describe("Prefer", () => {
  it("dynamic=true generates a body valid against the contract, the same for the same request", async () => {
    const headers = { prefer: "dynamic=true" };
    const a = await api.request("GET", "/v2/webhooks", { headers });
    const b = await api.request("GET", "/v2/webhooks", { headers });
    const other = await api.request("GET", "/v2/webhooks?x=1", { headers });
    const fixed = await api.get("/v2/webhooks");
    expect(a.headers.get("x-calcom-mock-answered-by")).toMatch(/^spec; (dynamic|static)/);
    expect(a.body.status).toBe("success");
    expect(b.body).toEqual(a.body);
    expect(a.body).not.toEqual(fixed.body);
    expect(other.body).not.toEqual(a.body);
  });

  it("code= picks a declared answer; an undeclared success code is refused with 400", async () => {
    expectError(await api.request("GET", "/v2/webhooks", { headers: { prefer: "code=201" } }), 400, "BadRequestException", /code=201 is not an answer this operation declares/);
    const ok = await api.request("GET", "/v2/webhooks", { headers: { prefer: "code=200" } });
    expect(ok.status).toBe(200);
    const missing = await api.request("GET", "/v2/webhooks", { headers: { prefer: "code=404" } });
    expectError(missing, 404, "NotFoundException");
  });

  it("example= names an example the contract does not have: 400, never Prism's problem+json", async () => {
    expectError(await api.request("GET", "/v2/webhooks", { headers: { prefer: "example=nope" } }), 400, "BadRequestException", /not in the contract/);
  });

  it("a bad value is a 400 naming the preference", async () => {
    expectError(await api.request("GET", "/v2/webhooks", { headers: { prefer: "dynamic=maybe" } }), 400, "BadRequestException", /Prefer: dynamic/);
  });

  it("--dynamic (dynamic: true) makes generated answers the default; Prefer: dynamic=false asks for the example", async () => {
    const dynamicMock = await createMockServer({ db: "memory", dynamic: true });
    try {
      const dyn = client(dynamicMock.url);
      const generated = await dyn.get("/v2/webhooks");
      expect(generated.headers.get("x-calcom-mock-answered-by")).toMatch(/^spec; (dynamic|static \(the generator)/);
      expect((await dyn.request("GET", "/v2/webhooks", { headers: { prefer: "dynamic=false" } })).body).toEqual((await api.get("/v2/webhooks")).body);
      // Seeded from the seed and the request: the same as this process's other server gives.
      expect(generated.body).toEqual((await api.request("GET", "/v2/webhooks", { headers: { prefer: "dynamic=true" } })).body);
    } finally {
      await dynamicMock.close();
    }
  });
});

describe("before the responder", () => {
  it("requires cal-api-version where Cal.com routes by it, naming the accepted version", async () => {
    expectError(await api.get("/v2/bookings"), 400, "BadRequestException", /cal-api-version.*2024-08-13/, "/v2/bookings");
    expectError(await api.request("GET", "/v2/bookings", { headers: { "cal-api-version": "2024-04-15" } }), 404, "NotFoundException", "Cannot GET /v2/bookings");
    expect((await api.request("GET", "/v2/webhooks", { headers: { "cal-api-version": "1999-01-01" } })).status).toBe(200);
  });

  it("authenticates and guards the organization as for stateful operations", async () => {
    expectError(await api.get("/v2/webhooks", null), 401, "UnauthorizedException", /No authentication method provided/);
    expectError(await api.get("/v2/webhooks", "cal_test_unknown"), 401, "UnauthorizedException", "Your api key is not valid");
    expectError(await api.get("/v2/organizations/99999/webhooks"), 403, "ForbiddenException");
    // GET /v2/slots is public; without cal-api-version Cal.com's default version has no such route (404).
    const slots = "/v2/slots?usernames=nobody,noone&organizationSlug=acme&start=2050-09-05&end=2050-09-06";
    expect((await api.get(slots, null)).status).toBe(404);
    expect((await api.request("GET", slots, { key: null, headers: { "cal-api-version": "2024-09-04" } })).status).toBe(200);
  });

  it("lets anonymous callers use routes where Cal.com's key is optional, and still refuses a bad key there", async () => {
    const contract = loadContract();
    const reserve = contract.operations.find((o) => o.operationId === "SlotsController_2024_09_04_reserveSlot")!;
    expect(reserve.auth).toBe("optional");
    const plan = plausibleRequest(contract, reserve, orgId);
    const anonymous = await api.request("POST", plan.path, { key: null, headers: plan.headers, body: plan.body });
    expect(anonymous.status).toBe(201);
    expectError(await api.request("POST", plan.path, { key: "cal_test_unknown", headers: plan.headers, body: plan.body }), 401, "UnauthorizedException");
    // Under /v2/organizations/{orgId} a key is needed even where the published document declares none.
    expectError(await api.get(`/v2/organizations/${orgId}/teams/1/conferencing`, null), 401, "UnauthorizedException");
  });

  it("never answers Prism's 406, 415 or 422: Accept is ignored, a body that is not JSON is validated as none", async () => {
    const xml = await api.request("GET", "/v2/webhooks", { headers: { accept: "application/xml" } });
    expect(xml.status).toBe(200);
    expect(xml.headers.get("content-type")).toMatch(/application\/json/);
    const text = await api.request("POST", "/v2/bookings", { headers: { ...V, "content-type": "text/plain" }, rawBody: "start=tomorrow" });
    // POST /v2/bookings validates through Cal.com's own pipe, whose message names the property.
    expectError(text, 400, "BadRequestException", /^start property is wrong,/);
    const wrong = await api.request("POST", "/v2/bookings", { headers: V, body: { start: 5 } });
    expectError(wrong, 400, "BadRequestException", /^start property is wrong,/);
  });

  it("routes literal segments before parameters", async () => {
    expect((await api.get(`/v2/organizations/${orgId}/teams/me`)).operationId).toBe("OrganizationsTeamsController_getMyTeams");
    expect((await api.get(`/v2/organizations/${orgId}/teams/1`)).operationId).toBe("OrganizationsTeamsController_getTeam");
  });

  it("applies the journal, faults and CORS to spec-driven operations", async () => {
    await fetch(`${mock.url}/__admin/requests`, { method: "DELETE" });
    await api.get("/v2/webhooks");
    const journal = (await (await fetch(`${mock.url}/__admin/requests?path=/v2/webhooks`)).json()) as { data: Array<{ status: number }> };
    expect(journal.data.map((r) => r.status)).toEqual([200]);
    await fetch(`${mock.url}/__admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path: "/v2/webhooks", status: 503, count: 1 }) });
    expectError(await api.get("/v2/webhooks"), 503, "ServiceUnavailableException");
    expect((await api.get("/v2/webhooks")).status).toBe(200);
    const preflight = await fetch(`${mock.url}/v2/bookings`, { method: "OPTIONS" });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-headers")).toMatch(/cal-api-version/);
  });

  it("applies Cal.com's rate limit to spec-driven operations", async () => {
    const limited = await createMockServer({ db: "memory", rateLimit: "2/10s" });
    try {
      const api2 = client(limited.url);
      expect((await api2.get("/v2/webhooks")).status).toBe(200);
      expect((await api2.get("/v2/webhooks")).status).toBe(200);
      expectError(await api2.get("/v2/webhooks"), 429, "ThrottlerException");
    } finally {
      await limited.close();
    }
  });
});

describe("the control API", () => {
  it("lists every operation with how it is answered and its request count", async () => {
    await fetch(`${mock.url}/__admin/requests`, { method: "DELETE" });
    await api.get("/v2/webhooks");
    await api.get("/v2/webhooks");
    await api.get(`/v2/organizations/${orgId}/attributes`);
    const { data } = (await (await fetch(`${mock.url}/__admin/operations`)).json()) as {
      data: Array<{ method: string; path: string; operationId: string; tag: string; answeredBy: string; requests: number }>;
    };
    expect(data).toHaveLength(274);
    expect(data.filter((o) => o.answeredBy === "state")).toHaveLength(STATEFUL_COUNT);
    // The organization directory is answered from the store, every operation of its seven tags.
    const directoryTags = ["Orgs / Users", "Orgs / Memberships", "Orgs / Teams", "Orgs / Teams / Memberships", "Me", "Teams", "Teams / Memberships"];
    const directory = data.filter((o) => directoryTags.includes(o.tag));
    expect(directory).toHaveLength(32);
    expect(directory.filter((o) => o.answeredBy !== "state")).toEqual([]);
    expect(data.find((o) => o.operationId === "WebhooksController_getWebhooks")).toEqual({
      method: "GET",
      path: "/v2/webhooks",
      operationId: "WebhooksController_getWebhooks",
      tag: "Webhooks",
      answeredBy: "spec",
      requests: 2,
    });
    expect(data.find((o) => o.operationId === "OrganizationsAttributesController_getOrganizationAttributes")).toMatchObject({ answeredBy: "state", requests: 1 });
    await fetch(`${mock.url}/__admin/requests`, { method: "DELETE" });
    const after = (await (await fetch(`${mock.url}/__admin/operations`)).json()) as { data: Array<{ requests: number }> };
    expect(after.data.every((o) => o.requests === 0)).toBe(true);
  });

  it("serves the contract with servers naming the running mock", async () => {
    const res = await fetch(`${mock.url}/__admin/openapi.json`);
    expect(res.headers.get("content-type")).toMatch(/application\/json/);
    const doc = (await res.json()) as { servers: Array<{ url: string }>; paths: Record<string, unknown> };
    expect(doc.servers).toEqual([{ url: mock.url }]);
    expect(Object.keys(doc.paths)).toHaveLength(176);
    expect(JSON.stringify(doc)).not.toMatch(/"description":"[^"]/);
  });
});

describe("--spec", () => {
  const dir = makeTempDir();
  const newer = join(dir, "newer.json");
  writeFileSync(
    newer,
    JSON.stringify({
      openapi: "3.0.3",
      info: { title: "newer", version: "1" },
      paths: {
        "/v2/newer/{thingId}": {
          get: {
            operationId: "NewerController_getThing",
            tags: ["Newer"],
            parameters: [{ name: "thingId", in: "path", required: true, schema: { type: "integer" } }],
            responses: { "200": { description: "", content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } } } },
          },
        },
        // Conflicts with the contract, which wins.
        "/v2/me": { get: { operationId: "MeController_getMe", responses: { "200": { description: "", content: { "application/json": { schema: { type: "object", properties: { other: { type: "string", example: "no" } } } } } } } } },
        "/v2/organizations/{orgId}/attributes": { get: { operationId: "Other_list", responses: { "200": { description: "" } } } },
      },
      components: { schemas: { Thing: { type: "object", properties: { status: { type: "string", example: "success" }, data: { type: "object", properties: { id: { type: "integer", example: 7 } } } } } } },
    }),
  );

  it("answers the operations the contract lacks from further documents; the contract wins on conflicts", async () => {
    const extra = await createMockServer({ db: "memory", specs: [newer] });
    try {
      const res = await fetch(`${extra.url}/v2/newer/5`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ status: "success", data: { id: 7 } });
      expect((await fetch(`${extra.url}/v2/newer/abc`)).status).toBe(400);
      const me = await client(extra.url).get("/v2/me");
      expect(me.body.data).toHaveProperty("username");
      const list = await client(extra.url).get(`/v2/organizations/${orgId}/attributes`);
      expect(list.headers.get("x-calcom-mock-answered-by")).toBeNull();
      expect(extra.operations().map((o) => o.operationId)).toContain("NewerController_getThing");
      expect(extra.operations()).toHaveLength(275);
    } finally {
      await extra.close();
    }
  });

  it.skipIf(withoutPublishedDoc)("repairs a further document as the contract is repaired: Cal.com's own published document loads", async () => {
    const lines: string[] = [];
    const extra = await createMockServer({ db: "memory", specs: [PUBLISHED_DOC], log: (l) => lines.push(l) });
    try {
      // Every one of its operations is in the contract already, which wins.
      expect(extra.operations()).toHaveLength(274);
      expect(lines.join("\n")).toMatch(/--spec .*calcom-v2-current\.openapi\.json repaired as the contract is: .*pattern-names: 4 places/);
    } finally {
      await extra.close();
    }
  });

  it("refuses a document that does not load, naming it and its problem", async () => {
    const broken = join(dir, "broken.json");
    writeFileSync(broken, JSON.stringify({ openapi: "3.0.0", paths: { "/v2/x": { get: { responses: { "200": { $ref: "#/components/responses/Gone" } } } } } }));
    await expect(createMockServer({ db: "memory", specs: [broken] })).rejects.toThrow(/--spec .*broken\.json: references that point at nothing: #\/components\/responses\/Gone/);
    const notJson = join(dir, "not.json");
    writeFileSync(notJson, "openapi: 3");
    await expect(createMockServer({ db: "memory", specs: [notJson] })).rejects.toThrow(/--spec .*not\.json/);
  });

  it("makes the CLI exit non-zero with the problem", async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(process.execPath, ["--import", "tsx", "src/cli.ts", "--db", "memory", "--port", "0", "--spec", join(dir, "missing.json")], { cwd: ROOT }, (err, _out, stderr) =>
        resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, stderr }),
      );
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--spec .*missing\.json: ENOENT/);
  });
});

describe("determinism across processes", () => {
  it("a separate process with --dynamic gives byte-identical generated bodies", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "src/cli.ts", "--db", "memory", "--port", "0", "--dynamic"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out += chunk.toString();
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m?.[1]) resolve(m[1]);
        });
        child.on("exit", () => reject(new Error(`the CLI exited: ${out}`)));
      });
      const requests: Array<[string, Record<string, string>]> = [
        ["/v2/webhooks", {}],
        ["/v2/bookings?take=2", V],
        [`/v2/organizations/${orgId}/webhooks`, {}],
        ["/v2/event-types/1", { "cal-api-version": "2024-06-14" }],
      ];
      // This process asks in reverse order: the answers depend on the request, not on what came before.
      const here = new Map<string, string>();
      for (const [path, headers] of [...requests].reverse()) {
        here.set(path, JSON.stringify((await api.request("GET", path, { headers: { ...headers, prefer: "dynamic=true" } })).body));
      }
      for (const [path, headers] of requests) {
        const res = await fetch(`${url}${path}`, { headers: { ...headers, authorization: `Bearer ${ADMIN_KEY}` } });
        expect(JSON.stringify(await res.json()), path).toBe(here.get(path));
      }
    } finally {
      child.kill("SIGTERM");
    }
    // A CLI started through tsx: on a loaded machine its start alone can take most of the default 20 s.
  }, 60_000);
});
