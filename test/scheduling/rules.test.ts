/** One test per rule of the slot engine, with the examples of calcom-availability-behavior.md. */
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  adjustQueryWindow,
  chooseSchedule,
  computeSlots,
  fallbackSchedule,
  formatSlots,
  freeHostIds,
  isSlotAvailable,
  type EventTypeRules,
  type HostBooking,
  type HostInput,
  type ReservationInput,
  type SlotsInput,
} from "../../src/scheduling/index.js";

const MIN = 60_000;
const t = (iso: string): number => Date.parse(iso);
const MONFRI = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"] as const;

function eventType(over: Partial<EventTypeRules> = {}): EventTypeRules {
  return {
    id: 1,
    length: 30,
    slotInterval: null,
    minimumBookingNotice: 120,
    beforeEventBuffer: 0,
    afterEventBuffer: 0,
    offsetStart: 0,
    schedulingType: null,
    seatsPerTimeSlot: null,
    onlyShowFirstAvailableSlot: false,
    timeZone: "UTC",
    ...over,
  };
}

function host(over: Partial<HostInput> = {}): HostInput {
  return { userId: 1, fixed: false, schedule: fallbackSchedule("UTC"), bookings: [], ...over };
}

function booking(start: string, end: string, over: Partial<HostBooking> = {}): HostBooking {
  return {
    uid: `b-${start}`,
    start: t(start),
    end: t(end),
    status: "accepted",
    eventTypeId: 1,
    beforeEventBuffer: 0,
    afterEventBuffer: 0,
    blocksWhilePending: false,
    organizedByHost: true,
    attendeeCount: 1,
    ...over,
  };
}

// 2050-09-05 is a Monday.
const NOW = t("2050-09-01T00:00:00Z");
function slots(over: {
  et?: Partial<EventTypeRules>;
  hosts?: HostInput[];
  reservations?: ReservationInput[];
  start?: string;
  end?: string;
  timeZone?: string;
  duration?: number;
  reschedule?: string;
  now?: number;
}): string[] {
  const w = adjustQueryWindow(over.start ?? "2050-09-05", over.end ?? over.start ?? "2050-09-05")!;
  const input: SlotsInput = {
    eventType: eventType(over.et),
    hosts: over.hosts ?? [host()],
    reservations: over.reservations ?? [],
    query: { ...w, timeZone: over.timeZone, duration: over.duration, bookingUidToReschedule: over.reschedule, now: over.now ?? NOW },
  };
  return computeSlots(input).map((s) => new Date(s.start).toISOString().slice(0, 16));
}
const hm = (list: string[]): string[] => list.map((s) => s.slice(11));
const range = (from: string, to: string, stepMin: number, day = "2050-09-05"): string[] => {
  const out: string[] = [];
  for (let x = t(`${day}T${from}:00Z`); x <= t(`${day}T${to}:00Z`); x += stepMin * MIN) out.push(new Date(x).toISOString().slice(11, 16));
  return out;
};

describe("stepping", () => {
  it("Mon 09:00-17:00, 30 minutes: 09:00, 09:30 ... 16:30", () => {
    expect(hm(slots({}))).toEqual(range("09:00", "16:30", 30));
  });
  it("60 minutes with slotInterval 30: 09:00 ... 16:00", () => {
    expect(hm(slots({ et: { length: 60, slotInterval: 30 } }))).toEqual(range("09:00", "16:00", 30));
  });
  it("45 minutes: step 45, aligned to 15: 09:00, 09:45 ... 15:45", () => {
    expect(hm(slots({ et: { length: 45 } }))).toEqual(range("09:00", "15:45", 45));
  });
  it("duration replaces the length and the step", () => {
    expect(hm(slots({ duration: 60 }))).toEqual(range("09:00", "16:00", 60));
  });
  it("offsetStart is added once and to every step", () => {
    expect(hm(slots({ et: { offsetStart: 10 } }))).toEqual(["09:10", "09:50", "10:30", "11:10", "11:50", "12:30", "13:10", "13:50", "14:30", "15:10", "15:50", "16:30"]);
  });
  it("rounds a range's first start up on the booker's clock (Asia/Kolkata is +05:30)", () => {
    // 09:00-17:00 UTC is 14:30-22:30 in Kolkata: aligned to the hour there, slots start at 09:30 UTC.
    expect(hm(slots({ et: { length: 60 }, timeZone: "Asia/Kolkata" }))).toEqual(range("09:30", "15:30", 60));
  });
});

describe("minimum notice and the window", () => {
  it("120 minutes by default: at 10:03 the first slot is 12:30", () => {
    expect(slots({ now: t("2050-09-05T10:03:27Z") })[0]).toBe("2050-09-05T12:30");
  });
  it("notice 0 reads from a minute after now, seconds dropped", () => {
    expect(slots({ et: { minimumBookingNotice: 0 }, now: t("2050-09-05T09:59:30Z") })[0]).toBe("2050-09-05T10:00");
    expect(slots({ et: { minimumBookingNotice: 0 }, now: t("2050-09-05T10:00:00Z") })[0]).toBe("2050-09-05T10:30");
  });
  it("a window wholly in the past, or an end before the start, gives nothing", () => {
    expect(slots({ start: "2050-08-01", end: "2050-08-02" })).toEqual([]);
    expect(slots({ start: "2050-09-06", end: "2050-09-05" })).toEqual([]);
  });
  it("an end at midnight takes in that whole day; other ends are read as given", () => {
    expect(adjustQueryWindow("2050-09-05", "2050-09-05T00:00:00Z")!.end).toBe(t("2050-09-05T23:59:59Z"));
    expect(adjustQueryWindow("2050-09-05", "2050-09-05T12:00:00Z")!.end).toBe(t("2050-09-05T12:00:00Z"));
    expect(adjustQueryWindow("2050-09-05T10:00:00+02:00", "x")).toBeNull();
    expect(hm(slots({ end: "2050-09-05T12:00:00Z" }))).toEqual(range("09:00", "11:30", 30));
  });
});

describe("working hours and overrides", () => {
  const schedule = (over: Partial<HostInput["schedule"]>) => host({ schedule: { ...fallbackSchedule("UTC"), ...over } });
  it("touching rows act as one range: a 60-minute slot at 11:30 exists", () => {
    const h = schedule({ availability: [{ days: ["Monday"], startTime: "09:00", endTime: "12:00" }, { days: ["Monday"], startTime: "12:00", endTime: "17:00" }] });
    expect(hm(slots({ hosts: [h], et: { length: 60, slotInterval: 30 } }))).toContain("11:30");
  });
  it("an override replaces the whole day's working hours", () => {
    const h = schedule({ overrides: [{ date: "2050-09-05", startTime: "13:00", endTime: "14:00" }] });
    expect(hm(slots({ hosts: [h] }))).toEqual(["13:00", "13:30"]);
  });
  it("an override with start == end removes the day", () => {
    const h = schedule({ overrides: [{ date: "2050-09-05", startTime: "00:00", endTime: "00:00" }] });
    expect(slots({ hosts: [h] })).toEqual([]);
  });
  it("23:59 ends at midnight, in working hours and overrides", () => {
    const wh = schedule({ availability: [{ days: ["Monday"], startTime: "23:00", endTime: "23:59" }] });
    expect(hm(slots({ hosts: [wh] }))).toEqual(["23:00", "23:30"]);
    const ov = schedule({ overrides: [{ date: "2050-09-05", startTime: "22:00", endTime: "23:59" }] });
    expect(hm(slots({ hosts: [ov] }))).toEqual(["22:00", "22:30", "23:00", "23:30"]);
  });
  it("a schedule with no availability gives nothing", () => {
    expect(slots({ hosts: [schedule({ availability: [] })] })).toEqual([]);
  });
  it("working hours are read on the schedule's clock across DST (Berlin, 27 March 2050)", () => {
    const h = host({ schedule: fallbackSchedule("Europe/Berlin") });
    const got = slots({ hosts: [h], start: "2050-03-25", end: "2050-03-28", et: { length: 480 }, now: t("2050-03-01T00:00:00Z") });
    expect(got).toEqual(["2050-03-25T08:00", "2050-03-28T07:00"]);
  });
  it("date keys and offsets follow the requested zone; UTC prints Z, Etc/UTC +00:00", () => {
    const input: SlotsInput = {
      eventType: eventType({ length: 60, minimumBookingNotice: 0 }),
      hosts: [host({ schedule: { timeZone: "UTC", availability: [{ days: ["Monday"], startTime: "22:00", endTime: "23:59" }], overrides: [] } })],
      reservations: [],
      query: { ...adjustQueryWindow("2050-09-05", "2050-09-06")!, now: NOW, timeZone: "Europe/Rome" },
    };
    const list = computeSlots(input);
    expect(formatSlots(list, { timeZone: "Europe/Rome", format: "range" })).toEqual({
      "2050-09-06": [
        { start: "2050-09-06T00:00:00.000+02:00", end: "2050-09-06T01:00:00.000+02:00" },
        { start: "2050-09-06T01:00:00.000+02:00", end: "2050-09-06T02:00:00.000+02:00" },
      ],
    });
    expect(formatSlots(list, {})).toEqual({ "2050-09-05": [{ start: "2050-09-05T22:00:00.000Z" }, { start: "2050-09-05T23:00:00.000Z" }] });
    expect(formatSlots(list, { timeZone: "UTC" })["2050-09-05"]![0]!.start).toBe("2050-09-05T22:00:00.000Z");
    expect(formatSlots(list, { timeZone: "Etc/UTC" })["2050-09-05"]![0]!.start).toBe("2050-09-05T22:00:00.000+00:00");
  });
});

describe("which schedule", () => {
  const s = (id: number) => ({ id });
  const byId = (id: number) => [s(1), s(2), s(3)].find((x) => x.id === id);
  it("event type's schedule, then the host's, then the default, then the first", () => {
    expect(chooseSchedule({ eventTypeScheduleId: 3, hostScheduleId: 2, defaultScheduleId: 1, userSchedules: [s(1)], byId })?.id).toBe(3);
    expect(chooseSchedule({ eventTypeScheduleId: null, hostScheduleId: 2, defaultScheduleId: 1, userSchedules: [s(1)], byId })?.id).toBe(2);
    expect(chooseSchedule({ defaultScheduleId: 2, userSchedules: [s(1), s(2)], byId })?.id).toBe(2);
    expect(chooseSchedule({ defaultScheduleId: null, userSchedules: [s(2), s(1)], byId })?.id).toBe(2);
  });
  it("a default id of a deleted schedule, or no schedule at all, means the Mon-Fri 09-17 fallback", () => {
    expect(chooseSchedule({ defaultScheduleId: 9, userSchedules: [s(1)], byId })).toBeNull();
    expect(chooseSchedule({ userSchedules: [], byId })).toBeNull();
    expect(fallbackSchedule("Asia/Tokyo")).toEqual({ timeZone: "Asia/Tokyo", availability: [{ days: [...MONFRI], startTime: "09:00", endTime: "17:00" }], overrides: [] });
  });
});

describe("bookings that block", () => {
  it("an accepted booking of any event type takes its time; the next range starts at its end", () => {
    const h = host({ bookings: [booking("2050-09-05T10:15:00Z", "2050-09-05T10:45:00Z", { eventTypeId: 99 })] });
    expect(hm(slots({ hosts: [h] }))).toEqual(["09:00", "09:30", ...range("11:00", "16:30", 30)]);
  });
  it("buffers add up: its after-buffer plus our before-buffer after it, and the reverse before it", () => {
    const b = booking("2050-09-05T12:00:00Z", "2050-09-05T12:30:00Z", { beforeEventBuffer: 15, afterEventBuffer: 10 });
    const got = hm(slots({ hosts: [host({ bookings: [b] })], et: { beforeEventBuffer: 5, afterEventBuffer: 15 } }));
    // Busy 11:30 (12:00 - 15 - 15) to 12:45 (12:30 + 10 + 5).
    expect(got).toContain("11:00");
    expect(got).not.toContain("11:30");
    expect(got).not.toContain("12:30");
    expect(got).toContain("13:00");
  });
  it("pending blocks only when its event type blocks unconfirmed bookings; cancelled and rejected never", () => {
    const at = (over: Partial<HostBooking>) => slots({ hosts: [host({ bookings: [booking("2050-09-05T09:00:00Z", "2050-09-05T09:30:00Z", over)] })] })[0];
    expect(at({ status: "pending" })).toBe("2050-09-05T09:00");
    expect(at({ status: "pending", blocksWhilePending: true })).toBe("2050-09-05T09:30");
    expect(at({ status: "cancelled" })).toBe("2050-09-05T09:00");
    expect(at({ status: "rejected" })).toBe("2050-09-05T09:00");
  });
  it("the booking being rescheduled does not block", () => {
    const b = booking("2050-09-05T09:00:00Z", "2050-09-05T09:30:00Z");
    expect(slots({ hosts: [host({ bookings: [b] })], reschedule: b.uid })[0]).toBe("2050-09-05T09:00");
  });
});

describe("booking limits", () => {
  const two = [booking("2050-09-05T09:00:00Z", "2050-09-05T09:30:00Z"), booking("2050-09-05T11:00:00Z", "2050-09-05T11:30:00Z")];
  it("a day with `day` accepted bookings of this event type is full; the next day is not", () => {
    const got = slots({ hosts: [host({ bookings: two })], et: { bookingLimitsCount: { day: 2 } }, start: "2050-09-05", end: "2050-09-06" });
    expect(got.every((s) => s.startsWith("2050-09-06"))).toBe(true);
    expect(got.length).toBe(16);
  });
  it("bookings of other event types or not organized by the host do not count", () => {
    const others = two.map((b) => ({ ...b, eventTypeId: 5 }));
    expect(slots({ hosts: [host({ bookings: others })], et: { bookingLimitsCount: { day: 2 } } }).length).toBeGreaterThan(0);
  });
  it("weeks start on Sunday", () => {
    const sunday = [booking("2050-09-04T10:00:00Z", "2050-09-04T10:30:00Z")];
    const h = host({ bookings: sunday, schedule: { timeZone: "UTC", availability: [{ days: ["Saturday", "Monday"], startTime: "09:00", endTime: "10:00" }], overrides: [] } });
    const got = slots({ hosts: [h], et: { bookingLimitsCount: { week: 1 } }, start: "2050-09-03", end: "2050-09-05" });
    expect(got).toEqual(["2050-09-03T09:00", "2050-09-03T09:30"]);
  });
  it("duration: the day is full once the requested length would pass the limit", () => {
    const one = [booking("2050-09-05T09:00:00Z", "2050-09-05T09:30:00Z")];
    expect(slots({ hosts: [host({ bookings: one })], et: { bookingLimitsDuration: { day: 60 } } }).length).toBeGreaterThan(0);
    expect(slots({ hosts: [host({ bookings: two })], et: { bookingLimitsDuration: { day: 60 } } })).toEqual([]);
    expect(slots({ et: { bookingLimitsDuration: { day: 20 } } })).toEqual([]);
  });
});

describe("the booking window", () => {
  const week = { start: "2050-09-05", end: "2050-09-11" };
  const days = (list: string[]) => [...new Set(list.map((s) => s.slice(0, 10)))];
  const now = t("2050-09-05T06:00:00Z");
  it("calendar days: up to the end of the day N days after today", () => {
    expect(days(slots({ ...week, now, et: { bookingWindow: { type: "calendarDays", value: 2 } } }))).toEqual(["2050-09-05", "2050-09-06", "2050-09-07"]);
  });
  it("business days skip the weekend", () => {
    const friday = t("2050-09-09T06:00:00Z");
    expect(days(slots({ start: "2050-09-09", end: "2050-09-16", now: friday, et: { bookingWindow: { type: "businessDays", value: 1 } } }))).toEqual(["2050-09-09", "2050-09-12"]);
  });
  it("rolling: N days that have slots", () => {
    const h = host({ bookings: [booking("2050-09-06T09:00:00Z", "2050-09-06T17:00:00Z", { eventTypeId: 8 })] });
    expect(days(slots({ ...week, now, hosts: [h], et: { bookingWindow: { type: "calendarDays", value: 2, rolling: true } } }))).toEqual(["2050-09-05", "2050-09-07"]);
  });
  it("range: from the start of its first day to the end of its last", () => {
    expect(days(slots({ ...week, now, et: { bookingWindow: { type: "range", value: ["2050-09-07", "2050-09-08"] } } }))).toEqual(["2050-09-07", "2050-09-08"]);
  });
  it("onlyShowFirstAvailableSlot keeps each day's first slot", () => {
    expect(slots({ ...week, now, et: { onlyShowFirstAvailableSlot: true } })).toEqual(["2050-09-05T09:00", "2050-09-06T09:00", "2050-09-07T09:00", "2050-09-08T09:00", "2050-09-09T09:00"]);
  });
});

describe("seats and reservations", () => {
  const seated = { seatsPerTimeSlot: 3 };
  const input = (h: HostInput[], reservations: ReservationInput[] = [], et: Partial<EventTypeRules> = seated): SlotsInput => ({
    eventType: eventType(et),
    hosts: h,
    reservations,
    query: { ...adjustQueryWindow("2050-09-05", "2050-09-05")!, now: NOW },
  });
  const reservation = (start: string, over: Partial<ReservationInput> = {}): ReservationInput => ({
    uid: `r-${start}`,
    userId: 1,
    eventTypeId: 1,
    start: t(start),
    end: t(start) + 30 * MIN,
    releaseAt: NOW + 5 * MIN,
    isSeat: false,
    ...over,
  });
  it("a seated slot with seats left stays and tells its counts; a full one goes", () => {
    const b = booking("2050-09-05T09:00:00Z", "2050-09-05T09:30:00Z", { attendeeCount: 2 });
    const first = computeSlots(input([host({ bookings: [b] })]))[0]!;
    expect(first.seats).toEqual({ booked: 2, remaining: 1, total: 3, bookingUid: b.uid });
    const full = { ...b, attendeeCount: 3 };
    expect(new Date(computeSlots(input([host({ bookings: [full] })]))[0]!.start).toISOString()).toBe("2050-09-05T09:30:00.000Z");
    expect(computeSlots(input([host()]))[1]!.seats).toEqual({ booked: 0, remaining: 3, total: 3 });
  });
  it("a reservation hides the slots it overlaps until it is released, whatever its event type", () => {
    const r = reservation("2050-09-05T09:15:00Z", { eventTypeId: 42 });
    const starts = (rs: ReservationInput[], now = NOW) =>
      computeSlots({ ...input([host()], rs, {}), query: { ...input([host()]).query, now } }).map((s) => new Date(s.start).toISOString().slice(11, 16));
    expect(starts([r]).slice(0, 2)).toEqual(["10:00", "10:30"]);
    expect(starts([r], r.releaseAt)[0]).toBe("09:00");
    expect(starts([{ ...r, userId: 2 }])[0]).toBe("09:00");
  });
  it("a seat reservation of this event type takes one seat", () => {
    const got = computeSlots(input([host()], [reservation("2050-09-05T09:00:00Z", { isSeat: true })]))[0]!;
    expect(got.seats).toEqual({ booked: 1, remaining: 2, total: 3 });
  });
});

describe("several hosts", () => {
  const a = host({ userId: 1, bookings: [booking("2050-09-05T09:00:00Z", "2050-09-05T10:00:00Z")] });
  const b = host({ userId: 2 });
  it("collective: every host free", () => {
    expect(slots({ hosts: [a, b], et: { schedulingType: "collective" } })[0]).toBe("2050-09-05T10:00");
  });
  it("round robin: one pooled host free is enough; a fixed host must be free", () => {
    expect(slots({ hosts: [a, b], et: { schedulingType: "roundRobin" } })[0]).toBe("2050-09-05T09:00");
    expect(slots({ hosts: [{ ...a, fixed: true }, b], et: { schedulingType: "roundRobin" } })[0]).toBe("2050-09-05T10:00");
  });
  it("freeHostIds and isSlotAvailable answer a booking's question", () => {
    const input: SlotsInput = { eventType: eventType({ schedulingType: "roundRobin" }), hosts: [a, b], reservations: [], query: { start: 0, end: 0, now: NOW } };
    expect(freeHostIds(input, t("2050-09-05T09:00:00Z"), t("2050-09-05T09:30:00Z"))).toEqual([2]);
    expect(freeHostIds(input, t("2050-09-05T10:00:00Z"), t("2050-09-05T10:30:00Z"))).toEqual([1, 2]);
    expect(isSlotAvailable(input, t("2050-09-05T09:00:00Z"))?.end).toBe(t("2050-09-05T09:30:00Z"));
    expect(isSlotAvailable(input, t("2050-09-05T09:10:00Z"))).toBeNull();
    expect(isSlotAvailable({ ...input, eventType: eventType({ schedulingType: "collective" }) }, t("2050-09-05T09:00:00Z"))).toBeNull();
  });
});

it("DateTime helpers are luxon's: the test's own conversions agree with the engine's", () => {
  expect(DateTime.fromISO("2050-03-28T09:00", { zone: "Europe/Berlin" }).toUTC().toISO()).toBe("2050-03-28T07:00:00.000Z");
});
