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

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const FOUR_DIGIT_YEARS = { from: Date.UTC(1000, 0, 2), to: Date.UTC(9999, 11, 30) };

/**
 * An instant as luxon's toISO() prints it in a zone (`2050-09-05T09:00:00.000+02:00`, `Z` for luxon's UTC), built
 * from the zone's offset and toISOString(): luxon's own formatting costs several microseconds a slot, which a
 * year of one-minute slots multiplies into seconds. Offsets that are not whole minutes and years outside
 * 1000-9999 go through luxon.
 */
function zonedPrinter(zone: string): (t: number) => string {
  const z = zoneFor(zone);
  if (typeof z === "string") return (t) => DateTime.fromMillis(t, { zone: z }).toISO()!;
  return (t) => {
    const offset = z.offset(t);
    if (!Number.isInteger(offset) || t < FOUR_DIGIT_YEARS.from || t > FOUR_DIGIT_YEARS.to) return DateTime.fromMillis(t, { zone: z }).toISO()!;
    const abs = Math.abs(offset);
    const local = new Date(t + offset * 60_000).toISOString();
    return `${local.slice(0, 23)}${offset < 0 ? "-" : "+"}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
  };
}

export function formatSlots(
  slots: readonly Slot[],
  options: { timeZone?: string | undefined; format?: SlotFormat | undefined },
): Record<string, FormattedSlot[]> {
  const zone = options.timeZone;
  const print = zone ? zonedPrinter(zone) : (t: number) => new Date(t).toISOString();
  const out: Record<string, FormattedSlot[]> = {};
  for (const slot of slots) {
    const start = print(slot.start);
    // The printed start is the local wall clock: its date is the key, as the engine's dateKey would give it.
    const key = /^\d{4}-/.test(start) ? start.slice(0, 10) : dateKey(slot.start, zone ?? "UTC");
    const item: FormattedSlot = { start };
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
