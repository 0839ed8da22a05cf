/**
 * The create body's rules that the contract cannot say (Cal.com's input pipe and input service): the start as an
 * instant, the attendee's zone and contact, the length, the event type's required booking fields, the location
 * and the title, each refused with Cal.com's message.
 */
import { DateTime } from "luxon";
import { badRequest } from "../../errors.js";
import { isValidTimeZone } from "../../scheduling/index.js";
import type { EventType, User } from "../schema.js";

/**
 * The message Cal.com's input pipes give one failing property, nested as class-validator nests it:
 * `attendee property is wrong, timeZone property is wrong,timeZone must be … ` (the trailing space included).
 */
export function pipeRefusal(path: readonly string[], message: string): Error {
  let text = `${path.at(-1)} property is wrong,${message} `;
  for (const parent of path.slice(0, -1).reverse()) text = `${parent} property is wrong, ${text}`;
  return badRequest(text);
}

/** A date and time with its offset: JavaScript's own parser reads those as ISO 8601 does. */
const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO 8601 start as an instant; one that names no offset is UTC, as Cal.com reads it. */
export function parseStart(start: string): number {
  // The usual form (an offset or Z) is read by Date.parse, a tenth of luxon's cost; anything else through luxon.
  if (WITH_OFFSET.test(start)) {
    // Date.parse rolls 30 February over into March; luxon, as Cal.com's reading, refuses it.
    const [y, m, d] = start.slice(0, 10).split("-").map(Number) as [number, number, number];
    const ms = Date.parse(start);
    if (Number.isFinite(ms) && m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate()) return ms;
  }
  const t = DateTime.fromISO(start.replace(" ", "T"), { zone: "utc" });
  if (!t.isValid) throw pipeRefusal(["start"], "start must be a valid ISO 8601 date string");
  return t.toMillis();
}

export interface AttendeeInput {
  name: string;
  email?: string | undefined;
  timeZone: string;
  phoneNumber?: string | undefined;
  language?: string | undefined;
}

/** Zones already judged: a booker's zone is checked on every booking, and a few zones cover most bookers. */
const zonesSeen = new Map<string, boolean>();

function validZone(zone: string): boolean {
  let ok = zonesSeen.get(zone);
  if (ok === undefined) {
    ok = isValidTimeZone(zone);
    if (zonesSeen.size >= 1000) zonesSeen.clear();
    zonesSeen.set(zone, ok);
  }
  return ok;
}

/** The attendee's checks the schema cannot make: an IANA zone (IsTimeZone) and an e-mail or a phone. */
export function checkAttendee(a: AttendeeInput): void {
  if (!validZone(a.timeZone)) throw pipeRefusal(["attendee", "timeZone"], "timeZone must be a valid IANA time-zone");
  const has = (v: string | undefined) => !!v && v.trim().length > 0;
  if (!has(a.email) && !has(a.phoneNumber)) {
    throw pipeRefusal(["attendee", "email"], "At least one contact method (email or phone number) must be provided");
  }
}

const METADATA_RULE = "Metadata must have at most 50 keys, each key up to 40 characters, and string values up to 500 characters.";

/** Cal.com's metadata rule on keys (the contract says the number of keys and the values; OpenAPI 3.0 cannot say key lengths). */
export function checkMetadata(metadata: Record<string, unknown> | undefined): void {
  if (metadata && Object.keys(metadata).some((k) => k.length > 40)) throw pipeRefusal(["metadata"], METADATA_RULE);
}

/** The lengths a variable-length event type offers (its metadata's multipleDuration), if it offers several. */
function lengthOptions(et: EventType): number[] | undefined {
  const options = (et.metadata as { multipleDuration?: unknown } | undefined)?.multipleDuration;
  return Array.isArray(options) && options.length > 0 ? options.filter((n): n is number => typeof n === "number") : undefined;
}

/** The booking's length: `lengthInMinutes` where the event type offers it, else the event type's. */
export function bookingLength(et: EventType, lengthInMinutes: number | undefined): number {
  if (!lengthInMinutes) return et.length;
  const options = lengthOptions(et);
  if (!options) {
    throw badRequest("Can't specify 'lengthInMinutes' because event type does not have multiple possible lengths. Please, remove the 'lengthInMinutes' field from the request.");
  }
  if (!options.includes(lengthInMinutes)) {
    throw badRequest(`Provided 'lengthInMinutes' is not one of the possible lengths for the event type. The possible lengths are: ${options.join(", ")}`);
  }
  return lengthInMinutes;
}

type Field = { slug?: string; name?: string; type?: string; required?: boolean; isDefault?: boolean; options?: unknown[] };

const optionValue = (o: unknown) => (typeof o === "object" && o !== null ? String((o as { value?: unknown }).value) : String(o));

/** What each booking field type takes, as Cal.com names it in its refusal. */
const EXPECTED: Record<string, { name: string; ok: (v: unknown) => boolean }> = {
  phone: { name: "string", ok: (v) => typeof v === "string" },
  address: { name: "string", ok: (v) => typeof v === "string" },
  text: { name: "string", ok: (v) => typeof v === "string" },
  textarea: { name: "string", ok: (v) => typeof v === "string" },
  url: { name: "string", ok: (v) => typeof v === "string" },
  number: { name: "number", ok: (v) => typeof v === "number" },
  boolean: { name: "boolean", ok: (v) => typeof v === "boolean" },
  multiemail: { name: "array", ok: Array.isArray },
  checkbox: { name: "array", ok: Array.isArray },
  multiselect: { name: "array", ok: Array.isArray },
  select: { name: "string or number", ok: (v) => typeof v === "string" || typeof v === "number" },
  radio: { name: "string or number", ok: (v) => typeof v === "string" || typeof v === "number" },
};

/**
 * The event type's booking fields the booker must answer (Cal.com checks the custom ones, and the phone fields
 * that take the attendee's phone): each required one present, of its type, and one of its options where it has
 * them.
 */
export function checkBookingFields(et: EventType, responses: Record<string, unknown> | undefined, phone: string | undefined): void {
  const answers: Record<string, unknown> = { ...responses, attendeePhoneNumber: phone, smsReminderNumber: phone };
  const fields = ((et.bookingFields ?? []) as Field[]).filter((f) => {
    const slug = f.slug ?? f.name;
    return !f.isDefault || slug === "smsReminderNumber" || slug === "attendeePhoneNumber";
  });
  for (const field of fields) {
    const slug = field.slug ?? field.name ?? "";
    const value = answers[slug];
    if (field.required && (value === null || value === undefined)) {
      if (slug === "attendeePhoneNumber" || slug === "smsReminderNumber") {
        throw badRequest('Missing attendee phone number - it is required by the event type. Pass it as "attendee.phoneNumber" string in the request.');
      }
      throw badRequest(
        `Missing required booking field response: ${slug} - it is required by the event type booking fields, but missing in the bookingFieldsResponses. You can fetch the event type with ID ${et.id} to see the required fields.`,
      );
    }
    if (value === undefined) continue;
    const expected = EXPECTED[field.type ?? ""];
    if (!expected) continue;
    if (!expected.ok(value)) {
      const got = value === null ? "object" : typeof value;
      throw badRequest(`Invalid type for booking field '${slug}'. Expected type ${expected.name} (compatible with field type '${field.type}'), but received ${got}.`);
    }
    const allowed = Array.isArray(field.options) ? field.options.map(optionValue) : [];
    if (allowed.length === 0) continue;
    if (field.type === "select" || field.type === "radio") {
      if (!allowed.includes(String(value))) throw badRequest(`Invalid option '${String(value)}' for booking field '${slug}'. Allowed options are: ${allowed.join(", ")}.`);
    } else if (field.type === "multiselect" || field.type === "checkbox") {
      if (!(value as unknown[]).every((v) => allowed.includes(String(v)))) {
        throw badRequest(`One or more invalid options for booking field '${slug}'. Allowed options are: ${allowed.join(", ")}.`);
      }
    }
  }
}

/** An event type without locations of its own has Cal Video, as Cal.com's default. */
const DEFAULT_LOCATIONS = [{ type: "integration", integration: "cal-video" }];

/** The column value Cal.com stores for an API integration name. */
function integrationValue(name: string): string {
  const special: Record<string, string> = {
    "cal-video": "integrations:daily",
    "google-meet": "integrations:google:meet",
    "office365-video": "integrations:office365_video",
    huddle: "integrations:huddle01",
  };
  return special[name] ?? `integrations:${name.replace(/-video$/, "_video").replace(/-/g, "_")}`;
}

export const CAL_VIDEO = "integrations:daily";

type ApiLocation = { type: string; [key: string]: unknown };

/** What a booking's location is stored as (the column) and answered as in its responses. */
export interface ResolvedLocation {
  column: string | null;
  response?: { value: string; optionValue: string };
}

/** The stored location of an event type's own location entry (a booking made without choosing one gets the first). */
function columnOf(loc: ApiLocation): string | null {
  switch (loc.type) {
    case "integration":
      return integrationValue(String(loc.integration ?? "cal-video"));
    case "address":
      return typeof loc.address === "string" ? loc.address : null;
    case "link":
      return typeof loc.link === "string" ? loc.link : null;
    case "phone":
      return typeof loc.phone === "string" ? loc.phone : null;
    default:
      return null;
  }
}

/**
 * The booking's location from the request (`location`, or the deprecated `meetingUrl`): an object must be one of
 * the event type's location types (an integration one of its integrations), a string is taken as it is; none
 * takes the event type's first location.
 */
export function bookingLocation(et: EventType, input: string | ApiLocation | undefined): ResolvedLocation {
  const own = ((et.locations?.length ? et.locations : DEFAULT_LOCATIONS) as ApiLocation[]).filter((l) => typeof l?.type === "string");
  if (input === undefined) return { column: own[0] ? columnOf(own[0]) : null };
  if (typeof input === "string") {
    const kind = /^(https?:\/\/|www\.)/i.test(input) ? "link" : /^\+?[0-9 ()\-.]{7,}$/.test(input) ? "phone" : "somewhereElse";
    return { column: input, response: { value: kind, optionValue: input } };
  }
  const types = own.map((l) => l.type);
  if (!types.includes(input.type)) {
    throw badRequest(
      `Booking location with type ${input.type} not valid for event type with id=${et.id}. The event type has following location types: ${types.join(", ")}, and only these types are allowed for booking location.`,
    );
  }
  const mine = own.find((l) => l.type === input.type)!;
  switch (input.type) {
    case "integration": {
      const integrations = own.filter((l) => l.type === "integration").map((l) => String(l.integration));
      const name = String(input.integration);
      if (!integrations.includes(name)) {
        throw badRequest(
          `Booking location with integration ${name} not valid for event type with id=${et.id}. The event type has following integrations: ${integrations.join(", ")}, and only these integrations are allowed for booking location.`,
        );
      }
      return { column: integrationValue(name), response: { value: integrationValue(name), optionValue: "" } };
    }
    case "address":
      return { column: columnOf(mine), response: { value: "inPerson", optionValue: "" } };
    case "link":
      return { column: columnOf(mine), response: { value: "link", optionValue: "" } };
    case "phone":
      return { column: columnOf(mine), response: { value: "userPhone", optionValue: "" } };
    case "attendeeAddress":
      return { column: String(input.address), response: { value: "attendeeInPerson", optionValue: String(input.address) } };
    case "attendeePhone":
      return { column: String(input.phone), response: { value: "phone", optionValue: String(input.phone) } };
    case "attendeeDefined":
      return { column: String(input.location), response: { value: "somewhereElse", optionValue: String(input.location) } };
    case "organizersDefaultApp":
      return { column: CAL_VIDEO, response: { value: "conferencing", optionValue: "" } };
    default:
      throw badRequest(`Booking location with type ${input.type} not valid.`);
  }
}

