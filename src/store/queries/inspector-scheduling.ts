import { DateTime } from "luxon";
import { notFound } from "../../errors.js";
import { buildDateRanges, chooseSchedule, fallbackSchedule, WEEKDAYS } from "../../scheduling/index.js";
import type { Interval, ScheduleInput } from "../../scheduling/index.js";
import { zoneFor } from "../../scheduling/zones.js";
import type { Booking, EventType, Schedule, SelectedSlot, User } from "../schema.js";
import type { Store } from "../store.js";
import { scheduleInput } from "./availability.js";
import { BOOKING_LISTS, listBit, listBits, type BookingList } from "./booking-status-lists.js";

/**
 * Read models of the inspector's scheduling views (a member's week, the bookings list, one booking), answered
 * through /__admin. Availability comes from the slot engine itself (chooseSchedule, buildDateRanges), so the week
 * shades exactly what a slots request reads; "now" is the mock's clock, handed in by the caller.
 */

/** Cal.com's default zone for a user or schedule without one. */
const DEFAULT_ZONE = "Europe/London";
const MINUTES_PER_DAY = 1440;

export { BOOKING_LISTS, type BookingList } from "./booking-status-lists.js";

const iso = (ms: number) => new Date(ms).toISOString();

function requireUser(store: Store, userId: number): User {
  const user = store.get("users", userId);
  if (!user) throw notFound(`No user with id ${userId}`);
  return user;
}

// ---- Which availability the slot engine reads for a user ----

export interface UserAvailability {
  /** The schedule chosen, or null when Cal.com's Monday-to-Friday fallback applies. */
  schedule: Schedule | null;
  /** "default": the one defaultScheduleId names; "first": no default id, the first schedule; "fallback": none. */
  source: "default" | "first" | "fallback";
  input: ScheduleInput;
}

/**
 * What a host's availability comes from when no event type names a schedule: the same choice the slots request
 * makes (the default schedule, else the first one when there is no default id, else the fallback in the user's zone).
 */
export function userAvailability(store: Store, user: User): UserAvailability {
  const schedule = chooseSchedule<Schedule>({
    defaultScheduleId: user.defaultScheduleId,
    userSchedules: [...(store.schedulesByUser.get(user.id)?.values() ?? [])],
    byId: (id) => store.get("schedules", id),
  });
  if (!schedule) return { schedule: null, source: "fallback", input: fallbackSchedule(user.timeZone ?? DEFAULT_ZONE) };
  return { schedule, source: user.defaultScheduleId != null ? "default" : "first", input: scheduleInput(schedule) };
}

// ---- Bookings as the inspector shows them ----

/**
 * A booking's start and end as epoch ms, parsed once per row: listing ~15,000 bookings would otherwise parse
 * 30,000 ISO strings per request. Kept with the strings they were parsed from, so a row changed in place is parsed again.
 */
const parsedTimes = new WeakMap<Booking, { startTime: string; endTime: string; start: number; end: number }>();
function timesOf(b: Booking): { start: number; end: number } {
  let times = parsedTimes.get(b);
  if (!times || times.startTime !== b.startTime || times.endTime !== b.endTime) {
    times = { startTime: b.startTime, endTime: b.endTime, start: Date.parse(b.startTime), end: Date.parse(b.endTime) };
    parsedTimes.set(b, times);
  }
  return times;
}

/** The lists of Cal.com's bookings listing a booking appears in at `now` (getAllUserBookings' status filters). */
export function bookingLists(b: Booking, now: number): BookingList[] {
  const bits = listBits(b.status, !!b.recurringEventId, timesOf(b).end, now);
  return BOOKING_LISTS.filter((list) => bits & listBit(list));
}

function eventTypeSummary(e: EventType | undefined) {
  if (!e) return null;
  return { id: e.id, title: e.title, slug: e.slug, length: e.length, userId: e.userId, teamId: e.teamId, schedulingType: e.schedulingType ?? null };
}

function personSummary(user: User | undefined) {
  return user ? { id: user.id, username: user.username, name: user.name, email: user.email } : null;
}

/** A booking's row: who, when, its status as the API v2 prints it, and where it was rescheduled from and to. */
export function bookingSummary(store: Store, b: Booking, now: number) {
  return {
    id: b.id,
    uid: b.uid,
    title: b.title,
    status: b.status.toLowerCase(),
    start: b.startTime,
    end: b.endTime,
    eventType: eventTypeSummary(b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId)),
    host: personSummary(b.userId == null ? undefined : store.get("users", b.userId)),
    attendees: b.attendees.map((a) => ({ name: a.name, email: a.email })),
    lists: bookingLists(b, now),
    rescheduledFromUid: b.fromReschedule ?? null,
    rescheduledToUid: b.rescheduled ? (store.bookingByFromReschedule.get(b.uid)?.uid ?? null) : null,
    recurringEventId: b.recurringEventId ?? null,
  };
}

/** Everything about one booking the inspector shows: its row, the attendees whole, reasons, seats and answers. */
export function bookingDetail(store: Store, now: number, uid: string) {
  const b = store.bookingByUid.get(uid);
  if (!b) throw notFound(`No booking with uid ${uid}`);
  const series = b.recurringEventId ? store.bookingsByRecurringUid.get(b.recurringEventId)?.size ?? 0 : 0;
  return {
    ...bookingSummary(store, b, now),
    attendees: b.attendees.map((a) => ({ id: a.id, name: a.name, email: a.email, timeZone: a.timeZone, noShow: a.noShow ?? false })),
    description: b.description ?? null,
    location: b.location ?? null,
    createdAt: b.createdAt,
    updatedAt: b.updatedAt ?? null,
    cancellationReason: b.cancellationReason ?? null,
    cancelledBy: b.cancelledBy ?? null,
    rejectionReason: b.rejectionReason ?? null,
    rescheduled: b.rescheduled ?? false,
    rescheduledBy: b.rescheduledBy ?? null,
    noShowHost: b.noShowHost ?? false,
    seats: (b.seatsReferences ?? []).length,
    occurrences: series,
    responses: b.responses ?? null,
    metadata: b.metadata ?? null,
  };
}

// ---- The bookings list ----

export interface BookingFilter {
  /** Cal.com's lists, OR-combined; none: every booking. */
  lists?: BookingList[] | undefined;
  eventTypeId?: number | undefined;
  /** The organizer's or an attendee's e-mail, case-insensitive. */
  email?: string | undefined;
  /** Cal.com's afterStart and beforeEnd: start at or after, end at or before (epoch ms). */
  afterStart?: number | undefined;
  beforeEnd?: number | undefined;
}

/** The user with this e-mail in another case (users' e-mails are kept as given; the index is exact). */
function userByEmailAnyCase(store: Store, lowerCased: string): User | undefined {
  for (const u of store.userByEmail.values()) if (u.email.toLowerCase() === lowerCased) return u;
  return undefined;
}

/**
 * What a list page reads of each booking, in objects of one shape (bookings' own shapes vary with their optional
 * columns, which makes reading them in a loop over all of them several times slower).
 */
interface Timed {
  b: Booking;
  start: number;
  end: number;
  status: Booking["status"];
  recurring: boolean;
  eventTypeId: number | null;
}

const byStart = (x: Timed, y: Timed) => x.start - y.start || x.b.id - y.b.id;
function timed(b: Booking): Timed {
  const { start, end } = timesOf(b);
  return { b, start, end, status: b.status, recurring: !!b.recurringEventId, eventTypeId: b.eventTypeId };
}

/**
 * The bookings a filter starts from, soonest first: through an index when one applies (a person's as organizer
 * and as attendee, an event type's), each once; otherwise every booking, in an order kept until the next write.
 */
function candidates(store: Store, filter: BookingFilter): readonly Timed[] {
  const email = filter.email?.trim().toLowerCase();
  if (email !== undefined) {
    const found = new Map<number, Booking>();
    const user = store.userByEmail.get(email) ?? userByEmailAnyCase(store, email);
    for (const b of (user && store.bookingsByUser.get(user.id)?.values()) ?? []) found.set(b.id, b);
    for (const b of store.bookingsByAttendeeEmail.get(email)?.values() ?? []) found.set(b.id, b);
    return [...found.values()].map(timed).sort(byStart);
  }
  if (filter.eventTypeId !== undefined) return [...(store.bookingsByEventType.get(filter.eventTypeId)?.values() ?? [])].map(timed).sort(byStart);
  return store.memo("inspector:bookingsByStart", () => [...store.rows.bookings.values()].map(timed).sort(byStart));
}

/**
 * Bookings under the filters, paged, in Cal.com's default order (one list asked: upcoming, recurring and
 * unconfirmed soonest first, past and cancelled latest first; else soonest first), with how many of the bookings
 * the other filters keep fall in each list, so a view can show the counts beside its list switch.
 */
export function bookingsPage(store: Store, now: number, filter: BookingFilter, skip: number, take: number) {
  const perList = [0, 0, 0, 0, 0];
  let all = 0;
  const wanted = (filter.lists ?? []).reduce((bits, list) => bits | listBit(list), 0);
  const { afterStart = -Infinity, beforeEnd = Infinity, eventTypeId } = filter;
  const matching: Booking[] = [];
  for (const t of candidates(store, filter)) {
    if (t.start < afterStart || t.end > beforeEnd) continue;
    if (eventTypeId !== undefined && t.eventTypeId !== eventTypeId) continue;
    const bits = listBits(t.status, t.recurring, t.end, now);
    all++;
    for (let i = 0; i < 5; i++) if (bits & (1 << i)) perList[i]!++;
    if (wanted !== 0 && (bits & wanted) === 0) continue;
    matching.push(t.b);
  }
  const counts = { all, ...Object.fromEntries(BOOKING_LISTS.map((list, i) => [list, perList[i]!])) } as Record<BookingList | "all", number>;
  const only = new Set(filter.lists ?? []);
  if (only.size === 1 && (only.has("past") || only.has("cancelled"))) matching.reverse();
  return {
    total: matching.length,
    skip,
    take,
    counts,
    now: iso(now),
    items: matching.slice(skip, skip + take).map((b) => bookingSummary(store, b, now)),
  };
}

/** Event types whose title or slug holds `q` (or whose id it is), for the bookings list's filter; paged. */
export function eventTypesPage(store: Store, q: string | undefined, skip: number, take: number) {
  const needle = q?.trim().toLowerCase();
  const all: EventType[] = [];
  for (const e of store.rows.eventTypes.values()) {
    if (!needle || String(e.id) === needle || e.title.toLowerCase().includes(needle) || e.slug.includes(needle)) all.push(e);
  }
  return {
    total: all.length,
    skip,
    take,
    items: all.slice(skip, skip + take).map((e) => {
      const owner = e.userId != null ? store.get("users", e.userId) : undefined;
      const team = e.teamId != null ? store.get("teams", e.teamId) : undefined;
      return { ...eventTypeSummary(e)!, owner: owner ? owner.name ?? owner.username : null, team: team?.name ?? null, bookings: store.bookingsByEventType.get(e.id)?.size ?? 0 };
    }),
  };
}

// ---- A member's week ----

const LUXON_WEEKDAY: Record<string, number> = { Monday: 1, Tuesday: 2, Wednesday: 3, Thursday: 4, Friday: 5, Saturday: 6, Sunday: 7 };

export interface WeekQuery {
  userId: number;
  /** A day of the week wanted: a date (read in the zone) or an instant; none: the clock's today. */
  date?: { kind: "date"; text: string } | { kind: "instant"; ms: number } | undefined;
  /** The zone the week is laid out in; none: the zone of the schedule the user's availability comes from. */
  zone?: string | undefined;
}

/** Where an interval falls on the week's grid: for each day it touches, its wall-clock minutes on that day. */
interface Segment {
  day: number;
  startMinute: number;
  endMinute: number;
}

/** Days (midnights in the zone, eight of them: the week's seven and the next's first) and placing on them. */
class WeekGrid {
  readonly midnights: number[];

  constructor(
    readonly zone: string,
    private readonly first: DateTime,
  ) {
    this.midnights = Array.from({ length: 8 }, (_, i) => first.plus({ days: i }).toMillis());
  }

  day(i: number): DateTime {
    return this.first.plus({ days: i });
  }

  get start(): number {
    return this.midnights[0]!;
  }

  get end(): number {
    return this.midnights[7]!;
  }

  /** The wall-clock minute of an instant on its day in the zone (DST days included: the clock's reading). */
  minuteOf(ms: number): number {
    const t = DateTime.fromMillis(ms, { zone: zoneFor(this.zone) });
    return t.hour * 60 + t.minute + t.second / 60;
  }

  segments(start: number, end: number): Segment[] {
    const out: Segment[] = [];
    for (let day = 0; day < 7; day++) {
      const from = Math.max(start, this.midnights[day]!);
      const to = Math.min(end, this.midnights[day + 1]!);
      if (to <= from) continue;
      const startMinute = this.minuteOf(from);
      const endMinute = to >= this.midnights[day + 1]! ? MINUTES_PER_DAY : this.minuteOf(to);
      out.push({ day, startMinute, endMinute: Math.max(startMinute, endMinute) });
    }
    return out;
  }

  /** Which of the week's days an instant falls on, or -1. */
  dayOf(ms: number): number {
    for (let day = 0; day < 7; day++) if (ms >= this.midnights[day]! && ms < this.midnights[day + 1]!) return day;
    return -1;
  }
}

function weekGrid(zone: string, wanted: DateTime, weekStart: string): WeekGrid {
  const startDay = LUXON_WEEKDAY[weekStart] ?? 7;
  const day = wanted.startOf("day");
  return new WeekGrid(zone, day.minus({ days: (day.weekday - startDay + 7) % 7 }).startOf("day"));
}

/** The organization the user belongs to (for a link to their member page): their organizationId, else a membership's. */
function organizationOf(store: Store, user: User): number | null {
  if (user.organizationId != null) return user.organizationId;
  for (const teamId of store.membershipsByUser.get(user.id)?.keys() ?? []) if (store.get("organizations", teamId)) return teamId;
  return null;
}

/** The bookings the user takes part in, as organizer or as an attendee (by e-mail), that overlap [start, end). */
function bookingsOf(store: Store, user: User, start: number, end: number): Array<{ b: Booking; role: "organizer" | "attendee" }> {
  const found = new Map<number, { b: Booking; role: "organizer" | "attendee" }>();
  const overlaps = (b: Booking) => timesOf(b).start < end && timesOf(b).end > start;
  for (const b of store.bookingsByUser.get(user.id)?.values() ?? []) if (overlaps(b)) found.set(b.id, { b, role: "organizer" });
  for (const b of store.bookingsByAttendeeEmail.get(user.email.toLowerCase())?.values() ?? []) {
    if (!found.has(b.id) && overlaps(b)) found.set(b.id, { b, role: "attendee" });
  }
  return [...found.values()].sort((x, y) => timesOf(x.b).start - timesOf(y.b).start || x.b.id - y.b.id);
}

/** The user's reservations (held for them as host) that overlap [start, end) and have not expired at `now`. */
function reservationsOf(store: Store, userId: number, start: number, end: number, now: number): SelectedSlot[] {
  const out: SelectedSlot[] = [];
  for (const r of store.selectedSlotsByUser.get(userId)?.values() ?? []) {
    if (Date.parse(r.releaseAt) <= now) continue;
    if (Date.parse(r.slotUtcStartDate) < end && Date.parse(r.slotUtcEndDate) > start) out.push(r);
  }
  return out.sort((a, b) => Date.parse(a.slotUtcStartDate) - Date.parse(b.slotUtcStartDate) || a.id - b.id);
}

/**
 * One member's week in a zone: each day's available time (what the slot engine reads: the default schedule,
 * first schedule or fallback, overrides replacing their day), the bookings they organize or attend in any status,
 * and the reservations held for them until they are released, each placed on the day grid in that zone.
 */
export function memberWeek(store: Store, now: number, query: WeekQuery) {
  const user = requireUser(store, query.userId);
  const availability = userAvailability(store, user);
  const zone = query.zone ?? availability.input.timeZone;
  const wanted =
    query.date?.kind === "date"
      ? DateTime.fromISO(query.date.text, { zone: zoneFor(zone) })
      : DateTime.fromMillis(query.date?.kind === "instant" ? query.date.ms : now, { zone: zoneFor(zone) });
  const weekStart = user.weekStart ?? "Sunday";
  const grid = weekGrid(zone, wanted, weekStart);
  const ranges: Interval[] = buildDateRanges(availability.input, grid.start, grid.end);
  const today = DateTime.fromMillis(now, { zone: zoneFor(zone) }).toISODate()!;
  const overrideDates = new Set(availability.input.overrides.map((o) => o.date));
  const sameZone = zone === availability.input.timeZone;

  const days = Array.from({ length: 7 }, (_, i) => {
    const date = grid.day(i).toISODate()!;
    return {
      date,
      // By name from our own list: luxon's weekdayLong follows the machine's locale.
      weekday: WEEKDAYS[grid.day(i).weekday - 1]!,
      isToday: date === today,
      // Overrides are dated in the schedule's zone: a column can name one only when it is laid out in that zone.
      override: sameZone && overrideDates.has(date),
      available: [] as Array<{ start: string; end: string; startMinute: number; endMinute: number }>,
    };
  });
  for (const r of ranges) {
    for (const s of grid.segments(r.start, r.end)) days[s.day]!.available.push({ start: iso(r.start), end: iso(r.end), startMinute: s.startMinute, endMinute: s.endMinute });
  }
  const taking = bookingsOf(store, user, grid.start, grid.end);
  const bookings = taking.map(({ b, role }) => ({
    ...bookingSummary(store, b, now),
    role,
    segments: grid.segments(timesOf(b).start, timesOf(b).end),
  }));
  const reservations = reservationsOf(store, user.id, grid.start, grid.end, now).map((r) => ({
    id: r.id,
    uid: r.uid,
    eventType: eventTypeSummary(store.get("eventTypes", r.eventTypeId)),
    start: r.slotUtcStartDate,
    end: r.slotUtcEndDate,
    releaseAt: r.releaseAt,
    reservedByUserId: r.reservedByUserId ?? null,
    segments: grid.segments(Date.parse(r.slotUtcStartDate), Date.parse(r.slotUtcEndDate)),
  }));
  const nowDay = grid.dayOf(now);
  const zones = new Set([availability.input.timeZone, user.timeZone ?? DEFAULT_ZONE, "UTC"]);
  for (const { b } of taking) for (const a of b.attendees) zones.add(a.timeZone);

  return {
    user: {
      id: user.id,
      username: user.username,
      name: user.name,
      email: user.email,
      timeZone: user.timeZone ?? DEFAULT_ZONE,
      weekStart,
      organizationId: organizationOf(store, user),
    },
    zone,
    zones: [...zones],
    now: iso(now),
    today,
    nowMark: nowDay < 0 ? null : { day: nowDay, minute: grid.minuteOf(now) },
    start: iso(grid.start),
    end: iso(grid.end),
    previous: grid.day(-7).toISODate(),
    next: grid.day(7).toISODate(),
    schedule: {
      id: availability.schedule?.id ?? null,
      name: availability.schedule?.name ?? "Cal.com's fallback",
      timeZone: availability.input.timeZone,
      source: availability.source,
      availability: availability.input.availability.map((row) => ({ days: [...row.days], startTime: row.startTime, endTime: row.endTime })),
      overrides: availability.input.overrides.filter((o) => o.date >= grid.day(-1).toISODate()! && o.date <= grid.day(7).toISODate()!),
    },
    days,
    bookings,
    reservations,
  };
}
