import type { ErrorRequestHandler, Request, Response } from "express";
import { keepAnswer } from "./admin/answer.js";
import type { Diagnostic } from "./contract/diagnostic.js";

// Validation returns diagnostics instead of throwing; this module is the one place that turns them into an answer.
export type { Diagnostic };

/**
 * An error answer. `code` follows Cal.com: the NestJS exception class name for thrown HTTP exceptions
 * (`NotFoundException`), or Prisma's mapped codes (`CONFLICT`, `NOT_FOUND`, `BAD_REQUEST`).
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new HttpError(400, "BadRequestException", message);
export const unauthorized = (message: string) => new HttpError(401, "UnauthorizedException", message);
export const forbidden = (message: string) => new HttpError(403, "ForbiddenException", message);
export const notFound = (message: string) => new HttpError(404, "NotFoundException", message);
export const conflict = (message: string) => new HttpError(409, "ConflictException", message);
export const unprocessable = (message: string) => new HttpError(422, "UnprocessableEntityException", message);
export const payloadTooLarge = () => new HttpError(413, "PayloadTooLargeException", "Request body is larger than the server accepts");

// Cal.com's Prisma exception filter answers these fixed texts for database-level failures.
export const uniqueConflict = () =>
  new HttpError(409, "CONFLICT", "Invalid Input: Trying to create a record that already exists.");
export const recordNotFound = () =>
  new HttpError(404, "NOT_FOUND", "Invalid Query: The requested record was not found.");
export const missingReference = () =>
  new HttpError(400, "BAD_REQUEST", "Invalid input: The referenced data does not exist.");

/** How many problems one answer lists: a 1 MB body can hold hundreds of thousands of them. */
const MAX_LISTED_DIAGNOSTICS = 20;

export function fromDiagnostics(diagnostics: readonly Diagnostic[]): HttpError {
  const listed = diagnostics
    .slice(0, MAX_LISTED_DIAGNOSTICS)
    .map((d) => (d.field ? `${d.location} ${d.field}: ${d.message}` : `${d.location}: ${d.message}`));
  const more = diagnostics.length - listed.length;
  return badRequest(listed.join("; ") + (more > 0 ? `; and ${more} more problem${more === 1 ? "" : "s"}` : ""));
}

export interface ErrorEnvelope {
  status: "error";
  timestamp: string;
  path: string;
  error: { code: string; message: string };
}

export function errorEnvelope(path: string, code: string, message: string): ErrorEnvelope {
  return { status: "error", timestamp: new Date().toISOString(), path, error: { code, message } };
}

/** Where an answer keeps the reason of its error, for the console line of the request (src/access-log.ts). */
const REASON = Symbol("calcom-mock error reason");

export function sendError(req: Request, res: Response, err: HttpError): void {
  (res as Response & { [REASON]?: string })[REASON] = `${err.code}: ${err.message}`;
  const envelope = errorEnvelope(req.originalUrl, err.code, err.message);
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
      return new HttpError(415, "UnsupportedMediaTypeException", "Unsupported body encoding or charset");
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
      return new HttpError(httpStatus, exceptionName(httpStatus), httpStatus === 400 ? "body: could not be read" : "Request refused");
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
