/**
 * Working hours and date overrides into the instants a host is available, read in the schedule's time zone (as
 * Cal.com's buildDateRanges does). Offsets and DST are luxon's zones' work; the day walk follows luxon's own rules.
 */
import { DateTime, Info } from "luxon";
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

const MINUTE = 60_000;
const DAY = 86_400_000;

/** What the conversions need of a zone: its offset from UTC, in minutes, at an instant. */
interface OffsetZone {
  offset(ts: number): number;
}

/**
 * A moment as luxon keeps one: its instant and the zone's offset there, so its wall clock is `ts + offset`. The
 * day walk below moves these the way luxon's plus({days}) and set({hour, minute}) move a DateTime, with the same
 * offset guess and the same answer in a DST gap, without building a DateTime per step (most of a slots query's
 * time, and garbage, for a month of fifty hosts).
 */
interface Moment {
  ts: number;
  offset: number;
}

/**
 * The instant whose wall clock in `zone` reads `local` (a wall clock written as UTC epoch ms), starting from the
 * guess `offset`: correct the guess once; if the corrected instant's offset disagrees again, the wall clock falls in
 * a DST gap, and it is read with the smaller offset (so it moves forward), as luxon reads it.
 */
function fromWallClock(local: number, offset: number, zone: OffsetZone): Moment {
  let ts = local - offset * MINUTE;
  const second = zone.offset(ts);
  if (second === offset) return { ts, offset };
  ts -= (second - offset) * MINUTE;
  const third = zone.offset(ts);
  if (third === second) return { ts, offset: second };
  return { ts: local - Math.min(second, third) * MINUTE, offset: Math.max(second, third) };
}

const wallClock = (m: Moment) => m.ts + m.offset * MINUTE;
const dayOf = (m: Moment) => Math.floor(wallClock(m) / DAY) * DAY;

/** The instant of a wall-clock time on a day (luxon's day.set({hour, minute}), or the next midnight for 23:59). */
function at(day: Moment, clock: Clock, isEnd: boolean, zone: OffsetZone): number {
  if (isEnd && clock.midnight) {
    const next = fromWallClock(wallClock(day) + DAY, day.offset, zone);
    return fromWallClock(dayOf(next), next.offset, zone).ts;
  }
  return fromWallClock(dayOf(day) + (clock.hour * 60 + clock.minute) * MINUTE, day.offset, zone).ts;
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
  const named = zoneFor(schedule.timeZone);
  const zone = typeof named === "string" ? Info.normalizeZone(named) : named;
  if (!zone?.isValid) return [];
  const start = { ts: from, offset: zone.offset(from) };
  const first = fromWallClock(dayOf(start), start.offset, zone);
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
  for (let day = first; day.ts < to; day = fromWallClock(wallClock(day) + DAY, day.offset, zone)) {
    const date = new Date(dayOf(day));
    const overrides = overridesByDate.get(date.toISOString().slice(0, 10));
    if (overrides) {
      for (const o of overrides) push(at(day, parseClock(o.startTime), false, zone), at(day, parseClock(o.endTime), true, zone));
      continue;
    }
    // luxon's weekday: 1 Monday … 7 Sunday.
    const weekday = ((date.getUTCDay() + 6) % 7) + 1;
    for (const row of rows) {
      if (!row.days.has(weekday)) continue;
      push(at(day, row.start, false, zone), at(day, row.end, true, zone));
    }
  }
  return mergeIntervals(out);
}
