import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/index.js";
import { MEMBER_KEY, client, expectError, expectSuccess, scenarioFacts, startMock, type ApiResponse, type Client } from "../support/harness.js";
import { admin } from "./helpers.js";

let mock: MockServer;
let api: Client;
let base: string;
beforeAll(async () => {
  ({ mock, api } = await startMock());
  base = `/v2/organizations/${scenarioFacts(mock.state()).org.id}`;
});
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.reset();
  expect((await admin(mock.url, "DELETE", "/faults")).status).toBe(200);
});

const withPrefer = (prefer: string | string[], path = `${base}/attributes`, method = "GET", body?: unknown) =>
  api.request(method, path, { headers: { prefer: Array.isArray(prefer) ? prefer.join(", ") : prefer }, ...(body !== undefined && { body }) });

/** Runs a request and answers it with how long it took, in ms. */
async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const result = await run();
  return [result, performance.now() - started];
}

const addRule = async (rule: unknown) => {
  const res = await admin(mock.url, "POST", "/faults", rule);
  expect(res.status, res.text).toBe(201);
  return res.body.data as { id: number };
};

describe("the Prefer header", () => {
  it("code=500 answers 500 in Cal.com's error envelope, and does nothing else", async () => {
    const before = JSON.stringify(mock.state());
    const res = await withPrefer("code=500");
    expectError(res, 500, "InternalServerErrorException", /Fault injected/, `${base}/attributes`);
    // A faulted write does not happen.
    const dept = scenarioFacts(mock.state()).attr("department");
    expectError(await withPrefer("code=500", `${base}/attributes/${dept.id}`, "DELETE"), 500, "InternalServerErrorException");
    expect(JSON.stringify(mock.state())).toBe(before);
  });

  it.each([
    [400, "BadRequestException"],
    [404, "NotFoundException"],
    [409, "ConflictException"],
    [429, "ThrottlerException"],
    [502, "BadGatewayException"],
    [503, "ServiceUnavailableException"],
    [418, "HttpException"],
  ])("code=%i answers with the exception name Cal.com uses (%s)", async (status, code) => {
    expectError(await withPrefer(`code=${status}`), status, code);
  });

  it("a 2xx code asks for the normal answer", async () => {
    const normal = expectSuccess(await api.get(`${base}/attributes`));
    expect(expectSuccess(await withPrefer("code=200"))).toEqual(normal);
  });

  it("applies before authentication: a request without a key gets the fault too", async () => {
    expectError(await api.request("GET", `${base}/attributes`, { key: null, headers: { prefer: "code=503" } }), 503, "ServiceUnavailableException");
  });

  it("delay=300 answers normally, at least 300 ms later", async () => {
    const [res, ms] = await timed(() => withPrefer("delay=300"));
    expect(expectSuccess(res)).toHaveLength(5);
    expect(ms).toBeGreaterThanOrEqual(300);
  });

  it.each([
    ["in one header", "code=500, delay=300"],
    ["separated by ;", "delay=300; code=500"],
  ])("code=500 and delay=300 combined %s: a 500 after at least 300 ms", async (_how, prefer) => {
    const [res, ms] = await timed(() => withPrefer(prefer));
    expectError(res, 500, "InternalServerErrorException");
    expect(ms).toBeGreaterThanOrEqual(300);
  });

  it("code and delay in two Prefer headers combine too", async () => {
    const headers = new Headers();
    headers.append("authorization", "Bearer cal_test_mock_admin_key");
    headers.append("prefer", "code=502");
    headers.append("prefer", "delay=300");
    const [res, ms] = await timed(() => fetch(`${mock.url}${base}/attributes`, { headers }));
    expect(res.status).toBe(502);
    expect(ms).toBeGreaterThanOrEqual(300);
  });

  it("ignores Prefer preferences it does not know", async () => {
    expectSuccess(await withPrefer("return=minimal"));
    expectSuccess(await withPrefer("respond-async, wait=5"));
  });

  it.each([
    "code=abc",
    "code=99",
    "code=600",
    "code=500.5",
    "code=",
    "delay=-1",
    "delay=soon",
    "delay=60001",
    "delay=",
    "code=5e2",
    "code=0x1f4",
    "delay=1e3",
    "delay=300ms",
  ])("refuses Prefer: %s with a 400 naming it", async (prefer) => {
    const res = await withPrefer(prefer);
    expectError(res, 400, "BadRequestException", /header Prefer: (code|delay)/);
  });
});

describe("fault rules (/__admin/faults)", () => {
  it("answers a rule's status for matching method and path only", async () => {
    const rule = await addRule({ method: "get", path: "/v2/organizations/*/attributes", status: 503 });
    expect(rule).toEqual({ id: expect.any(Number), method: "GET", path: "/v2/organizations/*/attributes", status: 503, matched: 0 });

    expectError(await api.get(`${base}/attributes`), 503, "ServiceUnavailableException", /Fault injected/);
    expectError(await api.get(`${base}/attributes`, MEMBER_KEY), 503, "ServiceUnavailableException");
    // Another method, or a path the pattern does not match, is served normally.
    expectSuccess(await api.post(`${base}/attributes`, { name: "Still works", slug: "still-works", type: "TEXT", options: [] }), 201);
    const dept = scenarioFacts(mock.state()).attr("department");
    expectSuccess(await api.get(`${base}/attributes/${dept.id}`));
    expectSuccess(await api.get(`${base}/attributes/${dept.id}/options`));

    const [listed] = (await admin(mock.url, "GET", "/faults")).body.data;
    expect(listed).toMatchObject({ id: rule.id, matched: 2 });
  });

  it("matches any method when none is given, and ** across segments (or none)", async () => {
    await addRule({ path: "/v2/organizations/*/attributes/**", status: 502 });
    const dept = scenarioFacts(mock.state()).attr("department");
    expectError(await api.get(`${base}/attributes/${dept.id}/options`), 502, "BadGatewayException");
    expectError(await api.del(`${base}/attributes/${dept.id}`), 502, "BadGatewayException");
    expectError(await api.post(`${base}/attributes/options/1`, { attributeId: dept.id }), 502, "BadGatewayException");
    expectError(await api.get(`${base}/attributes`), 502, "BadGatewayException");
    expectSuccess(await api.get(`${base}/teams`));
  });

  it("answers a custom error body", async () => {
    await addRule({ method: "POST", path: "/v2/**", status: 422, error: { code: "CUSTOM_CODE", message: "Pretend validation failed" } });
    const dept = scenarioFacts(mock.state()).attr("department");
    expectError(
      await api.post(`${base}/attributes/${dept.id}/options`, { value: "X", slug: "x" }),
      422,
      "CUSTOM_CODE",
      "Pretend validation failed",
      `${base}/attributes/${dept.id}/options`,
    );
  });

  it("delays by delayMs, with or without a status", async () => {
    await addRule({ method: "GET", path: "/v2/organizations/*/attributes", delayMs: 300 });
    const [res, ms] = await timed(() => api.get(`${base}/attributes`));
    expectSuccess(res);
    expect(ms).toBeGreaterThanOrEqual(300);

    await admin(mock.url, "DELETE", "/faults");
    await addRule({ path: "/v2/organizations/*/attributes", status: 504, delayMs: 300 });
    const [res2, ms2] = await timed(() => api.get(`${base}/attributes`));
    expectError(res2, 504, "GatewayTimeoutException");
    expect(ms2).toBeGreaterThanOrEqual(300);
  });

  it("count: the rule applies that many times, then is gone", async () => {
    const rule = await addRule({ path: "/v2/**", status: 500, count: 2 });
    expect(rule).toMatchObject({ remaining: 2 });
    expect((await api.get(`${base}/attributes`)).status).toBe(500);
    expect((await admin(mock.url, "GET", "/faults")).body.data).toEqual([expect.objectContaining({ id: rule.id, remaining: 1, matched: 1 })]);
    expect((await api.get(`${base}/attributes`)).status).toBe(500);
    expect((await admin(mock.url, "GET", "/faults")).body.data).toEqual([]);
    for (let i = 0; i < 3; i++) expectSuccess(await api.get(`${base}/attributes`));
  });

  it("rules are matched in the order they were added; the first match wins", async () => {
    await addRule({ path: "/v2/organizations/*/attributes", status: 503, count: 1 });
    await addRule({ path: "/v2/**", status: 500 });
    expect((await api.get(`${base}/attributes`)).status).toBe(503);
    expect((await api.get(`${base}/attributes`)).status).toBe(500);
  });

  it("the Prefer header takes precedence over a rule (and does not use it up)", async () => {
    await addRule({ path: "/v2/**", status: 500, count: 1 });
    expect((await withPrefer("code=404")).status).toBe(404);
    expect((await api.get(`${base}/attributes`)).status).toBe(500);
  });

  describe("probability", () => {
    const pattern = async (url: string, n: number) => {
      const c = client(url);
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) statuses.push((await c.get(`${base}/attributes`)).status);
      return statuses;
    };

    it("fails about that share of requests, and two servers with the same seed fail the same ones", async () => {
      const [a, b, other] = await Promise.all([createMockServer({ seed: 99 }), createMockServer({ seed: 99 }), createMockServer({ seed: 100 })]);
      try {
        for (const m of [a, b, other]) {
          const res = await admin(m.url, "POST", "/faults", { path: "/v2/**", status: 503, probability: 0.5 });
          expect(res.status).toBe(201);
        }
        const [pa, pb, pother] = [await pattern(a.url, 40), await pattern(b.url, 40), await pattern(other.url, 40)];
        expect(pa).toEqual(pb);
        expect(new Set(pa)).toEqual(new Set([200, 503]));
        const failed = pa.filter((s) => s === 503).length;
        expect(failed).toBeGreaterThan(5);
        expect(failed).toBeLessThan(35);
        expect(pother).not.toEqual(pa);
        // A skipped request is not counted as matched.
        const [rule] = (await admin(a.url, "GET", "/faults")).body.data;
        expect(rule.matched).toBe(failed);
      } finally {
        await Promise.all([a.close(), b.close(), other.close()]);
      }
    });

    it("probability 1 always applies", async () => {
      await addRule({ path: "/v2/**", status: 503, probability: 1 });
      expect(await pattern(mock.url, 5)).toEqual([503, 503, 503, 503, 503]);
    });
  });

  it("GET lists the rules in order, DELETE /:id removes one, DELETE clears all", async () => {
    const one = await addRule({ method: "GET", path: "/v2/organizations/*/attributes", status: 500 });
    const two = await addRule({ method: "POST", path: "/v2/**", delayMs: 10, count: 3, probability: 0.25 });
    const three = await addRule({ path: "/v2/organizations/1/**", status: 401, error: { code: "UnauthorizedException", message: "nope" } });
    const list = await admin(mock.url, "GET", "/faults");
    expect(list.status).toBe(200);
    expect(list.body).toEqual({
      status: "success",
      data: [
        { id: one.id, method: "GET", path: "/v2/organizations/*/attributes", status: 500, matched: 0 },
        { id: two.id, method: "POST", path: "/v2/**", delayMs: 10, remaining: 3, probability: 0.25, matched: 0 },
        { id: three.id, path: "/v2/organizations/1/**", status: 401, error: { code: "UnauthorizedException", message: "nope" }, matched: 0 },
      ],
    });
    expect(new Set([one.id, two.id, three.id]).size).toBe(3);

    const removed = await admin(mock.url, "DELETE", `/faults/${two.id}`);
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ status: "success", data: { removed: two.id } });
    expect((await admin(mock.url, "GET", "/faults")).body.data.map((r: { id: number }) => r.id)).toEqual([one.id, three.id]);

    const again = await admin(mock.url, "DELETE", `/faults/${two.id}`);
    expect(again.status).toBe(404);
    expect(again.body).toMatchObject({ status: "error", error: { code: "NotFoundException", message: `No fault rule with id ${two.id}` } });
    expect((await admin(mock.url, "DELETE", "/faults/not-a-number")).status).toBe(404);

    const cleared = await admin(mock.url, "DELETE", "/faults");
    expect(cleared.body).toEqual({ status: "success", data: { cleared: true } });
    expect((await admin(mock.url, "GET", "/faults")).body.data).toEqual([]);
    expectSuccess(await api.get(`${base}/attributes`));
  });

  it("keeps rules across a reset (they are test setup, not state)", async () => {
    await addRule({ path: "/v2/**", status: 500 });
    await mock.reset();
    expect((await api.get(`${base}/attributes`)).status).toBe(500);
  });

  it.each([
    ["no path", { status: 500 }, /body path/],
    ["a path not starting with /", { path: "v2/**", status: 500 }, /body path/],
    ["neither status nor delay", { path: "/v2/**" }, /needs a status, a delayMs, or both/],
    ["a 2xx status", { path: "/v2/**", status: 200 }, /body status/],
    ["a non-integer status", { path: "/v2/**", status: "500" }, /body status/],
    ["a negative delay", { path: "/v2/**", delayMs: -5 }, /body delayMs/],
    ["a delay over a minute", { path: "/v2/**", delayMs: 60_001 }, /body delayMs/],
    ["a zero count", { path: "/v2/**", status: 500, count: 0 }, /body count/],
    ["a probability of 0", { path: "/v2/**", status: 500, probability: 0 }, /body probability/],
    ["a probability above 1", { path: "/v2/**", status: 500, probability: 1.5 }, /body probability/],
    ["an error without a status", { path: "/v2/**", delayMs: 5, error: { code: "X", message: "y" } }, /body error: needs a status/],
    ["an error without a message", { path: "/v2/**", status: 500, error: { code: "X" } }, /body error/],
    ["a bad method", { path: "/v2/**", status: 500, method: "GET /x" }, /body method/],
    ["an unknown field", { path: "/v2/**", status: 500, times: 3 }, /body times: unknown field/],
    ["an array", [{ path: "/v2/**", status: 500 }], /body: must be a JSON object/],
  ])("refuses a rule with %s", async (_name, rule, pattern) => {
    const res = await admin(mock.url, "POST", "/faults", rule);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException" } });
    expect(res.body.error.message).toMatch(pattern);
    expect((await admin(mock.url, "GET", "/faults")).body.data).toEqual([]);
  });

  it("faulted requests are in the request journal with the status they got", async () => {
    await admin(mock.url, "DELETE", "/requests");
    await addRule({ path: "/v2/**", status: 503, count: 1 });
    const res: ApiResponse = await api.get(`${base}/attributes`);
    expect(res.status).toBe(503);
    await api.get(`${base}/attributes`);
    const entries = (await admin(mock.url, "GET", "/requests")).body.data;
    expect(entries.map((e: { status: number }) => e.status)).toEqual([503, 200]);
  });
});
