/**
 * GET /v2/slots's query as Cal.com's GetSlotsInputPipe reads it. The pipe picks one of four input classes by which
 * keys are present (`eventTypeId`; `username` and `eventTypeSlug`; `teamSlug` and `eventTypeSlug`; else the
 * dynamic `usernames`), transforms the values as the class's decorators say, and validates with whitelist and
 * forbidNonWhitelisted, so a key the class does not declare (`slotFormat`, `eventTypeID`) is an error of its own.
 * Its 400 is not the global ValidationPipe's "Bad Request Exception" but one line built from the errors:
 * "<property> property is wrong,<constraint messages joined by ', '> " for each, joined by ", ". The errors come
 * in class-validator's order: unknown keys first (as sent), then the class's own properties, then the inherited
 * ones, each property's constraints in the order its decorators were registered (bottom-up). The mock's own summary
 * of the same problems goes to the diagnostics header.
 */
import { HttpError, badRequest } from "../../errors.js";
import { isTimeZone as isIntlTimeZone } from "../../contract/formats.js";

export type SlotsLookup =
  | { by: "id"; eventTypeId: number }
  | { by: "user"; username: string; eventTypeSlug: string; organizationSlug?: string | undefined }
  | { by: "team"; teamSlug: string; eventTypeSlug: string; organizationSlug?: string | undefined }
  | { by: "usernames"; usernames: string[]; organizationSlug: string };

export interface SlotsRequest {
  lookup: SlotsLookup;
  /** As sent: strict ISO 8601, read in UTC (see slots.ts). */
  start: string;
  end: string;
  timeZone?: string | undefined;
  /** parseInt of what was sent; 0 counts as none where Cal.com tests it for truth. */
  duration?: number | undefined;
  format?: "time" | "range" | undefined;
  bookingUidToReschedule?: string | undefined;
  rrHostSubsetIds?: number[] | undefined;
}

type Raw = Record<string, unknown>;

/** One failed class-validator constraint: its message, already worded for the property. */
type Check = (value: unknown) => string[];

interface Property {
  name: string;
  /** The class's @Transform, applied before validation. */
  transform?: (value: unknown) => unknown;
  /** @IsOptional: null or undefined skips every constraint. */
  optional?: boolean;
  /** The constraints in registration order; each returns its message when it fails. */
  checks: Array<(value: unknown) => string | undefined>;
}

// ---------------------------------------------------------------------------------------------------------------
// class-validator's checks and default messages, as the slots DTOs use them

/**
 * validator.js's ISO 8601 grammar (isISO8601, the separator being "T" or a space): a year of four digits (with an
 * optional sign, not the start of a basic-format date that ends there with two more digits), then optionally a
 * calendar date (month, and a day written with the same separator), a week date or an ordinal date, each optionally
 * followed by a time: hours (or 24:00), minutes, seconds written with the same separator as the minutes, a
 * fraction, and a zone (Z or ±hh[:mm]).
 */
const ISO_8601 = new RegExp(
  [
    "^(?<year>[+-]?\\d{4}(?!\\d{2}\\b))",
    "(?:(?<sep>-?)",
    "(?:(?:0[1-9]|1[0-2])(?:\\k<sep>(?:[12]\\d|0[1-9]|3[01]))?|W(?:[0-4]\\d|5[0-3])(?:-?[1-7])?|(?:00[1-9]|0[1-9]\\d|[12]\\d{2}|3(?:[0-5]\\d|6[1-6])))",
    "(?:[T\\s]",
    "(?:(?:(?:[01]\\d|2[0-3])(?:(?<colon>:?)[0-5]\\d)?|24:?00)(?:[.,]\\d+(?!:))?)?",
    "(?:\\k<colon>[0-5]\\d(?:[.,]\\d+)?)?",
    "(?:[zZ]|[+-](?:[01]\\d|2[0-3]):?(?:[0-5]\\d)?)?",
    ")?)?$",
  ].join(""),
);

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/**
 * The `strict` part of isISO8601: an ordinal day must exist in its year, and a calendar date's month and day must
 * survive a round trip through Date (so 2050-02-30 is refused). Week dates and partial dates are not checked.
 */
function isRealDate(text: string): boolean {
  const ordinal = /^(\d{4})-?(\d{3})([ T]\.*|$)/.exec(text);
  if (ordinal) return Number(ordinal[2]) <= (isLeapYear(Number(ordinal[1])) ? 366 : 365);
  const parts = /(\d{4})-?(\d{0,2})-?(\d*)/.exec(text)!;
  const year = Number(parts[1]);
  const month = Number(parts[2]);
  const day = Number(parts[3]);
  if (!month || !day) return true;
  const date = new Date(`${year}-${`0${month}`.slice(-2)}-${`0${day}`.slice(-2)}`);
  return date.getUTCFullYear() === year && date.getUTCMonth() + 1 === month && date.getUTCDate() === day;
}

/** class-validator's isISO8601 (what @IsDateString checks); `strict` also refuses dates that do not exist. */
export function isIsoDateString(value: unknown, strict: boolean): boolean {
  if (typeof value !== "string" || !ISO_8601.test(value)) return false;
  return !strict || isRealDate(value);
}

/** class-validator's isTimeZone: any name the runtime's Intl accepts (so lower-case IANA names and `EST` too). */
export const isTimeZone = (value: unknown): boolean => typeof value === "string" && isIntlTimeZone(value);

const isNumber = (v: unknown) => typeof v === "number" && Number.isFinite(v);

const dateString = (p: string) => (v: unknown) => (isIsoDateString(v, true) ? undefined : `${p} must be a valid ISO 8601 date string`);
const string = (p: string, each = false) => (v: unknown) => {
  const ok = each && Array.isArray(v) ? v.every((x) => typeof x === "string") : typeof v === "string";
  return ok ? undefined : `${each ? "each value in " : ""}${p} must be a string`;
};
const number = (p: string, each = false) => (v: unknown) => {
  const ok = each && Array.isArray(v) ? v.every(isNumber) : isNumber(v);
  return ok ? undefined : `${each ? "each value in " : ""}${p} must be a number conforming to the specified constraints`;
};
const array = (p: string) => (v: unknown) => (Array.isArray(v) ? undefined : `${p} must be an array`);

/** `value && parseInt(value)`: an empty value stays as it is (and fails @IsNumber), a list is read as its text. */
const parseIntOrKeep = (v: unknown) => (v ? Number.parseInt(String(v)) : v);

// ---------------------------------------------------------------------------------------------------------------
// The four input classes

/** GetAvailableSlotsInput_2024_09_04, inherited by every class; after the class's own properties. */
const COMMON: Property[] = [
  { name: "start", checks: [dateString("start")] },
  { name: "end", checks: [dateString("end")] },
  { name: "timeZone", optional: true, checks: [(v) => (isTimeZone(v) ? undefined : "timeZone must be a valid IANA time-zone")] },
  { name: "duration", transform: parseIntOrKeep, optional: true, checks: [number("duration")] },
  {
    name: "format",
    // Cal.com lower-cases with value.toLowerCase(), which throws (a 500) on a repeated or nested parameter; the
    // mock leaves such a value as it is, for the two checks below to refuse.
    transform: (v) => (!v ? undefined : typeof v === "string" ? v.toLowerCase() : v),
    optional: true,
    checks: [(v) => (v === "range" || v === "time" ? undefined : "slotFormat must be either 'range' or 'time'"), string("format")],
  },
  { name: "bookingUidToReschedule", optional: true, checks: [string("bookingUidToReschedule")] },
  {
    name: "rrHostSubsetIds",
    transform: (v) =>
      typeof v === "string"
        ? v.split(",").map((id) => Number.parseInt(id.trim(), 10))
        : Array.isArray(v)
          ? v.map((id) => (typeof id === "string" ? Number.parseInt(id, 10) : id))
          : v,
    optional: true,
    checks: [number("rrHostSubsetIds", true), array("rrHostSubsetIds")],
  },
];

const TYPE: Property = { name: "type", checks: [string("type")] };

const CLASSES = {
  id: [TYPE, { name: "eventTypeId", transform: parseIntOrKeep, checks: [number("eventTypeId")] }],
  user: [
    TYPE,
    { name: "eventTypeSlug", checks: [string("eventTypeSlug")] },
    { name: "username", checks: [string("username")] },
    { name: "organizationSlug", optional: true, checks: [string("organizationSlug")] },
  ],
  team: [
    TYPE,
    { name: "eventTypeSlug", checks: [string("eventTypeSlug")] },
    { name: "teamSlug", checks: [string("teamSlug")] },
    { name: "organizationSlug", optional: true, checks: [string("organizationSlug")] },
  ],
  usernames: [
    TYPE,
    {
      name: "usernames",
      transform: (v) => (typeof v === "string" ? v.split(",").map((u) => u.trim()) : v),
      checks: [string("usernames", true), (v) => (Array.isArray(v) && v.length >= 2 ? undefined : "The array must contain at least 2 elements."), array("usernames")],
    },
    { name: "organizationSlug", checks: [string("organizationSlug")] },
  ],
} satisfies Record<SlotsLookup["by"], Property[]>;

/** The class the pipe picks, by which keys are present (not by their values). */
function classOf(raw: Raw): SlotsLookup["by"] {
  const has = (key: string) => Object.prototype.hasOwnProperty.call(raw, key);
  if (has("eventTypeId")) return "id";
  if (has("username") && has("eventTypeSlug")) return "user";
  if (has("teamSlug") && has("eventTypeSlug")) return "team";
  return "usernames";
}

/** A NUL, or half of a surrogate pair alone: text PostgreSQL (Cal.com's database) cannot store. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function unstorable(value: unknown): boolean {
  if (typeof value === "string") return UNSTORABLE.test(value);
  return Array.isArray(value) && value.some(unstorable);
}

interface Failure {
  property: string;
  messages: string[];
}

function refusal(failures: readonly Failure[]): HttpError {
  const message = failures.map((f) => `${f.property} property is wrong,${f.messages.join(", ")} `).join(", ");
  const summary = failures.map((f) => `query ${f.property}: ${f.messages.join("; ")}`).join("; ");
  const error = badRequest(message);
  return new HttpError(error.status, error.code, error.message, error.details, summary);
}

/**
 * The validated request, or Cal.com's 400. `raw` is the query as Express's extended parser gives it (strings,
 * lists, nested objects), which is what NestJS hands the pipe.
 */
export function parseSlotsQuery(raw: Raw): SlotsRequest {
  const by = classOf(raw);
  const properties = [...CLASSES[by], ...COMMON];
  const known = new Set(properties.map((p) => p.name));
  const failures: Failure[] = [];
  for (const key of Object.keys(raw)) if (!known.has(key)) failures.push({ property: key, messages: [`property ${key} should not exist`] });
  const values: Record<string, unknown> = {};
  for (const p of properties) {
    let value = Object.prototype.hasOwnProperty.call(raw, p.name) ? raw[p.name] : undefined;
    if (p.name === "type" && value === undefined) continue;
    if (p.transform && value !== undefined) value = p.transform(value);
    values[p.name] = value;
    if (p.optional && (value === undefined || value === null)) continue;
    const messages = p.checks.map((check) => check(value)).filter((m): m is string => m !== undefined);
    if (messages.length > 0) failures.push({ property: p.name, messages });
  }
  if (failures.length > 0) throw refusal(failures);

  // What Cal.com would pass on to PostgreSQL and fail on (a 500): the mock refuses it in the pipe's words.
  const bad = properties.filter((p) => unstorable(values[p.name]));
  if (bad.length > 0) {
    throw refusal(bad.map((p) => ({ property: p.name, messages: [`${p.name} must not contain NUL characters or lone UTF-16 surrogates`] })));
  }
  // A negative duration steps slots backwards for ever in Cal.com (the request never answers); the mock refuses it.
  const duration = values.duration as number | undefined;
  if (duration !== undefined && duration < 0) throw refusal([{ property: "duration", messages: ["duration must not be less than 0"] }]);

  const str = (name: string) => values[name] as string;
  const optional = (name: string) => values[name] as string | undefined;
  const lookup: SlotsLookup =
    by === "id"
      ? { by, eventTypeId: values.eventTypeId as number }
      : by === "user"
        ? { by, username: str("username"), eventTypeSlug: str("eventTypeSlug"), organizationSlug: optional("organizationSlug") }
        : by === "team"
          ? { by, teamSlug: str("teamSlug"), eventTypeSlug: str("eventTypeSlug"), organizationSlug: optional("organizationSlug") }
          : { by, usernames: values.usernames as string[], organizationSlug: str("organizationSlug") };
  return {
    lookup,
    start: str("start"),
    end: str("end"),
    timeZone: optional("timeZone"),
    duration,
    format: values.format as SlotsRequest["format"],
    bookingUidToReschedule: optional("bookingUidToReschedule"),
    rrHostSubsetIds: values.rrHostSubsetIds as number[] | undefined,
  };
}
