/**
 * Cal.com's lists of bookings (getAllUserBookings' `status` filters), relative to now: upcoming (not over; a
 * recurring occurrence only once accepted, a single booking unless cancelled or rejected), recurring, past,
 * cancelled (rejected ones too) and unconfirmed (pending, not over). One definition for the API's bookings lists
 * and the inspector's, as bits so that a page over thousands of bookings allocates nothing.
 */
import type { Booking } from "../schema.js";

export const BOOKING_LISTS = ["upcoming", "recurring", "past", "cancelled", "unconfirmed"] as const;
export type BookingList = (typeof BOOKING_LISTS)[number];

/** The lists a booking is in, as bits in BOOKING_LISTS order, from its status, series and end (epoch ms). */
export function listBits(status: Booking["status"], recurring: boolean, end: number, now: number): number {
  const gone = status === "CANCELLED" || status === "REJECTED";
  let bits = 0;
  if (end >= now && (recurring ? status === "ACCEPTED" : !gone)) bits |= 1;
  if (end >= now && recurring && !gone) bits |= 2;
  if (end <= now && !gone) bits |= 4;
  if (gone) bits |= 8;
  if (end >= now && status === "PENDING") bits |= 16;
  return bits;
}

export const listBit = (list: BookingList): number => 1 << BOOKING_LISTS.indexOf(list);

/** Whether a booking is in one of Cal.com's lists at now. */
export function inList(b: Booking, list: BookingList, now: number): boolean {
  return (listBits(b.status, b.recurringEventId != null, Date.parse(b.endTime), now) & listBit(list)) !== 0;
}
