import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import { MEMBER_KEY, expectError, startMock, type Client } from "../support/harness.js";

// A body that may be one of several classes (oneOf/anyOf in the contract: a booking, an instant booking, a
// recurring booking) and matches none: Cal.com's pipe picks the class first and reports that class's errors only.

let mock: MockServer;
let api: Client;
beforeAll(async () => ({ mock, api } = await startMock()));
afterAll(() => mock.close());

const booking = (extra: Record<string, unknown>, attendee: Record<string, unknown> = { name: "Ada", email: "ada@example.com" }) =>
  api.request("POST", "/v2/bookings", {
    key: MEMBER_KEY,
    headers: { "cal-api-version": "2024-08-13" },
    body: { start: "2030-01-07T10:00:00Z", eventTypeId: 1, attendee, ...extra },
  });

describe("a body matching none of its classes reports the closest class only", () => {
  // The bookings' pipe answers one message (see test/core/bookings.test.ts), not the error objects.
  it("a booking without attendee.timeZone: that error alone, not the instant booking's `instant`", async () => {
    const res = await booking({});
    expectError(res, 400, "BadRequestException", "attendee property is wrong, timeZone property is wrong,timeZone must be a string ");
    expect(res.headers.get("x-calcom-mock-diagnostics")).toBe("body attendee/timeZone: is required");
  });

  it("an instant booking (instant: true) is judged as one: the same single error, `instant` being one of its fields", async () => {
    const res = await booking({ instant: true });
    expectError(res, 400, "BadRequestException", "attendee property is wrong, timeZone property is wrong,timeZone must be a string ");
  });

  it("a body that matches a class passes validation", async () => {
    const res = await booking({}, { name: "Ada", email: "ada@example.com", timeZone: "Europe/Rome" });
    // Whatever the operation answers then (from the spec or from state), it is not a validation failure.
    expect(res.headers.get("x-calcom-mock-diagnostics") ?? "", JSON.stringify(res.body)).not.toMatch(/^body /);
    expect(res.body.error?.message).not.toBe("Bad Request Exception");
  });
});
