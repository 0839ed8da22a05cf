/**
 * Working hours and date overrides into the instants a host is available, read in the schedule's time zone (as
 * Cal.com's buildDateRanges does). Wall-clock to instant conversions, days and DST are luxon's work.
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import { mergeIntervals } from "./intervals.js";
import type { DateOverride, Interval, ScheduleInput, Weekday } from "./types.js";

const LUXON_WEEKDAY: Record<Weekday, number> = {
  Monday: 1,
  Tuesday: 2,
  Wednesday: 3,
  Thursday: 4,
  Friday: 5,
  Saturday: 6,
  Sunday: 7,
};

export const WEEKDAYS: readonly Weekday[] = [
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
  "Sunday",
];

interface Clock {
  hour: number;
  minute: number;
  /** "23:59": Cal.com's UI cannot say 24:00, so 23:59 ends at the next midnight. */
  midnight: boolean;
}

function parseClock(text: string): Clock {
  const [h, m] = text.split(":");
  const hour = Number(h);
  const minute = Number(m);
  return { hour, minute, midnight: hour === 23 && minute === 59 };
}

/** The instant of a wall-clock time on a day (the day's start in its zone). */
function at(day: DateTime, clock: Clock, isEnd: boolean): number {
  if (isEnd && clock.midnight) return day.plus({ days: 1 }).startOf("day").toMillis();
  return day.set({ hour: clock.hour, minute: clock.minute, second: 0, millisecond: 0 }).toMillis();
}

export function isValidTimeZone(zone: string): boolean {
  return DateTime.now().setZone(zone).isValid;
}

/**
 * The available intervals of one schedule within [from, to), merged: every day from the organizer-zone day of
 * `from`, each working-hours row of that weekday (days with an override take the override rows instead), clipped
 * to the window. Overrides are clipped too (Cal.com keeps them whole and filters the leaked days afterwards).
 */
export function buildDateRanges(schedule: ScheduleInput, from: number, to: number): Interval[] {
  if (!(to > from)) return [];
  const zone = schedule.timeZone;
  const first = DateTime.fromMillis(from, { zone: zoneFor(zone) }).startOf("day");
  if (!first.isValid) return [];
  const rows = schedule.availability.map((row) => ({
    days: new Set(row.days.map((d) => LUXON_WEEKDAY[d])),
    start: parseClock(row.startTime),
    end: parseClock(row.endTime),
  }));
  const overridesByDate = new Map<string, DateOverride[]>();
  for (const o of schedule.overrides) {
    const list = overridesByDate.get(o.date);
    if (list) list.push(o);
    else overridesByDate.set(o.date, [o]);
  }
  const out: Interval[] = [];
  const push = (start: number, end: number): void => {
    const s = Math.max(start, from);
    const e = Math.min(end, to);
    if (e > s) out.push({ start: s, end: e });
  };
  for (let day = first; day.toMillis() < to; day = day.plus({ days: 1 })) {
    const overrides = overridesByDate.get(day.toISODate()!);
    if (overrides) {
      for (const o of overrides) push(at(day, parseClock(o.startTime), false), at(day, parseClock(o.endTime), true));
      continue;
    }
    for (const row of rows) {
      if (!row.days.has(day.weekday)) continue;
      push(at(day, row.start, false), at(day, row.end, true));
    }
  }
  return mergeIntervals(out);
}
