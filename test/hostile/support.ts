import { request as httpRequest } from "node:http";
import { Ajv, type ValidateFunction } from "ajv";
import fc from "fast-check";
import { afterAll, beforeAll, expect } from "vitest";
import { answeredBy } from "../../src/routes/index.js";
import { loadContract, matchOperation, type JsonSchema, type Operation, type ParameterObject } from "../../src/contract/index.js";
import { addContractFormats } from "../../src/contract/formats.js";
import { COMPONENTS_ID, toJsonSchema } from "../../src/contract/json-schema.js";
import type { State } from "../../src/store/schema.js";
import type { MockServer } from "../../src/server.js";
import { OWNER_KEY, checkContract, expectDetails, scenarioFacts, startMock } from "../support/harness.js";

/**
 * Helpers of the hostile-input tests. Everything that decides what is valid is read from spec/ (through
 * loadContract), so a new operation, parameter or body field is attacked without touching the tests.
 */

const loaded = loadContract();
/** The stateful operations: the hostile suite attacks what the mock keeps state for. */
export const contract = { ...loaded, operations: loaded.operations.filter((op) => answeredBy(op.operationId) === "state") };
/** Every operation of the contract, the spec-driven ones too: what a method on a path may reach. */
export const allOperations = loaded.operations;
export const TIMEOUT_MS = 5_000;
/** For a test that walks every stateful operation in one go: its time grows with their number (and the machine's load). */
export const WHOLE_CONTRACT_MS = 120_000;
/** The server's /v2 body limit (body-parser's default "100kb", which Cal.com keeps). */
export const BODY_LIMIT = 100 * 1024;

const ajv = addContractFormats(new Ajv({ strict: false, allErrors: false }));
ajv.addSchema({ $id: COMPONENTS_ID, definitions: toJsonSchema(contract.doc.components.schemas) });

/** Follows a local `$ref` of the spec. */
export function resolve(schema: JsonSchema): JsonSchema {
  let node: JsonSchema = schema;
  while (typeof node.$ref === "string") {
    let target: unknown = contract.doc;
    for (const part of node.$ref.slice(2).split("/")) target = (target as Record<string, unknown>)[part];
    node = target as JsonSchema;
  }
  return node;
}

const compiled = new Map<JsonSchema, ValidateFunction>();
/** Whether a JSON value is valid for a spec schema (no coercion, as the body validator works). */
export function validFor(schema: JsonSchema, value: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(toJsonSchema(schema) as JsonSchema);
    compiled.set(schema, validate);
  }
  return validate(value);
}

/** The class a body is read as: a union's first (the bookings' regular create, reschedule and cancel bodies). */
const bodyClass = (op: Operation): JsonSchema => {
  const schema = resolve(op.body!.schema);
  const union = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  return union ? resolve(union[0]!) : schema;
};
export const bodyProperties = (op: Operation): Array<[string, JsonSchema]> =>
  op.body ? (Object.entries((bodyClass(op).properties ?? {}) as Record<string, JsonSchema>)) : [];
export const requiredProperties = (op: Operation): string[] => (op.body ? ((bodyClass(op).required as string[]) ?? []) : []);
export const pathParams = (op: Operation): ParameterObject[] => op.parameters.filter((p) => p.in === "path");
export const queryParams = (op: Operation): ParameterObject[] => op.parameters.filter((p) => p.in === "query");
export const short = (op: Operation) => `${op.method} ${op.pathTemplate.replace("/v2/organizations/{orgId}", "")}`;

// ---------------------------------------------------------------------------------------------------------------
// Valid requests, built from the spec and the seeded state

export interface Facts {
  orgId: number;
  userId: number;
  /** A multi-select attribute, with an option the user holds and one the user does not. */
  attributeId: string;
  attributeSlug: string;
  heldOptionId: string;
  freeOptionId: string;
  textAttributeId: string;
  /** The directory: a team the owner owns, the user's org membership, and a membership of that team. */
  teamId: number;
  orgMembershipId: number;
  teamMembershipId: number;
  /** The seeded slot reservation, and a personal event type of its host that a new one can hold. */
  reservationUid: string;
  eventTypeId: number;
  /**
   * Schedules: one of the owner key's user (the caller of /v2/schedules), one of the user above; a member of the
   * team who hosts one of its event types, and that event type.
   */
  ownScheduleId: number;
  userScheduleId: number;
  teamUserId: number;
  teamEventTypeId: number;
  /** Bookings the owner's key may act on (the clock is real time): see bookingFacts. */
  bookings: ReturnType<typeof bookingFacts>;
  /** A cancelled booking (cancelling or rescheduling it again is refused, so a valid request changes nothing) and a seat. */
  cancelledBookingUid: string;
  seatUid: string;
}

/**
 * The owner's bookings the bookings operations succeed on: a past accepted one (with Cal Video, an attendee), one
 * ahead, one pending; and a round-robin booking of the owner's team with another of its hosts.
 */
function bookingFacts(state: State, ownerId: number) {
  const now = Date.now();
  const own = state.bookings.filter((b) => b.userId === ownerId && !b.recurringEventId);
  const pick = (what: string, found: State["bookings"][number] | undefined) => {
    if (!found) throw new Error(`the default scenario has no ${what}: teach test/hostile/support.ts`);
    return found;
  };
  const past = pick("past booking of the owner", own.find((b) => b.status === "ACCEPTED" && Date.parse(b.endTime) < now && b.location === "integrations:daily"));
  const ahead = pick("booking of the owner ahead", own.find((b) => b.status === "ACCEPTED" && Date.parse(b.startTime) > now));
  const pending = pick("pending booking of the owner", own.find((b) => b.status === "PENDING"));
  const ownerTeams = new Set(state.memberships.filter((m) => m.userId === ownerId && m.role === "OWNER").map((m) => m.teamId));
  const roundRobin = pick(
    "round-robin booking of the owner's team",
    state.bookings.find((b) => {
      const et = state.eventTypes.find((e) => e.id === b.eventTypeId);
      return et?.schedulingType === "ROUND_ROBIN" && et.teamId != null && ownerTeams.has(et.teamId) && (et.hosts?.length ?? 0) > 1;
    }),
  );
  const hosts = state.eventTypes.find((e) => e.id === roundRobin.eventTypeId)!.hosts!.map((h) => h.userId);
  return {
    pastUid: past.uid,
    pastAttendeeId: past.attendees[0]!.id,
    aheadUid: ahead.uid,
    pendingUid: pending.uid,
    roundRobinUid: roundRobin.uid,
    roundRobinHostId: hosts.find((id) => id !== roundRobin.userId)!,
  };
}

export function factsOf(state: State): Facts {
  const f = scenarioFacts(state);
  const skills = f.attr("skills");
  const options = f.optionsOf(skills.id);
  for (const userId of f.memberUserIds) {
    const membership = f.orgMembership(userId)!;
    const held = new Set(state.attributeAssignments.filter((a) => a.memberId === membership.id).map((a) => a.attributeOptionId));
    const heldOption = options.find((o) => held.has(o.id));
    const freeOption = options.find((o) => !held.has(o.id));
    const teamId = state.memberships.find((m) => m.userId === f.keyOf(OWNER_KEY) && f.teams.some((t) => t.id === m.teamId))!.teamId;
    const teamMembership = state.memberships.find((m) => m.teamId === teamId && m.userId !== f.keyOf(OWNER_KEY));
    const reservation = state.selectedSlots?.[0];
    const eventType = reservation && state.eventTypes.find((e) => e.userId === reservation.userId && !e.seatsPerTimeSlot && !e.requiresConfirmation);
    if (!reservation || !eventType) throw new Error("the default scenario has no seeded reservation: teach test/hostile/support.ts");
    const userSchedule = state.schedules.find((sc) => sc.userId === userId);
    const hosted = state.eventTypes.find((e) => e.teamId === teamId && (e.hosts ?? []).some((h) => h.userId !== f.keyOf(OWNER_KEY)));
    const teamUserId = hosted?.hosts?.find((h) => h.userId !== f.keyOf(OWNER_KEY))?.userId;
    const cancelled = state.bookings.find((b) => b.status === "CANCELLED" && !b.rescheduled && !b.recurringEventId);
    const seat = state.bookings.find((b) => (b.seatsReferences?.length ?? 0) > 0)?.seatsReferences?.[0];
    if (!cancelled || !seat) throw new Error("the default scenario has no cancelled booking or no seat: teach test/hostile/support.ts");
    if (heldOption && freeOption && teamMembership && userSchedule && hosted && teamUserId !== undefined) {
      return {
        cancelledBookingUid: cancelled.uid,
        seatUid: seat.referenceUid,
        reservationUid: reservation.uid,
        eventTypeId: eventType.id,
        teamId,
        ownScheduleId: state.schedules.find((sc) => sc.userId === f.keyOf(OWNER_KEY))!.id,
        userScheduleId: userSchedule.id,
        teamUserId,
        teamEventTypeId: hosted.id,
        orgMembershipId: membership.id,
        teamMembershipId: teamMembership.id,
        orgId: f.org.id,
        userId,
        attributeId: skills.id,
        attributeSlug: skills.slug,
        heldOptionId: heldOption.id,
        freeOptionId: freeOption.id,
        textAttributeId: f.attr("job-title").id,
        bookings: bookingFacts(state, f.keyOf(OWNER_KEY)),
      };
    }
  }
  throw new Error("the default scenario has no member holding some but not all skills");
}

/** The value of a path parameter in a request that would succeed (`template`: the operation's path). */
export function validPathValue(facts: Facts, name: string, template = ""): string {
  switch (name) {
    case "teamId":
      return String(facts.teamId);
    case "membershipId":
      return String(template.includes("/teams/{teamId}/memberships") ? facts.teamMembershipId : facts.orgMembershipId);
    case "orgId":
      return String(facts.orgId);
    case "userId":
      // The team member routes want a member of that team (IsUserInOrgTeam).
      if (template.includes("/teams/{teamId}/users/")) return String(facts.teamUserId);
      // The manual reassignment's new host: another host of the round-robin booking.
      return String(template.includes("/reassign/") ? facts.bookings.roundRobinHostId : facts.userId);
    case "scheduleId":
      return String(template.startsWith("/v2/schedules") ? facts.ownScheduleId : facts.userScheduleId);
    case "bookingUid":
      return bookingUidFor(facts, template);
    case "attendeeId":
      return String(facts.bookings.pastAttendeeId);
    case "attributeId":
      return facts.attributeId;
    case "attributeSlug":
      return facts.attributeSlug;
    case "optionId":
    case "attributeOptionId":
      return facts.heldOptionId;
    case "uid":
      return facts.reservationUid;
    case "eventTypeId":
      return String(template.includes("/teams/{teamId}/event-types") ? facts.teamEventTypeId : facts.eventTypeId);
    case "seatUid":
      return facts.seatUid;
    default:
      throw new Error(`no valid value known for path parameter ${name}: teach test/hostile/support.ts`);
  }
}

/** The value of an integer query parameter in a request that would succeed. */
export function validQueryInteger(facts: Facts, name: string): string {
  return name === "eventTypeId" ? String(facts.teamEventTypeId) : "1";
}

/** The booking each bookings operation succeeds on with the owner's key. */
function bookingUidFor(facts: Facts, template: string): string {
  const b = facts.bookings;
  // Cancelling or rescheduling a cancelled booking is refused: the valid request then changes nothing.
  if (/\/(cancel|reschedule)$/.test(template)) return facts.cancelledBookingUid;
  if (/\/(confirm|decline)$/.test(template)) return b.pendingUid;
  if (template.includes("/reassign")) return b.roundRobinUid;
  if (/\/(attendees|guests|location)$/.test(template)) return b.aheadUid;
  return b.pastUid;
}

/** The operation's path with every parameter valid, except those given (already encoded) in `raw`. */
export function pathOf(op: Operation, facts: Facts, raw: Record<string, string> = {}): string {
  return op.pathTemplate.replace(/\{([^}]+)\}/g, (_m, name: string) => raw[name] ?? encodeURIComponent(validPathValue(facts, name, op.pathTemplate)));
}

let unique = 0;
export const uniqueSlug = (prefix = "hostile") => `${prefix}-${process.pid}-${Date.now().toString(36)}-${++unique}`;
/** A slot start no other call gives: 03:00 UTC on a day of 2040 (no seeded booking there), one day later each time. */
export const uniqueNight = () => new Date(Date.UTC(2040, 0, 1, 3) + ++unique * 86_400_000).toISOString();

/** A sample value valid for a schema, from the schema alone. */
function sample(schema: JsonSchema): unknown {
  const s = resolve(schema);
  if (Array.isArray(s.enum)) return s.enum[0];
  switch (s.type) {
    case "string":
      if (s.format === "email") return `${uniqueSlug()}@hostile.example`;
      return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
    case "number":
    case "integer":
      return Number(s.minimum ?? 1);
    case "boolean":
      return true;
    case "array":
      // A list that must hold items gets as many as it needs (a guest to add).
      return Array.from({ length: Number(s.minItems ?? 0) }, () => sample(s.items as JsonSchema));
    case "object":
      return Object.fromEntries(((s.required as string[]) ?? []).map((k) => [k, sample((s.properties as Record<string, JsonSchema>)[k]!)]));
    default:
      return null;
  }
}

/**
 * A body that passes validation and, for the operation's path from pathOf(), succeeds: required properties from
 * the schema, ids and fresh slugs from the state. Refused requests use it as the baseline one property is broken in.
 */
/** Bodies the schema alone cannot sample (an ISO start, an attendee), for the bookings operations. */
const BOOKING_BODIES: Record<string, () => Record<string, unknown>> = {
  BookingsController_2024_08_13_createBooking: () => ({
    start: "2031-01-07T10:00:00Z",
    eventTypeId: 1,
    attendee: { name: "Hostile Booker", email: `${uniqueSlug()}@hostile.example`, timeZone: "Europe/London" },
  }),
  BookingsController_2024_08_13_rescheduleBooking: () => ({ start: "2031-01-07T10:00:00Z" }),
  BookingsController_2024_08_13_cancelBooking: () => ({}),
};

export function validBody(op: Operation, facts: Facts): Record<string, unknown> {
  if (!op.body) return {};
  const schema = resolve(op.body.schema);
  const booking = BOOKING_BODIES[op.operationId];
  if (booking) {
    const body = booking();
    expect(validFor(schema, body), `validBody(${op.operationId}) is not valid for spec/: teach test/hostile/support.ts`).toBe(true);
    return body;
  }
  const body = sample(schema) as Record<string, unknown>;
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  if ("slug" in body) body.slug = uniqueSlug();
  if ("timeZone" in body) body.timeZone = "Europe/Rome";
  if ("email" in body) body.email = `${uniqueSlug()}@hostile.example`;
  // Cal.com refuses a second team of the same name among the caller's teams.
  if ("name" in body && op.method === "POST" && op.pathTemplate.endsWith("/teams")) body.name = uniqueSlug("team");
  if ("attributeId" in props) body.attributeId = facts.attributeId;
  // An IANA zone, which Cal.com's DTOs check beyond the contract's string.
  if ("timeZone" in body) body.timeZone = "Europe/London";
  if ("attributeOptionId" in props) body.attributeOptionId = facts.freeOptionId;
  expect(validFor(schema, body), `validBody(${op.operationId}) is not valid for spec/: teach test/hostile/support.ts`).toBe(true);
  return body;
}

// ---------------------------------------------------------------------------------------------------------------
// Sending, and what every refusal must look like

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: unknown;
}

export interface RawRequest {
  method: string;
  /** Sent as is on the request line: no normalization of `..`, no re-encoding. */
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Sends the body in chunks without a Content-Length. */
  chunked?: boolean;
  /** Milliseconds to wait for the answer; TIMEOUT_MS by default. */
  timeoutMs?: number;
}

/** The `cal-api-version` the request's operation requires (Cal.com routes by it), so the attack reaches its handler. */
function versionFor(req: RawRequest): Record<string, string> {
  const path = req.path.split("?")[0]!;
  let decoded: string;
  try {
    decoded = decodeURI(path);
  } catch {
    decoded = path;
  }
  const versions = (matchOperation(allOperations, req.method, path).operation ?? matchOperation(allOperations, req.method, decoded).operation)?.apiVersions;
  return versions?.[0] ? { "cal-api-version": versions[0] } : {};
}

/**
 * Sends one request with node:http, so the path reaches the server byte for byte (fetch would resolve `..` and
 * re-encode), and fails on a hang: no answer within TIMEOUT_MS is an error, never a slow test.
 */
export function send(baseUrl: string, req: RawRequest): Promise<Answer> {
  const url = new URL(baseUrl);
  // The owner's key: it passes every guard of the spec with the facts' ids (the plain team routes want the team's owner).
  const headers: Record<string, string | number> = { authorization: `Bearer ${OWNER_KEY}`, ...versionFor(req), ...req.headers };
  if (req.body !== undefined && !req.chunked) headers["content-length"] ??= Buffer.byteLength(req.body);
  // node:http frames a body in chunks by itself only for some methods: ask for it, so every method gets it.
  if (req.chunked) headers["transfer-encoding"] = "chunked";
  return new Promise<Answer>((resolvePromise, reject) => {
    const r = httpRequest(
      { host: url.hostname, port: url.port, method: req.method, path: req.path, headers, signal: AbortSignal.timeout(req.timeoutMs ?? TIMEOUT_MS), agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolvePromise({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    r.on("error", (err) => reject(new Error(`${req.method} ${req.path.slice(0, 200)}: ${err.message}`)));
    if (req.body !== undefined && req.chunked) {
      const body = Buffer.from(req.body);
      const step = 64 * 1024;
      let at = 0;
      const pump = () => {
        while (at < body.length) {
          const more = r.write(body.subarray(at, (at += step)));
          if (!more) return void r.once("drain", pump);
        }
        r.end();
      };
      // A server that refuses early may close the socket while the body is still going out.
      r.on("error", () => undefined);
      pump();
    } else {
      if (req.body !== undefined) r.write(req.body);
      r.end();
    }
  });
}

export const jsonHeaders = { "content-type": "application/json" };

/** Cal.com's error envelope, with the status and (when given) the code. */
export function expectErrorEnvelope(answer: Answer, req: Pick<RawRequest, "method" | "path">, status?: number | number[]): void {
  const where = `${req.method} ${req.path.slice(0, 160)} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeGreaterThanOrEqual(400);
  expect(answer.status, where).toBeLessThan(500);
  if (status !== undefined) expect(Array.isArray(status) ? status : [status], where).toContain(answer.status);
  expect(String(answer.headers["content-type"]), where).toMatch(/^application\/json/);
  expect(answer.json, where).toMatchObject({
    status: "error",
    timestamp: expect.any(String),
    path: expect.any(String),
    error: { code: expect.any(String), message: expect.any(String) },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the envelope's details are checked by expectDetails
  const body = answer.json as { timestamp: string; error: { code: string; message: string; details?: any } };
  expect(Number.isNaN(Date.parse(body.timestamp)), where).toBe(false);
  expect(Object.keys(body).sort(), where).toEqual(["error", "path", "status", "timestamp"]);
  expect(Object.keys(body.error).filter((k) => k !== "details").sort(), where).toEqual(["code", "message"]);
  expectDetails({ status: answer.status, body });
  expect(body.error.message.length, where).toBeLessThan(10_000);
  // Where the path names an operation of the spec, the answer must also be one the spec declares.
  if (req.path.startsWith("/v2/")) checkContract(req.method, `http://x${req.path.split("?")[0]}`, answer.status, answer.json);
}

/** The state document inside a GET /__admin/state text. */
export function stateOf(text: string): State {
  return (JSON.parse(text) as { data: State }).data;
}

/** The mock's readable summary of a refused request (the X-Calcom-Mock-Diagnostics header). */
export const diagnosticsOf = (answer: Answer): string => String(answer.headers["x-calcom-mock-diagnostics"] ?? "");

/**
 * The properties named by the top-level class-validator errors of a 400's `details`, or, for Cal.com's own input
 * pipes (the bookings'), by the message's "<property> property is wrong" parts.
 */
export const validationProperties = (answer: Answer): string[] => {
  const error = (answer.json as { error: { message: string; details?: { errors?: Array<{ property?: string }> } } }).error;
  if (error.details?.errors) return error.details.errors.map((e) => e.property ?? "");
  return [...error.message.matchAll(/(?:^|, )(\S+) property is wrong,/g)].map((m) => m[1]!);
};

export async function stateText(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/__admin/state`, { signal: AbortSignal.timeout(TIMEOUT_MS) });
  expect(res.status).toBe(200);
  return res.text();
}

/**
 * Sends a request that must be refused: a 4xx in the error envelope (never a 5xx, never a hang), and the state
 * the server holds afterwards is byte-identical to `before`.
 */
export async function expectRefused(baseUrl: string, before: string, req: RawRequest, status?: number | number[]): Promise<Answer> {
  const answer = await send(baseUrl, req);
  expectErrorEnvelope(answer, req, status);
  const after = await stateText(baseUrl);
  if (after !== before) expect.fail(`${req.method} ${req.path.slice(0, 160)} answered ${answer.status} but changed the state: ${stateDiff(before, after)}`);
  return answer;
}

/** Which rows differ between two GET /__admin/state texts, briefly. */
export function stateDiff(before: string, after: string): string {
  const a = stateOf(before) as unknown as Record<string, unknown>;
  const b = stateOf(after) as unknown as Record<string, unknown>;
  const out: string[] = [];
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    if (JSON.stringify(x) === JSON.stringify(y)) continue;
    if (!Array.isArray(x) || !Array.isArray(y)) {
      out.push(`${key}: ${JSON.stringify(x)} → ${JSON.stringify(y)}`);
      continue;
    }
    const before = new Set(x.map((r) => JSON.stringify(r)));
    const after = new Set(y.map((r) => JSON.stringify(r)));
    const gone = [...before].filter((r) => !after.has(r));
    const added = [...after].filter((r) => !before.has(r));
    out.push(`${key}: -${gone.length} +${added.length} ${[...gone.map((r) => `- ${r}`), ...added.map((r) => `+ ${r}`)].join(" ").slice(0, 600)}`);
  }
  return out.join("; ") || "(same content, different text)";
}

// ---------------------------------------------------------------------------------------------------------------
// Hostile values

const hugeString = fc
  .tuple(fc.integer({ min: 256, max: 20_000 }), fc.constantFrom("a", "é", "😀", "\u0000", "%", "\\", '"', "\u202e"))
  .map(([n, c]) => c.repeat(n));

/** Strings that look like numbers to someone, or like nothing at all. */
export const nanish = fc.constantFrom(
  "NaN", "nan", "Infinity", "-Infinity", "1e309", "-1e309", "-0", "0x1F", "0b11", "0o7", "1_000", "1,5", "1.5", "+1",
  " 1", "1 ", "\t1", "1\n", "", " ", "null", "undefined", "true", "false", "[]", "{}", "١٢", "１２", "²", "Ⅻ", "1e0",
  "9007199254740993", "99999999999999999999999", "-2147483649", "2147483648", "0", "-1", "--1", "1-", "0.0000001",
);

export const hostileNumber = fc.oneof(
  fc.constantFrom(-1, -0.5, -1e-300, -1e308, 1e308, -Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, -Number.MAX_SAFE_INTEGER - 2, 2 ** 31, -(2 ** 31) - 1, 2 ** 53, 0.1),
  fc.integer({ min: -1_000_000_000, max: -1 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

/** Any JSON value a careless or hostile client might send in place of a property. */
export const hostileJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  hostileNumber,
  nanish,
  hugeString,
  fc.string({ maxLength: 30 }),
  fc.string({ unit: "grapheme", maxLength: 30 }),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
);

/** Values that, once through JSON, the schema refuses. */
export function invalidJsonFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  // Small enough to leave room in a body under the limit (a larger one is the 413 tests' business).
  return hostileJson
    .map((v) => JSON.parse(JSON.stringify(v)) as unknown)
    .filter((v) => !validFor(schema, v) && (JSON.stringify(v)?.length ?? 0) < BODY_LIMIT / 2);
}

/** Raw number literals that JSON.parse turns into Infinity, -0, 0 or imprecise numbers. */
export const rawNumberLiterals = ["1e400", "-1e400", "-0", "1E-400", "-1E-400", "123456789012345678901234567890", "-9007199254740993", "0.1e-999999", "1e+308"];

/**
 * Path or query text a parameter refuses. Integers follow the spec's bounds; path integers also Cal.com's
 * ParseIntPipe (only `-?digits`); query values Cal.com's `@Transform(({value}) => parseInt(value))`, which reads
 * `2abc` as 2 and `abc` as NaN.
 */
export function invalidParamText(param: ParameterObject): fc.Arbitrary<string> {
  const schema = resolve(param.schema);
  // Percent-encoded, a value must keep the request line within Node's 16 KB header limit.
  const pool = fc
    .oneof(nanish, fc.string({ maxLength: 12 }), fc.double().map(String), fc.bigInt().map(String), fc.integer().map(String), hugeString, fc.integer({ min: 310, max: 5_000 }).map((n) => "9".repeat(n)))
    .filter((s) => Buffer.byteLength(s) * 3 <= 9_000);
  if (schema.type === "integer") {
    const min = Number(schema.minimum ?? -Infinity);
    const max = Number(schema.maximum ?? Infinity);
    const valid = (s: string) => {
      if (param.in === "path" && !/^-?\d+$/.test(s)) return false;
      const n = param.in === "query" ? Number.parseInt(s) : Number(s);
      return s !== "" && Number.isInteger(n) && n >= min && n <= max;
    };
    return pool.filter((s) => !valid(s) && s !== "");
  }
  if (schema.type === "string" && Array.isArray(schema.enum)) return pool.filter((s) => !(schema.enum as unknown[]).includes(s) && s !== "");
  if (schema.type === "string" && schema.format === "email") return pool.filter((s) => !validFor(schema, s) && s !== "");
  if (schema.type === "string") {
    const tooLong = schema.maxLength !== undefined ? fc.integer({ min: Number(schema.maxLength) + 1, max: Number(schema.maxLength) + 3_000 }).map((n) => "z".repeat(n)) : undefined;
    const pattern = schema.format === "uuid" || schema.pattern !== undefined ? pool.filter((s) => !validFor(schema, s) && s !== "") : undefined;
    // A free-text parameter (a username, a slug) takes any text the database can store: only NUL and lone surrogates fail.
    const unstorable = isFreeText(param) ? fc.constantFrom("a\u0000b", "\u0000", "name\u0000") : undefined;
    const arbs = [tooLong, pattern, unstorable].filter((a): a is fc.Arbitrary<string> => a !== undefined);
    // A string Cal.com takes whatever it holds (a filter by name): only text its database cannot store is refused.
    if (arbs.length === 0) return fc.string({ maxLength: 12 }).map((t) => `${t}\u0000`);
    return fc.oneof(...arbs);
  }
  if (schema.type === "array") {
    const items = resolve(schema.items as JsonSchema);
    // Cal.com's emails transform trims, lower-cases and drops empty items, and an empty list filters nothing:
    // only an item that stays invalid after that (or too many) is refused.
    const emailList = param["x-calcom-transform"] === "emailList";
    // A comma would split the bad item into list items of its own.
    const badItem = invalidParamText({ ...param, schema: items }).filter(
      (s) => !s.includes(",") && (!emailList || (s.trim() !== "" && !validFor(items, s.trim().toLowerCase()))),
    );
    if (emailList) {
      const list = fc.tuple(fc.array(fc.constantFrom("a@acme.example", "b@acme.example"), { maxLength: 3 }), badItem).map(([good, bad]) => [...good, bad].join(","));
      const many = Array.from({ length: Number(schema.maxItems) + 1 }, (_, i) => `user${i}@acme.example`).join(",");
      return fc.oneof(list, fc.constant(many));
    }
    const many = schema.maxItems !== undefined ? fc.constant(Array.from({ length: Number(schema.maxItems) + 1 }, (_, i) => String(i + 1)).join(",")) : undefined;
    const list = fc.tuple(fc.array(fc.constantFrom("1", "2"), { maxLength: 3 }), badItem).map(([good, bad]) => [...good, bad].join(","));
    return many ? fc.oneof(list, many, fc.constantFrom(",", ",,,")) : fc.oneof(list, fc.constantFrom(",", ",,,"));
  }
  throw new Error(`no invalid text for ${param.name} (${String(schema.type)}): teach test/hostile/support.ts`);
}

/** A string parameter without an enum, format, pattern or length bound: any storable text is valid. */
export function isFreeText(param: ParameterObject): boolean {
  const schema = resolve(param.schema);
  return schema.type === "string" && !Array.isArray(schema.enum) && schema.format === undefined && schema.pattern === undefined && schema.maxLength === undefined;
}

/** Path segments nobody should send: broken percent-encoding, dot segments, NUL, overlong UTF-8, long and unicode ones. */
export const oddSegment: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    "%E0%A4%A", "%", "%%", "%zz", "%E0%A4", "%C0%AF", "%ED%A0%80", "%FF", "%00", "a%00b", "..", ".", "%2e%2e", "%2E", "...",
    "a%2Fb", "%2F", "%5C", "a;b", "a%3Bb", "%20", "+", "%2B", "~", "*", "$", "%7B%7D", "{orgId}", "%u0041", "%%30", "%252e",
    "%F0%9F%98%80", "%E2%80%AE", "%EF%BF%BF", "0", "-0", "-00",
  ),
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.integer({ min: 256, max: 8_000 }).map((n) => "a".repeat(n)),
  fc.integer({ min: 100, max: 2_500 }).map((n) => "%C3%A9".repeat(n)),
);

/** Raw (not percent-encoded) UTF-8 bytes on the request line: node:http sends latin1 strings byte for byte. */
export const rawUtf8 = (text: string) => Buffer.from(text, "utf8").toString("latin1");

/** The server a hostile test file attacks, and the state it must still hold after every refused request. */
export interface Target {
  url: string;
  facts: Facts;
  before: string;
}

/** Starts one mock for the file; `use` receives its URL, facts and state text once it is up. */
export function hostileTarget(use: (target: Target) => void): void {
  let mock: MockServer | undefined;
  beforeAll(async () => {
    ({ mock } = await startMock());
    const before = await stateText(mock.url);
    use({ url: mock.url, before, facts: factsOf(stateOf(before)) });
  });
  afterAll(() => mock?.close());
}
