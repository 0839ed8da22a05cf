import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/index.js";
import type { LoggedRequest } from "../../src/admin/request-log.js";
import { ADMIN_KEY, MEMBER_KEY, OWNER_KEY, client, expectSuccess, scenarioFacts, startMock, type Client } from "../support/harness.js";
import { admin, waitFor } from "./helpers.js";

let mock: MockServer;
let api: Client;
let orgId: number;
let base: string;
beforeAll(async () => {
  ({ mock, api } = await startMock());
  orgId = scenarioFacts(mock.state()).org.id;
  base = `/v2/organizations/${orgId}`;
});
afterAll(() => mock.close());
beforeEach(async () => {
  await mock.reset();
  expect((await admin(mock.url, "DELETE", "/requests")).status).toBe(200);
});

const journal = async (query = ""): Promise<LoggedRequest[]> => {
  const res = await admin(mock.url, "GET", `/requests${query}`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.status).toBe("success");
  return res.body.data;
};
const count = async (query = ""): Promise<number> => {
  const res = await admin(mock.url, "GET", `/requests/count${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body.data.count;
};

describe("GET /__admin/requests", () => {
  it("records every /v2 request with method, path, query, headers, body, status, answer and duration, oldest first", async () => {
    const skills = scenarioFacts(mock.state()).attr("skills");
    const listed = await api.get(`${base}/attributes?take=2&skip=1`, MEMBER_KEY);
    await api.post(`${base}/attributes/${skills.id}/options`, { value: "Rust", slug: "rust" });
    const refusedAnswer = await api.get(`${base}/attributes/nope`, null);
    await api.request("GET", `${base}/attributes/slugs/skills/options/assigned?teamIds=2,3&calendarsToLoad[0][credentialId]=1`, { headers: { "x-test-case": "journal" } });
    await api.get(`${base}/attributes/slugs/skills/options/assigned?teamIds=2&teamIds=3`);

    const entries = await journal();
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ["GET", `${base}/attributes`, 200],
      ["POST", `${base}/attributes/${skills.id}/options`, 201],
      ["GET", `${base}/attributes/nope`, 401],
      ["GET", `${base}/attributes/slugs/skills/options/assigned`, 200],
      ["GET", `${base}/attributes/slugs/skills/options/assigned`, 400],
    ]);
    const [list, create, unauth, assigned, refused] = entries as [LoggedRequest, LoggedRequest, LoggedRequest, LoggedRequest, LoggedRequest];
    expect(list.query).toEqual({ take: "2", skip: "1" });
    expect(list.body).toBeUndefined();
    expect(create.query).toEqual({});
    expect(create.body).toEqual({ value: "Rust", slug: "rust" });
    expect(create.headers["content-type"]).toBe("application/json");
    expect(unauth.headers.authorization).toBeUndefined();
    // The query as the API reads it: qs's extended syntax, as Cal.com's Express 4.
    expect(assigned.query).toEqual({ teamIds: "2,3", calendarsToLoad: [{ credentialId: "1" }] });
    expect(assigned.headers["x-test-case"]).toBe("journal");
    expect(refused.query).toEqual({ teamIds: ["2", "3"] });
    // Why the mock refused it: the readable summary Cal.com's body has no room for.
    expect(refused.diagnostics).toMatch(/^query teamIds: /);
    // The answers as they were sent, errors included.
    expect(list.responseBody).toEqual(listed.body);
    expect(unauth.responseBody).toEqual(refusedAnswer.body);
    expect(create.responseBody).toMatchObject({ status: "success", data: { value: "Rust", slug: "rust" } });
    for (const e of entries) {
      // diagnostics: why a 400 or 401 was refused; caller: whose key the request carried.
      const optional = (k: string) =>
        (k !== "body" || e.body !== undefined) && (k !== "diagnostics" || e.status === 400 || e.status === 401) && (k !== "caller" || e.status !== 401);
      expect(Object.keys(e).sort()).toEqual(
        ["body", "caller", "diagnostics", "durationMs", "headers", "id", "method", "path", "query", "responseBody", "status", "timestamp"].filter(optional),
      );
      expect(typeof e.durationMs).toBe("number");
      expect(e.durationMs).toBeGreaterThanOrEqual(0);
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
      expect(e.headers.host).toBe(new URL(mock.url).host);
    }
    expect(entries.map((e) => e.id)).toEqual([...entries.map((e) => e.id)].sort((a, b) => a - b));
  });

  it("shows whose the mock's well-known keys are, and masks any key it does not know and the platform secret", async () => {
    for (const key of [ADMIN_KEY, MEMBER_KEY, OWNER_KEY]) await api.get(`${base}/attributes`, key);
    await api.get(`${base}/attributes`, "cal_some_unknown_secret_key");
    await api.request("GET", `${base}/attributes`, { key: null, headers: { "x-cal-client-id": "client", "x-cal-secret-key": "platform-secret-value" } });
    await api.request("GET", `${base}/attributes`, { key: null, headers: { authorization: "cal_without_bearer_prefix_key" } });

    const res = await admin(mock.url, "GET", "/requests");
    for (const secret of ["cal_some_unknown_secret_key", "platform-secret-value", "cal_without_bearer_prefix_key"]) expect(res.text).not.toContain(secret);
    const entries: LoggedRequest[] = res.body.data;
    // The keys the state issued are printed at start-up and listed by GET /__admin/state: not secrets.
    expect(entries.slice(0, 4).map((e) => e.headers.authorization)).toEqual([`Bearer ${ADMIN_KEY}`, `Bearer ${MEMBER_KEY}`, `Bearer ${OWNER_KEY}`, "Bearer cal_some_***"]);
    expect(entries.slice(0, 3).map((e) => e.caller)).toEqual([
      { userId: 2, username: "admin", roles: ["ADMIN of organization 1 (Acme)", "ADMIN of team 3 (Engineering)", "MEMBER of team 2 (Sales)"] },
      { userId: 3, username: "member", roles: ["MEMBER of organization 1 (Acme)", "MEMBER of team 4 (Support)"] },
      { userId: 1, username: "owner", roles: ["OWNER of organization 1 (Acme)", "OWNER of team 2 (Sales)"] },
    ]);
    expect(entries[3]!.caller).toBeUndefined();
    expect(entries[4]!.headers["x-cal-secret-key"]).toMatch(/\*\*\*$/);
    expect(entries[5]!.headers.authorization).toMatch(/\*\*\*$/);
    // A key deleted since is not the state's any more: masked from then on.
    await api.del(`${base}/users/3`);
    await api.get(`${base}/attributes`, MEMBER_KEY);
    const [last] = (await journal("?order=desc&limit=1")) as [LoggedRequest];
    expect([last.status, last.headers.authorization, last.caller]).toEqual([401, "Bearer cal_test_***", undefined]);
  });

  it("records the body as the client sent it, unknown fields included (the API strips them, the journal does not)", async () => {
    const skills = scenarioFacts(mock.state()).attr("skills");
    const sent = { value: "Zig", slug: "zig", colour: "orange" };
    const created = expectSuccess(await api.post(`${base}/attributes/${skills.id}/options`, sent), 201);
    expect(created).not.toHaveProperty("colour");
    const [entry] = await journal("?method=POST");
    expect(entry!.body).toEqual(sent);
  });

  it("keeps a note of the size instead of a large or deeply nested body, so the journal stays small and readable", async () => {
    const skills = scenarioFacts(mock.state()).attr("skills");
    const large = { value: "x".repeat(40_000), slug: "large" };
    await api.post(`${base}/attributes/${skills.id}/options`, large);
    const deep = "[".repeat(45_000) + "]".repeat(45_000);
    await api.request("POST", `${base}/attributes/${skills.id}/options`, { rawBody: `{"value":"v","slug":"deep","x":${deep}}`, headers: { "content-type": "application/json" } });
    const res = await admin(mock.url, "GET", "/requests?method=POST");
    expect(res.status).toBe(200);
    const [first, second] = res.body.data as LoggedRequest[];
    expect(first!.body).toEqual({ truncated: true, bytes: expect.any(Number) });
    expect((first!.body as { bytes: number }).bytes).toBeGreaterThan(40_000);
    expect(second!.body).toMatchObject({ truncated: true });
  });

  it("records answers made before the API: faults, rate limits and unknown routes", async () => {
    await api.request("GET", `${base}/attributes`, { headers: { prefer: "code=503" } });
    await api.get("/v2/no/such/route");
    await api.request("GET", `${base}/attributes`, { headers: { prefer: "code=banana" } });
    const entries = await journal();
    expect(entries.map((e) => [e.path, e.status])).toEqual([
      [`${base}/attributes`, 503],
      ["/v2/no/such/route", 404],
      [`${base}/attributes`, 400],
    ]);
  });

  it("records a request whose client gave up before the answer, with status 499", async () => {
    // A one-time delay rule: once the server has taken it (the list is empty again), the request is in the server.
    await admin(mock.url, "POST", "/faults", { path: "/v2/**", delayMs: 5000, count: 1 });
    const controller = new AbortController();
    const pending = fetch(`${mock.url}${base}/attributes?slow=1`, {
      headers: { authorization: `Bearer ${ADMIN_KEY}` },
      signal: controller.signal,
    }).catch((err: Error) => err);
    await waitFor(async () => (await admin(mock.url, "GET", "/faults")).body.data.length === 0, "the server to take the request");
    controller.abort();
    expect(await pending).toBeInstanceOf(Error);
    const [entry] = await waitFor(async () => {
      const found = await journal("?status=499");
      return found.length > 0 ? found : undefined;
    }, "the aborted request in the journal");
    expect(entry).toMatchObject({ method: "GET", path: `${base}/attributes`, query: { slow: "1" }, status: 499 });
    expect(entry!.headers.authorization).toBe(`Bearer ${ADMIN_KEY}`);
    expect(await count()).toBe(1);
  });

  it("does not record the control API", async () => {
    await admin(mock.url, "GET", "/state");
    await admin(mock.url, "GET", "/requests");
    await admin(mock.url, "POST", "/snapshot", { name: "x" });
    expect(await journal()).toEqual([]);
  });

  describe("filters", () => {
    beforeEach(async () => {
      const facts = scenarioFacts(mock.state());
      const dept = facts.attr("department");
      await api.get(`${base}/attributes`); // 200
      await api.get(`${base}/attributes/${dept.id}`); // 200
      await api.get(`${base}/attributes/${dept.id}/options`); // 200
      await api.post(`${base}/attributes/${dept.id}/options`, { value: "Legal", slug: "legal" }); // 201
      await api.post(`${base}/attributes/${dept.id}/options`, { value: "Legal" }); // 400
      await api.patch(`${base}/attributes/cmissing0000000000000000`, { name: "X" }); // 404
      await api.get(`${base}/attributes`, MEMBER_KEY); // 200
      await api.del(`${base}/attributes/${dept.id}`, MEMBER_KEY); // 403
      await api.get("/v2/organizations/999/attributes/options/1"); // 403
    });

    it("by method, in any case", async () => {
      expect((await journal("?method=POST")).map((e) => e.status)).toEqual([201, 400]);
      expect((await journal("?method=delete")).map((e) => e.status)).toEqual([403]);
      expect(await count("?method=GET")).toBe(5);
      expect(await count("?method=patch")).toBe(1);
      expect(await count("?method=PUT")).toBe(0);
    });

    it("by path pattern: * within one segment, ** across segments (or none)", async () => {
      const dept = scenarioFacts(mock.state()).attr("department");
      expect(await count(`?path=${encodeURIComponent(`${base}/attributes`)}`)).toBe(2);
      expect(await count("?path=/v2/organizations/*/attributes")).toBe(2);
      expect(await count("?path=/v2/organizations/*/attributes/*")).toBe(3); // dept, missing id, the DELETE
      expect(await count("?path=/v2/organizations/*/attributes/*/options")).toBe(3);
      expect(await count("?path=/v2/organizations/**/options")).toBe(3);
      // A `**` segment matches no segment too: `…/options/**` takes `…/options` itself, as a glob does.
      expect(await count("?path=/v2/organizations/**/options/**")).toBe(4);
      expect(await count("?path=/v2/organizations/*/attributes/**")).toBe(9);
      expect(await count("?method=POST&path=/v2/organizations/*/attributes/**&status=201")).toBe(1);
      expect(await count("?method=POST&path=/v2/organizations/*/options/**")).toBe(0);
      expect(await count("?path=/v2/**")).toBe(9);
      expect(await count("?path=/v2/*")).toBe(0);
      expect(await count(`?path=/v2/organizations/*/attributes/${dept.id.slice(0, 6)}*`)).toBe(2); // GET and DELETE of it
      expect(await count(`?path=/v2/organizations/*/attributes/${dept.id}/**`)).toBe(5); // it (GET, DELETE) and its options
      expect(await count("?path=/v2/organizations/999/**")).toBe(1);
      // A pattern is anchored at both ends, and regex characters in it are literal.
      expect(await count("?path=/attributes")).toBe(0);
      expect(await count("?path=/v2/organizations/.*")).toBe(0);
    });

    it("by status: exact, or a class like 4xx", async () => {
      expect(await count("?status=200")).toBe(4);
      expect(await count("?status=201")).toBe(1);
      expect(await count("?status=2xx")).toBe(5);
      expect(await count("?status=4xx")).toBe(4);
      expect(await count("?status=4XX")).toBe(4);
      expect(await count("?status=403")).toBe(2);
      expect(await count("?status=5xx")).toBe(0);
      expect((await journal("?status=400"))[0]).toMatchObject({ method: "POST", status: 400, diagnostics: "body slug: is required" });
    });

    it("by since: ISO date or epoch milliseconds", async () => {
      const entries = await journal();
      const cut = entries[5]!.timestamp;
      // Requests at or after the cut; those in the same millisecond as the cut count too.
      const after = entries.filter((e) => e.timestamp >= cut).length;
      expect(await count(`?since=${encodeURIComponent(cut)}`)).toBe(after);
      expect(await count(`?since=${Date.parse(cut)}`)).toBe(after);
      expect(await count(`?since=${Date.now() + 60_000}`)).toBe(0);
      expect(await count("?since=2000-01-01T00:00:00Z")).toBe(9);

      const mark = new Date().toISOString();
      await new Promise((r) => setTimeout(r, 5));
      await api.get(`${base}/attributes`);
      expect((await journal(`?since=${encodeURIComponent(mark)}`)).map((e) => e.path)).toEqual([`${base}/attributes`]);
    });

    it("combined", async () => {
      expect(await count("?method=GET&status=4xx")).toBe(1);
      expect(await count("?method=POST&path=/v2/**/options&status=2xx")).toBe(1);
      expect(await count("?method=GET&path=/v2/organizations/*/attributes&status=200&since=2000-01-01")).toBe(2);
    });

    it.each([
      ["?status=abc", /status/],
      ["?status=600", /status/],
      ["?status=4x", /status/],
      ["?since=yesterday", /since/],
      ["?method=", /method/],
      ["?method=GET&method=POST", /method/],
    ])("refuses %s with a 400", async (query, pattern) => {
      for (const path of ["/requests", "/requests/count"]) {
        const res = await admin(mock.url, "GET", `${path}${query}`);
        expect(res.status).toBe(400);
        expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException" } });
        expect(res.body.error.message).toMatch(pattern);
      }
    });
  });

  it("GET /__admin/requests/count counts, and DELETE /__admin/requests empties the journal", async () => {
    expect(await count()).toBe(0);
    for (let i = 0; i < 5; i++) await api.get(`${base}/attributes`);
    expect(await count()).toBe(5);
    const cleared = await admin(mock.url, "DELETE", "/requests");
    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ status: "success", data: { cleared: true } });
    expect(await count()).toBe(0);
    expect(await journal()).toEqual([]);
    await api.get(`${base}/attributes`);
    expect(await count()).toBe(1);
  });

  it("is kept across a reset and a state load (the journal is of requests, not of state)", async () => {
    await api.get(`${base}/attributes`);
    await mock.reset();
    await admin(mock.url, "POST", "/reset", {});
    await admin(mock.url, "PUT", "/state", (await admin(mock.url, "GET", "/state")).text);
    expect(await count()).toBe(1);
  });
});

describe("a bounded journal (journalSize)", () => {
  it("keeps only the last N requests", async () => {
    const small = await createMockServer({ journalSize: 3 });
    try {
      const c = client(small.url);
      for (let i = 0; i < 7; i++) await c.get(`${base}/attributes?skip=${i}`);
      const res = await admin(small.url, "GET", "/requests");
      const entries: LoggedRequest[] = res.body.data;
      expect(entries.map((e) => e.query.skip)).toEqual(["4", "5", "6"]);
      expect(entries.map((e) => e.id)).toEqual([5, 6, 7]);
      expect((await admin(small.url, "GET", "/requests/count")).body.data.count).toBe(3);
      // Still in order after clearing and wrapping again.
      await admin(small.url, "DELETE", "/requests");
      for (let i = 0; i < 4; i++) await c.get(`${base}/attributes?take=${i + 1}`);
      const again: LoggedRequest[] = (await admin(small.url, "GET", "/requests")).body.data;
      expect(again.map((e) => e.query.take)).toEqual(["2", "3", "4"]);
    } finally {
      await small.close();
    }
  });

  it("journalSize 0 keeps nothing", async () => {
    const none = await createMockServer({ journalSize: 0 });
    try {
      await client(none.url).get(`${base}/attributes`);
      expect((await admin(none.url, "GET", "/requests")).body.data).toEqual([]);
    } finally {
      await none.close();
    }
  });
});
