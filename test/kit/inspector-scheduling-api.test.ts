import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Booking, Schedule, State, User } from "../../src/store/schema.js";
import { startMock, type Client } from "../support/harness.js";
import type { MockServer } from "../../src/server.js";
import { admin } from "./helpers.js";

/**
 * The read endpoints of the inspector's scheduling views, over HTTP: GET /__admin/inspector/week, /bookings,
 * /bookings/{uid} and /event-types. Expectations come from Cal.com's rules (which schedule the slots read, date
 * overrides, the bookings list's status filters and order) and from the zones' offsets, never from the code.
 */

/** A Wednesday, 10:00 in London (GMT in January). */
const NOW = "2030-01-09T10:00:00.000Z";
const NOW_MS = Date.parse(NOW);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

let mock: MockServer;
let api: Client;
let state: State;
beforeAll(async () => {
  ({ mock, api } = await startMock({ now: NOW }));
});
afterAll(() => mock.close());
beforeEach(async () => {
  // Some tests move the clock; a reset leaves it where it is.
  await admin(mock.url, "PUT", "/clock", { now: NOW });
  await mock.reset({ scenario: "default", seed: 42 });
  state = await api.state();
});

const read = async <T = any>(path: string): Promise<T> => {
  const res = await admin(mock.url, "GET", path);
  expect(res.status, res.text).toBe(200);
  expect(res.body.status).toBe("success");
  return res.body.data as T;
};

/** Changes the state document and loads it, as a test would through PUT /__admin/state. */
async function load(change: (s: State) => void): Promise<void> {
  change(state);
  const res = await admin(mock.url, "PUT", "/state", state);
  expect(res.status, res.text).toBe(200);
}

const user = (username: string) => state.users.find((u) => u.username === username)!;
const schedulesOf = (u: User) => state.schedules.filter((sc) => sc.userId === u.id);
const iso = (ms: number) => new Date(ms).toISOString();

interface WeekDay {
  date: string;
  weekday: string;
  isToday: boolean;
  override: boolean;
  available: Array<{ start: string; end: string; startMinute: number; endMinute: number }>;
}
interface Week {
  zone: string;
  today: string;
  nowMark: { day: number; minute: number } | null;
  schedule: { id: number | null; name: string; timeZone: string; source: string };
  days: WeekDay[];
  bookings: Array<{ uid: string; status: string; role: string; lists: string[]; segments: Array<{ day: number; startMinute: number; endMinute: number }> }>;
  reservations: Array<{ uid: string; releaseAt: string }>;
  previous: string;
  next: string;
}

const week = (query: string) => read<Week>(`/inspector/week?${query}`);
const ranges = (d: WeekDay) => d.available.map((a) => `${a.start}–${a.end}`);
const minutes = (d: WeekDay) => d.available.map((a) => [a.startMinute, a.endMinute]);

describe("GET /__admin/inspector/week", () => {
  it("lays the owner's default schedule (Mon–Fri 09:00–17:00 London) on the week of the clock's today, from Sunday", async () => {
    const owner = user("owner");
    const w = await week(`userId=${owner.id}`);
    expect(w.zone).toBe("Europe/London");
    expect(w.schedule).toMatchObject({ id: owner.defaultScheduleId, timeZone: "Europe/London", source: "default" });
    // Cal.com's default week start is Sunday.
    expect(w.days.map((d) => `${d.weekday} ${d.date}`)).toEqual([
      "Sunday 2030-01-06", "Monday 2030-01-07", "Tuesday 2030-01-08", "Wednesday 2030-01-09", "Thursday 2030-01-10", "Friday 2030-01-11", "Saturday 2030-01-12",
    ]);
    expect(w.days.map((d) => d.isToday)).toEqual([false, false, false, true, false, false, false]);
    expect(w.today).toBe("2030-01-09");
    expect(w.nowMark).toEqual({ day: 3, minute: 600 });
    // London is UTC in January: 09:00–17:00 on each weekday, nothing at the weekend.
    expect(w.days.map((d) => ranges(d))).toEqual([
      [],
      ...["07", "08", "09", "10", "11"].map((d) => [`2030-01-${d}T09:00:00.000Z–2030-01-${d}T17:00:00.000Z`]),
      [],
    ]);
    expect(minutes(w.days[1]!)).toEqual([[540, 1020]]);
    expect([w.previous, w.next]).toEqual(["2029-12-30", "2030-01-13"]);
  });

  it("starts the week on the user's weekStart, and takes a date (read in the zone) or an instant of the week wanted", async () => {
    const owner = user("owner");
    await load((s) => {
      s.users.find((u) => u.id === owner.id)!.weekStart = "Monday";
    });
    expect((await week(`userId=${owner.id}`)).days.map((d) => d.date)).toEqual(["07", "08", "09", "10", "11", "12", "13"].map((d) => `2030-01-${d}`));
    expect((await week(`userId=${owner.id}&date=2030-01-20`)).days[0]!.date).toBe("2030-01-14");
    // 2030-01-20T23:30 in New York is already Monday the 21st in UTC: the week is the zone's.
    const ny = await week(`userId=${owner.id}&zone=America/New_York&date=2030-01-21T03:30:00Z`);
    expect(ny.days[0]!.date).toBe("2030-01-14");
  });

  it("lays the same instants out in another zone: New York is five hours behind London in January", async () => {
    const owner = user("owner");
    const w = await week(`userId=${owner.id}&zone=America/New_York`);
    expect(w.zone).toBe("America/New_York");
    expect(w.schedule.timeZone).toBe("Europe/London");
    const monday = w.days.find((d) => d.date === "2030-01-07")!;
    expect(ranges(monday)).toEqual(["2030-01-07T09:00:00.000Z–2030-01-07T17:00:00.000Z"]);
    expect(minutes(monday)).toEqual([[240, 720]]);
    // Now, 10:00 London, is 05:00 in New York.
    expect(w.nowMark).toEqual({ day: 3, minute: 300 });
    // Kolkata is 5:30 ahead: 14:30–22:30.
    const kolkata = await week(`userId=${owner.id}&zone=Asia/Kolkata`);
    expect(minutes(kolkata.days.find((d) => d.date === "2030-01-07")!)).toEqual([[870, 1350]]);
  });

  it("follows daylight saving: a New York schedule seen from London moves an hour earlier once New York changes (10 March 2030)", async () => {
    const owner = user("owner");
    await load((s) => {
      s.schedules.find((sc) => sc.id === owner.defaultScheduleId)!.timeZone = "America/New_York";
    });
    // Before: EST (UTC−5), London GMT: 09:00 New York is 14:00 London.
    const before = await week(`userId=${owner.id}&zone=Europe/London&date=2030-03-04`);
    expect(minutes(before.days.find((d) => d.date === "2030-03-04")!)).toEqual([[840, 1320]]);
    // After: EDT (UTC−4), London still GMT until 31 March: 13:00 London.
    const after = await week(`userId=${owner.id}&zone=Europe/London&date=2030-03-11`);
    expect(ranges(after.days.find((d) => d.date === "2030-03-11")!)).toEqual(["2030-03-11T13:00:00.000Z–2030-03-11T21:00:00.000Z"]);
    expect(minutes(after.days.find((d) => d.date === "2030-03-11")!)).toEqual([[780, 1260]]);
    // Without a zone the week is the schedule's: 09:00–17:00 on its own clock.
    const own = await week(`userId=${owner.id}&date=2030-03-11`);
    expect(own.zone).toBe("America/New_York");
    expect(minutes(own.days.find((d) => d.date === "2030-03-11")!)).toEqual([[540, 1020]]);
  });

  it("date overrides replace their day: other hours, none at all (start = end), 23:59 reaching midnight", async () => {
    const owner = user("owner");
    await load((s) => {
      s.schedules.find((sc) => sc.id === owner.defaultScheduleId)!.overrides = [
        { date: "2030-01-07", startTime: "10:00", endTime: "13:00" },
        { date: "2030-01-08", startTime: "00:00", endTime: "00:00" },
        { date: "2030-01-12", startTime: "18:00", endTime: "23:59" },
      ];
    });
    const w = await week(`userId=${owner.id}`);
    const byDate = (date: string) => w.days.find((d) => d.date === date)!;
    expect(ranges(byDate("2030-01-07"))).toEqual(["2030-01-07T10:00:00.000Z–2030-01-07T13:00:00.000Z"]);
    expect(byDate("2030-01-07").override).toBe(true);
    expect(ranges(byDate("2030-01-08"))).toEqual([]);
    expect(ranges(byDate("2030-01-12"))).toEqual(["2030-01-12T18:00:00.000Z–2030-01-13T00:00:00.000Z"]);
    expect(minutes(byDate("2030-01-12"))).toEqual([[1080, 1440]]);
    expect(ranges(byDate("2030-01-09"))).toEqual(["2030-01-09T09:00:00.000Z–2030-01-09T17:00:00.000Z"]);
    expect(byDate("2030-01-09").override).toBe(false);
  });

  it("reads the schedule a slots request reads: the default, else the first, else Cal.com's fallback (a deleted default too)", async () => {
    const member = user("member");
    const [hours, evenings] = schedulesOf(member) as [Schedule, Schedule];
    expect(evenings.name).toBe("Evenings");
    // The default named: Evenings, Mon–Thu 18:00–21:00.
    await load((s) => {
      s.users.find((u) => u.id === member.id)!.defaultScheduleId = evenings.id;
    });
    let w = await week(`userId=${member.id}`);
    expect(w.schedule).toMatchObject({ id: evenings.id, source: "default" });
    expect(ranges(w.days.find((d) => d.date === "2030-01-07")!)).toEqual(["2030-01-07T18:00:00.000Z–2030-01-07T21:00:00.000Z"]);
    expect(ranges(w.days.find((d) => d.date === "2030-01-11")!)).toEqual([]);
    // No default id: the first schedule.
    await load((s) => {
      s.users.find((u) => u.id === member.id)!.defaultScheduleId = null;
    });
    w = await week(`userId=${member.id}`);
    expect(w.schedule).toMatchObject({ id: hours.id, source: "first" });
    // A default id naming a deleted schedule: the fallback, although another schedule is left.
    await load((s) => {
      s.users.find((u) => u.id === member.id)!.defaultScheduleId = hours.id;
      s.schedules = s.schedules.filter((sc) => sc.id !== hours.id);
      for (const e of s.eventTypes) if (e.scheduleId === hours.id) e.scheduleId = null;
    });
    w = await week(`userId=${member.id}`);
    expect(w.schedule).toMatchObject({ id: null, source: "fallback" });
    expect(ranges(w.days.find((d) => d.date === "2030-01-07")!)).toEqual(["2030-01-07T09:00:00.000Z–2030-01-07T17:00:00.000Z"]);
  });

  it("a user without schedules: Monday to Friday 09:00–17:00 in the user's own zone", async () => {
    const member = user("member");
    await load((s) => {
      s.users.find((u) => u.id === member.id)!.timeZone = "Asia/Kolkata";
      s.schedules = s.schedules.filter((sc) => sc.userId !== member.id);
    });
    const w = await week(`userId=${member.id}`);
    expect(w.zone).toBe("Asia/Kolkata");
    expect(w.schedule).toMatchObject({ source: "fallback", timeZone: "Asia/Kolkata" });
    // 09:00 in Kolkata (UTC+5:30) is 03:30 UTC.
    expect(ranges(w.days.find((d) => d.date === "2030-01-07")!)).toEqual(["2030-01-07T03:30:00.000Z–2030-01-07T11:30:00.000Z"]);
    expect(ranges(w.days.find((d) => d.date === "2030-01-12")!)).toEqual([]);
  });

  it("draws the bookings the user organizes or attends, in every status, and reservations until they are released", async () => {
    const owner = user("owner");
    const admin2 = user("admin");
    const eventType = state.eventTypes.find((e) => e.userId === owner.id)!;
    const otherType = state.eventTypes.find((e) => e.userId === admin2.id)!;
    let id = Math.max(...state.bookings.map((b) => b.id));
    let attendeeId = Math.max(...state.bookings.flatMap((b) => b.attendees.map((a) => a.id)));
    const make = (over: Partial<Booking> & Pick<Booking, "uid" | "startTime" | "endTime" | "status">): Booking => ({
      id: ++id,
      userId: owner.id,
      eventTypeId: eventType.id,
      title: over.uid,
      attendees: [{ id: ++attendeeId, email: `${over.uid}@example.com`, name: over.uid, timeZone: "UTC" }],
      createdAt: "2030-01-01T00:00:00.000Z",
      ...over,
    });
    await load((s) => {
      s.bookings = s.bookings.filter((b) => b.userId !== owner.id && !b.attendees.some((a) => a.email === owner.email));
      s.bookings.push(
        make({ uid: "wkAccepted", startTime: "2030-01-07T10:00:00.000Z", endTime: "2030-01-07T10:30:00.000Z", status: "ACCEPTED" }),
        make({ uid: "wkPending", startTime: "2030-01-09T14:00:00.000Z", endTime: "2030-01-09T14:30:00.000Z", status: "PENDING" }),
        make({ uid: "wkCancelled", startTime: "2030-01-10T11:00:00.000Z", endTime: "2030-01-10T11:30:00.000Z", status: "CANCELLED" }),
        make({ uid: "wkRejected", startTime: "2030-01-11T15:00:00.000Z", endTime: "2030-01-11T15:30:00.000Z", status: "REJECTED" }),
        // The owner attends the admin's booking.
        make({
          uid: "wkAttending", userId: admin2.id, eventTypeId: otherType.id, startTime: "2030-01-08T16:00:00.000Z", endTime: "2030-01-08T17:00:00.000Z", status: "ACCEPTED",
          attendees: [{ id: ++attendeeId, email: owner.email, name: "Owner", timeZone: "Europe/London" }],
        }),
        // Over midnight into Sunday the 13th, the next week.
        make({ uid: "wkOvernight", startTime: "2030-01-12T23:30:00.000Z", endTime: "2030-01-13T00:30:00.000Z", status: "ACCEPTED" }),
        // Last week.
        make({ uid: "wkBefore", startTime: "2030-01-03T10:00:00.000Z", endTime: "2030-01-03T10:30:00.000Z", status: "ACCEPTED" }),
      );
      const reservation = (n: number, start: string, releaseAt: string) => ({
        id: 100 + n, uid: `wkReservation${n}`, eventTypeId: eventType.id, userId: owner.id,
        slotUtcStartDate: start, slotUtcEndDate: iso(Date.parse(start) + 30 * 60_000), releaseAt,
      });
      s.selectedSlots = [
        reservation(1, "2030-01-09T15:00:00.000Z", iso(NOW_MS + 5 * 60_000)),
        // Released exactly now: Cal.com hides slots only while releaseAt is after now.
        reservation(2, "2030-01-09T16:00:00.000Z", NOW),
        reservation(3, "2030-01-09T16:30:00.000Z", iso(NOW_MS - 60_000)),
        // Live, but next week.
        reservation(4, "2030-01-14T10:00:00.000Z", iso(NOW_MS + 5 * 60_000)),
      ];
    });
    const w = await week(`userId=${owner.id}`);
    expect(w.bookings.map((b) => `${b.uid} ${b.status} ${b.role}`)).toEqual([
      "wkAccepted accepted organizer",
      "wkAttending accepted attendee",
      "wkPending pending organizer",
      "wkCancelled cancelled organizer",
      "wkRejected rejected organizer",
      "wkOvernight accepted organizer",
    ]);
    // The part of the overnight booking that falls in this week: Saturday 23:30 to midnight.
    expect(w.bookings.find((b) => b.uid === "wkOvernight")!.segments).toEqual([{ day: 6, startMinute: 1410, endMinute: 1440 }]);
    expect(w.bookings.find((b) => b.uid === "wkPending")!.lists).toEqual(["upcoming", "unconfirmed"]);
    expect(w.reservations.map((r) => r.uid)).toEqual(["wkReservation1"]);
    const next = await week(`userId=${owner.id}&date=${w.next}`);
    expect(next.bookings.find((b) => b.uid === "wkOvernight")!.segments).toEqual([{ day: 0, startMinute: 0, endMinute: 30 }]);
    expect(next.reservations.map((r) => r.uid)).toEqual(["wkReservation4"]);
    // Five minutes later the reservation is released, and the week no longer shows it.
    await admin(mock.url, "POST", "/clock/advance", { by: "5m" });
    expect((await week(`userId=${owner.id}`)).reservations).toEqual([]);
  });

  it("refuses what it cannot read, in the control API's error envelope", async () => {
    const cases: Array<[string, number, RegExp]> = [
      ["", 400, /userId: required/],
      ["userId=abc", 400, /userId/],
      ["userId=1&zone=Mars/Olympus", 400, /zone: Mars\/Olympus is not an IANA time zone/],
      ["userId=1&date=2030-02-30", 400, /date/],
      ["userId=1&date=next-week", 400, /date/],
      ["userId=1&zone=UTC&zone=Europe/London", 400, /zone: must be given once/],
      ["userId=99999", 404, /No user with id 99999/],
    ];
    for (const [query, status, message] of cases) {
      const res = await admin(mock.url, "GET", `/inspector/week?${query}`);
      expect([query, res.status]).toEqual([query, status]);
      expect(res.body).toMatchObject({ status: "error", error: { message: expect.stringMatching(message) } });
    }
  });
});

describe("GET /__admin/inspector/bookings", () => {
  const EMAIL = "lists@example.com";

  /**
   * Bookings of one attendee, one of each case of Cal.com's status filters (getAllUserBookings) at the clock's now.
   */
  async function listCases() {
    const owner = user("owner");
    const eventType = state.eventTypes.find((e) => e.userId === owner.id)!;
    let id = Math.max(...state.bookings.map((b) => b.id));
    let attendeeId = Math.max(...state.bookings.flatMap((b) => b.attendees.map((a) => a.id)));
    const at = (ms: number, minutes = 30) => ({ startTime: iso(ms), endTime: iso(ms + minutes * 60_000) });
    const make = (uid: string, status: Booking["status"], times: { startTime: string; endTime: string }, over: Partial<Booking> = {}): Booking => ({
      id: ++id, uid, userId: owner.id, eventTypeId: eventType.id, title: uid, status, ...times,
      attendees: [{ id: ++attendeeId, email: EMAIL, name: "Lists", timeZone: "UTC" }], createdAt: "2030-01-01T00:00:00.000Z", ...over,
    });
    await load((s) => {
      s.bookings.push(
        make("ltPastAccepted", "ACCEPTED", at(NOW_MS - 2 * HOUR)),
        make("ltPendingAhead", "PENDING", at(NOW_MS + DAY)),
        make("ltPendingOver", "PENDING", at(NOW_MS - DAY)),
        make("ltRejectedAhead", "REJECTED", at(NOW_MS + DAY + HOUR)),
        make("ltCancelledOver", "CANCELLED", at(NOW_MS - DAY - HOUR)),
        make("ltRecurringPending", "PENDING", at(NOW_MS + 2 * DAY), { recurringEventId: "series-1" }),
        make("ltRecurringAccepted", "ACCEPTED", at(NOW_MS + 3 * DAY), { recurringEventId: "series-2" }),
        make("ltEndsNow", "ACCEPTED", at(NOW_MS - 30 * 60_000)),
        make("ltAwaitingHost", "AWAITING_HOST", at(NOW_MS + 4 * DAY)),
      );
    });
    return { owner, eventType };
  }

  const uids = async (query: string) => (await read<{ items: Array<{ uid: string }> }>(`/inspector/bookings?${query}&take=500`)).items.map((b) => b.uid);

  it("lists as Cal.com's status filters do at the mock's clock, each in its default order", async () => {
    await listCases();
    const email = `email=${encodeURIComponent(EMAIL)}`;
    // Upcoming: not over; a recurring occurrence only once accepted; soonest first.
    expect(await uids(`${email}&status=upcoming`)).toEqual(["ltEndsNow", "ltPendingAhead", "ltRecurringAccepted", "ltAwaitingHost"]);
    // Past: over (a booking ending exactly now is both), neither cancelled nor rejected, latest first.
    expect(await uids(`${email}&status=past`)).toEqual(["ltEndsNow", "ltPastAccepted", "ltPendingOver"]);
    // Cancelled holds the rejected, latest first.
    expect(await uids(`${email}&status=cancelled`)).toEqual(["ltRejectedAhead", "ltCancelledOver"]);
    // Unconfirmed: pending and not over, a recurring occurrence too.
    expect(await uids(`${email}&status=unconfirmed`)).toEqual(["ltPendingAhead", "ltRecurringPending"]);
    expect(await uids(`${email}&status=recurring`)).toEqual(["ltRecurringPending", "ltRecurringAccepted"]);
    // Several lists: OR-combined, soonest first; none: everything, soonest first.
    expect(await uids(`${email}&status=unconfirmed,cancelled`)).toEqual(["ltCancelledOver", "ltPendingAhead", "ltRejectedAhead", "ltRecurringPending"]);
    const all = await uids(email);
    expect(all).toEqual([
      "ltCancelledOver", "ltPendingOver", "ltPastAccepted", "ltEndsNow", "ltPendingAhead", "ltRejectedAhead", "ltRecurringPending", "ltRecurringAccepted", "ltAwaitingHost",
    ]);
    const page = await read(`/inspector/bookings?${email}`);
    expect(page.counts).toEqual({ all: 9, upcoming: 4, recurring: 2, past: 3, cancelled: 2, unconfirmed: 2 });
    expect(page.now).toBe(NOW);
    // A day and an hour later, tomorrow's first booking is over.
    await admin(mock.url, "POST", "/clock/advance", { by: "1d1h" });
    expect(await uids(`${email}&status=unconfirmed`)).toEqual(["ltRecurringPending"]);
    expect(await uids(`${email}&status=past`)).toEqual(["ltPendingAhead", "ltEndsNow", "ltPastAccepted", "ltPendingOver"]);
  });

  it("filters by a host's or an attendee's e-mail (any case), event type and dates (start at or after, end at or before)", async () => {
    const { owner, eventType } = await listCases();
    const hosted = state.bookings.filter((b) => b.userId === owner.id || b.attendees.some((a) => a.email === owner.email));
    expect((await uids(`email=${encodeURIComponent(owner.email.toUpperCase())}`)).sort()).toEqual(hosted.map((b) => b.uid).sort());
    expect(await uids(`email=nobody@example.com`)).toEqual([]);
    const ofType = state.bookings.filter((b) => b.eventTypeId === eventType.id).map((b) => b.uid).sort();
    expect((await uids(`eventTypeId=${eventType.id}`)).sort()).toEqual(ofType);
    const email = `email=${encodeURIComponent(EMAIL)}`;
    // Boundaries included: a booking starting at afterStart, one ending at beforeEnd.
    expect(await uids(`${email}&afterStart=${iso(NOW_MS + DAY)}&beforeEnd=${iso(NOW_MS + 2 * DAY + 30 * 60_000)}`)).toEqual([
      "ltPendingAhead", "ltRejectedAhead", "ltRecurringPending",
    ]);
    // A date is its UTC midnight.
    expect(await uids(`${email}&afterStart=2030-01-12`)).toEqual(["ltRecurringAccepted", "ltAwaitingHost"]);
    expect(await uids(`${email}&eventTypeId=${eventType.id}&status=cancelled`)).toEqual(["ltRejectedAhead", "ltCancelledOver"]);
  });

  it("pages, and answers each booking's row with its host, event type, attendees and lists", async () => {
    await listCases();
    const email = `email=${encodeURIComponent(EMAIL)}`;
    const first = await read(`/inspector/bookings?${email}&take=4`);
    const second = await read(`/inspector/bookings?${email}&take=4&skip=4`);
    expect([first.total, first.skip, first.take, first.items.length, second.items.length]).toEqual([9, 0, 4, 4, 4]);
    expect([...first.items, ...second.items].map((b: { uid: string }) => b.uid)).toEqual((await uids(email)).slice(0, 8));
    const owner = user("owner");
    const row = (await read(`/inspector/bookings?${email}&status=unconfirmed&take=1`)).items[0];
    expect(row).toMatchObject({
      uid: "ltPendingAhead",
      status: "pending",
      start: iso(NOW_MS + DAY),
      end: iso(NOW_MS + DAY + 30 * 60_000),
      host: { id: owner.id, email: owner.email },
      eventType: { slug: expect.any(String), title: expect.any(String) },
      attendees: [{ name: "Lists", email: EMAIL }],
      lists: ["upcoming", "unconfirmed"],
    });
  });

  it("refuses bad filters and paging", async () => {
    for (const [query, message] of [
      ["status=bogus", /status: bogus is not one of upcoming, recurring, past, cancelled, unconfirmed/],
      ["status=upcoming,", /status/],
      ["take=0", /take/],
      ["take=501", /take/],
      ["eventTypeId=x", /eventTypeId/],
      ["afterStart=yesterday", /afterStart/],
      ["beforeEnd=2030-13-01", /beforeEnd/],
    ] as const) {
      const res = await admin(mock.url, "GET", `/inspector/bookings?${query}`);
      expect([query, res.status]).toEqual([query, 400]);
      expect(res.body.error.message).toMatch(message);
    }
  });
});

describe("GET /__admin/inspector/bookings/{uid} and /event-types", () => {
  it("gives one booking whole, with the reschedule links both ways", async () => {
    const rescheduled = state.bookings.find((b) => b.rescheduled && state.bookings.some((n) => n.fromReschedule === b.uid))!;
    const replacement = state.bookings.find((b) => b.fromReschedule === rescheduled.uid)!;
    const old = await read(`/inspector/bookings/${rescheduled.uid}`);
    expect(old).toMatchObject({ uid: rescheduled.uid, status: "cancelled", rescheduled: true, rescheduledToUid: replacement.uid, rescheduledFromUid: null });
    const fresh = await read(`/inspector/bookings/${replacement.uid}`);
    expect(fresh).toMatchObject({ uid: replacement.uid, status: "accepted", rescheduledFromUid: rescheduled.uid, rescheduledToUid: null });
    expect(fresh.attendees[0]).toMatchObject({ email: replacement.attendees[0]!.email, timeZone: replacement.attendees[0]!.timeZone, noShow: false });
    expect(fresh.createdAt).toBe(replacement.createdAt);
    const res = await admin(mock.url, "GET", "/inspector/bookings/noSuchBooking");
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe("No booking with uid noSuchBooking");
  });

  it("finds event types by title, slug or id, with their owner or team and how many bookings each has", async () => {
    const sales = state.eventTypes.filter((e) => e.title.toLowerCase().includes("sales"));
    expect(sales.length).toBeGreaterThan(0);
    const found = await read(`/inspector/event-types?q=SALES`);
    expect(found.items.map((e: { id: number }) => e.id)).toEqual(sales.map((e) => e.id));
    const one = sales[0]!;
    const team = state.teams.find((t) => t.id === one.teamId)!;
    expect(found.items[0]).toMatchObject({ id: one.id, title: one.title, team: team.name, bookings: state.bookings.filter((b) => b.eventTypeId === one.id).length });
    expect((await read(`/inspector/event-types?q=${one.id}`)).items.map((e: { id: number }) => e.id)).toContain(one.id);
  });
});
