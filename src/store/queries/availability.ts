/**
 * What the slot engine reads, gathered from the store: an event type's rules, its hosts (with the schedule each
 * one's availability comes from, their bookings and their reservations), as Cal.com's getAvailableSlots gathers
 * them before computing. One module for both questions the mock asks of availability: GET /v2/slots ("which
 * slots") and a booking ("is this slot free, and with which host"), so that the two can never disagree.
 */
import { DateTime } from "luxon";
import { chooseSchedule, fallbackSchedule } from "../../scheduling/index.js";
import type {
  BookingStatus,
  BookingWindow,
  EventTypeRules,
  HostBooking,
  HostInput,
  IntervalLimits,
  ReservationInput,
  ScheduleInput,
  SchedulingType,
  SlotQuery,
  SlotsInput,
  Weekday,
} from "../../scheduling/index.js";
import type { Booking, EventType, PeriodLimits, Schedule, SelectedSlot } from "../schema.js";
import type { Store } from "../store.js";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
/** Cal.com stores weekdays as numbers, 0 being Sunday; the engine reads their names. */
const WEEKDAY_NAMES: readonly Weekday[] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
/** A user without a zone of their own is in Cal.com's column default. */
const DEFAULT_ZONE = "Europe/London";
/** Cal.com's minimumBookingNotice column default, in minutes. */
export const DEFAULT_MINIMUM_NOTICE = 120;

/** One host of an event type as the store names them: who, whether fixed, and their schedule for this event type. */
export interface EventTypeHost {
  userId: number;
  /** A mandatory host of a round-robin event type (and every host of any other). */
  fixed: boolean;
  scheduleId: number | null;
  /** Cal.com's host priority, 0 lowest … 4 highest (2 when unset): round robin prefers the higher. */
  priority: number;
  weight: number;
}

/**
 * The hosts of an event type: a personal event type's owner; a team event type's hosts, or every accepted member
 * of the team when it assigns all team members (as Cal.com expands assignAllTeamMembers), skipping users who are
 * no longer members.
 */
export function hostsOfEventType(store: Store, et: EventType): EventTypeHost[] {
  if (et.teamId == null) {
    return et.userId == null ? [] : [{ userId: et.userId, fixed: true, scheduleId: null, priority: 2, weight: 100 }];
  }
  const teamId = et.teamId;
  const member = (userId: number) => store.membershipByTeamUser.get(`${teamId}:${userId}`);
  const roundRobin = et.schedulingType === "ROUND_ROBIN";
  if (et.assignAllTeamMembers) {
    const ids = [...(store.userIdsByTeam.get(teamId) ?? [])].filter((id) => member(id)?.accepted).sort((a, b) => a - b);
    const explicit = new Map((et.hosts ?? []).map((h) => [h.userId, h]));
    return ids.map((userId) => {
      const h = explicit.get(userId);
      return { userId, fixed: !roundRobin || !!h?.isFixed, scheduleId: h?.scheduleId ?? null, priority: h?.priority ?? 2, weight: h?.weight ?? 100 };
    });
  }
  return (et.hosts ?? [])
    .filter((h) => member(h.userId) !== undefined && store.get("users", h.userId) !== undefined)
    .map((h) => ({ userId: h.userId, fixed: !roundRobin || !!h.isFixed, scheduleId: h.scheduleId ?? null, priority: h.priority ?? 2, weight: h.weight ?? 100 }));
}

/** A stored schedule as the engine reads it (a null zone is Cal.com's Europe/London). */
export function scheduleInput(s: Schedule): ScheduleInput {
  return {
    timeZone: s.timeZone ?? DEFAULT_ZONE,
    availability: s.availability.map((a) => ({ days: a.days.map((d) => WEEKDAY_NAMES[d]!), startTime: a.startTime, endTime: a.endTime })),
    overrides: s.overrides.map((o) => ({ date: o.date, startTime: o.startTime, endTime: o.endTime })),
  };
}

/**
 * The schedule a host's availability comes from for an event type: the event type's own, the host's for it, the
 * user's default (or first), else Cal.com's Monday-to-Friday fallback in the event type's or the user's zone.
 */
export function hostSchedule(store: Store, userId: number, et: Pick<EventType, "scheduleId" | "timeZone"> | null, hostScheduleId: number | null): ScheduleInput {
  const user = store.get("users", userId);
  const chosen = chooseSchedule<Schedule>({
    eventTypeScheduleId: et?.scheduleId ?? null,
    hostScheduleId,
    defaultScheduleId: user?.defaultScheduleId ?? null,
    userSchedules: [...(store.schedulesByUser.get(userId)?.values() ?? [])],
    byId: (id) => store.get("schedules", id),
  });
  return chosen ? scheduleInput(chosen) : fallbackSchedule(et?.timeZone ?? user?.timeZone ?? DEFAULT_ZONE);
}

const LIMIT_KEYS = { day: "PER_DAY", week: "PER_WEEK", month: "PER_MONTH", year: "PER_YEAR" } as const;

function intervalLimits(limits: PeriodLimits | undefined): IntervalLimits | null {
  if (!limits) return null;
  const out: IntervalLimits = {};
  for (const [unit, key] of Object.entries(LIMIT_KEYS) as Array<[keyof typeof LIMIT_KEYS, (typeof LIMIT_KEYS)[keyof typeof LIMIT_KEYS]]>) {
    const value = limits[key];
    if (typeof value === "number" && value > 0) out[unit] = value;
  }
  return Object.keys(out).length ? out : null;
}

/** The stored period columns as the API's bookingWindow (null: no limit). */
export function bookingWindowOf(et: EventType): BookingWindow | null {
  switch (et.periodType ?? "UNLIMITED") {
    case "ROLLING":
    case "ROLLING_WINDOW":
      if (et.periodDays == null) return null;
      return { type: et.periodCountCalendarDays ? "calendarDays" : "businessDays", value: et.periodDays, rolling: et.periodType === "ROLLING_WINDOW" };
    case "RANGE":
      if (!et.periodStartDate || !et.periodEndDate) return null;
      return { type: "range", value: [et.periodStartDate.slice(0, 10), et.periodEndDate.slice(0, 10)] };
    default:
      return null;
  }
}

const SCHEDULING_TYPES: Record<string, SchedulingType> = { COLLECTIVE: "collective", ROUND_ROBIN: "roundRobin" };

/** The event type's rules as the engine reads them, with Cal.com's column defaults for what the row leaves out. */
export function eventTypeRules(et: EventType, zone: string): EventTypeRules {
  return {
    id: et.id,
    length: et.length,
    slotInterval: et.slotInterval ?? null,
    minimumBookingNotice: et.minimumBookingNotice ?? DEFAULT_MINIMUM_NOTICE,
    beforeEventBuffer: et.beforeEventBuffer ?? 0,
    afterEventBuffer: et.afterEventBuffer ?? 0,
    offsetStart: et.offsetStart ?? 0,
    schedulingType: SCHEDULING_TYPES[et.schedulingType ?? ""] ?? null,
    seatsPerTimeSlot: et.seatsPerTimeSlot ?? null,
    onlyShowFirstAvailableSlot: et.onlyShowFirstAvailableSlot ?? false,
    bookingLimitsCount: intervalLimits(et.bookingLimits),
    bookingLimitsDuration: intervalLimits(et.durationLimits),
    bookingWindow: bookingWindowOf(et),
    timeZone: zone,
  };
}

const STATUS: Record<Booking["status"], BookingStatus> = {
  ACCEPTED: "accepted",
  PENDING: "pending",
  CANCELLED: "cancelled",
  REJECTED: "rejected",
  AWAITING_HOST: "awaiting_host",
};

/** A stored booking as it bears on one host's availability: its own event type's buffers and pending policy. */
export function hostBooking(store: Store, b: Booking, hostId: number): HostBooking {
  const own = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  return {
    uid: b.uid,
    start: Date.parse(b.startTime),
    end: Date.parse(b.endTime),
    status: STATUS[b.status],
    eventTypeId: b.eventTypeId,
    beforeEventBuffer: own?.beforeEventBuffer ?? 0,
    afterEventBuffer: own?.afterEventBuffer ?? 0,
    blocksWhilePending: !!own?.requiresConfirmation && !!own.requiresConfirmationWillBlockSlot,
    organizedByHost: b.userId === hostId,
    attendeeCount: b.attendees.length,
  };
}

/** A reservation as the engine reads it. */
export function reservationInput(r: SelectedSlot): ReservationInput {
  return {
    uid: r.uid,
    userId: r.userId,
    eventTypeId: r.eventTypeId,
    start: Date.parse(r.slotUtcStartDate),
    end: Date.parse(r.slotUtcEndDate),
    releaseAt: Date.parse(r.releaseAt),
    isSeat: !!r.isSeat,
  };
}

const PERIOD_DAYS = { day: 1, week: 7, month: 31, year: 366 } as const;

/**
 * How far before and after the asked window a host's bookings can matter: the largest buffers (theirs and ours),
 * the whole periods of any booking limit, and the month a rolling booking window looks back.
 */
function fetchMargin(rules: EventTypeRules): number {
  let margin = 2 * DAY;
  for (const limits of [rules.bookingLimitsCount, rules.bookingLimitsDuration]) {
    for (const unit of Object.keys(limits ?? {}) as Array<keyof typeof PERIOD_DAYS>) margin = Math.max(margin, (PERIOD_DAYS[unit] + 1) * DAY);
  }
  const w = rules.bookingWindow;
  if (w && !("disabled" in w) && w.type !== "range" && w.rolling) margin = Math.max(margin, 32 * DAY);
  return margin;
}

export interface AvailabilityQuery {
  /** The window asked about (epoch ms), already adjusted as GET /v2/slots adjusts it. */
  start: number;
  end: number;
  now: number;
  /** The booker's zone (slots are rounded on its clock); absent: UTC. */
  timeZone?: string | undefined;
  duration?: number | undefined;
  bookingUidToReschedule?: string | undefined;
}

/**
 * The engine's whole input for an event type and a window: its rules (the booking-limit zone is the event type's
 * schedule's, else its first host's), every host with the schedule their availability comes from, their bookings
 * in a busy status around the window (as organizer or attendee, of any event type) and the reservations held for
 * them. `hosts` narrows or replaces the event type's own (a dynamic group's users; a round-robin subset).
 */
export function slotsInputFor(store: Store, et: EventType, query: AvailabilityQuery, hosts: readonly EventTypeHost[] = hostsOfEventType(store, et)): SlotsInput {
  const schedules = hosts.map((h) => hostSchedule(store, h.userId, et, h.scheduleId));
  const own = et.scheduleId != null ? store.get("schedules", et.scheduleId) : undefined;
  const zone = own ? scheduleInput(own).timeZone : (schedules[0]?.timeZone ?? et.timeZone ?? DEFAULT_ZONE);
  const rules = eventTypeRules(et, zone);
  const margin = fetchMargin(rules);
  const from = query.start - margin;
  const to = query.end + margin;
  const reservations: ReservationInput[] = [];
  const hostInputs: HostInput[] = hosts.map((h, i) => {
    for (const r of store.selectedSlotsByUser.get(h.userId)?.values() ?? []) reservations.push(reservationInput(r));
    return {
      userId: h.userId,
      fixed: h.fixed,
      schedule: schedules[i]!,
      bookings: store.busyBookings(h.userId, from, to).map((b) => hostBooking(store, b, h.userId)),
    };
  });
  const slotQuery: SlotQuery = {
    start: query.start,
    end: query.end,
    timeZone: query.timeZone,
    duration: query.duration,
    bookingUidToReschedule: query.bookingUidToReschedule,
    now: query.now,
  };
  return { eventType: rules, hosts: hostInputs, reservations, query: slotQuery };
}

/** The UTC day bounds around an instant, for questions about one slot (a booking's start). */
export function windowAround(start: number, days = 2): { start: number; end: number } {
  const day = DateTime.fromMillis(start, { zone: "utc" }).startOf("day").toMillis();
  return { start: day - days * DAY, end: day + (days + 1) * DAY - 1 };
}
