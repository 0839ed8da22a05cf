/**
 * Whether a booking can take a time, and with which hosts, as Cal.com's handleNewBooking decides it: the start is not
 * in the past, not inside the minimum notice nor beyond the booking window (isOutOfBounds), and the hosts are free
 * (ensureAvailableUsers: every host of a personal or collective event type, every fixed host and one pooled host of
 * a round-robin one, the lucky one picked by priority, weight and least recent booking). Availability is the slot
 * engine's, on the input GET /v2/slots computes with (slotsInputFor), so the two can never disagree.
 */
import { badRequest } from "../../errors.js";
import { computeSlots, dateKey, freeHostIds } from "../../scheduling/index.js";
import { futureLimit, withinLimit } from "../../scheduling/booking-window.js";
import type { SlotsInput } from "../../scheduling/index.js";
import type { EventType } from "../schema.js";
import type { Store } from "../store.js";
import { hostsOfEventType, slotsInputFor, windowAround, type EventTypeHost } from "./availability.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const PAST = "Attempting to book a meeting in the past.";
export const OUT_OF_BOUNDS =
  'The event type can\'t be booked at the "start" time provided. This could be because it\'s too soon (violating the minimum booking notice) or too far in the future (outside the event\'s scheduling window). Try fetching available slots first using the GET /v2/slots endpoint and then make a booking with "start" time equal to one of the available slots.';
export const USER_UNAVAILABLE = "User either already has booking at this time or is not available";
export const HOSTS_UNAVAILABLE = "One of the hosts either already has booking at this time or is not available";

/** One time a booking asks for. */
export interface Occurrence {
  start: number;
  end: number;
}

export interface SlotQuestion {
  now: number;
  /** The booker's zone: the booking window's days are counted on its calendar. */
  bookerZone: string;
  /** The booking's length, when not the event type's (a variable-length booking). */
  length: number;
  /** The booking being rescheduled: it does not block its own new time. */
  rescheduleUid?: string | undefined;
  /** A host to keep when free (the organizer of the booking being rescheduled). */
  preferHost?: number | null | undefined;
}

/**
 * Cal.com's isOutOfBounds for one start: in the past (its own message), inside the minimum notice, or beyond the
 * booking window (read by the engine's booking-window rule, the same GET /v2/slots applies).
 */
export function checkBounds(store: Store, et: EventType, start: number, q: SlotQuestion, input = slotInput(store, et, start, q)): void {
  if (start < q.now) throw badRequest(PAST);
  const rules = input.eventType;
  if (rules.minimumBookingNotice && start < q.now + rules.minimumBookingNotice * MINUTE) throw badRequest(OUT_OF_BOUNDS);
  const w = rules.bookingWindow;
  if (!w || "disabled" in w) return;
  // A rolling window counts days that have slots: the engine says which, from today to the start's day.
  const rolling = w.type !== "range" && !!w.rolling;
  const bookable = rolling
    ? [...new Set(computeSlots({ ...input, query: { ...input.query, start: q.now, end: start + DAY } }).map((s) => dateKey(s.start, q.bookerZone)))]
    : [];
  if (!withinLimit(futureLimit(w, q.now, rules.timeZone, q.bookerZone, bookable), start)) throw badRequest(OUT_OF_BOUNDS);
}

/** What the engine reads to answer for one start: the days around it, as GET /v2/slots would gather them. */
export function slotInput(store: Store, et: EventType, start: number, q: SlotQuestion, hosts = hostsOfEventType(store, et)): SlotsInput {
  return slotsInputFor(store, et, { ...windowAround(start), now: q.now, timeZone: q.bookerZone, duration: q.length, bookingUidToReschedule: q.rescheduleUid }, hosts);
}

/** The hosts a booking goes to: its organizer, and the other hosts who attend (a collective or round-robin team's). */
export interface Hosts {
  organizerId: number;
  coHostIds: number[];
}

/** How many of an event type's live bookings each host organizes, and when each was last booked (createdAt). */
function bookingStats(store: Store, et: EventType): Map<number, { count: number; last: number }> {
  const stats = new Map<number, { count: number; last: number }>();
  for (const b of store.bookingsByEventType.get(et.id)?.values() ?? []) {
    if (b.userId == null || b.status === "CANCELLED" || b.status === "REJECTED") continue;
    const s = stats.get(b.userId) ?? { count: 0, last: Number.NEGATIVE_INFINITY };
    s.count += 1;
    s.last = Math.max(s.last, Date.parse(b.createdAt));
    stats.set(b.userId, s);
  }
  return stats;
}

/**
 * The round-robin host a booking goes to among the free pooled ones (Cal.com's getLuckyUser): the highest priority,
 * then, where weights differ, the fewest bookings for the weight, then the least recently booked (never booked
 * first), then the lowest id, so the same state always picks the same host.
 */
export function luckyHost(store: Store, et: EventType, candidates: readonly EventTypeHost[]): number {
  const top = Math.max(...candidates.map((h) => h.priority));
  const pool = candidates.filter((h) => h.priority === top);
  const stats = bookingStats(store, et);
  const weighted = new Set(pool.map((h) => h.weight)).size > 1;
  const ratio = (h: EventTypeHost) => (stats.get(h.userId)?.count ?? 0) / Math.max(h.weight, 1);
  const last = (h: EventTypeHost) => stats.get(h.userId)?.last ?? Number.NEGATIVE_INFINITY;
  pool.sort((a, b) => (weighted ? ratio(a) - ratio(b) : 0) || last(a) - last(b) || a.userId - b.userId);
  return pool[0]!.userId;
}

/**
 * The hosts free for every occurrence asked about, or Cal.com's 400: "User either already has…" for a personal
 * event type, "One of the hosts…" for a team's. Cal.com checks the first two occurrences of a recurring booking
 * only; the caller passes those.
 */
export function hostsFor(store: Store, et: EventType, occurrences: readonly Occurrence[], q: SlotQuestion, inputs: readonly SlotsInput[] = []): Hosts {
  const hosts = hostsOfEventType(store, et);
  const team = et.teamId != null;
  const refuse = () => badRequest(team ? HOSTS_UNAVAILABLE : USER_UNAVAILABLE);
  if (hosts.length === 0) throw refuse();
  let free: Set<number> | undefined;
  for (const [i, o] of occurrences.entries()) {
    const input = inputs[i] ?? slotInput(store, et, o.start, q, hosts);
    const here = new Set(freeHostIds(input, o.start, o.end));
    free = free ? new Set([...free].filter((id) => here.has(id))) : here;
  }
  const isFree = (h: EventTypeHost) => free!.has(h.userId);
  const fixed = hosts.filter((h) => h.fixed);
  if (!fixed.every(isFree)) throw refuse();
  const pool = hosts.filter((h) => !h.fixed);
  if (pool.length === 0) return { organizerId: fixed[0]!.userId, coHostIds: fixed.slice(1).map((h) => h.userId) };
  const candidates = pool.filter(isFree);
  if (candidates.length === 0) throw refuse();
  const preferred = candidates.find((h) => h.userId === q.preferHost);
  const lucky = preferred?.userId ?? luckyHost(store, et, candidates);
  const chosen = [...fixed.map((h) => h.userId), lucky];
  return { organizerId: chosen[0]!, coHostIds: chosen.slice(1) };
}

type Threshold = { time?: unknown; unit?: unknown };
const UNIT_MS: Record<string, number> = { minutes: MINUTE, hours: 60 * MINUTE, days: DAY, weeks: 7 * DAY };

/**
 * Whether a new booking waits for the host (PENDING): the event type requires confirmation, unless it does so only
 * for bookings closer than its threshold and this one is further away, or the organizer is the one rescheduling.
 */
export function needsConfirmation(et: EventType, start: number, now: number, organizerReschedules: boolean): boolean {
  if (!et.requiresConfirmation || organizerReschedules) return false;
  const threshold = (et.metadata as { requiresConfirmationThreshold?: Threshold } | undefined)?.requiresConfirmationThreshold;
  const unit = typeof threshold?.unit === "string" ? UNIT_MS[threshold.unit] : undefined;
  if (unit && typeof threshold?.time === "number") {
    // dayjs's diff in that unit, truncated, as Cal.com compares it.
    const ahead = Math.trunc((start - now) / unit);
    if (ahead > threshold.time) return false;
  }
  return true;
}
