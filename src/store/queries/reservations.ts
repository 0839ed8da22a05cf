/**
 * Slot reservations (Cal.com's SelectedSlots, POST/GET/PATCH/DELETE /v2/slots/reservations), by the rules of
 * Cal.com's SlotsService_2024_09_04: a reservation holds a slot of an event type for one of its hosts until
 * releaseAt (5 minutes unless an authenticated caller with a say over the event type asks for longer), and
 * GET /v2/slots hides what unexpired reservations hold (src/scheduling/compute.ts). The slot is not checked
 * against the schedule: any time can be reserved; only a booking or another reservation at that time refuses it.
 */
import { DateTime } from "luxon";
import type { Schemas } from "../../contract/types.js";
import { badRequest, forbidden, notFound, unauthorized, unprocessable, validationFailure } from "../../errors.js";
import type { Database } from "../database.js";
import { uuid } from "../ids.js";
import type { Booking, Change, EventType, SelectedSlot, User } from "../schema.js";
import type { Store } from "../store.js";
import { hostsOfEventType } from "./availability.js";
import { isIsoDateString } from "./slots-input.js";

type ReserveInput = Schemas["ReserveSlotInput_2024_09_04"];
type ReservationOutput = Schemas["ReserveSlotOutput_2024_09_04"];
type ReservedSlotOutput = Schemas["ReservedSlotOutput_2024_09_04"];

/** Minutes a reservation holds its slot when the request does not say. */
export const DEFAULT_RESERVATION_MINUTES = 5;
const MINUTE = 60_000;
/** The booking statuses that keep a slot from being reserved. */
const HOLDING = new Set<Booking["status"]>(["ACCEPTED", "PENDING", "AWAITING_HOST"]);

/** An instant as Cal.com's output prints it: luxon's ISO in UTC, with milliseconds and Z. */
const utcIso = (ms: number) => DateTime.fromMillis(ms, { zone: "utc" }).toISO()!;

/** The first row with that uid (Cal.com's findFirst; the uid column is not unique). */
export function reservationByUid(store: Store, uid: string): SelectedSlot | undefined {
  const rows = store.selectedSlotsByUid.get(uid);
  if (!rows) return undefined;
  let first: SelectedSlot | undefined;
  for (const r of rows.values()) if (!first || r.id < first.id) first = r;
  return first;
}

function minutesBetween(r: SelectedSlot): number {
  return (Date.parse(r.slotUtcEndDate) - Date.parse(r.slotUtcStartDate)) / MINUTE;
}

/** GET …/reservations/{uid}: the reservation, expired or not (their deletion waits for a slots query). */
export function toReservedSlotOutput(r: SelectedSlot): ReservedSlotOutput {
  return {
    reservationUid: r.uid,
    eventTypeId: r.eventTypeId,
    slotStart: utcIso(Date.parse(r.slotUtcStartDate)),
    slotEnd: utcIso(Date.parse(r.slotUtcEndDate)),
    slotDuration: minutesBetween(r),
    reservationUntil: utcIso(Date.parse(r.releaseAt)),
  };
}

/** POST and PATCH answer the reservation with the duration the request asked for. */
function toReservationOutput(r: SelectedSlot, reservationDuration: number): ReservationOutput {
  return {
    eventTypeId: r.eventTypeId,
    slotStart: utcIso(Date.parse(r.slotUtcStartDate)),
    slotEnd: utcIso(Date.parse(r.slotUtcEndDate)),
    slotDuration: minutesBetween(r),
    reservationUid: r.uid,
    reservationDuration,
    reservationUntil: utcIso(Date.parse(r.releaseAt)),
  };
}

/**
 * Whether the caller may hold a slot longer than 5 minutes: the owner of a personal event type or a user sharing
 * an accepted membership (a team or the organization) with the owner; for a team event type an accepted member of
 * the team or of its organization.
 */
function maySetReservationDuration(store: Store, userId: number, et: EventType): boolean {
  if (et.userId != null) {
    if (userId === et.userId) return true;
    const mine = store.membershipsByUser.get(userId);
    for (const [teamId, m] of store.membershipsByUser.get(et.userId) ?? []) {
      if (m.accepted && mine?.get(teamId)?.accepted) return true;
    }
    return false;
  }
  if (et.teamId == null) return false;
  if (store.membershipByTeamUser.get(`${et.teamId}:${userId}`)?.accepted) return true;
  const parentId = store.get("teams", et.teamId)?.parentId;
  return parentId != null && !!store.membershipByTeamUser.get(`${parentId}:${userId}`)?.accepted;
}

/** The slot asked for: its start as sent (luxon, in UTC) and its end after slotDuration or the event type's length. */
function slotOf(et: EventType, input: ReserveInput): { start: number; end: number } {
  const start = DateTime.fromISO(input.slotStart, { zone: "utc" });
  if (!start.isValid) throw badRequest("Invalid start date");
  if (input.slotDuration) {
    const options = (et.metadata as { multipleDuration?: unknown } | undefined)?.multipleDuration;
    if (!Array.isArray(options)) throw badRequest("You passed 'slotDuration' but this event type is not a variable length event type.");
    if (!options.includes(input.slotDuration)) {
      throw badRequest(
        `Provided 'slotDuration' is not one of the possible lengths for the event type. The possible lengths for this variable length event type are: ${options.join(", ")}`,
      );
    }
  }
  const end = start.plus({ minutes: input.slotDuration ?? et.length });
  if (!end.isValid) throw badRequest("Invalid end date");
  return { start: start.toMillis(), end: end.toMillis() };
}

/** The first booking of the event type in a holding status that overlaps the slot (Cal.com's findFirst). */
function overlappingBooking(store: Store, eventTypeId: number, slot: { start: number; end: number }): Booking | undefined {
  let found: Booking | undefined;
  for (const b of store.bookingsByEventType.get(eventTypeId)?.values() ?? []) {
    if (!HOLDING.has(b.status) || !(Date.parse(b.startTime) < slot.end && Date.parse(b.endTime) > slot.start)) continue;
    if (!found || b.id < found.id) found = b;
  }
  return found;
}

/** A booking already at the slot refuses it; a seated event type only once its seats are taken. */
function checkBookings(store: Store, et: EventType, input: ReserveInput, slot: { start: number; end: number }, roundRobin: boolean): void {
  const booking = overlappingBooking(store, et.id, slot);
  if (et.seatsPerTimeSlot) {
    const attendees = booking?.attendees.length ?? 0;
    if (attendees && et.seatsPerTimeSlot - attendees < 1) throw unprocessable(`Booking with id=${input.eventTypeId} at ${input.slotStart} has no more seats left.`);
  } else if (booking && !roundRobin) {
    throw unprocessable("Can't reserve a slot if the event is already booked.");
  }
}

/**
 * Another unexpired reservation of the event type overlapping the slot. The reservation being moved is not left
 * out (Cal.com's query does not exclude its uid), so moving one onto a time that overlaps its own refuses itself.
 */
function checkReservations(store: Store, eventTypeId: number, slot: { start: number; end: number }, now: number): void {
  for (const r of store.selectedSlotsByEventType.get(eventTypeId)?.values() ?? []) {
    if (Date.parse(r.releaseAt) <= now) continue;
    if (Date.parse(r.slotUtcStartDate) < slot.end && Date.parse(r.slotUtcEndDate) > slot.start) {
      throw unprocessable("This time slot is already reserved by another user. Please choose a different time.");
    }
  }
}

const NO_HOSTS_LEFT = "Can't reserve the slot because the round robin event type has no available hosts left at this time slot.";

/**
 * Round robin (Cal.com's validateRoundRobinSlotAvailability) looks at the exact slot only: with fixed hosts, any
 * unexpired reservation of that exact slot refuses it, and so does a booking of the event type at that exact time
 * that a fixed host organizes; without, reservations of the exact slot refuse it once there are as many as hosts.
 */
function checkRoundRobin(store: Store, et: EventType, slot: { start: number; end: number }, now: number): void {
  const hosts = hostsOfEventType(store, et);
  const fixed = hosts.filter((h) => h.fixed);
  let exact = 0;
  for (const r of store.selectedSlotsByEventType.get(et.id)?.values() ?? []) {
    if (Date.parse(r.releaseAt) > now && Date.parse(r.slotUtcStartDate) === slot.start && Date.parse(r.slotUtcEndDate) === slot.end) exact++;
  }
  if (fixed.length === 0) {
    if (exact === hosts.length) throw unprocessable(NO_HOSTS_LEFT);
    return;
  }
  let booking: Booking | undefined;
  for (const b of store.bookingsByEventType.get(et.id)?.values() ?? []) {
    if (Date.parse(b.startTime) === slot.start && Date.parse(b.endTime) === slot.end && (!booking || b.id < booking.id)) booking = b;
  }
  if (exact > 0) throw unprocessable(NO_HOSTS_LEFT);
  // Cal.com compares the booking's attendee ids with the hosts' user ids; only the organizer can really match.
  if (booking && fixed.some((h) => booking.userId === h.userId || booking.attendees.some((a) => a.id === h.userId))) {
    throw unprocessable("Can't reserve a slot if the event is already booked.");
  }
}

/** What the global ValidationPipe checks of slotStart (@IsDateString), beyond the contract's type. */
function assertSlotStart(input: ReserveInput): void {
  if (isIsoDateString(input.slotStart, false)) return;
  throw validationFailure(
    [
      {
        location: "body",
        field: "slotStart",
        message: "must be a valid ISO 8601 date string",
        value: input.slotStart,
        constraint: { name: "isDateString", message: "slotStart must be a valid ISO 8601 date string" },
      },
    ],
    { body: input },
  );
}

function eventTypeOf(store: Store, id: number): EventType {
  const et = store.get("eventTypes", id);
  if (!et) throw notFound(`Event Type with ID=${id} not found`);
  return et;
}

/** POST /v2/slots/reservations. `caller` is the authenticated user, if a key was sent. */
export async function reserveSlot(db: Database, now: number, input: ReserveInput, caller: User | undefined): Promise<ReservationOutput> {
  assertSlotStart(input);
  if (input.reservationDuration && !caller) {
    throw unauthorized("reservationDuration can only be used for authenticated requests - use access token, api key or OAuth credentials");
  }
  const store = db.store;
  const et = eventTypeOf(store, input.eventTypeId);
  if (input.reservationDuration && caller && !maySetReservationDuration(store, caller.id, et)) {
    throw forbidden(
      "authenticated user is not owner of event type, does not have memberships in common with owner of the event type, nor does belong to event type's team or org.",
    );
  }
  const slot = slotOf(et, input);
  const roundRobin = et.schedulingType === "ROUND_ROBIN";
  checkBookings(store, et, input, slot, roundRobin);
  if (roundRobin) checkRoundRobin(store, et, slot, now);
  else checkReservations(store, et.id, slot, now);
  const reservationDuration = input.reservationDuration ?? DEFAULT_RESERVATION_MINUTES;
  const hostId = et.userId ?? hostsOfEventType(store, et)[0]?.userId;
  if (hostId == null) throw badRequest("Cannot reserve a slot for a team event without any hosts");
  const row: SelectedSlot = {
    id: store.nextSequenceId("selectedSlots"),
    uid: uuid(),
    eventTypeId: et.id,
    userId: hostId,
    ...(caller && { reservedByUserId: caller.id }),
    slotUtcStartDate: utcIso(slot.start),
    slotUtcEndDate: utcIso(slot.end),
    releaseAt: utcIso(now + reservationDuration * MINUTE),
    isSeat: et.seatsPerTimeSlot != null,
  };
  await db.commit([{ op: "put", collection: "selectedSlots", row }]);
  return toReservationOutput(row, reservationDuration);
}

/**
 * PATCH /v2/slots/reservations/{uid}: moves the first row with that uid to the slot asked for (and to the event
 * type the body names), held from now for reservationDuration (no authentication asked here, unlike POST). The
 * round-robin check of POST is not made; the overlap check is, and counts the reservation itself.
 */
export async function updateReservation(db: Database, now: number, uid: string, input: ReserveInput): Promise<ReservationOutput> {
  assertSlotStart(input);
  const store = db.store;
  const existing = reservationByUid(store, uid);
  if (!existing) throw notFound(`Slot with uid=${uid} not found`);
  const et = eventTypeOf(store, input.eventTypeId);
  const slot = slotOf(et, input);
  checkBookings(store, et, input, slot, false);
  checkReservations(store, et.id, slot, now);
  const reservationDuration = input.reservationDuration ?? DEFAULT_RESERVATION_MINUTES;
  const row: SelectedSlot = {
    ...existing,
    eventTypeId: et.id,
    slotUtcStartDate: utcIso(slot.start),
    slotUtcEndDate: utcIso(slot.end),
    releaseAt: utcIso(now + reservationDuration * MINUTE),
  };
  await db.commit([{ op: "put", collection: "selectedSlots", row }]);
  return toReservationOutput(row, reservationDuration);
}

/** DELETE /v2/slots/reservations/{uid}: every row with that uid; none is no error. */
export async function deleteReservation(db: Database, uid: string): Promise<void> {
  const rows = db.store.selectedSlotsByUid.get(uid);
  if (!rows || rows.size === 0) return;
  await db.commit([...rows.values()].map((r): Change => ({ op: "del", collection: "selectedSlots", id: r.id })));
}

/** The deletion of an event type's reservations that expired before now: what a slots query for it cleans up. */
export function expiredReservationChanges(store: Store, eventTypeId: number, now: number): Change[] {
  const changes: Change[] = [];
  for (const r of store.selectedSlotsByEventType.get(eventTypeId)?.values() ?? []) {
    if (Date.parse(r.releaseAt) < now) changes.push({ op: "del", collection: "selectedSlots", id: r.id });
  }
  return changes;
}
