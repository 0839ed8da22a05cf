import type { Ajv } from "ajv";
import formatsModule from "ajv-formats";
import { DateTime } from "luxon";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the import is the module object.
const addStandardFormats = formatsModule.default;

/** Names already accepted: making an Intl.DateTimeFormat costs about 75 µs, a third of a computed week's slots. */
const acceptedZones = new Set<string>();
const MAX_ACCEPTED_ZONES = 4096;

/**
 * A zone name the runtime's Intl knows, which is what class-validator's `@IsTimeZone()` asks of Cal.com's Node:
 * IANA names in any letter case, `UTC`, `EST` and the like pass; `Mars/Base`, `GMT+2` and `+02:00` do not.
 */
export function isTimeZone(value: string): boolean {
  if (acceptedZones.has(value)) return true;
  if (value.trim() === "") return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: value });
  } catch {
    return false;
  }
  // Bounded, since letter case makes the accepted names many (`europe/LONDON`); refused names are never kept.
  if (acceptedZones.size < MAX_ACCEPTED_ZONES) acceptedZones.add(value);
  return true;
}

/**
 * ISO 8601 calendar dates and date-times in their extended form: `2030-01-07`, `2030-01`, `2030`, and
 * `2030-01-07T10:00[:00[.000]][Z|±hh:mm]`. Cal.com checks with `@IsISO8601({strict: true})` and then reads the
 * value with JavaScript's `new Date()`: these are the forms both take (week dates, ordinal dates and the basic
 * form pass the first and break the second).
 */
const ISO_8601 = /^\d{4}(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))?)?)?)?$/;

export function isIso8601(value: string): boolean {
  const m = ISO_8601.exec(value);
  if (!m) return false;
  const [, month, day, hour, minute, second, offsetHours, offsetMinutes] = m.map((v) => (v === undefined ? undefined : Number(v)));
  if (month !== undefined && (month < 1 || month > 12)) return false;
  if (hour !== undefined && hour > 23) return false;
  if ((minute ?? 0) > 59 || (second ?? 0) > 59 || (offsetHours ?? 0) > 23 || (offsetMinutes ?? 0) > 59) return false;
  // Strict: the day must exist in that month (2030-02-30 is refused).
  return day === undefined || DateTime.fromISO(value.slice(0, 10), { zone: "utc" }).isValid;
}

/**
 * The UTC calendar date of an ISO 8601 value `isIso8601` accepts, as Cal.com stores a date override's date (the
 * date of `new Date(value)` in UTC; a date-time without an offset is read in UTC, Cal.com's servers' zone).
 */
export function utcDateOf(value: string): string {
  return DateTime.fromISO(value, { zone: "utc" }).toUTC().toISODate()!;
}

/** The JSON Schema formats the contract uses: ajv-formats' standard ones and Cal.com's two validator checks. */
export function addContractFormats(ajv: Ajv): Ajv {
  addStandardFormats(ajv);
  ajv.addFormat("time-zone", { type: "string", validate: isTimeZone });
  ajv.addFormat("iso-8601", { type: "string", validate: isIso8601 });
  return ajv;
}
