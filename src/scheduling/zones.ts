/**
 * Time zones for the engine: luxon's IANA zones with their offsets remembered per quarter hour. Luxon asks Intl
 * for an offset at every conversion, which is most of a slots request's time; offsets change only at quarter-hour
 * boundaries in the zones of our time, and a quarter hour whose two ends disagree is never remembered, so the
 * answers are luxon's own.
 */
import { IANAZone } from "luxon";

const QUARTER = 15 * 60_000;
const MAX_REMEMBERED = 50_000;

class RememberingZone extends IANAZone {
  private readonly known = new Map<number, number>();

  override offset(ts: number): number {
    const bucket = Math.floor(ts / QUARTER);
    const hit = this.known.get(bucket);
    if (hit !== undefined) return hit;
    const first = super.offset(bucket * QUARTER);
    const last = super.offset(bucket * QUARTER + QUARTER - 1);
    if (first !== last) return super.offset(ts);
    if (this.known.size >= MAX_REMEMBERED) this.known.clear();
    this.known.set(bucket, first);
    return first;
  }
}

const zones = new Map<string, IANAZone>();

/** The zone of that name for luxon's `{ zone }` option (names luxon does not know are handed on as they are). */
export function zoneFor(name: string): IANAZone | string {
  let z = zones.get(name);
  if (!z) {
    // luxon reads "UTC" and "GMT" as its fixed UTC zone (printed "Z"), unlike the IANA Etc/UTC ("+00:00").
    if (/^(utc|gmt)$/i.test(name) || !IANAZone.isValidZone(name)) return name;
    z = new RememberingZone(name);
    zones.set(name, z);
  }
  return z;
}
