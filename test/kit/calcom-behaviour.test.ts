import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/index.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, client, expectError, expectSuccess, scenarioFacts, type Client } from "../support/harness.js";
import { waitFor } from "./helpers.js";

const started: MockServer[] = [];
async function start(options: Parameters<typeof createMockServer>[0] = {}): Promise<{ mock: MockServer; api: Client; base: string }> {
  const mock = await createMockServer({ port: 0, ...options });
  started.push(mock);
  return { mock, api: client(mock.url), base: `/v2/organizations/${scenarioFacts(mock.state()).org.id}` };
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((m) => m.close()));
});

const RATE_HEADERS = ["x-ratelimit-limit-default", "x-ratelimit-remaining-default", "x-ratelimit-reset-default", "retry-after"];

/** Sends n GETs, `parallel` at a time, and answers their statuses and headers in order. */
async function burst(api: Client, path: string, n: number, key = ADMIN_KEY, parallel = 20) {
  const out: Array<{ status: number; headers: Headers }> = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(Array.from({ length: Math.min(parallel, n - i) }, () => api.get(path, key)));
    out.push(...batch.map((r) => ({ status: r.status, headers: r.headers })));
  }
  return out;
}

describe("rate limits", () => {
  it("are off by default: no X-RateLimit headers, and 200 quick requests never get 429", async () => {
    const { api, base } = await start();
    const answers = await burst(api, `${base}/attributes`, 200);
    expect(answers.map((a) => a.status)).toEqual(Array(200).fill(200));
    for (const a of answers) for (const h of RATE_HEADERS) expect(a.headers.has(h), h).toBe(false);
  });

  // Follows apps/api/v2/src/lib/throttler-guard.ts (CustomThrottlerGuard.incrementRateLimit and handleApiKeyRequest).
  it('"cal": Cal.com\'s headers, 120 requests a minute per key, then 429 ThrottlerException, no Retry-After', async () => {
    const { api, base } = await start({ rateLimit: "cal" });
    const path = `${base}/attributes`;

    const first = await api.get(path);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit-default")).toBe("120");
    expect(first.headers.get("x-ratelimit-remaining-default")).toBe("119");
    // Seconds until the window ends, not an epoch time.
    const reset = Number(first.headers.get("x-ratelimit-reset-default"));
    expect(reset).toBeGreaterThan(50);
    expect(reset).toBeLessThanOrEqual(60);
    expect(first.headers.has("retry-after")).toBe(false);

    const next = await burst(api, path, 119);
    expect(next.map((a) => a.status)).toEqual(Array(119).fill(200));
    const remaining = next.map((a) => Number(a.headers.get("x-ratelimit-remaining-default"))).sort((a, b) => b - a);
    expect(remaining).toEqual(Array.from({ length: 119 }, (_, i) => 118 - i));

    // The 121st request of the key.
    const over = await api.get(path);
    expectError(over, 429, "ThrottlerException", "Too many requests. Please try again later.", path);
    expect(over.body.error.details).toBe("Too many requests. Please try again later.");
    expect(over.headers.get("x-ratelimit-limit-default")).toBe("120");
    expect(over.headers.get("x-ratelimit-remaining-default")).toBe("0");
    expect(over.headers.has("retry-after")).toBe(false);
    // The block's remaining seconds.
    const blockedFor = Number(over.headers.get("x-ratelimit-reset-default"));
    expect(Number.isInteger(blockedFor)).toBe(true);
    expect(blockedFor).toBeGreaterThanOrEqual(1);
    expect(blockedFor).toBeLessThanOrEqual(60);
    // Blocked: the next one too, writes included.
    expectError(await api.post(`${base}/attributes`, { name: "X", slug: "x", type: "TEXT", options: [] }), 429, "ThrottlerException");

    // Another key is counted on its own and is unaffected.
    for (const key of [MEMBER_KEY, OWNER_KEY]) {
      const other = await api.get(path, key);
      expect(other.status).toBe(200);
      expect(other.headers.get("x-ratelimit-remaining-default")).toBe("119");
    }
  });

  it("counts requests that fail too (a 401 of an unknown key is tracked under that key)", async () => {
    const { api, base } = await start({ rateLimit: "2/1m" });
    expect((await api.get(`${base}/attributes`, "cal_unknown_key")).status).toBe(401);
    expect((await api.get(`${base}/attributes`, "cal_unknown_key")).status).toBe(401);
    expectError(await api.get(`${base}/attributes`, "cal_unknown_key"), 429, "ThrottlerException");
    expect((await api.get(`${base}/attributes`)).status).toBe(200);
  });

  it('a custom "3/1s" limit: the 4th request in a second gets 429, and the key is served again once the block ends', async () => {
    const { api, base } = await start({ rateLimit: "3/1s" });
    const path = `${base}/attributes`;
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await api.get(path));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((a) => a.headers.get("x-ratelimit-limit-default"))).toEqual(["3", "3", "3", "3"]);
    expect(answers.map((a) => a.headers.get("x-ratelimit-remaining-default"))).toEqual(["2", "1", "0", "0"]);
    expect(answers[3]!.headers.get("retry-after")).toBeNull();
    expect(answers[3]!.headers.get("x-ratelimit-reset-default")).toBe("1");
    expect((await api.get(path, MEMBER_KEY)).status).toBe(200);
    // No upper bound on when: only that it comes back.
    await waitFor(async () => (await api.get(path)).status === 200, "the key to be served again", 5000, 200);
  });

  it("takes the limit as an object too", async () => {
    const { api, base } = await start({ rateLimit: { limit: 1, ttlMs: 60_000 } });
    expect((await api.get(`${base}/attributes`)).status).toBe(200);
    expect((await api.get(`${base}/attributes`)).status).toBe(429);
  });

  it.each(["fast", "10", "10/", "0/1s", "10/0s", "10/1h", "-1/1s"])("refuses rateLimit %j at start", async (rateLimit) => {
    await expect(createMockServer({ rateLimit })).rejects.toThrow(/rate limit/i);
  });

  it("does not limit the control API", async () => {
    const { mock } = await start({ rateLimit: "1/1m" });
    for (let i = 0; i < 5; i++) {
      const res = await fetch(`${mock.url}/__admin/requests/count`);
      expect(res.status).toBe(200);
      expect(res.headers.has("x-ratelimit-limit-default")).toBe(false);
    }
  });
});

describe("CORS, API version header, unknown body fields", () => {
  let mock: MockServer;
  let api: Client;
  let base: string;
  beforeAll(async () => {
    mock = await createMockServer();
    api = client(mock.url);
    base = `/v2/organizations/${scenarioFacts(mock.state()).org.id}`;
  });
  afterAll(() => mock.close());

  it("answers a preflight with 204 and Cal.com's Access-Control-* headers, without authentication", async () => {
    const res = await fetch(`${mock.url}${base}/attributes`, {
      method: "OPTIONS",
      headers: { origin: "https://app.example", "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type,cal-api-version" },
    });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    const methods = res.headers.get("access-control-allow-methods")!.split(",");
    expect(methods).toEqual(expect.arrayContaining(["GET", "POST", "PATCH", "DELETE", "OPTIONS"]));
    const allowed = res.headers.get("access-control-allow-headers")!.toLowerCase().split(",");
    expect(allowed).toEqual(expect.arrayContaining(["authorization", "content-type", "cal-api-version", "x-cal-client-id", "x-cal-secret-key"]));
    expect(res.headers.get("access-control-max-age")).toBe("86400");
    // A preflight is not a request of the API: it is not throttled, faulted, or answered 404 on any /v2 path.
    const anyPath = await fetch(`${mock.url}/v2/whatever/here`, { method: "OPTIONS" });
    expect(anyPath.status).toBe(204);
  });

  it("a preflight goes before rate limits and faults", async () => {
    const limited = await createMockServer({ rateLimit: "1/1m" });
    try {
      await fetch(`${limited.url}/__admin/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ path: "/v2/**", status: 500 }) });
      for (let i = 0; i < 3; i++) expect((await fetch(`${limited.url}${base}/attributes`, { method: "OPTIONS" })).status).toBe(204);
    } finally {
      await limited.close();
    }
  });

  it("puts Access-Control-Allow-Origin: * on normal answers and on errors", async () => {
    const ok = await api.get(`${base}/attributes`);
    expect(ok.status).toBe(200);
    expect(ok.headers.get("access-control-allow-origin")).toBe("*");
    for (const res of [await api.get(`${base}/attributes`, null), await api.get(`${base}/nope`), await api.get("/v2/unknown")]) {
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.headers.get("access-control-allow-origin")).toBe("*");
    }
  });

  it.each(["2024-08-13", "2024-06-14", "1999-01-01", "not-a-version", ""])("accepts cal-api-version %j and answers as without it", async (version) => {
    const skills = scenarioFacts(mock.state()).attr("skills");
    for (const path of [`${base}/attributes`, `${base}/attributes/${skills.id}/options`, `${base}/attributes/slugs/skills/options/assigned?take=3`]) {
      const without = await api.get(path);
      const withVersion = await api.request("GET", path, { headers: { "cal-api-version": version } });
      expect(withVersion.status).toBe(200);
      expect(withVersion.body).toEqual(without.body);
    }
  });

  it("strips unknown body fields silently: an option created with an extra field has no such field anywhere", async () => {
    await mock.reset();
    const dept = scenarioFacts(mock.state()).attr("department");
    const created = expectSuccess(
      await api.post(`${base}/attributes/${dept.id}/options`, { value: "Legal", slug: "legal", color: "red", isDefault: true, attributeId: "cspoofed" }),
      201,
    );
    expect(created).toEqual({ id: expect.any(String), attributeId: dept.id, value: "Legal", slug: "legal", isGroup: false, contains: [] });
    const row = mock.state().attributeOptions.find((o) => o.id === created.id);
    expect(row).toEqual(created);
    const listed = expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`)).find((o: { id: string }) => o.id === created.id);
    expect(listed).toEqual(created);
  });

  it("strips unknown fields of nested objects and of updates too", async () => {
    await mock.reset();
    const attr = expectSuccess(
      await api.post(`${base}/attributes`, { name: "Office", slug: "office", type: "SINGLE_SELECT", options: [{ value: "Berlin", slug: "berlin", extra: 1 }], extra: "x" }),
      201,
    );
    expect(attr).not.toHaveProperty("extra");
    const state = mock.state();
    expect(state.attributes.find((a) => a.id === attr.id)).not.toHaveProperty("extra");
    const option = state.attributeOptions.find((o) => o.attributeId === attr.id)!;
    expect(option).toEqual({ id: option.id, attributeId: attr.id, value: "Berlin", slug: "berlin", isGroup: false, contains: [] });
    const updated = expectSuccess(await api.patch(`${base}/attributes/${attr.id}`, { name: "Site", teamId: 999, id: "cspoofed" }));
    expect(updated).toMatchObject({ id: attr.id, name: "Site", teamId: attr.teamId });
  });
});
