import { DateTime } from "luxon";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Booking, EventType, Schedule, SelectedSlot, State } from "../../src/store/schema.js";
import { MEMBER_KEY, OWNER_KEY, expectError, scenarioFacts, startMock, type Client } from "../support/harness.js";
import type { MockServer } from "../../src/server.js";

/**
 * GET /v2/slots and the reservations, end to end, on a week built only through /__admin (the clock and PUT
 * /__admin/state) and the /v2 operations themselves. Every slots answer is compared with one computed here by a
 * plain reading of Cal.com's rules (calcom-availability-behavior.md §3): each host's working hours day by day in
 * their zone, less what blocks them, stepped from each free range's start (rounded up on the booker's clock) by
 * the interval, kept from now + the minimum notice on.
 */

const NOW = "2030-01-07T08:00:00Z"; // a Monday
const MIN = 60_000;
const V = { "cal-api-version": "2024-09-04" };
const OUTSIDER_KEY = "cal_test_slots_outsider_key";

let mock: MockServer;
let api: Client;
let base: State;
/** The week's people: A in Rome, B in New York (a lunch break), C in Kolkata (Saturdays too); X outside the organization. */
let A: number, B: number, C: number, X: number;
let teamId: number;
let teamSlug: string;
let orgSlug: string;

const get = (path: string, headers: Record<string, string> = V) => api.request("GET", path, { key: null, headers });
const send = (method: string, path: string, body?: unknown, key: string | null = null) => api.request(method, path, { key, body, headers: V });

beforeAll(async () => {
  ({ mock, api } = await startMock({ now: NOW }));
  base = await api.state();
  const facts = scenarioFacts(base);
  A = facts.keyOf(OWNER_KEY);
  B = facts.adminId;
  C = facts.memberId;
  X = facts.outsiderIds[0]!;
  teamId = facts.teams[0]!.id;
  teamSlug = facts.teams[0]!.slug!;
  orgSlug = facts.org.slug;
});
afterAll(() => mock.close());

// ---------------------------------------------------------------------------------------------------------------
// The week's state

const ET = { thirty: 101, sixty: 102, seated: 103, blocking: 104, pending: 105, variable: 106, roundRobin: 107, collective: 108, buffered: 109 } as const;

function weekSchedules(): Schedule[] {
  const weekdays = [1, 2, 3, 4, 5];
  return [
    {
      id: 201, userId: A, name: "Rome", timeZone: "Europe/Rome",
      availability: [{ days: weekdays, startTime: "09:00", endTime: "17:00" }],
      // Thursday short, Friday off.
      overrides: [{ date: "2030-01-10", startTime: "13:00", endTime: "15:00" }, { date: "2030-01-11", startTime: "00:00", endTime: "00:00" }],
    },
    {
      id: 202, userId: B, name: "New York", timeZone: "America/New_York",
      availability: [{ days: weekdays, startTime: "09:00", endTime: "12:00" }, { days: weekdays, startTime: "13:00", endTime: "17:00" }],
      overrides: [],
    },
    { id: 203, userId: C, name: "Kolkata", timeZone: "Asia/Kolkata", availability: [{ days: [1, 2, 3, 4, 5, 6], startTime: "10:00", endTime: "18:00" }], overrides: [] },
  ];
}

function weekEventTypes(): EventType[] {
  const personal = (id: number, slug: string, length: number, extra: Partial<EventType> = {}): EventType => ({ id, title: slug, slug, length, userId: A, teamId: null, ...extra });
  return [
    personal(ET.thirty, "thirty", 30),
    personal(ET.sixty, "sixty", 60, { slotInterval: 30 }),
    personal(ET.seated, "seated", 60, { seatsPerTimeSlot: 3 }),
    personal(ET.blocking, "needs-ok-blocking", 30, { requiresConfirmation: true, requiresConfirmationWillBlockSlot: true }),
    personal(ET.pending, "needs-ok", 30, { requiresConfirmation: true }),
    personal(ET.variable, "variable", 30, { metadata: { multipleDuration: [15, 30, 45] } }),
    { id: ET.roundRobin, title: "rr", slug: "rr", length: 30, userId: null, teamId, schedulingType: "ROUND_ROBIN", hosts: [{ userId: A, isFixed: false }, { userId: B, isFixed: false }] },
    { id: ET.collective, title: "together", slug: "together", length: 30, userId: null, teamId, schedulingType: "COLLECTIVE", hosts: [{ userId: A, isFixed: true }, { userId: C, isFixed: true }] },
    personal(ET.buffered, "buffered", 30, { beforeEventBuffer: 15, afterEventBuffer: 30 }),
  ];
}

let bookingId = 500;
function booking(eventTypeId: number, startIso: string, minutes: number, extra: Partial<Booking> = {}): Booking {
  const id = ++bookingId;
  return {
    id, uid: `slotsTestBooking${id}`, userId: A, eventTypeId, title: "booked", startTime: new Date(Date.parse(startIso)).toISOString(),
    endTime: new Date(Date.parse(startIso) + minutes * MIN).toISOString(), status: "ACCEPTED",
    attendees: [{ id: id * 10, email: `guest${id}@example.com`, name: "Guest", timeZone: "UTC" }], createdAt: "2030-01-01T00:00:00.000Z", ...extra,
  };
}

/** The default scenario with the week's schedules, event types, bookings and reservations in place of the seeded ones. */
async function loadWeek(bookings: Booking[] = [], selectedSlots: SelectedSlot[] = []): Promise<void> {
  const state = structuredClone(base);
  state.schedules = weekSchedules();
  state.eventTypes = weekEventTypes();
  state.bookings = bookings;
  state.selectedSlots = selectedSlots;
  const defaults = new Map([[A, 201], [B, 202], [C, 203]]);
  for (const u of state.users) u.defaultScheduleId = defaults.get(u.id) ?? null;
  let membershipId = Math.max(...state.memberships.map((m) => m.id));
  for (const userId of [A, B, C]) {
    if (!state.memberships.some((m) => m.teamId === teamId && m.userId === userId)) state.memberships.push({ id: ++membershipId, userId, teamId, role: "MEMBER", accepted: true });
  }
  state.apiKeys.push({ id: "key_slots_outsider", key: OUTSIDER_KEY, userId: X, note: "outside the organization" });
  const res = await api.request("PUT", "/__admin/state", { key: null, body: state });
  expect(res.status, JSON.stringify(res.body).slice(0, 400)).toBe(200);
  await api.request("PUT", "/__admin/clock", { key: null, body: { now: NOW } });
}

// ---------------------------------------------------------------------------------------------------------------
// The independent computation

interface Host {
  zone: string;
  /** Working ranges of a local date, in minutes of the day. */
  hours: (date: string, weekday: number) => Array<[number, number]>;
  busy: Array<[number, number]>;
}

const hostsOf = (): Record<"A" | "B" | "C", Host> => ({
  A: {
    zone: "Europe/Rome",
    hours: (date, weekday) => (date === "2030-01-10" ? [[13 * 60, 15 * 60]] : date === "2030-01-11" ? [] : weekday <= 5 ? [[9 * 60, 17 * 60]] : []),
    busy: [],
  },
  B: { zone: "America/New_York", hours: (_d, weekday) => (weekday <= 5 ? [[9 * 60, 12 * 60], [13 * 60, 17 * 60]] : []), busy: [] },
  C: { zone: "Asia/Kolkata", hours: (_d, weekday) => (weekday <= 6 ? [[10 * 60, 18 * 60]] : []), busy: [] },
});

/** A host's free UTC ranges between from and to: their local working hours day by day, less their busy times. */
function freeRanges(host: Host, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let day = DateTime.fromMillis(from, { zone: host.zone }).startOf("day").minus({ days: 1 }); day.toMillis() < to; day = day.plus({ days: 1 })) {
    for (const [s, e] of host.hours(day.toISODate()!, day.weekday)) {
      let pieces: Array<[number, number]> = [[Math.max(from, day.plus({ minutes: s }).toMillis()), Math.min(to, day.plus({ minutes: e }).toMillis())]];
      for (const [bs, be] of host.busy) {
        pieces = pieces.flatMap(([ps, pe]): Array<[number, number]> => (be <= ps || bs >= pe ? [[ps, pe]] : [[ps, bs], [be, pe]]));
      }
      out.push(...pieces.filter(([x, y]) => y > x));
    }
  }
  return out;
}

function intersect(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [as, ae] of a) for (const [bs, be] of b) if (Math.max(as, bs) < Math.min(ae, be)) out.push([Math.max(as, bs), Math.min(ae, be)]);
  return out;
}

interface Expect {
  hosts: Host[];
  mode?: "collective" | "roundRobin";
  length: number;
  interval?: number;
  notice?: number;
  /** The clock, when moved from NOW. */
  now?: string;
  start: string;
  end: string;
  timeZone?: string;
  format?: "range";
  /** The range's end when it is not start + length (Cal.com's duration ?? length). */
  rangeMinutes?: number;
  reserved?: Array<[number, number]>;
  seats?: { total: number; taken: Map<number, { booked: number; uid?: string }> };
}

/** What GET /v2/slots should answer, computed plainly. */
function expected(x: Expect): Record<string, Array<Record<string, unknown>>> {
  const from = Math.max(Date.parse(`${x.start}T00:00:00Z`), Date.parse(x.now ?? NOW) + (x.notice ?? 120) * MIN);
  const to = Date.parse(`${x.end}T23:59:59Z`);
  const step = x.interval ?? x.length;
  const align = [60, 30, 20, 15, 10, 5].find((a) => step % a === 0) ?? 1;
  const booker = x.timeZone ?? "UTC";
  const rangesOf = x.mode === "roundRobin" ? x.hosts.map((h) => freeRanges(h, from, to)) : [x.hosts.map((h) => freeRanges(h, from, to)).reduce((acc, r) => intersect(acc, r))];
  const starts = new Set<number>();
  for (const ranges of rangesOf) {
    for (const [s, e] of ranges) {
      let t = DateTime.fromMillis(s, { zone: booker });
      if (t.minute % align !== 0) t = t.startOf("hour").plus({ minutes: Math.ceil(t.minute / align) * align });
      for (let m = t.toMillis(); m + x.length * MIN <= e; m += step * MIN) {
        if ((x.reserved ?? []).some(([rs, re]) => rs < m + x.length * MIN && re > m) && !x.seats?.taken.has(m)) continue;
        starts.add(m);
      }
    }
  }
  const print = (ms: number) => (x.timeZone ? DateTime.fromMillis(ms, { zone: x.timeZone }).toISO()! : new Date(ms).toISOString());
  const out: Record<string, Array<Record<string, unknown>>> = {};
  for (const m of [...starts].sort((a, b) => a - b)) {
    const slot: Record<string, unknown> = { start: print(m) };
    if (x.format === "range") slot.end = print(m + (x.rangeMinutes ?? x.length) * MIN);
    if (x.seats) {
      const taken = x.seats.taken.get(m);
      Object.assign(slot, { seatsBooked: taken?.booked ?? 0, seatsRemaining: x.seats.total - (taken?.booked ?? 0), seatsTotal: x.seats.total });
      if (taken?.uid) slot.bookingUid = taken.uid;
    }
    (out[DateTime.fromMillis(m, { zone: booker }).toISODate()!] ??= []).push(slot);
  }
  return out;
}

const utc = (iso: string) => Date.parse(iso);
const span = (startIso: string, minutes: number): [number, number] => [utc(startIso), utc(startIso) + minutes * MIN];

async function slots(query: string): Promise<Record<string, unknown>> {
  const res = await get(`/v2/slots?${query}`);
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  expect(Object.keys(res.body)).toEqual(["status", "data"]);
  return res.body.data as Record<string, unknown>;
}

const WEEK = "start=2030-01-07&end=2030-01-11";

// ---------------------------------------------------------------------------------------------------------------

describe("GET /v2/slots computes the week from the state", () => {
  beforeEach(() => loadWeek());

  it("a personal event type by id: UTC starts with Z, keyed by UTC date, Thursday's override and Friday off applied, two hours' notice", async () => {
    const data = await slots(`eventTypeId=${ET.thirty}&${WEEK}`);
    expect(data).toEqual(expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-07", end: "2030-01-11" }));
    expect(Object.keys(data)).toEqual(["2030-01-07", "2030-01-08", "2030-01-09", "2030-01-10"]);
    expect((data["2030-01-07"] as Array<{ start: string }>)[0]!.start).toBe("2030-01-07T10:00:00.000Z");
    expect(data["2030-01-10"]).toEqual([{ start: "2030-01-10T12:00:00.000Z" }, { start: "2030-01-10T12:30:00.000Z" }, { start: "2030-01-10T13:00:00.000Z" }, { start: "2030-01-10T13:30:00.000Z" }]);
  });

  it("by username and slug, with and without the organization, gives the same; timeZone prints the offset and keys by the local date", async () => {
    const byId = await slots(`eventTypeId=${ET.thirty}&${WEEK}&timeZone=Europe/Rome&format=range`);
    expect(byId).toEqual(expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-07", end: "2030-01-11", timeZone: "Europe/Rome", format: "range" }));
    expect((byId["2030-01-07"] as Array<{ start: string; end: string }>)[0]).toEqual({ start: "2030-01-07T11:00:00.000+01:00", end: "2030-01-07T11:30:00.000+01:00" });
    const username = base.users.find((u) => u.id === A)!.username;
    expect(await slots(`username=${username}&eventTypeSlug=thirty&${WEEK}&timeZone=Europe/Rome&format=range`)).toEqual(byId);
    expect(await slots(`organizationSlug=${orgSlug}&username=${username}&eventTypeSlug=thirty&${WEEK}&timeZone=Europe/Rome&format=RANGE`)).toEqual(byId);
  });

  it("timeZone=UTC prints Z, Etc/UTC +00:00, a lower-case IANA name works; keys follow the zone (Kolkata's evening is the next day)", async () => {
    const q = `eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08`;
    expect(Object.values(await slots(`${q}&timeZone=UTC`)).flat()[0]).toEqual({ start: "2030-01-08T08:00:00.000Z" });
    expect(Object.values(await slots(`${q}&timeZone=Etc/UTC`)).flat()[0]).toEqual({ start: "2030-01-08T08:00:00.000+00:00" });
    expect(await slots(`${q}&timeZone=europe/rome`)).toEqual(expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-08", end: "2030-01-08", timeZone: "europe/rome" }));
    // Slots after 18:30 UTC would be the 9th in Kolkata; A's day ends at 16:00 UTC, so one key, rounded on Kolkata's clock.
    expect(await slots(`${q}&timeZone=Asia/Kolkata`)).toEqual(expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-08", end: "2030-01-08", timeZone: "Asia/Kolkata" }));
  });

  it("an end at a time other than midnight is kept; at midnight it is the whole day; a reversed range answers data {}", async () => {
    expect(await slots(`eventTypeId=${ET.thirty}&start=2030-01-08T00:00:00Z&end=2030-01-08T10:00:00Z`)).toEqual({
      "2030-01-08": [{ start: "2030-01-08T08:00:00.000Z" }, { start: "2030-01-08T08:30:00.000Z" }, { start: "2030-01-08T09:00:00.000Z" }, { start: "2030-01-08T09:30:00.000Z" }],
    });
    expect(Object.keys(await slots(`eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08T00:00:00.000Z`))).toEqual(["2030-01-08"]);
    expect(await slots(`eventTypeId=${ET.thirty}&start=2030-01-10&end=2030-01-08`)).toEqual({});
  });

  it("slotInterval steps a longer event; duration picks a length of a variable one (step and alignment follow it) and range ends follow it", async () => {
    expect(await slots(`eventTypeId=${ET.sixty}&${WEEK}`)).toEqual(expected({ hosts: [hostsOf().A], length: 60, interval: 30, start: "2030-01-07", end: "2030-01-11" }));
    expect(await slots(`eventTypeId=${ET.variable}&${WEEK}&duration=45&format=range`)).toEqual(
      expected({ hosts: [hostsOf().A], length: 45, start: "2030-01-07", end: "2030-01-11", format: "range" }),
    );
    // duration=0 is no duration for the stepping but Cal.com's `duration ?? length` for the range's end.
    const zero = await slots(`eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08&duration=0&format=range`);
    expect(zero).toEqual(expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-08", end: "2030-01-08", format: "range", rangeMinutes: 0 }));
  });

  it("usernames: the dynamic event is every user's common time, 30 minutes unless duration says; its range end is its start without duration", async () => {
    const names = [A, B].map((id) => base.users.find((u) => u.id === id)!.username).join(",");
    const hosts = [hostsOf().A, hostsOf().B];
    expect(await slots(`usernames=${names}&organizationSlug=${orgSlug}&${WEEK}`)).toEqual(expected({ hosts, length: 30, start: "2030-01-07", end: "2030-01-11" }));
    expect(await slots(`usernames=${names}&organizationSlug=${orgSlug}&${WEEK}&duration=60&format=range`)).toEqual(
      expected({ hosts, length: 60, start: "2030-01-07", end: "2030-01-11", format: "range" }),
    );
    expect(await slots(`usernames=${names}&organizationSlug=${orgSlug}&${WEEK}&format=range`)).toEqual(
      expected({ hosts, length: 30, start: "2030-01-07", end: "2030-01-11", format: "range", rangeMinutes: 0 }),
    );
    // Names nobody in the organization has are left out; none left, no slot.
    expect(await slots(`usernames=nobody,noone&organizationSlug=${orgSlug}&${WEEK}`)).toEqual({});
  });

  it("a team: round robin is any host free (union), collective every host free (intersection); by team slug and organization", async () => {
    const h = hostsOf();
    const rr = await slots(`eventTypeId=${ET.roundRobin}&${WEEK}`);
    expect(rr).toEqual(expected({ hosts: [h.A, h.B], mode: "roundRobin", length: 30, start: "2030-01-07", end: "2030-01-11" }));
    expect(await slots(`teamSlug=${teamSlug}&eventTypeSlug=rr&organizationSlug=${orgSlug}&${WEEK}`)).toEqual(rr);
    expect(await slots(`eventTypeId=${ET.collective}&${WEEK}&timeZone=Asia/Kolkata`)).toEqual(
      expected({ hosts: [h.A, h.C], length: 30, start: "2030-01-07", end: "2030-01-11", timeZone: "Asia/Kolkata" }),
    );
  });
});

describe("bookings in the state take their slots", () => {
  const week = (h: Host, extra: Partial<Expect> = {}) => expected({ hosts: [h], length: 30, start: "2030-01-07", end: "2030-01-11", ...extra });

  it("an accepted booking of any of the host's event types (or one they attend) takes its slot; a cancelled or rejected one frees it", async () => {
    const taken = booking(ET.sixty, "2030-01-08T10:00:00Z", 60);
    const attended = booking(ET.thirty, "2030-01-09T09:00:00Z", 30, { userId: B, attendees: [{ id: 9001, email: base.users.find((u) => u.id === A)!.email, name: "A", timeZone: "Europe/Rome" }] });
    const cancelled = booking(ET.thirty, "2030-01-08T14:00:00Z", 30, { status: "CANCELLED" });
    const rejected = booking(ET.thirty, "2030-01-08T15:00:00Z", 30, { status: "REJECTED" });
    await loadWeek([taken, attended, cancelled, rejected]);
    const host = { ...hostsOf().A, busy: [span("2030-01-08T10:00:00Z", 60), span("2030-01-09T09:00:00Z", 30)] };
    const data = await slots(`eventTypeId=${ET.thirty}&${WEEK}`);
    expect(data).toEqual(week(host));
    expect(data["2030-01-08"]).not.toContainEqual({ start: "2030-01-08T10:30:00.000Z" });
    expect(data["2030-01-08"]).toContainEqual({ start: "2030-01-08T14:00:00.000Z" });
    // Rescheduling that booking: its own time is free again.
    const rescheduling = await slots(`eventTypeId=${ET.thirty}&${WEEK}&bookingUidToReschedule=${taken.uid}`);
    expect(rescheduling).toEqual(week({ ...hostsOf().A, busy: [span("2030-01-09T09:00:00Z", 30)] }));
  });

  it("a pending booking blocks only when its event type requires confirmation and blocks unconfirmed bookings", async () => {
    await loadWeek([booking(ET.blocking, "2030-01-08T11:00:00Z", 30, { status: "PENDING" }), booking(ET.pending, "2030-01-08T12:00:00Z", 30, { status: "PENDING" })]);
    expect(await slots(`eventTypeId=${ET.thirty}&${WEEK}`)).toEqual(week({ ...hostsOf().A, busy: [span("2030-01-08T11:00:00Z", 30)] }));
  });

  it("buffers: the booking's event type's and this one's add up around it", async () => {
    await loadWeek([booking(ET.thirty, "2030-01-08T11:00:00Z", 30)]);
    // This event type's 15 before and 30 after: busy from 10:30 (11:00 − 30 after) to 11:45 (11:30 + 15 before).
    const data = await slots(`eventTypeId=${ET.buffered}&start=2030-01-08&end=2030-01-08`);
    expect(data).toEqual(expected({ hosts: [{ ...hostsOf().A, busy: [[utc("2030-01-08T10:30:00Z"), utc("2030-01-08T11:45:00Z")]] }], length: 30, start: "2030-01-08", end: "2030-01-08" }));
    expect(data["2030-01-08"]).not.toContainEqual({ start: "2030-01-08T11:30:00.000Z" });
  });

  it("a seated event type shows its seats; a booking leaves its slot open until its seats are taken", async () => {
    const two = booking(ET.seated, "2030-01-08T10:00:00Z", 60, {
      attendees: [1, 2].map((n) => ({ id: 7000 + n, email: `s${n}@example.com`, name: `S${n}`, timeZone: "UTC" })),
    });
    const full = booking(ET.seated, "2030-01-09T10:00:00Z", 60, {
      attendees: [1, 2, 3].map((n) => ({ id: 7100 + n, email: `f${n}@example.com`, name: `F${n}`, timeZone: "UTC" })),
    });
    await loadWeek([two, full]);
    const data = await slots(`eventTypeId=${ET.seated}&start=2030-01-08&end=2030-01-09`);
    expect(data).toEqual(
      expected({
        hosts: [{ ...hostsOf().A, busy: [span("2030-01-09T10:00:00Z", 60)] }], length: 60, start: "2030-01-08", end: "2030-01-09",
        seats: { total: 3, taken: new Map([[utc("2030-01-08T10:00:00Z"), { booked: 2, uid: two.uid }]]) },
      }),
    );
    expect(data["2030-01-08"]).toContainEqual({ start: "2030-01-08T10:00:00.000Z", seatsBooked: 2, seatsRemaining: 1, seatsTotal: 3, bookingUid: two.uid });
    expect(data["2030-01-08"]).toContainEqual({ start: "2030-01-08T11:00:00.000Z", seatsBooked: 0, seatsRemaining: 3, seatsTotal: 3 });
    expect(data["2030-01-09"]).not.toContainEqual(expect.objectContaining({ start: "2030-01-09T10:00:00.000Z" }));
  });
});

describe("reservations", () => {
  beforeEach(() => loadWeek());
  const week = (reserved: Array<[number, number]>, now = NOW) => expected({ hosts: [hostsOf().A], length: 30, start: "2030-01-07", end: "2030-01-11", reserved, now });

  it("a reservation hides its slot (from every event type of the host) until it expires, and the next query deletes it", async () => {
    const made = await send("POST", "/v2/slots/reservations", { eventTypeId: ET.sixty, slotStart: "2030-01-08T10:00:00Z" });
    expect(made.status).toBe(201);
    expect(made.body.data).toEqual({
      eventTypeId: ET.sixty, slotStart: "2030-01-08T10:00:00.000Z", slotEnd: "2030-01-08T11:00:00.000Z", slotDuration: 60,
      reservationUid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/), reservationDuration: 5,
      reservationUntil: "2030-01-07T08:05:00.000Z",
    });
    expect(Object.keys(made.body.data)).toEqual(["eventTypeId", "slotStart", "slotEnd", "slotDuration", "reservationUid", "reservationDuration", "reservationUntil"]);
    expect(await slots(`eventTypeId=${ET.thirty}&${WEEK}`)).toEqual(week([span("2030-01-08T10:00:00Z", 60)]));
    await api.request("POST", "/__admin/clock/advance", { key: null, body: { by: "4m" } });
    expect(await slots(`eventTypeId=${ET.thirty}&${WEEK}`)).toEqual(week([span("2030-01-08T10:00:00Z", 60)], "2030-01-07T08:04:00Z"));
    // At releaseAt it no longer holds; a query for another event type leaves the row, one for its own deletes it.
    await api.request("POST", "/__admin/clock/advance", { key: null, body: { by: "1m" } });
    expect(await slots(`eventTypeId=${ET.thirty}&${WEEK}`)).toEqual(week([], "2030-01-07T08:05:00Z"));
    expect((await api.state()).selectedSlots).toHaveLength(1);
    // Exactly at releaseAt it neither holds (releaseAt > now) nor is deleted (releaseAt < now).
    await slots(`eventTypeId=${ET.sixty}&${WEEK}`);
    expect((await api.state()).selectedSlots).toHaveLength(1);
    await api.request("POST", "/__admin/clock/advance", { key: null, body: { by: 1000 } });
    await slots(`eventTypeId=${ET.sixty}&${WEEK}`);
    expect((await api.state()).selectedSlots).toEqual([]);
  });

  it("a second reservation overlapping the first is 422; touching is fine; a booked slot is 422; any time may be reserved", async () => {
    expect((await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z" })).status).toBe(201);
    const again = await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:15:00Z" });
    expectError(again, 422, "UnprocessableEntityException", "This time slot is already reserved by another user. Please choose a different time.");
    expect((await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:30:00Z" })).status).toBe(201);
    // 03:00 on a Sunday: outside every schedule, reserved all the same.
    expect((await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-13T03:00:00Z" })).status).toBe(201);
    await loadWeek([booking(ET.thirty, "2030-01-08T12:00:00Z", 30)]);
    expectError(await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T12:15:00Z" }), 422, "UnprocessableEntityException", "Can't reserve a slot if the event is already booked.");
  });

  it("reservationDuration: 401 without a key, 403 for a caller with no say, the owner's holds that long", async () => {
    const body = { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z", reservationDuration: 60 };
    expectError(await send("POST", "/v2/slots/reservations", body), 401, "UnauthorizedException", "reservationDuration can only be used for authenticated requests - use access token, api key or OAuth credentials");
    expectError(
      await send("POST", "/v2/slots/reservations", body, OUTSIDER_KEY),
      403,
      "ForbiddenException",
      "authenticated user is not owner of event type, does not have memberships in common with owner of the event type, nor does belong to event type's team or org.",
    );
    expectError(await send("POST", "/v2/slots/reservations", body, "cal_unknown_key"), 401, "UnauthorizedException");
    // A member of the same organization shares a membership with the owner.
    const held = await send("POST", "/v2/slots/reservations", body, MEMBER_KEY);
    expect(held.status).toBe(201);
    expect(held.body.data).toMatchObject({ reservationDuration: 60, reservationUntil: "2030-01-07T09:00:00.000Z" });
  });

  it("slotDuration, slotStart and event type refusals, in Cal.com's words", async () => {
    const post = (body: unknown) => send("POST", "/v2/slots/reservations", body);
    expectError(await post({ eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z", slotDuration: 45 }), 400, "BadRequestException", "You passed 'slotDuration' but this event type is not a variable length event type.");
    expectError(
      await post({ eventTypeId: ET.variable, slotStart: "2030-01-08T10:00:00Z", slotDuration: 20 }),
      400,
      "BadRequestException",
      "Provided 'slotDuration' is not one of the possible lengths for the event type. The possible lengths for this variable length event type are: 15, 30, 45",
    );
    const variable = await post({ eventTypeId: ET.variable, slotStart: "2030-01-08T10:00:00Z", slotDuration: 45 });
    expect(variable.body.data).toMatchObject({ slotEnd: "2030-01-08T10:45:00.000Z", slotDuration: 45 });
    expectError(await post({ eventTypeId: 999_999, slotStart: "2030-01-08T10:00:00Z" }), 404, "NotFoundException", "Event Type with ID=999999 not found");
    expectError(await post({ eventTypeId: ET.thirty, slotStart: "next tuesday" }), 400, "BadRequestException", /body slotStart: must be a valid ISO 8601 date string/);
    // ISO 8601 to class-validator, a date that does not exist to luxon.
    expectError(await post({ eventTypeId: ET.thirty, slotStart: "2030-02-30T10:00:00Z" }), 400, "BadRequestException", "Invalid start date");
  });

  it("GET answers the reservation (expired too) or data null; DELETE takes every row of the uid and answers success even for none", async () => {
    const made = (await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z" })).body.data;
    const read = await get(`/v2/slots/reservations/${made.reservationUid}`);
    expect(read.body).toEqual({
      status: "success",
      data: { reservationUid: made.reservationUid, eventTypeId: ET.thirty, slotStart: made.slotStart, slotEnd: made.slotEnd, slotDuration: 30, reservationUntil: made.reservationUntil },
    });
    await api.request("POST", "/__admin/clock/advance", { key: null, body: { by: "1h" } });
    expect((await get(`/v2/slots/reservations/${made.reservationUid}`)).body.data.reservationUid).toBe(made.reservationUid);
    expect((await get("/v2/slots/reservations/no-such-uid")).body).toEqual({ status: "success", data: null });
    const gone = await send("DELETE", `/v2/slots/reservations/${made.reservationUid}`);
    expect([gone.status, gone.body]).toEqual([200, { status: "success" }]);
    expect((await api.state()).selectedSlots).toEqual([]);
    expect((await send("DELETE", "/v2/slots/reservations/no-such-uid")).body).toEqual({ status: "success" });
  });

  it("PATCH moves it and holds it afresh; an unknown uid is 404; onto a time overlapping its own, it refuses itself", async () => {
    const made = (await send("POST", "/v2/slots/reservations", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z" })).body.data;
    const path = `/v2/slots/reservations/${made.reservationUid}`;
    expectError(await send("PATCH", path, { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:15:00Z" }), 422, "UnprocessableEntityException", "This time slot is already reserved by another user. Please choose a different time.");
    await api.request("POST", "/__admin/clock/advance", { key: null, body: { by: "2m" } });
    // No authentication asked for reservationDuration here, unlike POST.
    const moved = await send("PATCH", path, { eventTypeId: ET.sixty, slotStart: "2030-01-09T13:00:00Z", reservationDuration: 30 });
    expect(moved.status).toBe(200);
    expect(moved.body.data).toEqual({ ...made, eventTypeId: ET.sixty, slotStart: "2030-01-09T13:00:00.000Z", slotEnd: "2030-01-09T14:00:00.000Z", slotDuration: 60, reservationDuration: 30, reservationUntil: "2030-01-07T08:32:00.000Z" });
    expect(await slots(`eventTypeId=${ET.thirty}&${WEEK}`)).toEqual(week([span("2030-01-09T13:00:00Z", 60)], "2030-01-07T08:02:00Z"));
    expectError(await send("PATCH", "/v2/slots/reservations/no-such-uid", { eventTypeId: ET.thirty, slotStart: "2030-01-08T10:00:00Z" }), 404, "NotFoundException", "Slot with uid=no-such-uid not found");
  });

  it("round robin: a reservation of the exact slot by every host refuses the next; the slot stays shown while another host is free", async () => {
    const body = { eventTypeId: ET.roundRobin, slotStart: "2030-01-08T14:00:00Z" };
    expect((await send("POST", "/v2/slots/reservations", body)).status).toBe(201);
    expect((await send("POST", "/v2/slots/reservations", body)).status).toBe(201);
    expectError(await send("POST", "/v2/slots/reservations", body), 422, "UnprocessableEntityException", "Can't reserve the slot because the round robin event type has no available hosts left at this time slot.");
  });
});

describe("refusals (calcom-availability-behavior.md §4)", () => {
  beforeAll(() => loadWeek());
  const refused = async (query: string, message: string, status = 400) => {
    const res = await get(`/v2/slots?${query}`);
    expectError(res, status, status === 400 ? "BadRequestException" : "NotFoundException", message);
    return res;
  };

  it("unknown keys, each in the pipe's words (trailing space included), before the class's own errors", async () => {
    const res = await refused(`eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08&slotFormat=range`, "slotFormat property is wrong,property slotFormat should not exist ");
    expect(res.body.error.details).toEqual({ message: "slotFormat property is wrong,property slotFormat should not exist ", error: "Bad Request", statusCode: 400 });
    expect(res.headers.get("x-calcom-mock-diagnostics")).toContain("query slotFormat");
    await refused(
      "eventTypeID=1&start=2030-01-08&end=2030-01-08",
      "eventTypeID property is wrong,property eventTypeID should not exist , usernames property is wrong,each value in usernames must be a string, The array must contain at least 2 elements., usernames must be an array , organizationSlug property is wrong,organizationSlug must be a string ",
    );
    // username without eventTypeSlug is the usernames form, which has no username.
    await refused(`username=bob&usernames=a,b&organizationSlug=${orgSlug}&start=2030-01-08&end=2030-01-08`, "username property is wrong,property username should not exist ");
  });

  it("start, end, timeZone, format, eventTypeId and duration values", async () => {
    const q = `eventTypeId=${ET.thirty}`;
    await refused(`${q}&start=tomorrow&end=2030-01-08`, "start property is wrong,start must be a valid ISO 8601 date string ");
    await refused(`${q}&start=2050-02-30&end=2050-03-01`, "start property is wrong,start must be a valid ISO 8601 date string ");
    await refused(`${q}&start=2030-01-08`, "end property is wrong,end must be a valid ISO 8601 date string ");
    await refused(`${q}&start=2030-01-08&end=2030-01-08&timeZone=Mars/Base`, "timeZone property is wrong,timeZone must be a valid IANA time-zone ");
    await refused(`${q}&start=2030-01-08&end=2030-01-08&timeZone=GMT%2B2`, "timeZone property is wrong,timeZone must be a valid IANA time-zone ");
    await refused(`${q}&start=2030-01-08&end=2030-01-08&format=html`, "format property is wrong,slotFormat must be either 'range' or 'time' ");
    await refused("eventTypeId=abc&start=2030-01-08&end=2030-01-08", "eventTypeId property is wrong,eventTypeId must be a number conforming to the specified constraints ");
    await refused(`${q}&start=2030-01-08&end=2030-01-08&duration=long`, "duration property is wrong,duration must be a number conforming to the specified constraints ");
    // ISO 8601 to class-validator (hours alone, a space), but not to luxon: the input service's own 400.
    await refused(`${q}&start=2030-01-08%2010:00&end=2030-01-09`, "Invalid start date");
  });

  it("what the query names but the state lacks: 404 in Cal.com's words, in its order", async () => {
    await refused("eventTypeId=999999&start=2030-01-08&end=2030-01-08", "Event Type not found", 404);
    const username = base.users.find((u) => u.id === A)!.username;
    await refused(`username=${username}&eventTypeSlug=nothing&start=2030-01-08&end=2030-01-08`, "Event Type not found", 404);
    await refused("username=nobody-here&eventTypeSlug=thirty&start=2030-01-08&end=2030-01-08", "User with username nobody-here not found", 404);
    await refused(`username=${username}&eventTypeSlug=thirty&organizationSlug=no-org&start=2030-01-08&end=2030-01-08`, "slots-input.service.ts: Organization with slug no-org not found", 404);
    // An organization's team is found only with its organization.
    await refused(`teamSlug=${teamSlug}&eventTypeSlug=rr&start=2030-01-08&end=2030-01-08`, `Team with slug ${teamSlug} not found`, 404);
    await refused(`teamSlug=no-team&eventTypeSlug=rr&organizationSlug=${orgSlug}&start=2030-01-08&end=2030-01-08`, "Team with slug no-team not found", 404);
    // The lookup comes before the dates are read.
    await refused("eventTypeId=999999&start=2030-01-08%2010:00&end=2030-01-08", "Event Type not found", 404);
  });

  it("usernames: at least two, and organizationSlug with them", async () => {
    await refused(`usernames=alice&organizationSlug=${orgSlug}&start=2030-01-08&end=2030-01-08`, "usernames property is wrong,The array must contain at least 2 elements. ");
    await refused("usernames=alice,bob&start=2030-01-08&end=2030-01-08", "organizationSlug property is wrong,organizationSlug must be a string ");
  });

  it("cal-api-version: missing or another version is the router's 404 (Cal.com's 2024-04-15 routes have no such path)", async () => {
    const path = `/v2/slots?eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08`;
    expectError(await get(path, {}), 404, "NotFoundException", `Cannot GET ${path}`);
    expectError(await get(path, { "cal-api-version": "2024-08-13" }), 404, "NotFoundException", `Cannot GET ${path}`);
    expectError(await api.request("GET", "/v2/slots/reservations/x", { key: null }), 404, "NotFoundException", "Cannot GET /v2/slots/reservations/x");
  });
});

describe("a booking made after a slots answer changes the next answer (the response cache keys slots by the clock)", () => {
  it("with the clock frozen, a booking added through /__admin/state is seen at once", async () => {
    await loadWeek();
    const q = `eventTypeId=${ET.thirty}&start=2030-01-08&end=2030-01-08`;
    const before = await slots(q);
    const state = await api.state();
    state.bookings.push(booking(ET.thirty, "2030-01-08T13:00:00Z", 30));
    expect((await api.request("PUT", "/__admin/state", { key: null, body: state })).status).toBe(200);
    const after = await slots(q);
    expect(before["2030-01-08"]).toContainEqual({ start: "2030-01-08T13:00:00.000Z" });
    expect(after["2030-01-08"]).not.toContainEqual({ start: "2030-01-08T13:00:00.000Z" });
  });
});
