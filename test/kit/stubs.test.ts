import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createMockServer, type MockServer } from "../../src/server.js";
import { ADMIN_KEY } from "../support/harness.js";
import { admin } from "./helpers.js";

/** Stubs over HTTP: install, match, count, priority, removal, the journal, reset/state/snapshot, refusals. */

let mock: MockServer;
let base: string;

const V = { "cal-api-version": "2024-08-13" };

/** A /v2 request with the admin's key; answers status, headers and the parsed body (or the text). */
async function call(method: string, path: string, options: { headers?: Record<string, string>; body?: unknown; key?: string | null } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key !== null) headers.authorization = `Bearer ${options.key ?? ADMIN_KEY}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${base}${path}`, { method, headers, ...(options.body !== undefined && { body: JSON.stringify(options.body) }) });
  const text = await res.text();
  let body: any = text;
  try {
    body = JSON.parse(text);
  } catch {
    // an empty or non-JSON answer stays text
  }
  return { status: res.status, headers: res.headers, body };
}

const booking = { id: 7, uid: "uid-one", title: "Stubbed call", status: "accepted" };

beforeAll(async () => {
  mock = await createMockServer({ db: "memory" });
  base = mock.url;
});
afterAll(() => mock.close());
beforeEach(async () => {
  await admin(base, "DELETE", "/stubs");
  await admin(base, "DELETE", "/requests");
});

describe("installing and answering", () => {
  it("a stub for a path template answers every uid, ahead of the spec-driven answer, and says so", async () => {
    const created = await admin(base, "POST", "/stubs", {
      request: { method: "GET", path: "/v2/bookings/{bookingUid}" },
      response: { status: 200, headers: { "X-Test": "yes" }, body: { status: "success", data: booking } },
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({ id: "stub-1", priority: 5, matched: 0, permanent: false, request: { method: "GET", path: "/v2/bookings/{bookingUid}" } });
    for (const uid of ["uid-one", "another"]) {
      const res = await call("GET", `/v2/bookings/${uid}`, { headers: V });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: "success", data: booking });
      expect(res.headers.get("x-test")).toBe("yes");
      expect(res.headers.get("x-calcom-mock-answered-by")).toBe("stub stub-1");
      expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    }
    expect((await admin(base, "GET", "/stubs/stub-1")).body.data.matched).toBe(2);
    // Another path is not stubbed: the spec-driven answer, the document's example.
    const list = await call("GET", "/v2/webhooks");
    expect(list.headers.get("x-calcom-mock-answered-by")).toMatch(/^spec/);
  });

  it("a concrete path answers a 404 for one uid only, and a stub comes ahead of a stateful answer too", async () => {
    await admin(base, "POST", "/stubs", {
      request: { method: "GET", path: "/v2/bookings/missing-uid" },
      response: { status: 404, body: { status: "error", error: { code: "NotFoundException", message: "Booking not found" } } },
    });
    const stubbed = await call("GET", "/v2/bookings/missing-uid", { headers: V });
    expect([stubbed.status, stubbed.body.error.message]).toEqual([404, "Booking not found"]);
    // Another uid gets the store's own answer (no such booking: Cal.com's 404).
    const stored = await call("GET", "/v2/bookings/other-uid", { headers: V });
    expect([stored.status, stored.body.error.message]).toEqual([404, "Booking with uid=other-uid was not found in the database"]);

    await admin(base, "POST", "/stubs", { request: { path: "/v2/organizations/1/attributes" }, response: { body: { status: "success", data: [] } } });
    const empty = await call("GET", "/v2/organizations/1/attributes");
    expect(empty.body).toEqual({ status: "success", data: [] });
    // Any method matches when none is given; a POST too.
    expect((await call("POST", "/v2/organizations/1/attributes", { body: { name: "X", slug: "x", type: "TEXT", options: [] } })).status).toBe(200);
  });

  it("still authenticates, guards and validates first, as Cal.com would", async () => {
    await admin(base, "POST", "/stubs", { request: { path: "/v2/organizations/1/attributes" }, response: { body: { ok: true } } });
    expect((await call("GET", "/v2/organizations/1/attributes", { key: null })).status).toBe(401);
    expect((await call("GET", "/v2/organizations/1/attributes?take=300")).status).toBe(400);
    // The journal shows those two were not answered by the stub.
    const journal = (await admin(base, "GET", "/requests")).body.data as Array<{ stub?: string }>;
    expect(journal.map((r) => r.stub)).toEqual([undefined, undefined]);
  });

  it("answers paths the contract does not have, instead of Express's 404", async () => {
    await admin(base, "POST", "/stubs", { request: { method: "GET", path: "/v2/not-yet-in-the-contract/{id}" }, response: { status: 200, body: { status: "success", data: 1 } } });
    expect((await call("GET", "/v2/not-yet-in-the-contract/5")).body).toEqual({ status: "success", data: 1 });
    expect((await call("GET", "/v2/not-yet-in-the-contract/5/more")).status).toBe(404);
  });

  it("matches query parameters and a partial body", async () => {
    await admin(base, "POST", "/stubs", {
      request: { method: "GET", path: "/v2/webhooks", query: { skip: "1", take: "2" } },
      response: { body: { status: "success", data: [] } },
    });
    await admin(base, "POST", "/stubs", {
      request: { method: "POST", path: "/v2/bookings", body: { attendee: { email: "ann@example.com" } } },
      response: { status: 400, body: { status: "error", error: { code: "BadRequestException", message: "no slot" } } },
    });
    expect((await call("GET", "/v2/webhooks?skip=1&take=2&other=0")).body).toEqual({ status: "success", data: [] });
    expect((await call("GET", "/v2/webhooks?skip=1")).headers.get("x-calcom-mock-answered-by")).toMatch(/^spec/);
    const attendee = (email: string) => ({ start: "2050-09-05T09:00:00Z", eventTypeId: 1, attendee: { name: "Ann", email, timeZone: "Europe/Rome" } });
    expect((await call("POST", "/v2/bookings", { headers: V, body: attendee("ann@example.com") })).status).toBe(400);
    expect((await call("POST", "/v2/bookings", { headers: V, body: attendee("bob@example.com") })).status).toBe(201);
  });

  it("a count answers that many times, then requests fall through; the stub stays listed, used up", async () => {
    await admin(base, "POST", "/stubs", { request: { method: "GET", path: "/v2/webhooks" }, response: { status: 503, body: { status: "error" } }, count: 2 });
    expect((await call("GET", "/v2/webhooks")).status).toBe(503);
    expect((await call("GET", "/v2/webhooks")).status).toBe(503);
    expect((await call("GET", "/v2/webhooks")).status).toBe(200);
    expect((await admin(base, "GET", "/stubs")).body.data[0]).toMatchObject({ remaining: 0, matched: 2 });
  });

  it("the highest priority wins (1 is highest), then the stub added last", async () => {
    const add = (priority: number | undefined, data: string) =>
      admin(base, "POST", "/stubs", { request: { path: "/v2/webhooks" }, response: { body: { data } }, ...(priority !== undefined && { priority }) });
    await add(1, "first, priority 1");
    await add(undefined, "default priority");
    await add(1, "newer, priority 1");
    expect((await call("GET", "/v2/webhooks")).body.data).toBe("newer, priority 1");
    const order = ((await admin(base, "GET", "/stubs")).body.data as Array<{ response: { body: { data: string } } }>).map((s) => s.response.body.data);
    expect(order).toEqual(["newer, priority 1", "first, priority 1", "default priority"]);
  });

  it("removal: one by id (404 for an unknown one), or all", async () => {
    await admin(base, "POST", "/stubs", { id: "mine", request: { path: "/v2/webhooks" }, response: { status: 500 } });
    expect((await call("GET", "/v2/webhooks")).status).toBe(500);
    expect((await admin(base, "DELETE", "/stubs/mine")).body.data).toEqual({ removed: "mine" });
    expect((await call("GET", "/v2/webhooks")).status).toBe(200);
    const gone = await admin(base, "DELETE", "/stubs/mine");
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toMatch(/No stub with id "mine"/);
    expect((await admin(base, "GET", "/stubs/mine")).status).toBe(404);
    await admin(base, "POST", "/stubs", { request: { path: "/v2/webhooks" } });
    expect((await admin(base, "DELETE", "/stubs")).body.data).toEqual({ removed: 1 });
    expect((await admin(base, "GET", "/stubs")).body.data).toEqual([]);
  });

  it("an answer without a body is empty; HEAD gets the headers only", async () => {
    await admin(base, "POST", "/stubs", { request: { path: "/v2/webhooks/{id}" }, response: { status: 204 } });
    const res = await fetch(`${base}/v2/webhooks/abc`, { method: "DELETE", headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe("");
  });
});

describe("the journal", () => {
  it("lists each answer a stub gave with the stub's id and the body sent", async () => {
    const { body } = await admin(base, "POST", "/stubs", { request: { path: "/v2/webhooks" }, response: { body: { status: "success", data: [] } } });
    await call("GET", "/v2/webhooks");
    const [entry] = (await admin(base, "GET", "/requests")).body.data;
    expect(entry).toMatchObject({ path: "/v2/webhooks", status: 200, stub: body.data.id, responseBody: { status: "success", data: [] } });
  });
});

describe("refusals", () => {
  it.each([
    ["not an object", [1], /body: must be a JSON object/],
    ["no request", { response: {} }, /body request: must be an object/],
    ["a path outside /v2", { request: { path: "/api/x" } }, /request.path: must be a path under \/v2/],
    ["a query in the path", { request: { path: "/v2/x?a=1" } }, /request.path/],
    ["half a parameter", { request: { path: "/v2/bookings/{uid" } }, /a parameter must be a whole segment/],
    ["a bad method", { request: { path: "/v2/x", method: "GE T" } }, /request.method/],
    ["an unknown field", { request: { path: "/v2/x" }, when: 1 }, /body when: unknown field/],
    ["an unknown request field", { request: { path: "/v2/x", url: "/v2" } }, /body request.url: unknown field/],
    ["a status out of range", { request: { path: "/v2/x" }, response: { status: 99 } }, /response.status/],
    ["a header that is not a string", { request: { path: "/v2/x" }, response: { headers: { a: 1 } } }, /response.headers.a: must be a string/],
    ["Content-Length", { request: { path: "/v2/x" }, response: { headers: { "Content-Length": "3" } } }, /set by the server/],
    ["a query value that is a number", { request: { path: "/v2/x", query: { take: 2 } } }, /request.query.take: must be a string or a list/],
    ["a zero count", { request: { path: "/v2/x" }, count: 0 }, /count: must be a positive integer/],
    ["a priority of 0", { request: { path: "/v2/x" }, priority: 0 }, /priority: must be an integer from 1/],
    ["a body with 204", { request: { path: "/v2/x" }, response: { status: 204, body: {} } }, /a 204 answer has no body/],
  ])("%s: 400 in the control API's envelope", async (_what, definition, message) => {
    const res = await admin(base, "POST", "/stubs", definition);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException", message: expect.stringMatching(message) } });
    expect((await admin(base, "GET", "/stubs")).body.data).toEqual([]);
  });

  it("a duplicate id, and a body that is not JSON", async () => {
    await admin(base, "POST", "/stubs", { id: "a", request: { path: "/v2/x" } });
    expect((await admin(base, "POST", "/stubs", { id: "a", request: { path: "/v2/y" } })).body.error.message).toMatch(/exists already/);
    const res = await admin(base, "POST", "/stubs", "{not json");
    expect(res.status).toBe(400);
    expect(res.body.status).toBe("error");
  });
});

describe("reset, state and snapshots", () => {
  it("a reset removes the stubs added since the start and brings back those given to createMockServer; state loads and restores keep them", async () => {
    const own = await createMockServer({ db: "memory", stubs: [{ id: "boot", request: { path: "/v2/webhooks" }, response: { body: { from: "boot" } }, count: 1 }] });
    try {
      const get = async () => (await fetch(`${own.url}/v2/webhooks`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } }).then((r) => r.json())) as Record<string, unknown>;
      expect(own.stubs().map((s) => [s.id, s.permanent])).toEqual([["boot", true]]);
      expect(await get()).toEqual({ from: "boot" });
      const added = own.addStub({ request: { path: "/v2/me" }, response: { status: 418 } });
      expect(added.permanent).toBe(false);
      // A snapshot and its restore, and a state load, are about data: the stubs stay as they are.
      await admin(own.url, "POST", "/snapshot", { name: "s" });
      await admin(own.url, "POST", "/restore", { name: "s" });
      const state = await fetch(`${own.url}/__admin/state`).then((r) => r.text());
      expect((await admin(own.url, "PUT", "/state", state)).status).toBe(200);
      // Matched newest first among equal priorities.
      expect(own.stubs().map((s) => [s.id, s.remaining])).toEqual([[added.id, undefined], ["boot", 0]]);
      await own.reset();
      expect(own.stubs().map((s) => [s.id, s.remaining])).toEqual([["boot", 1]]);
      expect(await get()).toEqual({ from: "boot" });
      expect(own.removeStub("boot")).toBe(true);
      expect(own.removeStub("boot")).toBe(false);
      expect((await get()).status).toBe("success");
    } finally {
      await own.close();
    }
  });

  it("a malformed stub given to createMockServer refuses the start, naming the field", async () => {
    await expect(createMockServer({ db: "memory", stubs: [{ request: { path: "nope" } }] })).rejects.toThrow(/stubs: body request.path/);
  });
});
