import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import { addGenerationHints, TIME_ZONE_FORMAT } from "../../src/responder/hints.js";
import { preferExampleBranches } from "../../src/responder/branches.js";
import { createResponder } from "../../src/responder/engine.js";
import { loadContract } from "../../src/contract/index.js";
import { startMock, type Client } from "../support/harness.js";

/**
 * What spec-driven answers say: the oneOf/anyOf branch that has the document's example, and generated values that
 * look like what their format and name announce. Every answer here also passes the contract (the client checks).
 */

let mock: MockServer;
let api: Client;

beforeAll(async () => {
  ({ mock, api } = await startMock());
});
afterAll(() => mock.close());

// Answered from the state since the slots operations became stateful: the range branch of the contract's answer.
const SLOTS = "/v2/slots?eventTypeId=1&start=2050-09-05&end=2050-09-06&format=range";
const SLOTS_V = { "cal-api-version": "2024-09-04" };
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]+$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ZONES = new Set(Intl.supportedValuesOf("timeZone").concat("UTC"));

describe("oneOf / anyOf answers", () => {
  it("GET /v2/slots answers slots keyed by date, not the first branch's placeholder map", async () => {
    const res = await api.request("GET", SLOTS, { key: null, headers: SLOTS_V });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain("property1");
    const days = Object.entries(res.body.data as Record<string, Array<{ start: string; end: string }>>);
    expect(days.length).toBeGreaterThan(0);
    for (const [day, slots] of days) {
      expect(day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const slot of slots) {
        expect(slot.start.startsWith(day)).toBe(true);
        expect(Date.parse(slot.end)).toBeGreaterThan(Date.parse(slot.start));
      }
    }
  });

  it("Prefer: dynamic=true does not change a stateful answer: slots stay objects", async () => {
    const res = await api.request("GET", SLOTS, { key: null, headers: { ...SLOTS_V, prefer: "dynamic=true" } });
    expect(res.status).toBe(200);
    for (const slots of Object.values(res.body.data as Record<string, unknown[]>)) for (const slot of slots) expect(typeof slot).toBe("object");
  });

  it("narrows to the first branch with an example and leaves branches without examples alone", () => {
    const doc = {
      components: { schemas: { WithExample: { type: "object", example: { a: 1 } }, Plain: { type: "object" } } },
      paths: {
        "/x": {
          get: {
            one: { oneOf: [{ $ref: "#/components/schemas/Plain" }, { $ref: "#/components/schemas/WithExample" }] },
            none: { anyOf: [{ type: "string" }, { type: "number" }] },
          },
        },
      },
    };
    preferExampleBranches(doc);
    expect(doc.paths["/x"].get.one.oneOf).toEqual([{ $ref: "#/components/schemas/WithExample" }]);
    expect(doc.paths["/x"].get.none.anyOf).toHaveLength(2);
  });
});

/** The responder's generated answer to a GET of the contract, whether or not a handler answers it on the server. */
async function generated(path: string, query: Record<string, string> = {}): Promise<{ status: number; how: string; body: any }> {
  const contract = loadContract();
  const op = contract.operations.find((o) => o.method === "GET" && o.pathTemplate === path)!;
  const answer = await createResponder(contract.sources, 42).answer(op.source, op, { method: "GET", path, query, headers: { "cal-api-version": "2024-08-13" }, body: undefined }, { dynamic: true });
  return { status: answer.status, how: answer.how, body: JSON.parse(answer.text) };
}

describe("generated (dynamic) answers honour formats and names", () => {
  it("bookings: date-times, e-mails, time zones, URLs, UUIDs, non-negative durations and ids", async () => {
    // GET /v2/bookings answers from the store: its generated answer is asked of the responder itself.
    const res = await generated("/v2/bookings");
    expect(res.status).toBe(200);
    expect(res.how).toBe("spec; dynamic");
    const bookings = res.body.data as Array<Record<string, any>>;
    expect(bookings.length).toBeGreaterThan(0);
    for (const b of bookings) {
      for (const field of ["start", "end", "createdAt"]) {
        expect(b[field]).toMatch(ISO);
        const year = new Date(b[field] as string).getUTCFullYear();
        expect(year).toBeGreaterThanOrEqual(2025);
        expect(year).toBeLessThanOrEqual(2027);
      }
      expect(b.uid).toMatch(UUID);
      expect(Number.isInteger(b.id) && b.id >= 1).toBe(true);
      expect(Number.isInteger(b.duration) && b.duration >= 0).toBe(true);
      // null for a booking without a location, as Cal.com sends the column.
      if (b.meetingUrl != null) expect(new URL(b.meetingUrl as string).protocol).toBe("https:");
      for (const person of [...(b.hosts as any[]), ...(b.attendees as any[])]) {
        expect(person.email).toMatch(EMAIL);
        expect(ZONES.has(person.timeZone as string), person.timeZone as string).toBe(true);
      }
    }
  });

  it("schedules: times of day where the document's examples are times of day, dates for overrides", async () => {
    const res = await api.request("GET", "/v2/schedules", { headers: { "cal-api-version": "2024-06-11", prefer: "dynamic=true" } });
    expect(res.status).toBe(200);
    for (const schedule of res.body.data as Array<Record<string, any>>) {
      expect(ZONES.has(schedule.timeZone as string)).toBe(true);
      for (const slot of schedule.availability as any[]) {
        expect(slot.startTime).toMatch(/^\d{2}:\d{2}$/);
        expect(slot.endTime).toMatch(/^\d{2}:\d{2}$/);
      }
      for (const override of schedule.overrides as any[]) expect(override.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it("the same request gives the same generated body", async () => {
    const a = await generated("/v2/bookings", { take: "3" });
    const b = await generated("/v2/bookings", { take: "3" });
    expect(b.body).toEqual(a.body);
  });

  it("never overrides a format, pattern, enum or length the contract declares", () => {
    const schema = {
      properties: {
        createdAt: { type: "string", format: "date" },
        timeZone: { type: "string", enum: ["Europe/Rome"] },
        email: { type: "string", maxLength: 5 },
        slug: { type: "string", pattern: "^x$" },
        id: { type: "integer", minimum: -5 },
        userTimeZone: { type: "string" },
        guestEmails: { type: "array", items: { type: "string" } },
      },
    };
    addGenerationHints(schema);
    expect(schema.properties.createdAt).toEqual({ type: "string", format: "date" });
    expect(schema.properties.timeZone).toEqual({ type: "string", enum: ["Europe/Rome"] });
    expect(schema.properties.email).toEqual({ type: "string", maxLength: 5 });
    expect(schema.properties.slug).toEqual({ type: "string", pattern: "^x$" });
    expect(schema.properties.id).toEqual({ type: "integer", minimum: -5 });
    expect(schema.properties.userTimeZone).toEqual({ type: "string", format: TIME_ZONE_FORMAT });
    expect(schema.properties.guestEmails.items).toEqual({ type: "string", format: "email" });
  });
});
