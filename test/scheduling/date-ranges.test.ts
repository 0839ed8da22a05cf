import fc from "fast-check";
import { DateTime } from "luxon";
import { describe, expect, it } from "vitest";
import { buildDateRanges, WEEKDAYS } from "../../src/scheduling/index.js";
import { mergeIntervals } from "../../src/scheduling/intervals.js";
import type { Interval, ScheduleInput } from "../../src/scheduling/index.js";

/**
 * buildDateRanges walks the days with offsets rather than with a luxon DateTime per step (for speed): here the
 * same walk is written with luxon's DateTime, plainly, and the two must agree on any schedule, zone and window,
 * DST gaps at midnight (Santiago, Havana) and half-hour shifts (Lord Howe) included.
 */
function luxonRanges(schedule: ScheduleInput, from: number, to: number): Interval[] {
  const clock = (t: string) => ({ hour: Number(t.slice(0, 2)), minute: Number(t.slice(3, 5)), midnight: t === "23:59" });
  const at = (day: DateTime, t: string, isEnd: boolean) => {
    const c = clock(t);
    if (isEnd && c.midnight) return day.plus({ days: 1 }).startOf("day").toMillis();
    return day.set({ hour: c.hour, minute: c.minute, second: 0, millisecond: 0 }).toMillis();
  };
  const out: Interval[] = [];
  const push = (s: number, e: number) => {
    if (Math.min(e, to) > Math.max(s, from)) out.push({ start: Math.max(s, from), end: Math.min(e, to) });
  };
  for (let day = DateTime.fromMillis(from, { zone: schedule.timeZone }).startOf("day"); day.toMillis() < to; day = day.plus({ days: 1 })) {
    const overrides = schedule.overrides.filter((o) => o.date === day.toISODate());
    if (overrides.length) {
      for (const o of overrides) push(at(day, o.startTime, false), at(day, o.endTime, true));
      continue;
    }
    for (const row of schedule.availability) if (row.days.includes(WEEKDAYS[day.weekday - 1]!)) push(at(day, row.startTime, false), at(day, row.endTime, true));
  }
  return mergeIntervals(out);
}

const ZONES = ["Europe/London", "America/Santiago", "America/Havana", "Australia/Lord_Howe", "Asia/Kolkata", "Asia/Beirut", "UTC", "Pacific/Apia", "America/Sao_Paulo"];
const time = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.constantFrom(0, 15, 30, 59)).map(([h, m]) => `${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}`);
const schedule = fc.record({
  timeZone: fc.constantFrom(...ZONES),
  availability: fc.array(fc.record({ days: fc.subarray([...WEEKDAYS], { minLength: 1 }), startTime: time, endTime: time }), { maxLength: 3 }),
  overrides: fc.array(
    fc.record({ date: fc.integer({ min: 0, max: 60 }).map((d) => new Date(Date.UTC(2030, 2, 1) + d * 86_400_000).toISOString().slice(0, 10)), startTime: time, endTime: time }),
    { maxLength: 3 },
  ),
});

describe("buildDateRanges agrees with the same walk done by luxon's DateTime", () => {
  it("for random schedules, zones and windows around DST changes", () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: Date.UTC(2029, 8, 1), max: Date.UTC(2031, 4, 1) }), fc.integer({ min: 1, max: 15 * 24 * 60 }), (s, from, minutes) => {
        const to = from + minutes * 60_000;
        expect(buildDateRanges(s, from, to)).toEqual(luxonRanges(s, from, to));
      }),
      { numRuns: 300 },
    );
  });
});
