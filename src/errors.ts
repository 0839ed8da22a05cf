import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler, Request, Response } from "express";
import { keepAnswer } from "./admin/answer.js";
import type { Diagnostic } from "./contract/diagnostic.js";

// Validation returns diagnostics instead of throwing; this module is the one place that turns them into an answer.
export type { Diagnostic };

/** The mock's explanation of a refused request, in a header so that Cal.com's body stays as Cal.com sends it. */
export const DIAGNOSTICS_HEADER = "X-Calcom-Mock-Diagnostics";

/**
 * An error answer. `code` follows Cal.com: the NestJS exception class name for thrown HTTP exceptions
 * (`NotFoundException`), or Prisma's mapped codes (`CONFLICT`, `NOT_FOUND`, `BAD_REQUEST`). `details` is what
 * Cal.com's exception filter sends as `error.details`: NestJS's exception response; absent for Prisma's codes.
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** The mock's readable summary of what was wrong, sent in the diagnostics header only. */
    readonly diagnostics?: string,
  ) {
    super(message);
  }
}

/**
 * A NestJS HTTP exception thrown with a message, as Cal.com's services throw them: its response (Cal.com's
 * `details`) is `{message, error, statusCode}`, `error` being the status's reason phrase.
 */
export function httpException(status: number, message: string, code = exceptionName(status)): HttpError {
  return new HttpError(status, code, message, { message, error: STATUS_CODES[status] ?? "Error", statusCode: status });
}

export const badRequest = (message: string) => httpException(400, message);
export const unauthorized = (message: string) => httpException(401, message);
export const forbidden = (message: string) => httpException(403, message);
export const notFound = (message: string) => httpException(404, message);
export const conflict = (message: string) => httpException(409, message);
export const unprocessable = (message: string) => httpException(422, message);
export const payloadTooLarge = () => httpException(413, "Request body is larger than the server accepts");

// Cal.com's Prisma exception filter answers these fixed texts for database-level failures, without details.
export const uniqueConflict = () =>
  new HttpError(409, "CONFLICT", "Invalid Input: Trying to create a record that already exists.");
export const recordNotFound = () =>
  new HttpError(404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
export const missingReference = () =>
  new HttpError(400, "BAD_REQUEST", "Invalid input: The referenced data does not exist.");

/** How many problems the readable summary lists: a 1 MB body can hold hundreds of thousands of them. */
const MAX_LISTED_DIAGNOSTICS = 20;

/** The readable summary: `query take: must be <= 250; body name: is required`. */
export function summarize(diagnostics: readonly Diagnostic[]): string {
  // One line per problem: a field failing several constraints (a missing `name`) is one problem.
  const lines = new Set<string>();
  let more = 0;
  for (const d of diagnostics) {
    const line = d.field ? `${d.location} ${d.field}: ${d.message}` : `${d.location}: ${d.message}`;
    if (lines.size < MAX_LISTED_DIAGNOSTICS) lines.add(line);
    else if (!lines.has(line)) more++;
  }
  const listed = [...lines];
  return listed.join("; ") + (more > 0 ? `; and ${more} more problem${more === 1 ? "" : "s"}` : "");
}

/** class-validator's `ValidationError`, as NestJS serializes it with `validationError: {target: true, value: true}`. */
export interface ValidationErrorObject {
  target?: unknown;
  value?: unknown;
  property?: string;
  children: ValidationErrorObject[];
  constraints?: Record<string, string>;
}

/** How many ValidationError objects one answer carries, like the summary's cap (a body can hold very many). */
const MAX_VALIDATION_ERRORS = 1000;

function childValue(parent: unknown, key: string): unknown {
  return typeof parent === "object" && parent !== null ? (parent as Record<string, unknown>)[key] : undefined;
}

/**
 * Builds class-validator's error tree for one DTO: a failure at `options/0/slug` is the error of `options`, whose
 * child `0` (target: the list) has the child `slug` (target: the option) carrying the constraints.
 */
export function validationErrors(target: unknown, diagnostics: readonly Diagnostic[]): ValidationErrorObject[] {
  const roots: ValidationErrorObject[] = [];
  // Each node's children by property, so that a list with 300,000 bad items costs one lookup per item.
  const index = new Map<ValidationErrorObject[], Map<string, ValidationErrorObject>>();
  let count = 0;
  for (const d of diagnostics) {
    if (!d.constraint) continue;
    if (d.field === "") {
      // Not an object at all: class-validator refuses the value as a whole.
      if (count++ < MAX_VALIDATION_ERRORS) roots.push({ target, value: target, children: [], constraints: { [d.constraint.name]: d.constraint.message } });
      continue;
    }
    let siblings = roots;
    let owner = target;
    let node: ValidationErrorObject | undefined;
    for (const property of d.field.split("/")) {
      let byProperty = index.get(siblings);
      if (!byProperty) index.set(siblings, (byProperty = new Map()));
      node = byProperty.get(property);
      if (!node) {
        if (count >= MAX_VALIDATION_ERRORS) {
          node = undefined;
          break;
        }
        count++;
        node = { target: owner, value: childValue(owner, property), property, children: [] };
        siblings.push(node);
        byProperty.set(property, node);
      }
      owner = node.value;
      siblings = node.children;
    }
    if (node) (node.constraints ??= {})[d.constraint.name] = d.constraint.message;
  }
  return roots;
}

/** Above this, the objects an answer repeats (each error's target and value) are left out where they are large. */
const MAX_DETAILS_BYTES = 256 * 1024;
/** A target or value left out of an oversized answer. */
export const OMITTED = "[left out by calcom-mock: too large or too deep to repeat]";

/**
 * class-validator gives every error a reference to the object it checked, so a list of a thousand bad items repeats
 * the whole list a thousand times once serialized (a 1 MB body would become a gigabyte), and a value nested 100,000
 * levels deep cannot be serialized at all. Each distinct object is measured once; when the answer would be too
 * large, the large (or unserializable) targets and values are replaced by a note.
 */
function bounded(errors: ValidationErrorObject[]): ValidationErrorObject[] {
  const sizes = new Map<unknown, number>();
  const sizeOf = (v: unknown): number => {
    if (v === undefined) return 0;
    let n = sizes.get(v);
    if (n === undefined) {
      try {
        n = JSON.stringify(v)?.length ?? 0;
      } catch {
        n = Number.POSITIVE_INFINITY;
      }
      if (typeof v === "object" && v !== null) sizes.set(v, n);
    }
    return n;
  };
  let total = 0;
  const measure = (nodes: ValidationErrorObject[]) => {
    for (const node of nodes) {
      total += sizeOf(node.target) + sizeOf(node.value);
      measure(node.children);
    }
  };
  measure(errors);
  if (total <= MAX_DETAILS_BYTES) return errors;
  const trim = (nodes: ValidationErrorObject[]) => {
    for (const node of nodes) {
      if (sizeOf(node.target) > 1024) node.target = OMITTED;
      if (sizeOf(node.value) > 1024) node.value = OMITTED;
      trim(node.children);
    }
  };
  trim(errors);
  return errors;
}

/** What NestJS's ParseIntPipe throws for a path parameter that is not an integer. */
const PARSE_INT_MESSAGE = "Validation failed (numeric string is expected)";

/**
 * The one place a failed request validation becomes Cal.com's answer, for every operation: a path parameter
 * fails as NestJS's ParseIntPipe does; anything else as Cal.com's global ValidationPipe does, a 400 "Bad Request
 * Exception" whose details are `{errors: [ValidationError...]}` for the first request part (the first DTO) that
 * failed. `targets` are the parts as the DTOs saw them (after coercion, unknown body fields stripped). The mock's
 * readable summary of every problem travels beside it (header, journal), never in the body.
 */
export function validationFailure(
  diagnostics: readonly Diagnostic[],
  targets: Partial<Record<Diagnostic["location"], unknown>> = {},
  inputPipe?: "body",
): HttpError {
  const summary = summarize(diagnostics);
  if (diagnostics.some((d) => d.location === "path")) {
    // A string path parameter Cal.com does not validate (too long, or text the database cannot store): the mock's
    // own refusal, worded by its summary.
    const error = badRequest(diagnostics.some((d) => d.parseInt) ? PARSE_INT_MESSAGE : summary);
    return new HttpError(error.status, error.code, error.message, error.details, summary);
  }
  const first = diagnostics.find((d) => d.constraint)?.location ?? diagnostics[0]?.location ?? "body";
  const errors = validationErrors(targets[first], diagnostics.filter((d) => d.location === first));
  if (inputPipe === first) {
    const error = badRequest(pipeMessage(errors));
    return new HttpError(error.status, error.code, error.message, error.details, summary);
  }
  return new HttpError(400, "BadRequestException", "Bad Request Exception", { errors: bounded(errors) }, summary);
}

/** How long a pipe's message may grow: a body of thousands of unknown keys would otherwise answer megabytes. */
const MAX_PIPE_MESSAGE = 8000;

/**
 * The message Cal.com's own input pipes (bookings' create, cancel, reschedule) throw for failed validation: per
 * error `"<property> property is wrong,<its constraints, joined by ", "> <its children, the same way>"`, the errors
 * joined by ", ". So a property with no nested errors ends with a space, as Cal.com's does.
 */
export function pipeMessage(errors: readonly ValidationErrorObject[]): string {
  let out = "";
  for (const e of errors) {
    const constraints = e.constraints ? Object.values(e.constraints).join(", ") : "";
    const part = `${e.property} property is wrong,${constraints} ${e.children.length > 0 ? pipeMessage(e.children) : ""}`;
    out += out ? `, ${part}` : part;
    if (out.length > MAX_PIPE_MESSAGE) return `${out.slice(0, MAX_PIPE_MESSAGE)}…`;
  }
  return out;
}

/** A header value: latin-1 without control characters, and short enough for any client's header limits. */
function headerSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = text.replace(/[^\x20-\x7e]/g, (c) => encodeURIComponent(c));
  return safe.length > 4000 ? `${safe.slice(0, 3997)}...` : safe;
}

export interface ErrorEnvelope {
  status: "error";
  timestamp: string;
  path: string;
  error: { code: string; message: string; details?: unknown };
}

export function errorEnvelope(path: string, code: string, message: string, details?: unknown): ErrorEnvelope {
  return { status: "error", timestamp: new Date().toISOString(), path, error: details === undefined ? { code, message } : { code, message, details } };
}

/** Where an answer keeps the reason of its error, for the console line of the request (src/http/access-log.ts). */
const REASON = Symbol("calcom-mock error reason");

/** Where the journal and the console line find a refused request's summary. */
export const DIAGNOSTICS_LOCAL = "calcomMockDiagnostics";

/** The same error with the mock's explanation added to its diagnostics (header, journal, console; never the body). */
export function withDiagnostics(err: HttpError, text: string): HttpError {
  return new HttpError(err.status, err.code, err.message, err.details, err.diagnostics ? `${err.diagnostics}; ${text}` : text);
}

/** Hints of a request the mock answers as Cal.com would, but which a newcomer would not guess (a body not read). */
const HINTS_LOCAL = "calcomMockHints";

/**
 * Adds a hint to an answer, whatever its status: it joins the diagnostics header, the journal entry's
 * `diagnostics` and the console line, so that a 200 whose body was ignored says so too.
 */
export function addHint(res: Response, hint: string): void {
  const hints = ((res.locals[HINTS_LOCAL] as string[] | undefined) ??= []);
  hints.push(hint);
  const text = hints.join("; ");
  res.locals[DIAGNOSTICS_LOCAL] = text;
  (res as Response & { [REASON]?: string })[REASON] = `hint: ${text}`;
  if (!res.headersSent) res.setHeader(DIAGNOSTICS_HEADER, headerSafe(text));
}

export function sendError(req: Request, res: Response, err: HttpError): void {
  // A hint (a body not read) comes first: it is usually why the validation failed.
  const hints = res.locals[HINTS_LOCAL] as string[] | undefined;
  const diagnostics = [...(hints ?? []), err.diagnostics].filter(Boolean).join("; ") || undefined;
  // Cal.com's message for a failed validation is only "Bad Request Exception": the console shows the mock's
  // diagnostics instead, as the X-Calcom-Mock-Diagnostics header does; any other message is shown with them.
  const said = err.message === "Bad Request Exception" && diagnostics ? diagnostics : diagnostics ? `${err.message} (calcom-mock: ${diagnostics})` : err.message;
  (res as Response & { [REASON]?: string })[REASON] = `${err.code}: ${said}`;
  if (diagnostics) {
    res.setHeader(DIAGNOSTICS_HEADER, headerSafe(diagnostics));
    res.locals[DIAGNOSTICS_LOCAL] = diagnostics;
  }
  const envelope = errorEnvelope(req.originalUrl, err.code, err.message, err.details);
  keepAnswer(res, envelope);
  res.status(err.status).json(envelope);
}

/** The code and message of the error an answer carried, if it was one. */
export function errorReason(res: object): string | undefined {
  return (res as { [REASON]?: string })[REASON];
}

/**
 * NestJS's exception class names, which Cal.com answers as error codes: for errors raised outside handlers
 * (body parsing, Node's HTTP parser, injected faults).
 */
const EXCEPTION_NAMES: Record<number, string> = {
  400: "BadRequestException",
  401: "UnauthorizedException",
  403: "ForbiddenException",
  404: "NotFoundException",
  405: "MethodNotAllowedException",
  406: "NotAcceptableException",
  408: "RequestTimeoutException",
  409: "ConflictException",
  410: "GoneException",
  412: "PreconditionFailedException",
  413: "PayloadTooLargeException",
  415: "UnsupportedMediaTypeException",
  422: "UnprocessableEntityException",
  429: "ThrottlerException",
  431: "RequestHeaderFieldsTooLargeException",
  500: "InternalServerErrorException",
  502: "BadGatewayException",
  503: "ServiceUnavailableException",
  504: "GatewayTimeoutException",
};

export function exceptionName(status: number): string {
  return EXCEPTION_NAMES[status] ?? "HttpException";
}

/**
 * Errors raised by body-parser carry a `type` and an HTTP status. Some carry only the status: a body that does
 * not inflate (`Content-Encoding: gzip` over bytes that are not gzip) is zlib's error with status 400.
 */
function bodyParserError(err: unknown): HttpError | undefined {
  if (typeof err !== "object" || err === null) return undefined;
  const type = "type" in err ? (err as { type: unknown }).type : undefined;
  switch (type) {
    case "entity.parse.failed":
      return badRequest("body: not valid JSON");
    case "entity.too.large":
      return payloadTooLarge();
    case "encoding.unsupported":
    case "charset.unsupported":
      return httpException(415, "Unsupported body encoding or charset");
    case "request.aborted":
      return badRequest("Request aborted before its body was read");
    case "request.size.invalid":
      return badRequest("Request body length does not match its Content-Length header");
    default: {
      // Any other error that http-errors marks as a client error (status 4xx, safe to expose).
      const { status, statusCode, expose, code } = err as { status?: unknown; statusCode?: unknown; expose?: unknown; code?: unknown };
      const httpStatus = typeof status === "number" ? status : statusCode;
      if (typeof httpStatus !== "number" || httpStatus < 400 || httpStatus > 499 || expose !== true) return undefined;
      if (typeof code === "string" && code.startsWith("Z_")) return badRequest("body: could not be decoded as its Content-Encoding says");
      return httpException(httpStatus, httpStatus === 400 ? "body: could not be read" : "Request refused");
    }
  }
}

/** The final middleware: every error becomes Cal.com's error envelope, and nothing leaks a stack trace. */
export const errorMiddleware: ErrorRequestHandler = (err: unknown, req, res, _next) => {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof HttpError) return sendError(req, res, err);
  const parsed = bodyParserError(err);
  if (parsed) return sendError(req, res, parsed);
  if (err instanceof URIError) return sendError(req, res, badRequest("path: malformed percent-encoding"));
  console.error("[calcom-mock] unexpected error", err);
  sendError(req, res, new HttpError(500, "InternalServerErrorException", "There was an error, please try again later."));
};
