/**
 * The slot algorithm: hosts' availability less what blocks it, aggregated over the hosts, stepped into slots,
 * then filtered by notice, reservations, "first slot only", the booking window and the requested days, in the
 * order Cal.com's getAvailableSlots applies them.
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import { futureLimit, withinLimit } from "./booking-window.js";
import { busyIntervals } from "./busy.js";
import { buildDateRanges } from "./date-ranges.js";
import { intersectIntervals, mergeIntervals, overlaps, subtractIntervals } from "./intervals.js";
import { limitIntervals } from "./limits.js";
import { stepSlots } from "./step.js";
import type { HostInput, Interval, ReservationInput, SeatInfo, Slot, SlotsInput } from "./types.js";

const MINUTE = 60_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (YYYY-MM-DD) of an instant in a zone, as Cal.com keys its answer. */
export function dateKey(t: number, zone: string): string {
  let f = formatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat("fr-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone: zone });
    formatters.set(zone, f);
  }
  return f.format(t);
}

/**
 * dateKey for instants that mostly come in order (slots): one Intl call per local day of the zone rather than one
 * per slot, which for a long window of short slots was most of the engine's time.
 */
function dateKeyer(zone: string): (t: number) => string {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  let key = "";
  return (t) => {
    if (t >= from && t < to) return key;
    key = dateKey(t, zone);
    const day = DateTime.fromMillis(t, { zone: zoneFor(zone) }).startOf("day");
    from = day.toMillis();
    to = day.plus({ days: 1 }).toMillis();
    return key;
  };
}

interface Window {
  from: number;
  to: number;
}

/**
 * Where availability is read: from the later of the requested start and now + notice (at least a minute), to the
 * requested end. A rolling booking window reads a month further back so that its bookable days count from today.
 */
function readWindow(input: SlotsInput): Window {
  const { eventType: et, query } = input;
  let from = query.start;
  const w = et.bookingWindow;
  const rolling = !!w && !("disabled" in w) && w.type !== "range" && !!w.rolling;
  const zone = query.timeZone ?? "UTC";
  const yesterday = DateTime.fromMillis(query.now, { zone: zoneFor(zone) }).minus({ days: 1 }).startOf("day").toMillis();
  if (rolling && from >= yesterday) from = DateTime.fromMillis(from, { zone: "utc" }).minus({ months: 1 }).toMillis();
  from = Math.max(from, query.now + (et.minimumBookingNotice || 1) * MINUTE);
  return { from, to: query.end };
}

/** Each host's free intervals in the window: schedule ranges less bookings (with buffers) and limit periods. */
export function freeIntervalsByHost(input: SlotsInput, window: Window): Map<number, Interval[]> {
  const { eventType: et, hosts, query } = input;
  const limits = limitIntervals(et, hosts, window.from, window.to, query.duration, query.bookingUidToReschedule);
  const out = new Map<number, Interval[]>();
  for (const host of hosts) {
    const ranges = buildDateRanges(host.schedule, window.from, window.to);
    const busy = mergeIntervals([
      ...busyIntervals(host.bookings, et, query.bookingUidToReschedule),
      ...(limits.get(host.userId) ?? []),
    ]);
    out.set(host.userId, subtractIntervals(ranges, busy));
  }
  return out;
}

/**
 * Collective (and a single host): every host free. Round robin: every fixed host free and one pooled host free;
 * the pool's ranges stay one list per host, overlapping, as Cal.com hands them to the stepping.
 */
function aggregate(input: SlotsInput, free: Map<number, Interval[]>): Interval[] {
  const hosts = input.hosts;
  const of = (h: HostInput): Interval[] => free.get(h.userId) ?? [];
  if (hosts.length === 1) return of(hosts[0]!);
  const intersectAll = (list: readonly HostInput[]): Interval[] =>
    list.slice(1).reduce((acc, h) => intersectIntervals(acc, of(h)), of(list[0]!));
  if (input.eventType.schedulingType !== "roundRobin") return intersectAll(hosts);
  const fixed = hosts.filter((h) => h.fixed);
  const pool = hosts.filter((h) => !h.fixed);
  if (pool.length === 0) return intersectAll(fixed);
  const common = fixed.length > 0 ? intersectAll(fixed) : null;
  const seen = new Set<string>();
  const out: Interval[] = [];
  for (const h of pool) {
    for (const r of common ? intersectIntervals(common, of(h)) : of(h)) {
      const key = `${r.start}-${r.end}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}

/** Seats taken at each start: accepted bookings of this event type (attendees) and seat reservations. */
function seatsTaken(input: SlotsInput, active: readonly ReservationInput[]): Map<number, { booked: number; uid?: string }> {
  const seats = new Map<number, { booked: number; uid?: string }>();
  const et = input.eventType;
  if (!et.seatsPerTimeSlot) return seats;
  const seen = new Set<string>();
  for (const host of input.hosts) {
    for (const b of host.bookings) {
      if (b.status !== "accepted" || b.eventTypeId !== et.id || seen.has(b.uid)) continue;
      if (b.uid === input.query.bookingUidToReschedule) continue;
      seen.add(b.uid);
      const entry = seats.get(b.start);
      if (entry) entry.booked += b.attendeeCount;
      else seats.set(b.start, { booked: b.attendeeCount, uid: b.uid });
    }
  }
  for (const r of active) {
    if (!r.isSeat || r.eventTypeId !== et.id) continue;
    const entry = seats.get(r.start);
    if (entry) entry.booked += 1;
    else seats.set(r.start, { booked: 1 });
  }
  return seats;
}

export function computeSlots(input: SlotsInput): Slot[] {
  const { eventType: et, hosts, query } = input;
  if (hosts.length === 0) return [];
  const window = readWindow(input);
  if (!(window.to > window.from)) return [];
  const bookerZone = query.timeZone ?? "UTC";
  const eventLength = query.duration || et.length;
  const lengthMs = eventLength * MINUTE;

  const free = freeIntervalsByHost(input, window);
  const starts = stepSlots(aggregate(input, free), {
    frequency: et.slotInterval || query.duration || et.length,
    eventLength,
    offsetStart: et.offsetStart,
    minimumBookingNotice: et.minimumBookingNotice,
    now: query.now,
    zone: bookerZone,
  });

  const hostIds = new Set(hosts.map((h) => h.userId));
  const active = input.reservations.filter((r) => r.releaseAt > query.now && hostIds.has(r.userId));
  const seats = seatsTaken(input, active);
  const reserved = active.filter((r) => !r.isSeat);

  const byDate = new Map<string, number[]>();
  const keyOf = dateKeyer(bookerZone);
  for (const t of starts) {
    if (!seats.has(t) && reserved.some((r) => overlaps(r, { start: t, end: t + lengthMs }))) continue;
    const key = keyOf(t);
    const list = byDate.get(key);
    if (!list) byDate.set(key, [t]);
    else if (!et.onlyShowFirstAvailableSlot) list.push(t);
  }

  const limit = futureLimit(et.bookingWindow, query.now, et.timeZone, bookerZone, [...byDate.keys()]);
  const earliest = query.now + et.minimumBookingNotice * MINUTE;
  const firstDay = dateKey(query.start, bookerZone);
  const lastDay = dateKey(query.end, bookerZone);
  const out: Slot[] = [];
  for (const [key, list] of byDate) {
    if (key < firstDay || key > lastDay) continue;
    for (const t of list) {
      if (et.minimumBookingNotice && t < earliest) continue;
      if (!withinLimit(limit, t)) continue;
      const slot: Slot = { start: t, end: t + lengthMs };
      if (et.seatsPerTimeSlot) {
        const taken = seats.get(t);
        const info: SeatInfo = {
          booked: taken?.booked ?? 0,
          remaining: et.seatsPerTimeSlot - (taken?.booked ?? 0),
          total: et.seatsPerTimeSlot,
        };
        if (taken?.uid) info.bookingUid = taken.uid;
        slot.seats = info;
      }
      out.push(slot);
    }
  }
  return out;
}

/**
 * The slot that starts at `start`, or null: the question a booking asks. The slots are computed over the two days
 * either side of it, so the answer is the one GET /v2/slots gives for any window that holds those days.
 */
export function isSlotAvailable(input: SlotsInput, start: number): Slot | null {
  const day = 24 * 60 * MINUTE;
  const query = { ...input.query, start: start - 2 * day, end: start + 2 * day };
  return computeSlots({ ...input, query }).find((s) => s.start === start) ?? null;
}

/**
 * The hosts whose availability holds [start, end) whole, without the slot grid or the notice: which host a
 * round-robin booking can go to, and whether every host of a collective one is free.
 */
export function freeHostIds(input: SlotsInput, start: number, end: number): number[] {
  const day = 24 * 60 * MINUTE;
  const free = freeIntervalsByHost(input, { from: start - day, to: end + day });
  return input.hosts
    .filter((h) => (free.get(h.userId) ?? []).some((r) => r.start <= start && r.end >= end))
    .map((h) => h.userId);
}
