/**
 * POST /v2/bookings as Cal.com's bookings service and handleNewBooking make a booking: the event type named, its
 * guards (authentication it requires, managed parents, team event types without hosts), the booking fields,
 * length and location, then the time (bounds and the hosts' availability, from the slot engine) and the rows: a
 * regular booking, a recurring series, or a seat on the seated booking at that start.
 *
 * Every check reads the store and the commit applies the rows in the same synchronous run (no await between them),
 * so no other booking can take the time in between: two requests for one slot get one booking and one refusal.
 */
import { DateTime } from "luxon";
import { badRequest, conflict, forbidden, unauthorized, unprocessable, withDiagnostics } from "../../errors.js";
import type { Schemas } from "../../contract/types.js";
import type { Database } from "../database.js";
import type { Attendee, Booking, BookingSeat, Change, EventType, User } from "../schema.js";
import type { Store } from "../store.js";
import { eventName } from "./booking-event-name.js";
import { hostsOfEventType } from "./availability.js";
import { seriesOf, type BookingOutput } from "./booking-output.js";
import { newBookingUid, newSeatUid, newSeriesUid, type Taken } from "./booking-ids.js";
import {
  bookingLength,
  bookingLocation,
  CAL_VIDEO,
  checkAttendee,
  checkBookingFields,
  checkMetadata,
  parseStart,
  pipeRefusal,
  type AttendeeInput,
  type ResolvedLocation,
} from "./booking-input.js";
import { checkBounds, hostsFor, needsConfirmation, slotInput, type Hosts, type Occurrence, type SlotQuestion } from "./booking-slot.js";
import { bookingAnswer, eventTypeToBook, isEventTypeAdminOrOwner, namesEventType } from "./bookings.js";

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** What a booking write needs: the database, "now", and the caller (undefined: no credentials). */
export interface WriteContext {
  db: Database;
  now: number;
  user: User | undefined;
}

export type CreateBody = Schemas["CreateRecurringBookingInput_2024_08_13"] & { instant?: boolean };

/** The answers a booking records from the request, shared by every row of one create. */
interface Request {
  et: EventType;
  attendee: AttendeeInput;
  guests: string[] | undefined;
  location: ResolvedLocation;
  responses: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The booker as an attendee row (the e-mail as sent; Cal.com keeps its case). */
export function attendeeRow(store: Store, a: AttendeeInput): Attendee {
  return {
    id: store.nextSequenceId("attendees"),
    email: a.email ?? "",
    name: a.name,
    timeZone: a.timeZone,
    locale: a.language ?? "en",
    ...(a.phoneNumber && { phoneNumber: a.phoneNumber }),
  };
}

/** The other people a booking has as attendees: its guests (no name, the booker's zone) and its co-hosts. */
function otherAttendees(store: Store, r: Pick<Request, "attendee" | "guests">, coHostIds: readonly number[]): Attendee[] {
  const out: Attendee[] = (r.guests ?? []).map((email) => ({
    id: store.nextSequenceId("attendees"),
    email,
    name: "",
    timeZone: r.attendee.timeZone,
    locale: r.attendee.language ?? "en",
  }));
  for (const id of coHostIds) {
    const u = store.get("users", id);
    if (u) out.push({ id: store.nextSequenceId("attendees"), email: u.email, name: u.name ?? u.username, timeZone: u.timeZone ?? "Europe/London", locale: u.locale ?? "en" });
  }
  return out;
}

/** The video call a Cal Video booking gets (Cal.com keeps its URL in the booking's metadata). */
export const videoCallUrl = (uid: string) => `https://app.cal.com/video/${uid}`;

export interface NewBooking {
  uid: string;
  hosts: Hosts;
  start: number;
  end: number;
  status: Booking["status"];
  attendees: Attendee[];
  responses: Record<string, unknown>;
  metadata: Record<string, unknown>;
  location: string | null;
  seats?: BookingSeat[];
  extra?: Partial<Booking>;
}

/**
 * Writes the changes and answers what they show, read in the same run as the write (another request's write can
 * come in only while this one is made durable); resolves once durable.
 */
export async function commitThen<T>(ctx: WriteContext, changes: Change[], answer: () => T): Promise<T> {
  const durable = ctx.db.commit(changes);
  const out = answer();
  await durable;
  return out;
}

/** A booking row with Cal.com's columns for what it is. */
export function bookingRow(store: Store, et: EventType, b: NewBooking, now: number): Booking {
  const organizer = store.get("users", b.hosts.organizerId);
  const notes = b.responses.notes;
  return {
    id: store.nextSequenceId("bookings"),
    uid: b.uid,
    userId: b.hosts.organizerId,
    eventTypeId: et.id,
    title: eventName(et, b, { host: organizer?.name || "Nameless", location: b.location }),
    description: typeof notes === "string" ? notes : null,
    startTime: iso(b.start),
    endTime: iso(b.end),
    status: b.status,
    attendees: b.attendees,
    responses: b.responses,
    location: b.location,
    metadata: { ...b.metadata, ...(b.location === CAL_VIDEO && { videoCallUrl: videoCallUrl(b.uid) }) },
    createdAt: iso(now),
    updatedAt: iso(now),
    iCalUID: `${b.uid}@Cal.com`,
    iCalSequence: 0,
    ...(b.seats && { seatsReferences: b.seats }),
    ...b.extra,
  };
}

/** The booking fields' answers Cal.com stores for a booking made through the API. */
function responsesOf(body: CreateBody, location: ResolvedLocation): Record<string, unknown> {
  const a = body.attendee;
  return {
    ...(body.bookingFieldsResponses as Record<string, unknown> | undefined),
    name: a.name,
    email: a.email ?? "",
    ...(a.phoneNumber && { attendeePhoneNumber: a.phoneNumber }),
    ...(body.guests && { guests: body.guests }),
    ...(location.response && { location: location.response }),
  };
}

const DAY_LIMIT_STATUSES = new Set<Booking["status"]>(["ACCEPTED", "PENDING"]);

/**
 * Cal.com's limit of active bookings per booker (the event type's bookerActiveBookingsLimit): upcoming bookings
 * of this event type the booker attends, counted against the maximum; with offerReschedule the refusal names the
 * booking to reschedule instead.
 */
function checkBookerLimit(store: Store, et: EventType, email: string | undefined, now: number): void {
  const limit = (et.extra as { bookerActiveBookingsLimit?: { maximumActiveBookings?: unknown; offerReschedule?: unknown } } | undefined)?.bookerActiveBookingsLimit;
  const max = limit?.maximumActiveBookings;
  if (typeof max !== "number" || !email) return;
  const active = [...(store.bookingsByAttendeeEmail.get(email.toLowerCase())?.values() ?? [])]
    .filter((b) => b.eventTypeId === et.id && DAY_LIMIT_STATUSES.has(b.status) && Date.parse(b.endTime) > now)
    .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime));
  if (active.length < max) return;
  const base = "Attendee with this email can't book because the maximum number of active bookings has been reached.";
  throw badRequest(limit?.offerReschedule === true ? `${base} You can reschedule your existing booking (${active.at(-1)!.uid}) to a new timeslot instead.` : base);
}

/** The guards Cal.com's bookings service runs once it has the event type, before the booking itself. */
function checkEventType(store: Store, et: EventType, user: User | undefined): void {
  if (et.bookingRequiresAuthentication) {
    if (!user) {
      throw unauthorized(
        "checkBookingRequiresAuthentication - request must be authenticated by passing credentials belonging to event type owner, host or team or org admin or owner.",
      );
    }
    if (!isEventTypeAdminOrOwner(store, user, et)) {
      throw forbidden(
        "checkBookingRequiresAuthentication - user is not authorized to access this event type. User has to be either event type owner, host, team admin or owner or org admin or owner.",
      );
    }
  }
  if (et.schedulingType === "MANAGED") {
    throw badRequest(
      `Event type with id=${et.id} is the parent managed event type that can't be booked. You have to provide the child event type id aka id of event type that has been assigned to one of the users.`,
    );
  }
  if ((et.schedulingType === "COLLECTIVE" || et.schedulingType === "ROUND_ROBIN") && hostsOfEventType(store, et).length === 0) {
    throw unprocessable(
      `Can't book this team event type because it has no hosts. Please, add at least 1 host to event type with id=${et.id} belonging to team with id=${et.teamId} and try again.`,
    );
  }
}

/** POST /v2/bookings. */
export async function createBooking(ctx: WriteContext, body: CreateBody): Promise<BookingOutput | BookingOutput[]> {
  const store = ctx.db.store;
  // The input pipe's checks that the contract cannot make.
  const start = parseStart(body.start);
  checkAttendee(body.attendee);
  checkMetadata(body.metadata as Record<string, unknown> | undefined);
  if (!namesEventType(body)) {
    throw pipeRefusal(["eventTypeId or eventTypeSlug + username"], "Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug must be provided");
  }
  const et = eventTypeToBook(store, body);
  checkEventType(store, et, ctx.user);
  if (body.instant) return createInstant(ctx, et, body, start);
  checkBookingFields(et, body.bookingFieldsResponses as Record<string, unknown> | undefined, body.attendee.phoneNumber);
  if (et.recurringEvent && et.seatsPerTimeSlot) {
    throw withDiagnostics(badRequest("recurring_event_seats_error"), "Cal.com's booking core refuses event types that are both recurring and seated");
  }
  if (et.recurringEvent) return createRecurring(ctx, et, body, start);
  const length = bookingLength(et, body.lengthInMinutes);
  const location = bookingLocation(et, (body.location ?? body.meetingUrl) as Parameters<typeof bookingLocation>[1]);
  const r: Request = { et, attendee: body.attendee, guests: body.guests, location, responses: responsesOf(body, location), metadata: { ...body.metadata } };
  const q: SlotQuestion = { now: ctx.now, bookerZone: body.attendee.timeZone, length };
  checkBookerLimit(store, et, body.attendee.email, ctx.now);
  // One gathering of the hosts' days serves both questions.
  const input = slotInput(store, et, start, q);
  checkBounds(store, et, start, q, input);
  if (et.seatsPerTimeSlot) return createSeat(ctx, r, { start, end: start + length * MINUTE }, q);
  const hosts = hostsFor(store, et, [{ start, end: start + length * MINUTE }], q, [input]);
  const taken: Taken = new Set();
  const uid = newBookingUid(store, taken, `${et.id}:${start}:${body.attendee.email ?? body.attendee.phoneNumber}`);
  const row = bookingRow(
    store,
    et,
    {
      uid,
      hosts,
      start,
      end: start + length * MINUTE,
      status: needsConfirmation(et, start, ctx.now, false) ? "PENDING" : "ACCEPTED",
      attendees: [attendeeRow(store, body.attendee), ...otherAttendees(store, r, hosts.coHostIds)],
      responses: r.responses,
      metadata: r.metadata,
      location: location.column,
    },
    ctx.now,
  );
  return commitThen(ctx, [{ op: "put", collection: "bookings", row }], () => bookingAnswer(store, row, ctx.user));
}

/** The starts of a recurring booking: weekly, monthly or yearly on the booker's calendar, as Cal.com steps them. */
function recurrenceStarts(et: EventType, start: number, count: number, zone: string): number[] {
  const rule = et.recurringEvent!;
  const step = { 0: "years", 1: "months", 2: "weeks" }[rule.freq as 0 | 1 | 2];
  if (!step) throw withDiagnostics(badRequest("Unsupported timeBetween value"), "Cal.com books yearly, monthly and weekly recurrences only (freq 0, 1, 2)");
  const first = DateTime.fromMillis(start, { zone });
  return Array.from({ length: count }, (_, k) => first.plus({ [step]: k * (rule.interval || 1) }).toMillis());
}

/**
 * A recurring booking: recurrenceCount (at most the event type's count) occurrences of the event type's length,
 * one row each sharing a recurringEventId, written together. Every occurrence must be within bounds; the hosts'
 * availability is checked for the first two, as Cal.com checks it, and the later ones are booked as they come.
 */
async function createRecurring(ctx: WriteContext, et: EventType, body: CreateBody, start: number): Promise<BookingOutput[]> {
  const store = ctx.db.store;
  const rule = et.recurringEvent!;
  if (body.recurrenceCount && body.recurrenceCount > rule.count) throw badRequest("Provided recurrence count is higher than the event type's recurring event count.");
  const zone = body.attendee.timeZone;
  const starts = recurrenceStarts(et, start, body.recurrenceCount || rule.count, zone);
  const location = bookingLocation(et, (body.location ?? body.meetingUrl) as Parameters<typeof bookingLocation>[1]);
  const r: Request = { et, attendee: body.attendee, guests: body.guests, location, responses: responsesOf(body, location), metadata: { ...body.metadata } };
  const q: SlotQuestion = { now: ctx.now, bookerZone: zone, length: et.length };
  checkBookerLimit(store, et, body.attendee.email, ctx.now);
  for (const s of starts) checkBounds(store, et, s, q);
  const occurrences: Occurrence[] = starts.map((s) => ({ start: s, end: s + et.length * MINUTE }));
  const hosts = hostsFor(store, et, occurrences.slice(0, 2), q);
  const taken: Taken = new Set();
  const who = body.attendee.email ?? body.attendee.phoneNumber;
  const seriesUid = newSeriesUid(store, taken, `${et.id}:${start}:${who}`);
  const rows = occurrences.map((o) =>
    bookingRow(
      store,
      et,
      {
        uid: newBookingUid(store, taken, `${et.id}:${o.start}:${who}`),
        hosts,
        ...o,
        status: needsConfirmation(et, o.start, ctx.now, false) ? "PENDING" : "ACCEPTED",
        attendees: [attendeeRow(store, body.attendee), ...otherAttendees(store, r, hosts.coHostIds)],
        responses: r.responses,
        metadata: r.metadata,
        location: location.column,
        extra: { recurringEventId: seriesUid },
      },
      ctx.now,
    ),
  );
  const changes: Change[] = rows.map((row) => ({ op: "put", collection: "bookings", row }));
  return commitThen(ctx, changes, () => seriesOf(store, seriesUid).map((b) => bookingAnswer(store, b, ctx.user)));
}

/** The accepted booking of a seated event type at exactly this start, whose seats a new booker joins. */
export function seatedBookingAt(store: Store, et: EventType, start: number, except?: string): Booking | undefined {
  for (const b of store.bookingsByEventType.get(et.id)?.values() ?? []) {
    if (b.status === "ACCEPTED" && b.uid !== except && Date.parse(b.startTime) === start) return b;
  }
  return undefined;
}

/** A seat's stored answers (Cal.com's BookingSeat.data). */
export const seatData = (responses: Record<string, unknown>) => ({ responses });

/**
 * Takes a seat for `attendee` on `existing` (409 when its seats are all taken or the booker holds one already), or
 * makes the booking a first seat opens, after the hosts' availability. Answers the rows to write and the seat.
 */
export function seatChanges(
  store: Store,
  r: Request,
  o: Occurrence,
  q: SlotQuestion,
  now: number,
  existing: Booking | undefined,
  seatMetadata: Record<string, unknown>,
  extra: Partial<Booking> = {},
): { row: Booking; seatUid: string } {
  const taken: Taken = new Set();
  const attendee = attendeeRow(store, r.attendee);
  if (existing) {
    const seats = existing.seatsReferences ?? [];
    if (seats.length >= (r.et.seatsPerTimeSlot ?? 0)) throw conflict("No more seats left at this seated booking.");
    const email = (r.attendee.email ?? "").toLowerCase();
    if (email && existing.attendees.some((a) => a.email.toLowerCase() === email)) {
      throw withDiagnostics(conflict("already_signed_up_for_this_booking_error"), `${r.attendee.email} already holds a seat of booking ${existing.uid}`);
    }
    const seatUid = newSeatUid(store, taken, `${existing.uid}:${attendee.email || attendee.phoneNumber}`);
    const seat: BookingSeat = { referenceUid: seatUid, attendeeId: attendee.id, data: seatData(r.responses), metadata: seatMetadata };
    const row: Booking = { ...existing, attendees: [...existing.attendees, attendee], seatsReferences: [...seats, seat], updatedAt: iso(now) };
    return { row, seatUid };
  }
  const hosts = hostsFor(store, r.et, [o], q);
  const uid = newBookingUid(store, taken, `${r.et.id}:${o.start}:${r.attendee.email ?? r.attendee.phoneNumber}`);
  const seatUid = newSeatUid(store, taken, `${uid}:${attendee.email || attendee.phoneNumber}`);
  const row = bookingRow(
    store,
    r.et,
    {
      uid,
      hosts,
      ...o,
      status: "ACCEPTED",
      attendees: [attendee],
      responses: r.responses,
      metadata: r.metadata,
      location: r.location.column,
      seats: [{ referenceUid: seatUid, attendeeId: attendee.id, data: seatData(r.responses), metadata: seatMetadata }],
      extra,
    },
    now,
  );
  return { row, seatUid };
}

/** A seat on the seated booking at that start, or the booking its first seat opens. */
async function createSeat(ctx: WriteContext, r: Request, o: Occurrence, q: SlotQuestion): Promise<BookingOutput> {
  const store = ctx.db.store;
  const { row, seatUid } = seatChanges(store, r, o, q, ctx.now, seatedBookingAt(store, r.et, o.start), r.metadata);
  return commitThen(ctx, [{ op: "put", collection: "bookings", row }], () => bookingAnswer(store, row, ctx.user, seatUid));
}

/**
 * An instant booking (team event types only): made at once for the first host, waiting for a host to join
 * (AWAITING_HOST), without an availability check, as Cal.com's instant meetings are.
 */
async function createInstant(ctx: WriteContext, et: EventType, body: CreateBody, start: number): Promise<BookingOutput> {
  if (et.teamId == null) throw badRequest("Instant bookings are only supported for team event types, not individual user event types.");
  const store = ctx.db.store;
  const length = bookingLength(et, body.lengthInMinutes);
  const location = bookingLocation(et, (body.location ?? body.meetingUrl) as Parameters<typeof bookingLocation>[1]);
  const hosts = hostsOfEventType(store, et);
  const r = { attendee: body.attendee, guests: body.guests };
  const uid = newBookingUid(store, new Set(), `${et.id}:${start}:${body.attendee.email ?? body.attendee.phoneNumber}:instant`);
  const row = bookingRow(
    store,
    et,
    {
      uid,
      hosts: { organizerId: hosts[0]!.userId, coHostIds: [] },
      start,
      end: start + length * MINUTE,
      status: "AWAITING_HOST",
      attendees: [attendeeRow(store, body.attendee), ...otherAttendees(store, r, [])],
      responses: responsesOf(body, location),
      metadata: { ...body.metadata },
      location: location.column,
    },
    ctx.now,
  );
  return commitThen(ctx, [{ op: "put", collection: "bookings", row }], () => bookingAnswer(store, row, ctx.user));
}

export type { Request as BookingRequestParts };
