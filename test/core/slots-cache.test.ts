import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { slotsValidUntil } from "../../src/store/queries/slots.js";
import { scenarioState } from "../../src/store/scenarios.js";
import type { SelectedSlot } from "../../src/store/schema.js";
import { Store } from "../../src/store/store.js";
import type { MockServer } from "../../src/server.js";
import { startMock, type Client } from "../support/harness.js";

/**
 * Slots answers kept while the clock runs: each holds until the next whole minute or the next reservation's release,
 * never longer, so a cached answer is always the one computing it afresh would give.
 */
const MIN = 60_000;
const V = { "cal-api-version": "2024-09-04" };

describe("how long a slots answer holds", () => {
  const at = Date.parse("2030-01-07T08:00:30Z");
  const store = new Store(scenarioState("default", 42, at));
  const reservation = (id: number, releaseAt: string): SelectedSlot => ({
    id,
    uid: `r${id}`,
    eventTypeId: [...store.rows.eventTypes.keys()][0]!,
    userId: [...store.rows.users.keys()][0]!,
    slotUtcStartDate: "2030-01-08T10:00:00.000Z",
    slotUtcEndDate: "2030-01-08T10:30:00.000Z",
    releaseAt,
  });

  it("until the next whole minute, and only for the instant itself at a whole minute", () => {
    const quiet = new Store({ ...store.toState(), selectedSlots: [] });
    expect(slotsValidUntil(quiet, at)).toBe(Date.parse("2030-01-07T08:01:00Z"));
    expect(slotsValidUntil(quiet, Date.parse("2030-01-07T08:01:00Z"))).toBe(Date.parse("2030-01-07T08:01:00.001Z"));
  });

  it("until a reservation's release when it comes first; released and later ones do not shorten it", () => {
    const held = new Store({
      ...store.toState(),
      selectedSlots: [reservation(1, "2030-01-07T08:00:45.500Z"), reservation(2, "2030-01-07T08:00:10Z"), reservation(3, "2030-01-07T08:05:00Z")],
    });
    expect(slotsValidUntil(held, at)).toBe(Date.parse("2030-01-07T08:00:45.500Z"));
  });
});

describe("GET /v2/slots with a running clock", () => {
  let mock: MockServer;
  let api: Client;
  beforeAll(async () => {
    ({ mock, api } = await startMock({ now: "2030-01-07T08:00:30Z" }));
    // From here the clock runs at real speed.
    await fetch(`${mock.url}/__admin/clock`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ now: "2030-01-07T08:00:30Z", frozen: false }) });
  });
  afterAll(() => mock.close());

  const slots = async () => {
    const res = await api.request("GET", "/v2/slots?eventTypeId=1&start=2030-01-07&end=2030-01-07", { key: null, headers: V });
    expect(res.status).toBe(200);
    return (res.body as { data: Record<string, Array<{ start: string }>> }).data["2030-01-07"] ?? [];
  };

  it("answers the same within the minute, and what the clock says once it moves on", async () => {
    const first = await slots();
    expect(first.length).toBeGreaterThan(0);
    // 120 minutes' notice from 08:00:30: nothing before 10:00:30.
    expect(first.every((s) => Date.parse(s.start) >= Date.parse("2030-01-07T10:00:30Z"))).toBe(true);
    expect(await slots()).toEqual(first);

    await fetch(`${mock.url}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: "2h" }) });
    const later = await slots();
    expect(later.every((s) => Date.parse(s.start) >= Date.parse("2030-01-07T12:00:30Z"))).toBe(true);
    expect(later.length).toBeLessThan(first.length);
  });

  it("hides a reserved slot at once, and shows it again once the reservation is released", async () => {
    const before = await slots();
    const target = before.find((s) => Date.parse(s.start) >= Date.parse("2030-01-07T14:00:00Z"))!;
    const reserved = await api.request("POST", "/v2/slots/reservations", { key: null, headers: V, body: { eventTypeId: 1, slotStart: target.start } });
    expect(reserved.status).toBe(201);
    expect((await slots()).map((s) => s.start)).not.toContain(target.start);
    // Released after its five minutes: the answer kept before the release is not served past it.
    await fetch(`${mock.url}/__admin/clock/advance`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ by: 5 * MIN + 1_000 }) });
    expect((await slots()).map((s) => s.start)).toContain(target.start);
  });
});
