/**
 * Which of a host's bookings block, and for how long (Cal.com's getBusyTimes and BookingRepository rules):
 * accepted bookings of any event type block; pending ones only when their own event type requires confirmation
 * and blocks unconfirmed bookings; cancelled, rejected and awaiting-host ones never. Each blocking booking is
 * busy from its start less (its event type's before-buffer + this event type's after-buffer) to its end plus
 * (its after-buffer + this before-buffer). A seated booking of this event type with a seat left does not block.
 */
import type { EventTypeRules, HostBooking, Interval } from "./types.js";

const MINUTE = 60_000;

export function bookingBlocks(booking: HostBooking): boolean {
  if (booking.status === "accepted") return true;
  return booking.status === "pending" && booking.blocksWhilePending;
}

export function busyIntervals(
  bookings: readonly HostBooking[],
  eventType: EventTypeRules,
  rescheduleUid: string | undefined,
): Interval[] {
  const out: Interval[] = [];
  for (const b of bookings) {
    if (b.uid === rescheduleUid || !bookingBlocks(b)) continue;
    if (
      eventType.seatsPerTimeSlot &&
      b.eventTypeId === eventType.id &&
      b.attendeeCount < eventType.seatsPerTimeSlot
    ) {
      continue;
    }
    out.push({
      start: b.start - (b.beforeEventBuffer + eventType.afterEventBuffer) * MINUTE,
      end: b.end + (b.afterEventBuffer + eventType.beforeEventBuffer) * MINUTE,
    });
  }
  return out;
}
