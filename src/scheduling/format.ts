/**
 * Slots into GET /v2/slots's answer: keyed by the slot's date in the requested zone (UTC without one), starts
 * printed with the zone's offset when a zone is asked for (luxon's ISO, "Z" for UTC) and as toISOString()
 * without; `format=range` adds the end; seated event types add their seat counts.
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import { dateKey } from "./compute.js";
import type { Slot } from "./types.js";

export type SlotFormat = "time" | "range";

export interface FormattedSlot {
  start: string;
  end?: string;
  seatsBooked?: number;
  seatsRemaining?: number;
  seatsTotal?: number;
  bookingUid?: string;
}

export function formatSlots(
  slots: readonly Slot[],
  options: { timeZone?: string | undefined; format?: SlotFormat | undefined },
): Record<string, FormattedSlot[]> {
  const zone = options.timeZone;
  const print = zone
    ? (t: number) => DateTime.fromMillis(t, { zone: zoneFor(zone) }).toISO()!
    : (t: number) => new Date(t).toISOString();
  const out: Record<string, FormattedSlot[]> = {};
  for (const slot of slots) {
    const key = dateKey(slot.start, zone ?? "UTC");
    const item: FormattedSlot = { start: print(slot.start) };
    if (options.format === "range") item.end = print(slot.end);
    if (slot.seats) {
      item.seatsBooked = slot.seats.booked;
      item.seatsRemaining = slot.seats.remaining;
      item.seatsTotal = slot.seats.total;
      if (slot.seats.bookingUid) item.bookingUid = slot.seats.bookingUid;
    }
    (out[key] ??= []).push(item);
  }
  return out;
}
