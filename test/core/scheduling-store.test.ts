import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { MockServer } from "../../src/server.js";
import type { State } from "../../src/store/schema.js";
import { admin } from "../kit/helpers.js";
import { ADMIN_KEY, expectSuccess, scenarioFacts, startMock } from "../support/harness.js";

const NOW = "2026-12-07T10:00:00.000Z";
const DAY = 86_400_000;
const servers: MockServer[] = [];
const start = async (options: Parameters<typeof startMock>[0] = {}) => {
  const started = await startMock(options);
  servers.push(started.mock);
  return started;
};
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe("the clock", () => {
  let mock: MockServer;
  afterEach(async () => {
    await mock?.close();
  });

  it("is real time by default, and is set, advanced and given back through /__admin/clock", async () => {
    ({ mock } = await startMock());
    const before = Date.now();
    const real = await admin(mock.url, "GET", "/clock");
    expect(real.status).toBe(200);
    expect(real.body.data.mode).toBe("real");
    expect(Date.parse(real.body.data.now)).toBeGreaterThanOrEqual(before - 5);

    const set = await admin(mock.url, "PUT", "/clock", { now: "2026-12-07T09:00:00+01:00" });
    expect(set.body.data).toMatchObject({ now: "2026-12-07T08:00:00.000Z", mode: "frozen" });
    // Frozen: it stands still.
    await new Promise((r) => setTimeout(r, 20));
    expect((await admin(mock.url, "GET", "/clock")).body.data.now).toBe("2026-12-07T08:00:00.000Z");

    expect((await admin(mock.url, "POST", "/clock/advance", { by: "1h30m" })).body.data.now).toBe("2026-12-07T09:30:00.000Z");
    expect((await admin(mock.url, "POST", "/clock/advance", { by: "P1DT1M" })).body.data.now).toBe("2026-12-08T09:31:00.000Z");
    expect((await admin(mock.url, "POST", "/clock/advance", { by: -60_000 })).body.data.now).toBe("2026-12-08T09:30:00.000Z");

    const running = await admin(mock.url, "PUT", "/clock", { now: "2030-01-01T00:00:00Z", frozen: false });
    expect(running.body.data.mode).toBe("shifted");
    await new Promise((r) => setTimeout(r, 30));
    expect(Date.parse((await admin(mock.url, "GET", "/clock")).body.data.now)).toBeGreaterThan(Date.parse("2030-01-01T00:00:00Z"));

    const back = await admin(mock.url, "DELETE", "/clock");
    expect(back.body.data).toMatchObject({ mode: "real", offsetMs: 0 });
    expect(Math.abs(Date.parse(back.body.data.now) - Date.now())).toBeLessThan(1000);
  });

  it("refuses what is not a time or a duration with a 400 in Cal.com's envelope", async () => {
    ({ mock } = await startMock());
    for (const [method, path, body] of [
      ["PUT", "/clock", { now: "tomorrow" }],
      ["PUT", "/clock", { now: "2026-02-30T10:00:00Z" }],
      ["PUT", "/clock", { now: "2026-12-07T10:00:00" }],
      ["PUT", "/clock", { now: "2026-12-07T10:00:00Z", frozen: "yes" }],
      ["PUT", "/clock", { now: "2026-12-07T10:00:00Z", speed: 2 }],
      ["POST", "/clock/advance", { by: "soon" }],
      ["POST", "/clock/advance", {}],
      ["PUT", "/clock", [1]],
    ] as const) {
      const res = await admin(mock.url, method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body).toMatchObject({ status: "error", error: { code: "BadRequestException" } });
    }
    expect((await admin(mock.url, "GET", "/clock")).body.data.mode).toBe("real");
  });

  it("starts where `now` says, frozen, and createMockServer refuses a bad one", async () => {
    ({ mock } = await startMock({ now: NOW }));
    expect((await admin(mock.url, "GET", "/clock")).body.data).toMatchObject({ now: NOW, mode: "frozen" });
    await expect(startMock({ now: "next week" })).rejects.toThrow(/ISO 8601/);
  });
});

describe("seeded scheduling state", () => {
  it("the same seed and the same clock give byte-identical state; another day gives other dates", async () => {
    const [{ mock: a }, { mock: b }, { mock: c }] = await Promise.all([start({ now: NOW }), start({ now: "2026-12-07T23:59:00Z" }), start({ now: "2026-12-09T10:00:00Z" })]);
    const text = JSON.stringify(a.state());
    expect(JSON.stringify(b.state())).toBe(text);
    expect(JSON.stringify(c.state())).not.toBe(text);
    // The directory does not move with the clock.
    const { schedules: _s, eventTypes: _e, bookings: _b, selectedSlots: _r, ...directoryA } = a.state();
    const { schedules: _s2, eventTypes: _e2, bookings: _b2, selectedSlots: _r2, ...directoryC } = c.state();
    expect(directoryC).toEqual(directoryA);
  });

  it("gives every member a default schedule and event types, teams collective and round-robin ones, and bookings of every status around now", async () => {
    const { mock } = await start({ now: NOW });
    const state = mock.state();
    const facts = scenarioFacts(state);
    for (const userId of facts.memberUserIds) {
      const user = state.users.find((u) => u.id === userId)!;
      const schedule = state.schedules.find((s) => s.id === user.defaultScheduleId);
      expect(schedule?.userId).toBe(userId);
      expect(state.eventTypes.filter((e) => e.userId === userId).length).toBeGreaterThanOrEqual(2);
    }
    for (const team of facts.teams) {
      const kinds = state.eventTypes.filter((e) => e.teamId === team.id).map((e) => e.schedulingType);
      expect(kinds).toEqual(["COLLECTIVE", "ROUND_ROBIN"]);
      const members = new Set(state.memberships.filter((m) => m.teamId === team.id).map((m) => m.userId));
      for (const e of state.eventTypes.filter((x) => x.teamId === team.id)) for (const h of e.hosts ?? []) expect(members.has(h.userId)).toBe(true);
    }
    const statuses = new Set(state.bookings.map((b) => b.status));
    expect([...statuses].sort()).toEqual(["ACCEPTED", "CANCELLED", "PENDING", "REJECTED"]);
    const now = Date.parse(NOW);
    expect(state.bookings.some((b) => Date.parse(b.endTime) < now)).toBe(true);
    expect(state.bookings.some((b) => Date.parse(b.startTime) > now)).toBe(true);
    for (const b of state.bookings) expect(Math.abs(Date.parse(b.startTime) - now)).toBeLessThan(21 * DAY);
    // Rescheduled pairs point both ways; a recurring series shares its uid; a seated booking holds its seats.
    const moved = state.bookings.filter((b) => b.fromReschedule);
    expect(moved.length).toBeGreaterThan(0);
    for (const b of moved) expect(state.bookings.find((o) => o.uid === b.fromReschedule)).toMatchObject({ status: "CANCELLED", rescheduled: true });
    const series = state.bookings.filter((b) => b.recurringEventId);
    expect(series.length).toBeGreaterThanOrEqual(3);
    expect(new Set(series.map((b) => b.recurringEventId)).size).toBe(1);
    const seated = state.bookings.find((b) => b.seatsReferences?.length);
    expect(seated?.seatsReferences?.length).toBe(seated?.attendees.length);
    expect(state.eventTypes.some((e) => e.requiresConfirmation)).toBe(true);
    expect(state.eventTypes.some((e) => e.bookingLimits)).toBe(true);
    expect(state.eventTypes.some((e) => e.seatsPerTimeSlot)).toBe(true);
    // Booking uids look like Cal.com's.
    for (const b of state.bookings) expect(b.uid).toMatch(/^[1-9A-HJ-NP-Za-km-z]{22}$/);
  });

  it("every scenario seeds its scheduling core (empty-org's lone admin included)", async () => {
    for (const scenario of ["empty-org", "multi-org"]) {
      const { mock } = await start({ scenario, now: NOW });
      const state = mock.state();
      expect(state.schedules.length, scenario).toBeGreaterThan(0);
      expect(state.eventTypes.length, scenario).toBeGreaterThan(0);
      expect(state.bookings.length, scenario).toBeGreaterThan(0);
    }
  });
});

describe("the state document", () => {
  it("round-trips through GET and PUT /__admin/state, and refuses dangling references", async () => {
    const { mock } = await start({ now: NOW });
    const got = await admin<{ data: State }>(mock.url, "GET", "/state");
    const doc = got.body.data;
    expect(doc.bookings.length).toBeGreaterThan(0);
    expect((await admin(mock.url, "PUT", "/state", doc)).status).toBe(200);
    expect(JSON.stringify(mock.state().bookings)).toBe(JSON.stringify(doc.bookings));

    const cases: Array<[string, (d: State) => void, RegExp]> = [
      ["booking of an unknown event type", (d) => (d.bookings[0]!.eventTypeId = 999_999), /bookings\/0: eventTypeId 999999 does not name an existing event type/],
      ["booking of an unknown user", (d) => (d.bookings[0]!.userId = 999_999), /bookings\/0: userId 999999 does not name an existing user/],
      ["duplicate booking uid", (d) => (d.bookings[1]!.uid = d.bookings[0]!.uid), /duplicate uid/],
      ["schedule of an unknown user", (d) => (d.schedules[0]!.userId = 999_999), /schedules\/0: userId/],
      ["event type on an unknown schedule", (d) => (d.eventTypes[0]!.scheduleId = 999_999), /eventTypes\/0: scheduleId/],
      ["host without a membership", (d) => (d.eventTypes.find((e) => e.teamId)!.hosts![0]!.userId = d.users.at(-1)!.id), /has no membership of team/],
      ["duplicate slug of one owner", (d) => (d.eventTypes[1]!.slug = d.eventTypes[0]!.slug), /duplicate \(userId, slug\)/],
      ["a time that is no time", (d) => (d.schedules[0]!.availability[0]!.startTime = "9am"), /startTime/],
      ["booking ending before it starts", (d) => (d.bookings[0]!.endTime = "2000-01-01T00:00:00.000Z"), /is before startTime/],
    ];
    for (const [what, change, message] of cases) {
      const bad = structuredClone(doc);
      change(bad);
      const res = await admin(mock.url, "PUT", "/state", bad);
      expect(res.status, what).toBe(400);
      expect(res.body.error.message, what).toMatch(message);
    }
    // A document from before the scheduling collections still loads, with none.
    const { schedules: _s, eventTypes: _e, bookings: _b, selectedSlots: _r, ...older } = doc;
    expect((await admin(mock.url, "PUT", "/state", older)).status).toBe(200);
    expect(mock.state()).toMatchObject({ schedules: [], eventTypes: [], bookings: [], selectedSlots: [] });
  });
});

describe("cascades", () => {
  it("deleting a user takes their schedules, event types and the bookings they host, and their place among team hosts", async () => {
    const { mock, api } = await start({ now: NOW });
    const before = mock.state();
    const facts = scenarioFacts(before);
    // A member other than the keyed ones who hosts a team event type.
    const hosted = before.eventTypes.find((e) => e.teamId && (e.hosts ?? []).some((h) => h.userId > 3))!;
    const victim = hosted.hosts!.find((h) => h.userId > 3)!.userId;
    const attended = before.bookings.filter((b) => b.userId !== victim && b.attendees.some((a) => a.email === before.users.find((u) => u.id === victim)!.email));
    expectSuccess(await api.del(`/v2/organizations/${facts.org.id}/users/${victim}`, ADMIN_KEY));
    const after = mock.state();
    expect(after.schedules.filter((s) => s.userId === victim)).toEqual([]);
    expect(after.eventTypes.filter((e) => e.userId === victim)).toEqual([]);
    expect(after.bookings.filter((b) => b.userId === victim)).toEqual([]);
    expect(after.eventTypes.find((e) => e.id === hosted.id)!.hosts!.some((h) => h.userId === victim)).toBe(false);
    // Bookings they only attend stay.
    for (const b of attended) expect(after.bookings.some((x) => x.uid === b.uid)).toBe(true);
    // The store's indexes agree with the rows: the state is still one PUT /__admin/state accepts.
    expect((await admin(mock.url, "PUT", "/state", after)).status).toBe(200);
  });

  it("removing a team membership removes the user from the team's hosts, and deleting a team takes its event types", async () => {
    const { mock, api } = await start({ now: NOW });
    const state = mock.state();
    const facts = scenarioFacts(state);
    const team = facts.teams[0]!;
    const roundRobin = state.eventTypes.find((e) => e.teamId === team.id && e.schedulingType === "ROUND_ROBIN")!;
    const host = roundRobin.hosts!.find((h) => h.userId > 3)!.userId;
    const membership = state.memberships.find((m) => m.teamId === team.id && m.userId === host)!;
    expectSuccess(await api.del(`/v2/organizations/${facts.org.id}/teams/${team.id}/memberships/${membership.id}`, ADMIN_KEY));
    expect(mock.state().eventTypes.find((e) => e.id === roundRobin.id)!.hosts!.map((h) => h.userId)).not.toContain(host);

    const teamBookings = state.bookings.filter((b) => b.eventTypeId === roundRobin.id);
    expect(teamBookings.length).toBeGreaterThan(0);
    expectSuccess(await api.del(`/v2/organizations/${facts.org.id}/teams/${team.id}`, ADMIN_KEY));
    const after = mock.state();
    expect(after.eventTypes.filter((e) => e.teamId === team.id)).toEqual([]);
    // Their bookings stay, with no event type, as Cal.com's SetNull leaves them.
    for (const b of teamBookings) expect(after.bookings.find((x) => x.uid === b.uid)).toMatchObject({ uid: b.uid, eventTypeId: null });
    expect((await admin(mock.url, "PUT", "/state", after)).status).toBe(200);
  });
});

describe("the store's scheduling indexes", () => {
  it("finds a user's busy bookings by day, as organizer and as attendee, and follows writes", async () => {
    const { mock } = await start({ now: NOW });
    const db = mock.database();
    const store = db.store;
    const state = mock.state();
    const now = Date.parse(NOW);
    for (const user of state.users.slice(0, 10)) {
      const from = now - 10 * DAY;
      const to = now + 10 * DAY;
      const expected = state.bookings
        .filter((b) => ["ACCEPTED", "PENDING", "AWAITING_HOST"].includes(b.status))
        .filter((b) => b.userId === user.id || b.attendees.some((a) => a.email.toLowerCase() === user.email.toLowerCase()))
        .filter((b) => Date.parse(b.startTime) <= to && Date.parse(b.endTime) >= from)
        .map((b) => b.uid)
        .sort();
      expect(store.busyBookings(user.id, from, to).map((b) => b.uid).sort(), `user ${user.id}`).toEqual(expected);
    }
    const accepted = state.bookings.find((b) => b.status === "ACCEPTED")!;
    const at = Date.parse(accepted.startTime);
    expect(store.busyBookings(accepted.userId!, at, at).map((b) => b.uid)).toContain(accepted.uid);
    await db.commit([{ op: "put", collection: "bookings", row: { ...accepted, status: "CANCELLED" } }]);
    expect(store.busyBookings(accepted.userId!, at, at).map((b) => b.uid)).not.toContain(accepted.uid);
    expect(store.bookingByUid.get(accepted.uid)?.status).toBe("CANCELLED");
    expect(store.bookingsByEventType.get(accepted.eventTypeId!)?.get(accepted.id)?.status).toBe("CANCELLED");
    const email = accepted.attendees[0]!.email.toLowerCase();
    expect(store.bookingsByAttendeeEmail.get(email)?.has(accepted.id)).toBe(true);
    // Ids are a sequence: the next one is past every id held, and is not given twice.
    const next = store.nextSequenceId("bookings");
    expect(next).toBeGreaterThan(Math.max(...state.bookings.map((b) => b.id)));
    expect(store.nextSequenceId("bookings")).toBe(next + 1);
  });
});
