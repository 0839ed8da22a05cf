/**
 * Generation hints for dynamic answers. Cal.com's document types most values as a bare `string` or `number`, so
 * json-schema-faker fills `start` with lorem ipsum and `duration` with -46986679.7. Before Prism parses an
 * operation for a generated answer, each property schema with no format, pattern, enum or const of its own gets
 * one inferred from its example (an ISO date-time, a date, `09:00`, an e-mail, a URL, a UUID, a time zone) or,
 * without one, from its name (`createdAt`, `email`, `timeZone`, `avatarUrl`, `uid`, `lengthInMinutes`, `id`, ...),
 * and numbers named as lengths, counts or ids get non-negative bounds. Every hint narrows what the schema already
 * allows, so a generated answer stays valid against the contract; the contract itself is never touched (this runs
 * on Prism's private copy). The values come from json-schema-faker's seeded random, so they repeat per request.
 */

type Node = Record<string, unknown>;

const isNode = (value: unknown): value is Node => typeof value === "object" && value !== null && !Array.isArray(value);

/** The custom formats `registerHintFormats` teaches json-schema-faker. */
export const TIME_ZONE_FORMAT = "x-calcom-mock-time-zone";
export const TIME_OF_DAY_FORMAT = "x-calcom-mock-time-of-day";

/** Time zones Cal.com users pick, for generated `timeZone` values. */
export const TIME_ZONES = [
  "Europe/London",
  "Europe/Berlin",
  "Europe/Paris",
  "Europe/Madrid",
  "Europe/Rome",
  "America/New_York",
  "America/Chicago",
  "America/Los_Angeles",
  "America/Sao_Paulo",
  "Asia/Kolkata",
  "Asia/Tokyo",
  "Asia/Singapore",
  "Australia/Sydney",
  "Africa/Lagos",
  "UTC",
];

type StringHint = { format: string } | { pattern: string } | { enum: string[] };

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIME_OF_DAY = /^\d{2}:\d{2}(:\d{2})?$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const URL_LIKE = /^https?:\/\//;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ZONE = /^(UTC|[A-Z][A-Za-z_]+\/[A-Z][A-Za-z_]+(\/[A-Z][A-Za-z_]+)?)$/;

/** A hint read from an example value: what it looks like is what a generated value should look like. */
function fromExample(example: unknown): StringHint | undefined {
  if (typeof example !== "string") return undefined;
  if (ISO_DATE_TIME.test(example)) return { format: "date-time" };
  if (ISO_DATE.test(example)) return { format: "date" };
  if (TIME_OF_DAY.test(example)) return { format: TIME_OF_DAY_FORMAT };
  if (EMAIL.test(example)) return { format: "email" };
  if (URL_LIKE.test(example)) return { format: "uri" };
  if (UUID.test(example)) return { format: "uuid" };
  if (ZONE.test(example) && example.includes("/")) return { format: TIME_ZONE_FORMAT };
  return undefined;
}

/** A hint read from a property's name, for strings the document gives no example for. */
function fromName(name: string): StringHint | undefined {
  if (/^date$|[a-z]Date$/.test(name) && !/^(created|updated)/.test(name)) return { format: "date" };
  if (/(At|DateTime|Time)$/.test(name) || /^(start|end|slotStart|slotEnd|startsAt|endsAt)$/.test(name)) return { format: "date-time" };
  if (/^e?mail$|Email$/i.test(name)) return { format: "email" };
  if (/^time_?zone$|TimeZone$/i.test(name)) return { format: TIME_ZONE_FORMAT };
  if (/(^url|Url|Uri|^uri|^link|Link|^website|Logo|^logo|^avatar|^image|^banner)$/.test(name)) return { format: "uri" };
  if (/^(uid|uuid|id)$|Uid$|Uuid$/.test(name)) return { format: "uuid" };
  if (/^slug$|Slug$/.test(name)) return { pattern: "^[a-z]{3,10}(-[a-z]{3,10})?$" };
  if (/Color$/.test(name)) return { pattern: "^#[0-9a-f]{6}$" };
  if (/^(phone|phoneNumber)$|PhoneNumber$/.test(name)) return { pattern: "^\\+1[2-9]\\d{9}$" };
  if (/^(locale|language)$/.test(name)) return { enum: ["en", "de", "fr", "es", "it", "pt", "nl", "ja"] };
  return undefined;
}

/** Bounds for numbers named as ids, durations in minutes, counts and amounts; `multipleOf` keeps them whole. */
function numberBounds(name: string): { minimum: number; maximum: number; multipleOf?: number } | undefined {
  if (/^id$|Id$|ID$/.test(name)) return { minimum: 1, maximum: 100_000 };
  if (/ExpiresAt$/.test(name)) return { minimum: 1_750_000_000_000, maximum: 1_900_000_000_000 };
  if (/(length|Length|duration|Duration|Minutes|interval|Interval|Buffer|Notice|offset|Offset)/.test(name)) return { minimum: 0, maximum: 240, multipleOf: 5 };
  if (/(count|Count|total|Total|seats|Seats|limit|Limit|size|Size|amount|Amount|price|Price|weight|Weight|position|Position|take|skip|Valid)/.test(name)) {
    return { minimum: 0, maximum: 100 };
  }
  return undefined;
}

const typeOf = (schema: Node): string | undefined => {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type)) return type.find((t): t is string => typeof t === "string" && t !== "null");
  return undefined;
};

/** Whether a schema already constrains its values enough that a hint could only contradict it. */
const constrained = (schema: Node): boolean =>
  schema.format !== undefined || schema.pattern !== undefined || schema.enum !== undefined || schema.const !== undefined || schema.$ref !== undefined;

function hintProperty(name: string, schema: Node): void {
  if (constrained(schema)) return;
  const type = typeOf(schema);
  if (type === "string") {
    const hint = fromExample(schema.example) ?? fromName(name);
    if (!hint) return;
    // A length bound of the schema would fight a format's own length: such strings keep their lorem ipsum.
    if (schema.minLength !== undefined || schema.maxLength !== undefined) return;
    Object.assign(schema, hint);
  } else if (type === "integer" || type === "number") {
    const bounds = numberBounds(name);
    if (!bounds) return;
    const min = typeof schema.minimum === "number" ? schema.minimum : typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : undefined;
    const max = typeof schema.maximum === "number" ? schema.maximum : typeof schema.exclusiveMaximum === "number" ? schema.exclusiveMaximum : undefined;
    if (min !== undefined || max !== undefined || schema.multipleOf !== undefined) return;
    schema.minimum = bounds.minimum;
    schema.maximum = bounds.maximum;
    if (bounds.multipleOf !== undefined) schema.multipleOf = bounds.multipleOf;
    else if (type === "number") schema.multipleOf = 1;
  }
}

/**
 * Adds the hints, in place, to every property schema of `doc` (Prism's private copy of one operation's document).
 * Array items take their property's name (`emails: [string]` holds e-mails).
 */
export function addGenerationHints(doc: Node): void {
  const seen = new Set<Node>();
  const visit = (node: unknown, name: string | undefined): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, name));
    if (!isNode(node) || seen.has(node)) return;
    seen.add(node);
    if (name !== undefined) hintProperty(name, node);
    for (const [key, value] of Object.entries(node)) {
      if (key === "properties" && isNode(value)) {
        for (const [property, schema] of Object.entries(value)) visit(schema, property);
      } else if (key === "items") {
        visit(value, name === undefined ? undefined : singular(name));
      } else if (key === "oneOf" || key === "anyOf" || key === "allOf") {
        visit(value, name);
      } else if (key !== "example" && key !== "examples" && key !== "default" && key !== "enum") {
        visit(value, undefined);
      }
    }
  };
  visit(doc, undefined);
}

/** `emails` → `email`, `guestEmails` → `guestEmail`, `ids` → `id`: an array's items are named for one of them. */
function singular(name: string): string {
  return name.length > 3 && name.endsWith("s") && !name.endsWith("ss") ? name.slice(0, -1) : name;
}

/** What json-schema-faker exposes that the hints use: custom formats, options, and its seeded random. */
export interface SchemaFaker {
  format(name: string, generate: (schema: unknown) => unknown): void;
  option(options: Record<string, unknown>): void;
  random: { pick<T>(list: T[]): T; number(min: number, max: number): number; randexp(pattern: string): string };
}

/**
 * Teaches Prism's json-schema-faker the hints' formats, and replaces its e-mails and URLs with readable ones and
 * its date-times (1889 to 1970 by default) with quarter hours of 2025 to 2027. Everything is drawn from json-schema-faker's own random,
 * which Prism seeds per request, so the same request gives the same values.
 */
export function registerHintFormats(jsf: SchemaFaker): void {
  const r = jsf.random;
  // Whole minutes between 2025 and 2027, as Cal.com's times are; json-schema-faker's own are 1889 to 1970.
  const dateTime = () => new Date(Date.UTC(2025, 0, 1) + r.number(0, 3 * 365 * 24 * 4) * 15 * 60_000).toISOString();
  jsf.format("date-time", dateTime);
  jsf.format("date", () => dateTime().slice(0, 10));
  jsf.format(TIME_ZONE_FORMAT, () => r.pick(TIME_ZONES));
  jsf.format(TIME_OF_DAY_FORMAT, () => `${String(r.number(7, 18)).padStart(2, "0")}:${r.pick(["00", "15", "30", "45"])}`);
  jsf.format("email", () => r.randexp("^[a-z]{3,8}\\.[a-z]{3,8}@(example\\.com|acme\\.example|mail\\.example\\.org)$"));
  jsf.format("uri", () => r.randexp("^https://(app|cal|files|meet)\\.example\\.com/[a-z]{3,10}(/[a-z0-9]{4,8})?$"));
}
