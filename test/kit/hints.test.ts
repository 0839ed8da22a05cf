import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { LoggedRequest } from "../../src/admin/request-log.js";
import type { MockServer } from "../../src/server.js";
import { ADMIN_KEY, MEMBER_KEY, startMock } from "../support/harness.js";
import { admin } from "./helpers.js";

// Answers that match Cal.com but leave a newcomer guessing: the body and status stay Cal.com's, and the mock's
// explanation goes where Cal.com puts nothing: the diagnostics header, the journal entry and the console line.

let mock: MockServer;
let consoleText = "";
beforeAll(async () => {
  ({ mock } = await startMock({ verbose: true, log: () => {} }));
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    const text = String(chunk);
    if (/^(GET|POST|PATCH|PUT|DELETE) \//m.test(text)) {
      consoleText += text;
      return true;
    }
    return (write as (c: string | Uint8Array, ...r: unknown[]) => boolean)(chunk, ...rest);
  });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await mock.close();
});
beforeEach(async () => {
  await mock.reset();
  await admin(mock.url, "DELETE", "/requests");
  consoleText = "";
});

interface Answer {
  status: number;
  body: { status: string; error?: { code: string; message: string } };
  diagnostics: string | null;
}

async function send(method: string, path: string, init: { headers?: Record<string, string>; body?: string } = {}): Promise<Answer> {
  const res = await fetch(mock.url + path, { method, headers: init.headers, body: init.body });
  return { status: res.status, body: (await res.json()) as Answer["body"], diagnostics: res.headers.get("x-calcom-mock-diagnostics") };
}

/** The last journal entry and the console lines printed for it (written once per turn of the event loop). */
async function recorded(): Promise<{ entry: LoggedRequest; line: string }> {
  const entries = (await admin(mock.url, "GET", "/requests?order=desc&path=/v2/**")).body.data as LoggedRequest[];
  await new Promise((resolve) => setImmediate(resolve));
  const entry = entries[0]!;
  const line = consoleText.split("\n").findLast((l) => l.startsWith(`${entry.method} ${entry.path}`)) ?? "";
  return { entry, line };
}

/** Asserts that the header, the journal and the console line all carry the hint. */
async function expectHint(answer: Answer, hint: RegExp): Promise<void> {
  expect(answer.diagnostics, JSON.stringify(answer.body)).toMatch(hint);
  const { entry, line } = await recorded();
  expect(entry.diagnostics).toMatch(hint);
  // On the console the hint follows the method, path, status, time and Cal.com's message.
  expect(line).toMatch(new RegExp(hint.source.replace(/^\^/, "").replace(/\$$/, "")));
}

describe("a JSON body sent without Content-Type: application/json (curl -d's default)", () => {
  const attribute = JSON.stringify({ name: "Languages", slug: "languages", type: "TEXT", options: [] });

  it("on /v2: Cal.com's 400 stays, and the hint says what was sent and what to send", async () => {
    const answer = await send("POST", "/v2/organizations/1/attributes", {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: attribute,
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ code: "BadRequestException", message: "Bad Request Exception" });
    await expectHint(answer, /^the body was sent with Content-Type application\/x-www-form-urlencoded \(what curl -d sends.*\): send it with -H 'Content-Type: application\/json'/);
    // The validation's own summary follows the hint.
    expect(answer.diagnostics).toMatch(/body name: is required/);
  });

  it("on /v2: a write that succeeds without the body says so too", async () => {
    const answer = await send("PATCH", "/v2/organizations/1/memberships/4", {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "text/plain" },
      body: JSON.stringify({ role: "ADMIN" }),
    });
    expect(answer.status).toBe(200);
    await expectHint(answer, /the body was sent with Content-Type text\/plain: send it with -H 'Content-Type: application\/json'/);
  });

  it("on /v2: a JSON body and a request without a body get no such hint", async () => {
    const json = await send("POST", "/v2/organizations/1/attributes", {
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: attribute,
    });
    expect([json.status, json.diagnostics]).toEqual([201, null]);
    const read = await send("GET", "/v2/organizations/1/attributes", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect([read.status, read.diagnostics]).toEqual([200, null]);
  });

  it("on /__admin: 415 in the envelope, saying what to send, and nothing is changed", async () => {
    const answer = await send("POST", "/__admin/reset", { headers: { "content-type": "application/x-www-form-urlencoded" }, body: '{"seed":7}' });
    expect(answer.status).toBe(415);
    expect(answer.body).toMatchObject({ status: "error", path: "/__admin/reset", error: { code: "UnsupportedMediaTypeException" } });
    expect(answer.body.error!.message).toMatch(/Content-Type application\/x-www-form-urlencoded.*send it with -H 'Content-Type: application\/json'/);
    expect(mock.state().meta.seed).toBe(42);
    const none = await send("POST", "/__admin/snapshot", { body: '{"name":"x"}', headers: { "content-type": "" } });
    expect(none.status).toBe(415);
    // With the header it works, and without a body too.
    expect((await send("POST", "/__admin/reset", { headers: { "content-type": "application/json" }, body: '{"seed":7}' })).status).toBe(200);
    expect(mock.state().meta.seed).toBe(7);
    expect((await send("POST", "/__admin/reset")).status).toBe(200);
  });
});

describe("refusals as Cal.com answers them, explained", () => {
  const get = (headers: Record<string, string>, path = "/v2/organizations/1/attributes") => send("GET", path, { headers });

  it("`bearer` in lower case: 401 Invalid Access Token, and the hint names the capital B", async () => {
    const answer = await get({ authorization: `bearer ${ADMIN_KEY}` });
    expect([answer.status, answer.body.error!.message]).toEqual([401, "Invalid Access Token."]);
    await expectHint(answer, /the Authorization scheme is "bearer": Cal.com reads only "Bearer " with a capital B/);
  });

  it("no credentials, or a key the state does not hold: the hint lists the state's keys", async () => {
    await expectHint(await get({}), /^no Authorization header: send Authorization: Bearer <key>; keys of this state: cal_test_mock_owner_key \(user 1, org 1\)/);
    const unknown = await get({ authorization: "Bearer cal_live_0000" });
    expect(unknown.body.error!.message).toBe("Your api key is not valid");
    await expectHint(unknown, /the state served \(scenario default\) has no such key; keys of this state: .*cal_test_mock_member_key \(user 3, org 1\)/);
    await expectHint(await get({ authorization: "Bearer eyJhbGciOi" }), /is not an API key \(they start with cal_\) and the mock issues no OAuth tokens/);
  });

  it("an organization that does not exist: 403 Forbidden resource, and the hint says so", async () => {
    const answer = await get({ authorization: `Bearer ${ADMIN_KEY}` }, "/v2/organizations/77/attributes");
    expect([answer.status, answer.body.error!.message]).toEqual([403, "Forbidden resource"]);
    await expectHint(answer, /^organization 77 does not exist in this state \(Cal.com answers 403 for it, not 404\); organizations: 1 \(Acme\)$/);
    // The directory's routes run their guards from the contract: the same hint.
    await expectHint(await get({ authorization: `Bearer ${ADMIN_KEY}` }, "/v2/organizations/77/users"), /^organization 77 does not exist/);
  });

  it("a member writing: Cal.com's RolesGuard 403, and the hint names the key's user, role and a key that may", async () => {
    const answer = await send("DELETE", "/v2/organizations/1/attributes/635b1997-0ac9-485c-b9ec-7117fe0fd5ea", { headers: { authorization: `Bearer ${MEMBER_KEY}` } });
    expect(answer.status).toBe(403);
    expect(answer.body.error!.message).toMatch(/^RolesGuard - user with id=3 does not have the minimum required role=ORG_ADMIN/);
    await expectHint(answer, /^cal_test_mock_member_key is user 3 \(member\): MEMBER of organization 1 \(Acme\), MEMBER of team 4 \(Support\); this operation needs ADMIN or OWNER: try cal_test_mock_(owner|admin)_key$/);
    // The console line keeps Cal.com's message beside the hint.
    expect((await recorded()).line).toMatch(/403 .* ForbiddenException: RolesGuard - user with id=3 .*\(calcom-mock: cal_test_mock_member_key is user 3/);
  });

  it("a cal-api-version the operation does not accept: Express's 404, and the hint names the version to send", async () => {
    const answer = await get({ authorization: `Bearer ${ADMIN_KEY}`, "cal-api-version": "2024-01-01" }, "/v2/bookings");
    expect([answer.status, answer.body.error!.message]).toEqual([404, "Cannot GET /v2/bookings"]);
    await expectHint(answer, /^cal-api-version 2024-01-01 is not one GET \/v2\/bookings accepts .*: send cal-api-version: 2024-08-13$/);
  });

  it("a method the path has no operation for: Express's 404, and the hint lists the methods it has", async () => {
    const answer = await send("PUT", "/v2/organizations/1/attributes", { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect([answer.status, answer.body.error!.message]).toEqual([404, "Cannot PUT /v2/organizations/1/attributes"]);
    await expectHint(answer, /^\/v2\/organizations\/1\/attributes has no PUT operation; it answers GET, POST$/);
  });

  it("a plain success carries no hint", async () => {
    const answer = await get({ authorization: `Bearer ${MEMBER_KEY}` });
    expect([answer.status, answer.diagnostics]).toEqual([200, null]);
    const { entry, line } = await recorded();
    expect(entry.diagnostics).toBeUndefined();
    expect(line).toMatch(/^GET \/v2\/organizations\/1\/attributes 200 [\d.]+ ms$/);
  });
});

describe("GET /__admin", () => {
  it("answers what the control API offers, with URLs as the client reached it", async () => {
    const res = await admin(mock.url, "GET", "");
    expect(res.status).toBe(200);
    const data = res.body.data as { endpoints: Array<{ method: string; path: string; url: string; description: string }> };
    const listed = data.endpoints.map((e) => `${e.method} ${e.path}`);
    for (const expected of ["GET /__admin/health", "POST /__admin/reset", "GET /__admin/state", "PUT /__admin/state", "GET /__admin/requests", "POST /__admin/snapshot", "GET /__admin/faults"]) {
      expect(listed).toContain(expected);
    }
    for (const e of data.endpoints) expect(e.url).toBe(mock.url + e.path);
    // Each GET it lists answers.
    for (const e of data.endpoints.filter((x) => x.method === "GET" && !x.path.endsWith("/stream"))) {
      expect((await fetch(e.url)).status, e.path).toBe(200);
    }
  });
});
