/**
 * Property tests: the engine against the minute-bitmap reference over random schedules, overrides, zones
 * (windows across DST changes included), booker zones, buffers, bookings of every status, notice, intervals,
 * offsets and reservations, for one host and for collectives. FC_RUNS raises the number of runs.
 */
import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import {
  computeSlots,
  type BookingStatus,
  type HostBooking,
  type HostInput,
  type ReservationInput,
  type SlotsInput,
  type Weekday,
} from "../../src/scheduling/index.js";
import { referenceSlots } from "./reference.js";

const RUNS = Number(process.env.FC_RUNS ?? 120);
const MIN = 60_000;
const ZONES = [
  "UTC",
  "Europe/Berlin",
  "America/New_York",
  "Australia/Sydney",
  "Asia/Kolkata",
  "America/St_Johns",
  "Pacific/Chatham",
  "Asia/Kathmandu",
];
const DAYS: Weekday[] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
// Days around the 2050 DST changes of the zones above (EU 27 Mar / 30 Oct, US 13 Mar / 6 Nov, AU 3 Apr / 2 Oct).
const WINDOW_STARTS = [
  "2050-03-10", "2050-03-12", "2050-03-25", "2050-03-26", "2050-04-01", "2050-04-02",
  "2050-06-15", "2050-09-30", "2050-10-01", "2050-10-28", "2050-10-29", "2050-11-04", "2050-11-05",
];

const pad = (n: number): string => String(n).padStart(2, "0");
// Wall-clock boundaries stay out of 01:00-04:00, where these zones skip or repeat an hour: what a range starting
// at a time that does not exist means is not a rule of Cal.com's (dayjs and luxon each pick their own answer).
const clock = fc.oneof(
  fc.record({ h: fc.constantFrom(0, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23), m: fc.constantFrom(0, 15, 30, 45, 10) })
    .map(({ h, m }) => `${pad(h)}:${pad(m)}`),
  fc.constant("23:59"),
);
// Mostly start before end; one row in ten is left as drawn (ends before it starts: no range that day).
const row = fc
  .record({ days: fc.subarray(DAYS, { minLength: 2 }), a: clock, b: clock, asDrawn: fc.integer({ min: 0, max: 9 }) })
  .map(({ days, a, b, asDrawn }) => {
    const [startTime, endTime] = asDrawn === 0 || a < b ? [a, b] : [b, a];
    return { days, startTime, endTime };
  });

const statuses: BookingStatus[] = ["accepted", "pending", "cancelled", "rejected", "awaiting_host"];

interface Case {
  input: SlotsInput;
}

const caseArb = fc
  .record({
    windowStart: fc.constantFrom(...WINDOW_STARTS),
    startHour: fc.constantFrom(0, 0, 0, 7, 13),
    days: fc.integer({ min: 1, max: 7 }),
    endAtMidnight: fc.boolean(),
    bookerZone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
    hostCount: fc.constantFrom(1, 1, 1, 2, 3),
    hostZones: fc.array(fc.constantFrom(...ZONES), { minLength: 3, maxLength: 3 }),
    rows: fc.array(fc.array(row, { minLength: 1, maxLength: 3 }), { minLength: 3, maxLength: 3 }),
    overrides: fc.array(
      fc.array(fc.record({ day: fc.integer({ min: -1, max: 8 }), startTime: clock, endTime: clock }), { maxLength: 2 }),
      { minLength: 3, maxLength: 3 },
    ),
    length: fc.constantFrom(15, 20, 25, 30, 45, 60, 90),
    duration: fc.option(fc.constantFrom(15, 30, 50), { nil: undefined }),
    slotInterval: fc.option(fc.constantFrom(5, 10, 15, 30, 40, 60, 75), { nil: null }),
    notice: fc.constantFrom(0, 1, 30, 120, 600),
    before: fc.constantFrom(0, 0, 5, 15),
    after: fc.constantFrom(0, 0, 10, 30),
    offsetStart: fc.constantFrom(0, 0, 0, 5, 10),
    nowOffsetMin: fc.oneof(fc.integer({ min: -3 * 24 * 60, max: 0 }), fc.integer({ min: 0, max: 2 * 24 * 60 })),
    nowSeconds: fc.integer({ min: 0, max: 59 }),
    bookings: fc.array(
      fc.record({
        host: fc.integer({ min: 0, max: 2 }),
        startMin: fc.integer({ min: -120, max: 8 * 24 * 12 }).map((n) => n * 5),
        lengthMin: fc.constantFrom(15, 30, 45, 60, 120),
        status: fc.constantFrom(...statuses),
        before: fc.constantFrom(0, 0, 10),
        after: fc.constantFrom(0, 0, 20),
        blocksWhilePending: fc.boolean(),
      }),
      { maxLength: 8 },
    ),
    reservations: fc.array(
      fc.record({
        host: fc.integer({ min: 0, max: 2 }),
        startMin: fc.integer({ min: 0, max: 8 * 24 * 4 }).map((n) => n * 15),
        lengthMin: fc.constantFrom(15, 30, 60),
        expired: fc.boolean(),
      }),
      { maxLength: 3 },
    ),
    rescheduleFirst: fc.boolean(),
  })
  .map((g): Case => {
    const day0 = DateTime.fromISO(g.windowStart, { zone: "utc" });
    const start = day0.plus({ hours: g.startHour }).toMillis();
    const endDay = day0.plus({ days: g.days - 1 });
    const end = g.endAtMidnight ? endDay.set({ hour: 23, minute: 59, second: 59 }).toMillis() : endDay.plus({ hours: 18 }).toMillis();
    const now = start + g.nowOffsetMin * MIN + g.nowSeconds * 1000;
    const hosts: HostInput[] = [];
    for (let i = 0; i < g.hostCount; i++) {
      const bookings: HostBooking[] = g.bookings
        .filter((b) => b.host % g.hostCount === i)
        .map((b, k) => ({
          uid: `b-${i}-${k}`,
          start: start + b.startMin * MIN,
          end: start + (b.startMin + b.lengthMin) * MIN,
          status: b.status,
          eventTypeId: 7,
          beforeEventBuffer: b.before,
          afterEventBuffer: b.after,
          blocksWhilePending: b.blocksWhilePending,
          organizedByHost: true,
          attendeeCount: 1,
        }));
      hosts.push({
        userId: i + 1,
        fixed: false,
        schedule: {
          timeZone: g.hostZones[i]!,
          availability: g.rows[i]!,
          overrides: g.overrides[i]!.map((o) => ({
            date: day0.plus({ days: o.day }).toISODate()!,
            startTime: o.startTime,
            endTime: o.endTime,
          })),
        },
        bookings,
      });
    }
    const reservations: ReservationInput[] = g.reservations.map((r, k) => ({
      uid: `r-${k}`,
      userId: (r.host % g.hostCount) + 1,
      eventTypeId: 9,
      start: start + r.startMin * MIN,
      end: start + (r.startMin + r.lengthMin) * MIN,
      releaseAt: r.expired ? now : now + 5 * MIN,
      isSeat: false,
    }));
    const firstBooking = hosts[0]!.bookings[0];
    return {
      input: {
        eventType: {
          id: 1,
          length: g.length,
          slotInterval: g.slotInterval,
          minimumBookingNotice: g.notice,
          beforeEventBuffer: g.before,
          afterEventBuffer: g.after,
          offsetStart: g.offsetStart,
          schedulingType: g.hostCount > 1 ? "collective" : null,
          seatsPerTimeSlot: null,
          onlyShowFirstAvailableSlot: false,
          timeZone: g.hostZones[0]!,
        },
        hosts,
        reservations,
        query: {
          start,
          end,
          timeZone: g.bookerZone,
          duration: g.duration,
          bookingUidToReschedule: g.rescheduleFirst && firstBooking ? firstBooking.uid : undefined,
          now,
        },
      },
    };
  });

const iso = (ts: number[]): string[] => ts.map((t) => new Date(t).toISOString());

describe("slot engine against the minute-bitmap reference", () => {
  it(`agrees on ${RUNS} random schedules, zones, bookings and rules`, () => {
    let nonEmpty = 0;
    fc.assert(
      fc.property(caseArb, ({ input }) => {
        const got = computeSlots(input).map((s) => s.start);
        const want = referenceSlots(input);
        if (want.length) nonEmpty++;
        expect(iso(got)).toEqual(iso(want));
      }),
      { numRuns: RUNS },
    );
    // The generators must produce cases with slots, or the agreement says little.
    expect(nonEmpty).toBeGreaterThan(RUNS / 4);
    // The reference asks luxon about every minute of every case: slow by design, and slower on a busy machine.
  }, 300_000);

  it("never offers a slot that overlaps a blocking booking with its buffers, or that starts before the notice", () => {
    fc.assert(
      fc.property(caseArb, ({ input }) => {
        const et = input.eventType;
        for (const slot of computeSlots(input)) {
          if (et.minimumBookingNotice) expect(slot.start).toBeGreaterThanOrEqual(input.query.now + et.minimumBookingNotice * MIN);
          for (const host of input.hosts) {
            for (const b of host.bookings) {
              if (b.uid === input.query.bookingUidToReschedule) continue;
              if (!(b.status === "accepted" || (b.status === "pending" && b.blocksWhilePending))) continue;
              const s = b.start - (b.beforeEventBuffer + et.afterEventBuffer) * MIN;
              const e = b.end + (b.afterEventBuffer + et.beforeEventBuffer) * MIN;
              expect(slot.start < e && slot.end > s, `slot ${new Date(slot.start).toISOString()} vs ${b.uid}`).toBe(false);
            }
          }
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });
});
