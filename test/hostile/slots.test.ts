import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkContract } from "../support/harness.js";
import { contract, expectRefused, hostileTarget, nanish, send, stateText, type Facts } from "./support.js";

/**
 * GET /v2/slots's query is judged by Cal.com's own pipe (x-calcom-query-pipe), not by the contract's parameter
 * schemas, so the generic query attacks of params.test.ts leave it out: here any mix of its keys, unknown keys,
 * repeated and nested keys and hostile values answers a slots map or a 4xx in Cal.com's envelope, promptly, and
 * never writes (the seeded reservation is unexpired, so no query has anything to clean up).
 */

let url: string;
let facts: Facts;
let before: string;
hostileTarget((target) => ({ url, facts, before } = target));

const op = contract.operations.find((o) => o.operationId === "SlotsController_2024_09_04_getAvailableSlots")!;
const KEYS = [
  "eventTypeId", "username", "eventTypeSlug", "teamSlug", "usernames", "organizationSlug", "start", "end", "timeZone", "duration",
  "format", "bookingUidToReschedule", "rrHostSubsetIds", "type", "slotFormat", "__proto__", "constructor", "eventTypeId[]", "start[a]",
];
// Values go on the request line as they are: raw text is percent-encoded, the broken encodings are meant.
const value = fc.oneof(
  nanish.map(encodeURIComponent),
  fc.constantFrom(
    "2030-01-07", "2030-01-14", "2030-02-30", "2030-01-08T10:00", "2030-01-08%2010:00", "2030-W02-1", "2030-007", "1", "2", "-3", "0",
    "99999999999", "Europe/Rome", "europe/rome", "EST", "Mars/Base", "range", "TIME", "owner,admin", "owner", "acme", "sales", "thirty-minutes",
    "%", "%E0%A4%A", "a%00b", "%F0%9F%98%80",
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const query = fc.array(fc.tuple(fc.constantFrom(...KEYS), value), { minLength: 1, maxLength: 8 }).map((pairs) => pairs.map(([k, v]) => `${k}=${v}`).join("&"));

describe("GET /v2/slots: any query answers slots or a 4xx in the envelope, and writes nothing", () => {
  it("random queries of known, unknown, repeated and nested keys", async () => {
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const path = `${op.pathTemplate}?${q}`;
        const answer = await send(url, { method: "GET", path });
        if (answer.status === 200) checkContract("GET", `${url}${path}`, 200, answer.json);
        else await expectRefused(url, before, { method: "GET", path });
      }),
      { numRuns: 150 },
    );
    expect(await stateText(url)).toBe(before);
  });

  it("valid queries with hostile extras: the known ones answer, an unknown key is named", async () => {
    const state = JSON.parse(before) as { data: { eventTypes: Array<{ id: number; userId: number | null }> } };
    const eventTypeId = state.data.eventTypes.find((e) => e.id === facts.eventTypeId)!.id;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("timeZone=UTC", "format=range", "duration=45", "bookingUidToReschedule=x", "rrHostSubsetIds=1,2"), fc.string({ minLength: 1, maxLength: 8 }).filter((k) => /^[a-z]+$/i.test(k) && !KEYS.includes(k)), async (extra, unknown) => {
        const ok = await send(url, { method: "GET", path: `/v2/slots?eventTypeId=${eventTypeId}&start=2030-01-07&end=2030-01-09&${extra}` });
        expect(ok.status, ok.text.slice(0, 300)).toBe(200);
        const bad = await expectRefused(url, before, { method: "GET", path: `/v2/slots?eventTypeId=${eventTypeId}&start=2030-01-07&end=2030-01-09&${unknown}=1` }, 400);
        expect((bad.json as { error: { message: string } }).error.message).toBe(`${unknown} property is wrong,property ${unknown} should not exist `);
      }),
      { numRuns: 20 },
    );
  });

  it("a window of decades, and a year of one-minute slots, answer (slowly, as Cal.com computes them too) rather than hang", async () => {
    for (const q of [`eventTypeId=${facts.eventTypeId}&start=2020-01-01&end=2040-01-01`, `eventTypeId=${facts.eventTypeId}&start=2030-01-01&end=2030-12-31&duration=1&format=range&timeZone=Asia/Kolkata`]) {
      const answer = await send(url, { method: "GET", path: `/v2/slots?${q}`, timeoutMs: 30_000 });
      expect(answer.status).toBe(200);
    }
  }, 60_000);
});
