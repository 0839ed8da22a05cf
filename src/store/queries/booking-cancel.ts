/**
 * POST /v2/bookings/{uid}/cancel as Cal.com's bookings service and handleCancelBooking do it: one booking; a
 * recurring series by its uid (the occurrences from now on); an occurrence and the later ones
 * (cancelSubsequentBookings); or one seat of a seated booking (the last seat cancels the booking). The refusals come
 * in Cal.com's order, and the answer is the booking (or series) as GET /v2/bookings/{uid} then answers it.
 */
import { badRequest, httpException, notFound } from "../../errors.js";
import type { Schemas } from "../../contract/types.js";
import type { Booking, Change } from "../schema.js";
import type { Store } from "../store.js";
import type { BookingOutput } from "./booking-output.js";
import { commitThen, type WriteContext } from "./booking-create.js";
import { eventTypeOf, getBookingOrSeries, isEventTypeAdminOrOwner, isOrgAdminOfUser } from "./bookings.js";

export type CancelBody = Partial<Schemas["CancelBookingInput_2024_08_13"] & Schemas["CancelSeatedBookingInput_2024_08_13"]>;

const iso = (ms: number) => new Date(ms).toISOString();

/** The occurrences of a series in the order Cal.com's repository finds them (as stored). */
function storedSeries(store: Store, recurringEventId: string): Booking[] {
  return [...(store.bookingsByRecurringUid.get(recurringEventId)?.values() ?? [])].sort((a, b) => a.id - b.id);
}

/** The booking with every column a cancellation sets. */
function cancelled(b: Booking, reason: string | undefined, by: string | undefined, now: number): Booking {
  return {
    ...b,
    status: "CANCELLED",
    ...(reason !== undefined && { cancellationReason: reason }),
    ...(by !== undefined && { cancelledBy: by }),
    updatedAt: iso(now),
  };
}

/** handleCancelBooking's own refusals, in its order, for the booking the request resolved to. */
function checkCancellable(store: Store, b: Booking, ctx: WriteContext, reason: string | undefined, seatUid: string | undefined): void {
  const organizer = b.userId == null ? undefined : store.get("users", b.userId);
  if (!organizer) throw httpException(400, "User not found");
  const et = eventTypeOf(store, b);
  if (et?.disableCancelling) throw httpException(400, "This event type does not allow cancellations");
  if (ctx.user?.id === organizer.id && !reason?.trim()) throw httpException(400, "Cancellation reason is required when you are the host");
  if (Date.parse(b.endTime) < ctx.now) throw httpException(400, "Cannot cancel a booking that has already ended");
  if (et?.seatsPerTimeSlot && !seatUid) {
    const allowed = isEventTypeAdminOrOwner(store, ctx.user, et) || isOrgAdminOfUser(store, ctx.user, b.userId);
    if (!allowed) throw httpException(401, "User not a host of this event");
  }
}

/** POST /v2/bookings/{uid}/cancel. */
export async function cancelBooking(ctx: WriteContext, uid: string, body: CancelBody): Promise<BookingOutput | BookingOutput[]> {
  const store = ctx.db.store;
  const seatUid = Object.prototype.hasOwnProperty.call(body, "seatUid") ? body.seatUid : undefined;
  if (seatUid !== undefined) {
    const holder = store.bookingBySeatUid.get(seatUid);
    if (!holder) throw badRequest("Invalid seatUid: this seat does not exist or has already been cancelled.");
    if (holder.uid !== uid) throw badRequest("Invalid seatUid: this seat does not belong to this booking.");
  }
  // A series' uid stands for its first stored occurrence in the checks, as Cal.com resolves it.
  const series = store.bookingByUid.has(uid) ? [] : storedSeries(store, uid);
  if (series.length > 0 && body.cancelSubsequentBookings) {
    throw badRequest("Cannot cancel subsequent bookings for recurring event - you have to provide uid of one of the individual bookings of a recurring booking.");
  }
  const target = series[0] ?? store.bookingByUid.get(uid);
  if (!target) throw notFound(`Booking with uid=${uid} not found`);
  if (target.status === "CANCELLED") {
    throw badRequest(`Can't cancel booking with uid=${uid} because it has been cancelled already. Please provide uid of a booking that is not cancelled.`);
  }
  const reason = seatUid !== undefined ? (body.cancellationReason ?? "") : body.cancellationReason;
  checkCancellable(store, target, ctx, reason, seatUid);
  const by = ctx.user?.email;
  const changes: Change[] = [];
  if (seatUid !== undefined && target.attendees.length >= 2) {
    // One seat goes; the booking stays for the others.
    const seat = (target.seatsReferences ?? []).find((s) => s.referenceUid === seatUid)!;
    changes.push({
      op: "put",
      collection: "bookings",
      row: {
        ...target,
        attendees: target.attendees.filter((a) => a.id !== seat.attendeeId),
        seatsReferences: (target.seatsReferences ?? []).filter((s) => s.referenceUid !== seatUid),
        updatedAt: iso(ctx.now),
      },
    });
  } else if (series.length > 0) {
    for (const b of series) if (Date.parse(b.startTime) >= ctx.now && b.status !== "CANCELLED") changes.push({ op: "put", collection: "bookings", row: cancelled(b, reason, by, ctx.now) });
  } else if (body.cancelSubsequentBookings && target.recurringEventId) {
    const from = Date.parse(target.startTime);
    for (const b of storedSeries(store, target.recurringEventId)) {
      if (Date.parse(b.startTime) >= from && b.status !== "CANCELLED") changes.push({ op: "put", collection: "bookings", row: cancelled(b, reason, by, ctx.now) });
    }
  } else {
    changes.push({ op: "put", collection: "bookings", row: cancelled(target, reason, by, ctx.now) });
  }
  if (body.cancelSubsequentBookings && !target.recurringEventId) {
    // Cal.com refuses a booking outside any series only after it has cancelled it.
    await ctx.db.commit(changes);
    throw badRequest(`Booking with bookingUid=${uid} is not part of a recurring booking.`);
  }
  // With cancelSubsequentBookings Cal.com answers the whole series.
  const answerUid = body.cancelSubsequentBookings ? target.recurringEventId! : uid;
  return commitThen(ctx, changes, () => getBookingOrSeries(store, answerUid, ctx.user));
}
