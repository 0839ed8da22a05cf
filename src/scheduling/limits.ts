/**
 * Booking limits (Cal.com's _getBusyTimesFromLimitsForUsers): a period (day, week, month, year, in the event
 * type's zone) becomes wholly busy once it holds `limit` accepted bookings of this event type organized by its
 * hosts (counted over all hosts together), and, per host, once the requested duration plus the minutes that host
 * already has booked of this event type in it would exceed the duration limit (or the duration alone does).
 * The booking being rescheduled counts for neither.
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import type { EventTypeRules, HostInput, Interval, IntervalLimits, LimitPeriod } from "./types.js";

const MINUTE = 60_000;
const PERIODS: readonly LimitPeriod[] = ["year", "month", "week", "day"];

/** The period's start: weeks start on Sunday, as dayjs's default locale has them in Cal.com. */
function periodStart(t: DateTime, unit: LimitPeriod): DateTime {
  if (unit !== "week") return t.startOf(unit);
  const day = t.startOf("day");
  return day.minus({ days: day.weekday % 7 });
}

function periodsBetween(from: number, to: number, unit: LimitPeriod, zone: string): Interval[] {
  const out: Interval[] = [];
  let p = periodStart(DateTime.fromMillis(from, { zone: zoneFor(zone) }), unit);
  if (!p.isValid) return out;
  while (p.toMillis() < to) {
    const next = unit === "week" ? p.plus({ weeks: 1 }) : p.plus({ [`${unit}s`]: 1 });
    out.push({ start: p.toMillis(), end: next.toMillis() });
    p = next;
  }
  return out;
}

function hasLimits(limits: IntervalLimits | null | undefined): limits is IntervalLimits {
  return !!limits && PERIODS.some((k) => typeof limits[k] === "number" && limits[k]! > 0);
}

interface Counted {
  uid: string;
  start: number;
  end: number;
  userId: number;
}

/** Busy periods per host id that the event type's limits add, within [from, to). */
export function limitIntervals(
  eventType: EventTypeRules,
  hosts: readonly HostInput[],
  from: number,
  to: number,
  duration: number | undefined,
  rescheduleUid: string | undefined,
): Map<number, Interval[]> {
  const out = new Map<number, Interval[]>();
  const count = eventType.bookingLimitsCount;
  const minutes = eventType.bookingLimitsDuration;
  if (!hasLimits(count) && !hasLimits(minutes)) return out;
  const zone = eventType.timeZone;

  const seen = new Set<string>();
  const bookings: Counted[] = [];
  for (const host of hosts) {
    for (const b of host.bookings) {
      if (b.status !== "accepted" || !b.organizedByHost || b.eventTypeId !== eventType.id) continue;
      if (b.uid === rescheduleUid || seen.has(`${host.userId}:${b.uid}`)) continue;
      seen.add(`${host.userId}:${b.uid}`);
      bookings.push({ uid: b.uid, start: b.start, end: b.end, userId: host.userId });
    }
  }
  const within = (b: Counted, p: Interval): boolean => b.start >= p.start && b.start < p.end;

  const global: Interval[] = [];
  if (hasLimits(count)) {
    const uids = new Map<string, Counted>();
    for (const b of bookings) uids.set(b.uid, b);
    const all = [...uids.values()];
    for (const unit of PERIODS) {
      const limit = count[unit];
      if (!limit) continue;
      for (const p of periodsBetween(from, to, unit, zone)) {
        if (all.filter((b) => within(b, p)).length >= limit) global.push(p);
      }
    }
  }

  const selected = duration || eventType.length;
  for (const host of hosts) {
    const busy = [...global];
    if (hasLimits(minutes)) {
      const own = bookings.filter((b) => b.userId === host.userId);
      for (const unit of PERIODS) {
        const limit = minutes[unit];
        if (!limit) continue;
        for (const p of periodsBetween(from, to, unit, zone)) {
          let total = selected;
          for (const b of own) if (within(b, p)) total += Math.round((b.end - b.start) / MINUTE);
          if (total > limit) busy.push(p);
        }
      }
    }
    out.set(host.userId, busy);
  }
  return out;
}
