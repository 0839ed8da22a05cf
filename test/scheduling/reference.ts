/**
 * A plain reference for the slot rules, written differently from src/scheduling/ on purpose: availability is a
 * bitmap of minutes, each minute asked of the schedule on its own local clock (luxon), bookings and their
 * buffers marked off minute by minute; free runs of minutes are then stepped with a direct loop. Slow, and
 * obviously what the rules say. It covers what the property tests generate: one host or a collective of hosts,
 * working hours, overrides, zones, buffers, booking statuses, notice, intervals, offsetStart, reservations.
 */
import { DateTime } from "luxon";
import type { SlotsInput, Weekday } from "../../src/scheduling/index.js";

const MIN = 60_000;
const WEEKDAY: Record<number, Weekday> = {
  1: "Monday",
  2: "Tuesday",
  3: "Wednesday",
  4: "Thursday",
  5: "Friday",
  6: "Saturday",
  7: "Sunday",
};

// "23:59" as an end is midnight; as a start it is 23:59.
const minutesOf = (hhmm: string, isEnd: boolean): number => {
  if (isEnd && hhmm === "23:59") return 24 * 60;
  const [h, m] = hhmm.split(":").map(Number);
  return h! * 60 + m!;
};

function scheduledAt(host: SlotsInput["hosts"][number], t: number): boolean {
  const local = DateTime.fromMillis(t, { zone: host.schedule.timeZone });
  const date = local.toISODate()!;
  const minuteOfDay = local.hour * 60 + local.minute;
  const overrides = host.schedule.overrides.filter((o) => o.date === date);
  const rows = overrides.length
    ? overrides
    : host.schedule.availability.filter((r) => r.days.includes(WEEKDAY[local.weekday]!));
  return rows.some((r) => minuteOfDay >= minutesOf(r.startTime, false) && minuteOfDay < minutesOf(r.endTime, true));
}

export function referenceSlots(input: SlotsInput): number[] {
  const { eventType: et, query } = input;
  const from = Math.max(query.start, query.now + (et.minimumBookingNotice || 1) * MIN);
  const to = query.end;
  if (!(to > from)) return [];
  const first = Math.floor(from / MIN) * MIN;
  const count = Math.ceil((to - first) / MIN);
  const free = new Uint8Array(count).fill(1);
  for (const host of input.hosts) {
    for (let i = 0; i < count; i++) if (free[i] && !scheduledAt(host, first + i * MIN)) free[i] = 0;
    for (const b of host.bookings) {
      if (b.uid === query.bookingUidToReschedule) continue;
      const blocks = b.status === "accepted" || (b.status === "pending" && b.blocksWhilePending);
      if (!blocks) continue;
      const s = b.start - (b.beforeEventBuffer + et.afterEventBuffer) * MIN;
      const e = b.end + (b.afterEventBuffer + et.beforeEventBuffer) * MIN;
      for (let i = 0; i < count; i++) {
        const m = first + i * MIN;
        if (m < e && m + MIN > s) free[i] = 0;
      }
    }
  }
  // Free runs of minutes, clipped to the window.
  const runs: [number, number][] = [];
  for (let i = 0; i < count; ) {
    if (!free[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < count && free[j]) j++;
    runs.push([Math.max(first + i * MIN, from), Math.min(first + j * MIN, to)]);
    i = j;
  }

  const length = query.duration || et.length;
  const frequency = et.slotInterval || query.duration || et.length;
  const align = [60, 30, 20, 15, 10, 5].find((a) => frequency % a === 0) ?? 1;
  const step = (frequency + et.offsetStart) * MIN;
  const zone = query.timeZone ?? "UTC";
  const noticeAt = query.now + et.minimumBookingNotice * MIN;
  const starts: number[] = [];
  for (const [a, b] of runs) {
    let t = Math.floor(Math.max(a, noticeAt) / MIN) * MIN;
    // Round up to the alignment on the booker's clock.
    while (DateTime.fromMillis(t, { zone }).minute % align !== 0) t += MIN;
    t += et.offsetStart * MIN;
    const prev = starts[starts.length - 1];
    if (prev !== undefined && prev + step > t) t = prev >= a ? prev : prev + step;
    for (; t + length * MIN - 1000 <= b; t += step) if (starts[starts.length - 1] !== t) starts.push(t);
  }

  const ids = new Set(input.hosts.map((h) => h.userId));
  const firstDay = DateTime.fromMillis(query.start, { zone }).toISODate()!;
  const lastDay = DateTime.fromMillis(query.end, { zone }).toISODate()!;
  return starts.filter((t) => {
    if (et.minimumBookingNotice && t < noticeAt) return false;
    const day = DateTime.fromMillis(t, { zone }).toISODate()!;
    if (day < firstDay || day > lastDay) return false;
    return !input.reservations.some(
      (r) => ids.has(r.userId) && !r.isSeat && r.releaseAt > query.now && r.start < t + length * MIN && r.end > t,
    );
  });
}
