/**
 * A booking's people and place after it was made: its attendees listed and added, guests added, its location
 * changed. Cal.com's attendee routes sit behind its BookingPbacGuard; adding goes through its add-guests rules
 * (who may, no e-mail twice, the guests field enabled); the location through its event-type admin check.
 */
import { forbidden, HttpError, notFound, badRequest } from "../../errors.js";
import type { Database } from "../database.js";
import type { Attendee, Booking, User } from "../schema.js";
import type { Store } from "../store.js";
import { canAddGuests, hasBookingAccess, isEventTypeAdminOrOwner } from "./booking-access.js";
import { bookingOr404 } from "./booking-actions.js";
import { trpcBadRequest } from "./booking-list.js";
import { displayEmail } from "./booking-output.js";

/** Cal.com's cap on a booking's guests (its add-guests documentation); the message is the mock's. */
export const MAX_GUESTS_PER_BOOKING = 30;

export interface AttendeeWithId {
  id: number;
  name: string;
  email: string;
  displayEmail: string;
  timeZone: string;
  language?: string;
  absent: boolean;
  phoneNumber?: string;
}

export function attendeeWithId(a: Attendee): AttendeeWithId {
  return {
    id: a.id,
    name: a.name,
    email: a.email,
    displayEmail: displayEmail(a.email),
    timeZone: a.timeZone,
    ...(a.locale != null && { language: a.locale }),
    absent: !!a.noShow,
    ...(a.phoneNumber != null && { phoneNumber: a.phoneNumber }),
  };
}

/** Cal.com's BookingPbacGuard: a booking that does not exist is refused like one the caller may not see. */
export function guardedBooking(store: Store, user: User, uid: string): Booking {
  const b = store.bookingByUid.get(uid);
  if (!b || !hasBookingAccess(store, user, b)) {
    throw forbidden(`BookingPbacGuard - user with id=${user.id} does not have access to booking with uid=${uid}`);
  }
  return b;
}

export function bookingAttendee(store: Store, user: User, uid: string, attendeeId: number): Attendee {
  const b = guardedBooking(store, user, uid);
  const attendee = b.attendees.find((a) => a.id === attendeeId);
  if (!attendee) throw notFound(`Attendee with id ${attendeeId} not found in booking ${uid}`);
  return attendee;
}

/** An e-mail without its `+tag`, lower-cased: how Cal.com tells guests apart. */
function baseEmail(email: string): string {
  const at = email.lastIndexOf("@");
  const local = at < 0 ? email : email.slice(0, at);
  return `${local.split("+")[0]}${at < 0 ? "" : email.slice(at)}`.toLowerCase();
}

/** The guests booking field hidden (or guests disabled) on the booking's event type: Cal.com refuses new guests. */
function guestsDisabled(store: Store, b: Booking): boolean {
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (!et) return false;
  if (et.disableGuests) return true;
  return (et.bookingFields ?? []).some((f) => (f.slug === "guests" || f.name === "guests") && f.hidden === true);
}

export interface NewGuest {
  email: string;
  name?: string | undefined;
  timeZone?: string | undefined;
  phoneNumber?: string | undefined;
  language?: string | undefined;
}

/** Cal.com's add-guests checks, in its order: who may (TRPC 403), guests enabled (400), e-mails new to the booking. */
function checkedGuests(store: Store, user: User, b: Booking, guests: readonly NewGuest[]): NewGuest[] {
  if (!canAddGuests(store, user, b)) throw new HttpError(403, "TRPCError", "You don't have necessary permissions to access this resource");
  if (guestsDisabled(store, b)) throw trpcBadRequest();
  const seen = new Set<string>();
  const attending = new Set(b.attendees.map((a) => baseEmail(a.email)));
  const fresh: NewGuest[] = [];
  for (const g of guests) {
    const base = baseEmail(g.email);
    if (seen.has(base)) continue;
    seen.add(base);
    if (!attending.has(base)) fresh.push(g);
  }
  if (fresh.length === 0) throw trpcBadRequest();
  return fresh;
}

/** The new attendee rows, with the organizer's zone and locale where the guest gives none, and their new ids. */
function newAttendees(store: Store, b: Booking, guests: readonly NewGuest[], withPhone: boolean): Attendee[] {
  const organizer = b.userId == null ? undefined : store.get("users", b.userId);
  const first = store.nextSequenceId("attendees", guests.length);
  return guests.map((g, i) => ({
    id: first + i,
    email: g.email,
    name: g.name || "",
    timeZone: g.timeZone || organizer?.timeZone || "Europe/London",
    locale: g.language || organizer?.locale || null,
    ...(withPhone && g.phoneNumber && { phoneNumber: g.phoneNumber }),
  }));
}

function withGuests(b: Booking, added: readonly Attendee[], now: string): Booking {
  const responses = { ...(b.responses ?? {}) } as Record<string, unknown>;
  const guests = Array.isArray(responses.guests) ? (responses.guests as unknown[]) : [];
  responses.guests = [...guests, ...added.map((a) => a.email)];
  return { ...b, attendees: [...b.attendees, ...added], responses, updatedAt: now };
}

/** Adds one attendee (Cal.com keeps their phone number, and adds them to the guests too). */
export async function addAttendee(db: Database, user: User, uid: string, input: NewGuest, now: string): Promise<Attendee> {
  const b = guardedBooking(db.store, user, uid);
  const [fresh] = checkedGuests(db.store, user, b, [input]);
  const added = newAttendees(db.store, b, [fresh!], true);
  await db.commit([{ op: "put", collection: "bookings", row: withGuests(b, added, now) }]);
  return added[0]!;
}

/** Adds guests as attendees (without their phone numbers, as Cal.com's add-guests stores them) and to the guests. */
export async function addGuests(db: Database, user: User, uid: string, guests: readonly NewGuest[], now: string): Promise<Booking> {
  const b = bookingOr404(db.store, uid, (u) => notFound(`Booking with uid ${u} not found`));
  const fresh = checkedGuests(db.store, user, b, guests);
  const current = Array.isArray(b.responses?.guests) ? (b.responses.guests as unknown[]).length : 0;
  if (current + fresh.length > MAX_GUESTS_PER_BOOKING) {
    throw badRequest(`Cannot add ${fresh.length} guests: a booking can have at most ${MAX_GUESTS_PER_BOOKING} guests and this one has ${current}.`);
  }
  const added = newAttendees(db.store, b, fresh, false);
  await db.commit([{ op: "put", collection: "bookings", row: withGuests(b, added, now) }]);
  return db.store.bookingByUid.get(uid)!;
}

/** The location body: Cal.com's six location classes in one object, told apart by `type`. */
export interface LocationInput {
  type: "address" | "attendeeAddress" | "attendeeDefined" | "attendeePhone" | "link" | "phone";
  address?: string;
  link?: string;
  phone?: string;
  location?: string;
}

/** The field each location class requires. */
export const LOCATION_FIELD = {
  address: "address",
  attendeeAddress: "address",
  attendeeDefined: "location",
  attendeePhone: "phone",
  link: "link",
  phone: "phone",
} as const;

/** The booking-field form Cal.com keeps in the responses for a location (its transformLocation). */
function responsesLocation(type: LocationInput["type"], value: string): { value: string; optionValue: string } {
  switch (type) {
    case "address":
      return { value: "inPerson", optionValue: "" };
    case "attendeeAddress":
      return { value: "attendeeInPerson", optionValue: value };
    case "attendeeDefined":
      return { value: "somewhereElse", optionValue: value };
    case "attendeePhone":
      return { value: "phone", optionValue: value };
    case "link":
      return { value: "link", optionValue: "" };
    case "phone":
      return { value: "userPhone", optionValue: "" };
  }
}

/**
 * Cal.com's location update: the event type's owner, hosts and admins only (a booking whose event type is gone is
 * not checked); without a location the booking is unchanged; else the location, the responses' location and the
 * metadata without its video call URL.
 */
export async function updateLocation(db: Database, user: User, uid: string, location: LocationInput | undefined, now: string): Promise<Booking> {
  const store = db.store;
  const b = bookingOr404(store, uid, (u) => notFound(`Booking with uid=${u} not found`));
  const et = b.eventTypeId == null ? undefined : store.get("eventTypes", b.eventTypeId);
  if (et && !isEventTypeAdminOrOwner(store, user, et)) {
    throw forbidden("User is not authorized to update this booking location. User must be the event type owner, host, team admin or owner, or org admin or owner.");
  }
  if (!location) return b;
  if (b.userId == null || !store.get("users", b.userId)) throw notFound(`No user found for booking with uid=${uid}`);
  if (b.eventTypeId == null) throw notFound(`No event type found for booking with uid=${uid}`);
  // The route has checked that the field of the location's class is there.
  const value = location[LOCATION_FIELD[location.type]]!;
  const responses = { ...(b.responses ?? {}), location: responsesLocation(location.type, value) };
  const { videoCallUrl: _dropped, ...metadata } = (b.metadata ?? {}) as Record<string, unknown>;
  await db.commit([{ op: "put", collection: "bookings", row: { ...b, location: value, responses, metadata, updatedAt: now } }]);
  return store.bookingByUid.get(uid)!;
}
