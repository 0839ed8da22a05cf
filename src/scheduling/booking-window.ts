/**
 * The booking window (Cal.com's period limits, isOutOfBounds): how far ahead slots may be.
 * - calendarDays N: up to the end of the day N calendar days after today (event type's zone);
 * - businessDays N: the same counting Monday to Friday only;
 * - rolling: N days that have slots, counted from today in the booker's zone;
 * - range [a, b]: from the start of day a to the end of day b (event type's zone).
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import type { BookingWindow } from "./types.js";

export type FutureLimit = { notBefore: number; notAfter: number } | null;

function addBusinessDays(day: DateTime, n: number): DateTime {
  let d = day;
  let left = n;
  while (left > 0) {
    d = d.plus({ days: 1 });
    if (d.weekday <= 5) left--;
  }
  return d;
}

/**
 * The instants a slot must lie within, or null for no limit. `bookableDates` (booker-zone date keys that have
 * slots, ascending) are needed only for a rolling window.
 */
export function futureLimit(
  window: BookingWindow | null | undefined,
  now: number,
  eventZone: string,
  bookerZone: string,
  bookableDates: readonly string[],
): FutureLimit {
  if (!window || "disabled" in window) return null;
  if (window.type === "range") {
    const [a, b] = window.value;
    const start = DateTime.fromISO(a, { zone: zoneFor(eventZone) }).startOf("day");
    const end = DateTime.fromISO(b, { zone: zoneFor(eventZone) }).endOf("day");
    if (!start.isValid || !end.isValid) return null;
    return { notBefore: start.toMillis(), notAfter: end.toMillis() };
  }
  const n = Math.max(0, Math.floor(window.value));
  if (window.rolling) {
    const today = DateTime.fromMillis(now, { zone: zoneFor(bookerZone) }).toISODate()!;
    const ahead = bookableDates.filter((d) => d >= today);
    const last = ahead[n - 1];
    if (last === undefined) return null;
    return {
      notBefore: Number.NEGATIVE_INFINITY,
      notAfter: DateTime.fromISO(last, { zone: zoneFor(bookerZone) }).endOf("day").toMillis(),
    };
  }
  const today = DateTime.fromMillis(now, { zone: zoneFor(eventZone) }).startOf("day");
  const lastDay = window.type === "calendarDays" ? today.plus({ days: n }) : addBusinessDays(today, n);
  return { notBefore: Number.NEGATIVE_INFINITY, notAfter: lastDay.endOf("day").toMillis() };
}

export function withinLimit(limit: FutureLimit, t: number): boolean {
  return !limit || (t >= limit.notBefore && t <= limit.notAfter);
}
