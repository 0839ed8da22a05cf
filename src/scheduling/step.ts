/**
 * Stepping available ranges into slot starts, by Cal.com's rules (buildSlotsWithDateRanges): the step is the
 * frequency (slotInterval, else the duration, else the length) plus offsetStart; each range's first start is
 * the later of its start and now + notice, with seconds dropped, rounded up on the booker's clock to the largest
 * of 60/30/20/15/10/5 that divides the frequency; a start that falls inside a slot an earlier range produced
 * snaps to that slot; a slot must end (less one second) within its range.
 */
import { DateTime } from "luxon";
import { zoneFor } from "./zones.js";
import type { Interval } from "./types.js";

const MINUTE = 60_000;
const ALIGNMENTS = [60, 30, 20, 15, 10, 5];

export interface StepOptions {
  frequency: number;
  eventLength: number;
  offsetStart: number;
  minimumBookingNotice: number;
  now: number;
  /** The booker's zone, whose clock the rounding reads. */
  zone: string;
}

export function alignmentFor(frequency: number): number {
  return ALIGNMENTS.find((a) => frequency % a === 0) ?? 1;
}

/** The index of the first value of a sorted array that is not below x. */
function lowerBound(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Slot starts, ascending. Ranges may overlap (a round-robin pool hands in every host's ranges). */
export function stepSlots(ranges: readonly Interval[], options: StepOptions): number[] {
  const frequency = Math.max(1, options.frequency);
  const eventLength = Math.max(1, options.eventLength);
  const offset = options.offsetStart ? Math.max(1, options.offsetStart) : 0;
  const step = (frequency + offset) * MINUTE;
  const interval = alignmentFor(frequency);
  const earliest = options.now + options.minimumBookingNotice * MINUTE;
  const ordered = [...ranges].sort((a, b) => a.start - b.start);
  const slots = new Set<number>();
  const boundaries: number[] = [];

  for (const range of ordered) {
    let t = range.start > earliest ? range.start : earliest;
    t = Math.floor(t / MINUTE) * MINUTE;
    const local = DateTime.fromMillis(t, { zone: zoneFor(options.zone) });
    if (local.minute % interval !== 0) {
      t = local
        .startOf("hour")
        .plus({ minutes: Math.ceil(local.minute / interval) * interval })
        .toMillis();
    }
    t += offset * MINUTE;

    const at = lowerBound(boundaries, t);
    const prev = at > 0 ? boundaries[at - 1] : undefined;
    if (prev !== undefined && prev + step > t) t = prev >= range.start ? prev : prev + step;

    while (t + eventLength * MINUTE - 1000 <= range.end) {
      if (!slots.has(t)) {
        slots.add(t);
        boundaries.splice(lowerBound(boundaries, t), 0, t);
      }
      t += step;
    }
  }
  return boundaries;
}
