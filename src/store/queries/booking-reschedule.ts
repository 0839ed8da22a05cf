/**
 * POST /v2/bookings/{uid}/reschedule as Cal.com does it: a new booking at the new start (new uid, the event type's
 * length, the same attendee, guests, answers and location, rescheduledFromUid naming the old one), made through the
 * create path's checks (bounds, the hosts' availability with the old booking not counting as busy), and the old
 * booking cancelled with `rescheduled` set, so that it names the new one (rescheduledToUid). A seat moves alone to
 * the booking at the new start (or opens one).
 */
import { badRequest, notFound } from "../../errors.js";
import type { Schemas } from "../../contract/types.js";
import type { Booking, Change, EventType } from "../schema.js";
import type { Store } from "../store.js";
import type { BookingOutput } from "./booking-output.js";
import { newBookingUid, type Taken } from "./booking-ids.js";
import { bookingRow, commitThen, seatChanges, seatedBookingAt, type BookingRequestParts, type WriteContext } from "./booking-create.js";
import { parseStart, type ResolvedLocation } from "./booking-input.js";
import { checkBounds, hostsFor, needsConfirmation, type SlotQuestion } from "./booking-slot.js";
import { hostsOfEventType } from "./availability.js";
import { bookingAnswer, isOrgAdminOfUser } from "./bookings.js";

export type RescheduleBody = Schemas["RescheduleBookingInput_2024_08_13"] & { seatUid?: string };

const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();

const SEATED_NEEDS_SEAT = (uid: string) =>
  `Booking with uid=${uid} is a seated booking which means you have to provide seatUid in the request body to specify which seat specifically you want to reschedule. First, fetch the booking using https://cal.com/docs/api-reference/v2/bookings/get-a-booking and then within the attendees array you will find the seatUid of the booking you want to reschedule. Second, provide the seatUid in the request body to specify which seat specifically you want to reschedule using the reschedule endpoint https://cal.com/docs/api-reference/v2/bookings/reschedule-a-booking#option-2`;

/** Cal.com's canRescheduleBooking: a cancelled booking, or one already rescheduled, is refused. */
function checkReschedulable(store: Store, b: Booking): void {
  if (b.status !== "CANCELLED") return;
  if (!b.rescheduled) {
    throw badRequest(`Can't reschedule booking with uid=${b.uid} because it has been cancelled. Please provide uid of a booking that is not cancelled.`);
  }
  const to = store.bookingByFromReschedule.get(b.uid)?.uid;
  throw badRequest(
    `Can't reschedule booking with uid=${b.uid} because it has been cancelled and rescheduled already to booking with uid=${to}. You probably want to reschedule ${to} instead by passing it within the request URL.`,
  );
}

/** The booking's event type, or the 404s Cal.com's input service answers when it is gone. */
function eventTypeOfBooking(store: Store, b: Booking): EventType {
  if (b.eventTypeId == null) throw notFound(`Booking with uid=${b.uid} is missing event type`);
  const et = store.get("eventTypes", b.eventTypeId);
  if (!et) throw notFound(`Event type with id=${b.eventTypeId} not found`);
  return et;
}

/** The stored location as the new booking's (its responses keep the answer given at booking). */
const locationOf = (b: Booking): ResolvedLocation => ({ column: b.location ?? null });

/** POST /v2/bookings/{uid}/reschedule. */
export async function rescheduleBooking(ctx: WriteContext, uid: string, body: RescheduleBody): Promise<BookingOutput> {
  const store = ctx.db.store;
  const old = store.bookingByUid.get(uid);
  if (!old) throw notFound(`Booking with uid=${uid} was not found in the database`);
  const seatRequest = Object.prototype.hasOwnProperty.call(body, "seatUid");
  const start = parseStart(body.start);
  const et = eventTypeOfBooking(store, old);
  if (et.seatsPerTimeSlot && !seatRequest) {
    // A seated booking moves seat by seat; only an admin of the host's organization may move it whole.
    const orgAdmin = (old.seatsReferences?.length ?? 0) > 0 && isOrgAdminOfUser(store, ctx.user, old.userId);
    if (!orgAdmin) throw badRequest(SEATED_NEEDS_SEAT(uid));
  }
  if (seatRequest) return rescheduleSeat(ctx, old, et, body, start);
  const responses = (old.responses ?? {}) as Record<string, unknown>;
  const attendee = old.attendees.find((a) => a.email === responses.email) ?? old.attendees[0];
  if (!attendee) throw notFound(`Attendee with e-mail ${String(responses.email)} for booking with uid=${uid} not found`);
  checkReschedulable(store, old);

  // Who reschedules: the user `rescheduledBy` names (when not the attendee), else the caller. The organizer keeps
  // a booking that needs confirmation accepted.
  const byEmail = body.rescheduledBy && body.rescheduledBy !== responses.email ? store.userByEmail.get(body.rescheduledBy)?.id : undefined;
  const actorId = byEmail ?? ctx.user?.id;
  const q: SlotQuestion = { now: ctx.now, bookerZone: attendee.timeZone, length: et.length, rescheduleUid: old.uid, preferHost: old.userId };
  const end = start + et.length * MINUTE;
  checkBounds(store, et, start, q);
  const hosts = hostsFor(store, et, [{ start, end }], q);
  const taken: Taken = new Set();
  const newUid = newBookingUid(store, taken, `${et.id}:${start}:${attendee.email}:from:${old.uid}`);
  // The booker and guests come along (as new attendee rows); a team booking's co-hosts are the hosts chosen now.
  const hostEmails = new Set(hostsOfEventType(store, et).map((h) => store.get("users", h.userId)?.email));
  const carried = old.attendees.filter((a) => et.teamId == null || !hostEmails.has(a.email)).map(({ noShow: _absent, ...a }) => a);
  const coHosts = hosts.coHostIds.flatMap((id) => {
    const u = store.get("users", id);
    return u ? [{ email: u.email, name: u.name ?? u.username, timeZone: u.timeZone ?? "Europe/London", locale: u.locale ?? "en" }] : [];
  });
  const attendees = [...carried, ...coHosts].map((a) => ({ ...a, id: store.nextSequenceId("attendees") }));
  const { videoCallUrl: _old, ...metadata } = (old.metadata ?? {}) as Record<string, unknown>;
  const row = bookingRow(
    store,
    et,
    {
      uid: newUid,
      hosts,
      start,
      end,
      status: needsConfirmation(et, start, ctx.now, actorId !== undefined && actorId === old.userId) ? "PENDING" : "ACCEPTED",
      attendees,
      responses: { ...responses, ...(body.reschedulingReason !== undefined && { rescheduledReason: body.reschedulingReason }) },
      metadata,
      location: locationOf(old).column,
      extra: {
        fromReschedule: old.uid,
        ...(body.rescheduledBy && { rescheduledBy: body.rescheduledBy }),
        ...(old.recurringEventId && { recurringEventId: old.recurringEventId }),
        iCalUID: old.iCalUID ?? `${old.uid}@Cal.com`,
        iCalSequence: (old.iCalSequence ?? 0) + 1,
      },
    },
    ctx.now,
  );
  const changes: Change[] = [
    {
      op: "put",
      collection: "bookings",
      row: { ...old, status: "CANCELLED", rescheduled: true, ...(body.rescheduledBy && { rescheduledBy: body.rescheduledBy }), updatedAt: iso(ctx.now) },
    },
    { op: "put", collection: "bookings", row },
  ];
  return commitThen(ctx, changes, () => bookingAnswer(store, row, ctx.user));
}

/**
 * A seat moves alone: to the seated booking at the new start (409 when full), or to a booking it opens there. The
 * seat leaves its booking; the booking it leaves empty is cancelled as rescheduled to the new one.
 */
async function rescheduleSeat(ctx: WriteContext, old: Booking, et: EventType, body: RescheduleBody, start: number): Promise<BookingOutput> {
  const store = ctx.db.store;
  const seat = (old.seatsReferences ?? []).find((s) => s.referenceUid === body.seatUid);
  if (!seat) throw notFound(`Seat with uid=${body.seatUid} does not exist.`);
  const attendee = old.attendees.find((a) => a.id === seat.attendeeId);
  const responses = ((seat.data as { responses?: Record<string, unknown> } | undefined)?.responses ?? {}) as Record<string, unknown>;
  if (!attendee) throw notFound(`Attendee with e-mail ${String(responses.email)} for booking with uid=${old.uid} and seatUid=${body.seatUid} not found`);
  checkReschedulable(store, old);
  const alone = old.attendees.length <= 1;
  const q: SlotQuestion = { now: ctx.now, bookerZone: attendee.timeZone, length: et.length, ...(alone && { rescheduleUid: old.uid }) };
  checkBounds(store, et, start, q);
  const parts: BookingRequestParts = {
    et,
    attendee: { name: attendee.name, email: attendee.email, timeZone: attendee.timeZone, language: attendee.locale ?? "en", phoneNumber: attendee.phoneNumber ?? undefined },
    guests: undefined,
    location: locationOf(old),
    responses: { ...responses, email: attendee.email },
    metadata: {},
  };
  const existing = seatedBookingAt(store, et, start, old.uid);
  // A booking the seat opens names the one it came from when the seat was that one's last.
  const from = !existing && alone ? { fromReschedule: old.uid } : {};
  const { row, seatUid } = seatChanges(store, parts, { start, end: start + et.length * MINUTE }, q, ctx.now, existing, (seat.metadata ?? {}) as Record<string, unknown>, from);
  const left: Booking = alone
    ? { ...old, status: "CANCELLED", rescheduled: !existing, updatedAt: iso(ctx.now) }
    : {
        ...old,
        attendees: old.attendees.filter((a) => a.id !== attendee.id),
        seatsReferences: (old.seatsReferences ?? []).filter((s) => s.referenceUid !== seat.referenceUid),
        updatedAt: iso(ctx.now),
      };
  const changes: Change[] = [
    { op: "put", collection: "bookings", row: left },
    { op: "put", collection: "bookings", row },
  ];
  return commitThen(ctx, changes, () => bookingAnswer(store, row, ctx.user, seatUid));
}
