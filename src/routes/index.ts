import { parse as parseFlatQuery } from "node:querystring";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { authenticate } from "../auth/api-key.js";
import { runGuards, type GuardContext } from "../auth/guards.js";
import { authorizeOrg } from "../auth/roles.js";
import { matchOperation, type Contract, type Operation, type RawQuery, type RequestValidator } from "../contract/index.js";
import type { OperationId } from "../contract/types.js";
import { keepAnswer } from "../admin/answer.js";
import type { OperationCounts } from "../admin/operation-counts.js";
import type { Stubs } from "../admin/stubs.js";
import { badRequest, HttpError, notFound, unauthorized, validationFailure, withDiagnostics } from "../errors.js";
import { CallerDirectory } from "../auth/caller.js";
import { explainRefusal } from "../auth/explain.js";
import type { Responder } from "../responder/engine.js";
import { parsePrefer } from "../responder/prefer.js";
import type { Clock } from "../store/clock.js";
import type { Database } from "../store/database.js";
import { slotsValidUntil } from "../store/queries/slots.js";
import type { MemoDeps, Store } from "../store/store.js";
import type { User } from "../store/schema.js";
import { assignmentHandlers } from "./assignments.js";
import { attributeHandlers } from "./attributes.js";
import { bookingManageHandlers } from "./bookings-manage.js";
import { eventTypeHandlers } from "./event-types.js";
import { bookingHandlers } from "./bookings.js";
import { membershipHandlers } from "./memberships.js";
import { optionHandlers } from "./options.js";
import { slotHandlers } from "./slots.js";
import { envelopeJson } from "./answer-json.js";
import { READ_DEPS } from "./read-deps.js";
import { ResponseCache, serializedAnswer, type CachedAnswer } from "./response-cache.js";
import { scheduleHandlers } from "./schedules.js";
import { EndpointThrottler, throttleTracker } from "../http/endpoint-throttle.js";
import type { RateLimit } from "../http/rate-limit.js";
import { notModified } from "../http/etag.js";
import { teamHandlers } from "./teams.js";
import { Reply, type ApiRequest, type Handler, type Handlers } from "./types.js";
import { userHandlers } from "./users.js";

/** The stateful operations. Every other operation of the contract is answered from the spec. */
export const handlers: Partial<Handlers> = {
  ...attributeHandlers,
  ...optionHandlers,
  ...assignmentHandlers,
  ...userHandlers,
  ...membershipHandlers,
  ...teamHandlers,
  ...slotHandlers,
  ...scheduleHandlers,
  ...bookingManageHandlers,
  ...eventTypeHandlers,
  ...bookingHandlers,
};

/**
 * Operations whose answer depends on the clock as well as on the data and the URL (slots with their minimum
 * notice, bookings listed as upcoming or past): the response cache keys them by the clock too.
 */
export const NOW_DEPENDENT = new Set<string>([
  "SlotsController_2024_09_04_getAvailableSlots",
  "SlotsController_2024_09_04_getReservedSlot",
  "BookingsController_2024_08_13_getBookings",
  "BookingsController_2024_08_13_getBooking",
  "OrganizationsBookingsController_getAllOrgTeamBookings",
  "OrganizationsTeamsBookingsController_getAllOrgTeamBookings",
  "OrganizationsUsersBookingsController_getOrganizationUserBookings",
  "TeamsBookingsController_getAllTeamBookings",
]);

/**
 * For the operations in NOW_DEPENDENT whose answers hold for a known while as the clock runs: until when an answer
 * computed now does (see slotsValidUntil). The others are computed afresh on every request while the clock runs.
 */
const VALID_UNTIL: Partial<Record<string, (store: Store, now: number) => number>> = {
  SlotsController_2024_09_04_getAvailableSlots: slotsValidUntil,
};

/** Whether an operation is answered by a stateful handler ("state") or from the spec ("spec"). */
export const answeredBy = (operationId: string): "state" | "spec" => (operationId in handlers ? "state" : "spec");

export interface ApiContext {
  contract: () => Contract;
  db: () => Database;
  clock: Clock;
  /** Serve repeated GETs from a cache emptied by every write (on unless false). */
  responseCache?: boolean;
  /** Answers the operations without a handler (swapped with the contract by watch mode). */
  responder: () => Responder;
  /** Answer spec-driven operations with generated bodies unless a request says `Prefer: dynamic=false`. */
  dynamic?: boolean;
  counts: OperationCounts;
  /** Cal.com's rate limits are on (`--rate-limit`): the endpoints' own throttles (`x-calcom-throttle`) apply too. */
  rateLimit?: RateLimit | undefined;
  /** The user's stubs (/__admin/stubs): they answer before the stateful handler or the responder. */
  stubs?: Stubs;
}

const JSON_TYPE = "application/json; charset=utf-8";

/**
 * Sends a serialized answer with the headers Express's res.json would set, its weak ETag included, and answers a
 * GET whose If-None-Match names that tag with 304 and no body, as res.send does.
 */
function send(req: Request, res: Response, status: number, answer: CachedAnswer): void {
  res.setHeader("ETag", answer.etag);
  if (status < 300 && (req.method === "GET" || req.method === "HEAD") && notModified(req.headers, answer.etag)) {
    res.statusCode = 304;
    res.end();
    return;
  }
  res.statusCode = status;
  // A 204 has no body (Cal.com's @HttpCode(204) routes send none), so no content headers either.
  if (status === 204) {
    res.removeHeader("ETag");
    res.end();
    return;
  }
  res.setHeader("Content-Type", JSON_TYPE);
  res.setHeader("Content-Length", answer.bytes.length);
  keepAnswer(res, answer.bytes);
  res.end(answer.bytes);
}

/**
 * `cal-api-version` on the operations that require it: missing is a 400 naming the accepted versions (a 404 where
 * Cal.com's default version has no route at that path); a version the operation does not accept gets what Cal.com's
 * router answers for a version it has no route for, NestJS's 404 "Cannot GET <url>".
 */
function checkApiVersion(operation: Operation, method: string, path: string, header: string | undefined): void {
  const accepted = operation.apiVersions;
  if (!accepted) return;
  if ((header === undefined || header === "") && operation.noDefaultVersionRoute) {
    // Cal.com routes a request without the header to its 2024-04-15 controllers, which have no such route.
    throw withDiagnostics(
      notFound(`Cannot ${method} ${path}`),
      `no cal-api-version: Cal.com answers from its 2024-04-15 routes, which do not include ${method} ${operation.pathTemplate}; send cal-api-version: ${accepted.join(" or ")}`,
    );
  }
  if (header === undefined || header === "") {
    // Cal.com would route to its 2024-04-15 controllers, whose older shapes the contract does not hold.
    throw badRequest(`cal-api-version header is required for ${method} ${operation.pathTemplate}: send cal-api-version: ${accepted.join(" or ")}`);
  }
  if (!accepted.includes(header)) {
    throw withDiagnostics(
      notFound(`Cannot ${method} ${path}`),
      `cal-api-version ${header} is not one ${method} ${operation.pathTemplate} accepts (Cal.com has no route for it): send cal-api-version: ${accepted.join(" or ")}`,
    );
  }
}

/** The OAuth client guard: the mock issues no clients, so any secret is accepted, and none is a 401. */
function checkClientSecret(secret: string | undefined): void {
  if (!secret) throw unauthorized("Missing client secret");
}

/**
 * The /v2 pipeline, the same for every operation, in Cal.com's order: match the operation in the contract
 * (literal segments before parameters, case ignored), check cal-api-version where the operation requires it,
 * authenticate (401), check the organization and role (403; a non-integer orgId is refused first, since the guards
 * need it), validate the other path parameters (400, as ParseIntPipe), then query, headers and body (400, as the
 * ValidationPipe), then run the operation's stateful handler, or, if it has none, hand it to the spec-driven
 * responder. An operation that names its guards (`x-calcom-guards`: the directory's) has its path validated before
 * authentication and then runs exactly those guards, in their order, authentication among them.
 */
export function apiRouter(ctx: ApiContext): RequestHandler {
  const cache = ctx.responseCache === false ? undefined : new ResponseCache();
  const throttler = new EndpointThrottler();
  const callers = new CallerDirectory();
  return (req: Request, res: Response, next: NextFunction) => {
    const fullPath = req.path;
    const contract = ctx.contract();
    // HEAD is answered as GET without a body, as Express (and so NestJS) routes do.
    const method = req.method === "HEAD" ? "GET" : req.method;
    const match = matchOperation(contract.operations, method, fullPath);
    const operation = match.operation;
    if (!operation) return ctx.stubs?.answer(req, res) ? undefined : next(unknownRoute(contract, req.method, fullPath, req.originalUrl));
    ctx.counts.add(operation.operationId);
    try {
      const db = ctx.db();
      // Cal.com's throttler is a global guard: it counts the request before the version check and the guards.
      if (operation.throttle && ctx.rateLimit) {
        const tracker = throttleTracker(req.get("authorization"), req.get("x-cal-client-id"), req.ip);
        throttler.hit(tracker, operation.throttle, (name, value) => res.setHeader(name, value));
      }
      checkApiVersion(operation, req.method, req.originalUrl, req.get("cal-api-version"));
      const credentials = { authorization: req.get("authorization"), clientId: req.get("x-cal-client-id"), secret: req.get("x-cal-secret-key") };
      const validator = contract.validator(operation);
      let user: User | undefined;
      let path: ReturnType<RequestValidator["path"]>;
      if (operation.guards) {
        path = validator.path(match.rawParams);
        if ("diagnostics" in path) throw validationFailure(path.diagnostics);
        user = runGuards(operation.guards, { store: db.store, headers: credentials, path: path.value as GuardContext["path"] }, operation.auth === "none");
      } else {
        const sent = credentials.authorization !== undefined || credentials.clientId !== undefined || credentials.secret !== undefined;
        user = operation.auth === "api-key" || (operation.auth === "optional" && sent) ? authenticate(db.store, credentials) : undefined;
        if (operation.auth === "client-secret") checkClientSecret(credentials.secret);
        path = validator.path(match.rawParams);
        // Cal.com's guards run before the path's ParseIntPipes, but they need the organization's id: only a bad
        // orgId is refused before them; any other bad path parameter after them (a member gets 403 first).
        const guarded = operation.orgScoped ? user : undefined;
        if ("diagnostics" in path && (!guarded || path.diagnostics.some((d) => d.field === "orgId"))) throw validationFailure(path.diagnostics);
        if (guarded) authorizeOrg(db.store, Number(decodeURIComponent(match.rawParams.orgId ?? "")), guarded, operation.requiredRole);
        if ("diagnostics" in path) throw validationFailure(path.diagnostics);
      }
      // A --spec document may type orgId as a string: the guard reads it as the number it names. 0 on the routes
      // outside any organization (/v2/me, /v2/teams): their handlers do not read it.
      const orgId = path.value.orgId === undefined ? 0 : Number(path.value.orgId);
      const rest = validator.rest(req.query as RawQuery, req.headers, req.body);
      if ("diagnostics" in rest) throw validationFailure(rest.diagnostics, rest.targets, operation.inputPipe);
      // A stub answers a request that passed Cal.com's authentication, guards and validation, in place of both.
      if (ctx.stubs?.answer(req, res)) return;
      const handler = handlers[operation.operationId as OperationId] as Handler<OperationId> | undefined;
      if (!handler) return answerFromSpec(ctx, operation, req, res, next);
      // An answer that depends on now is kept only while the clock stands still, and only for that instant.
      const clockToken = NOW_DEPENDENT.has(operation.operationId) ? ctx.clock.cacheToken() : "";
      // While the clock runs, an answer that depends on now is kept only as long as it is known to hold.
      const validUntil = clockToken === undefined ? VALID_UNTIL[operation.operationId]?.(db.store, ctx.clock.now()) : undefined;
      const cacheable = cache && operation.method === "GET" && (clockToken !== undefined || validUntil !== undefined) ? cache : undefined;
      const urlKey = clockToken ? `${clockToken} ${req.originalUrl}` : validUntil !== undefined ? `running ${req.originalUrl}` : req.originalUrl;
      const cacheKey = operation.perCaller ? `${user?.id} ${urlKey}` : urlKey;
      const cached = cacheable?.get(db.store, cacheKey, ctx.clock.now());
      if (cached !== undefined) return send(req, res, 200, cached);
      const apiRequest = { db, clock: ctx.clock, orgId, actor: { user }, path: path.value, query: rest.value.query, body: rest.value.body } as ApiRequest<OperationId>;
      const answer = (result: unknown) => {
        let status = operation.method === "POST" ? 201 : 200;
        let envelope: Record<string, unknown>;
        if (result instanceof Reply) {
          status = result.status ?? status;
          envelope = result.omitData ? { status: "success", ...result.extra } : { status: "success", data: result.data, ...result.extra };
        } else envelope = { status: "success", data: result };
        const computed = serializedAnswer(envelopeJson(envelope));
        // Stored against the store as it was when the answer was computed: a write since then to what the answer
        // reads (any write, for operations that do not say what they read) drops it.
        if (status === 200 && cacheable) {
          const reads = READ_DEPS[operation.operationId as OperationId] as ((req: ApiRequest<OperationId>) => MemoDeps) | undefined;
          cacheable.set(db.store, cacheKey, computed, validUntil, reads?.(apiRequest));
        }
        send(req, res, status, computed);
      };
      const result = handler(apiRequest);
      // Reads answer in the same tick; writes resolve once they are durable.
      if (result instanceof Promise) result.then(answer, next);
      else answer(result);
    } catch (err) {
      // A 401 or 403 as Cal.com answers it, with the mock's explanation beside it (header, journal, console).
      const hint = err instanceof HttpError && !err.diagnostics ? explainRefusal(err, { store: ctx.db().store, callers, authorization: req.get("authorization"), orgId: match.rawParams.orgId }) : undefined;
      next(hint ? withDiagnostics(err as HttpError, hint) : err);
    }
  };
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"];

/** Express's 404 for a route Cal.com has not, with a hint when the path exists under other methods. */
function unknownRoute(contract: Contract, method: string, path: string, url: string): HttpError {
  const error = notFound(`Cannot ${method} ${url}`);
  const others = METHODS.filter((m) => m !== method && matchOperation(contract.operations, m, path).operation);
  return others.length ? withDiagnostics(error, `${path} has no ${method} operation; it answers ${others.join(", ")}`) : error;
}

/** The bytes of the responder's static answers (one object per operation and preferences), made once each. */
const staticBytes = new WeakMap<object, CachedAnswer>();

/** Hands a validated request to the spec-driven responder and sends its answer. */
function answerFromSpec(ctx: ApiContext, operation: Operation, req: Request, res: Response, next: NextFunction): void {
  const prefer = parsePrefer(req.get("prefer"), ctx.dynamic ?? false);
  // Prism takes flat name=value pairs; the request was validated on the qs-parsed query already.
  const at = req.originalUrl.indexOf("?");
  const query = { ...parseFlatQuery(at < 0 ? "" : req.originalUrl.slice(at + 1)) };
  const request = { method: req.method === "HEAD" ? "GET" : req.method, path: req.path, query, headers: req.headers, body: req.body as unknown };
  ctx
    .responder()
    .answer(operation.source, operation, request, prefer)
    .then((answer) => {
      res.setHeader("X-Calcom-Mock-Answered-By", answer.how);
      // A static answer (its ETag computed once) is the same object for every request that gets it.
      let sent = answer.etag === undefined ? undefined : staticBytes.get(answer);
      if (sent === undefined) {
        sent = serializedAnswer(answer.text);
        if (answer.etag !== undefined) staticBytes.set(answer, sent);
      }
      send(req, res, answer.status, sent);
    }, next);
}
