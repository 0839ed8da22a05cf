import type { IncomingHttpHeaders } from "node:http";
import { parse as parseQuery } from "qs";
import type { RequestHandler } from "express";
import { maskApiKey } from "../auth/api-key.js";
import { pathPattern } from "./path-pattern.js";
import { badRequest, DIAGNOSTICS_LOCAL } from "../errors.js";

/** One request to /v2 as the journal keeps it (WireMock's request journal, for a Cal.com mock). */
export interface LoggedRequest {
  id: number;
  timestamp: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /** Request headers; the API key and the platform secret are masked. */
  headers: Record<string, string | string[]>;
  body: unknown;
  /** The status answered, or 499 when the client closed the connection before the answer was sent. */
  status: number;
  durationMs: number;
  /** Why the mock refused the request (its readable summary of a failed validation), when it did. */
  diagnostics?: string;
}

const SECRET_HEADERS = new Set(["authorization", "x-cal-secret-key"]);

/** Bodies larger than this are journaled as a note of their size, so a full journal stays small. */
export const MAX_JOURNALED_BODY = 16 * 1024;

/**
 * The body as the journal keeps it: as sent when it is small, else a note. Serializing it here also proves it
 * can be serialized again by GET /__admin/requests (a body nested deeper than the stack cannot).
 */
function journaledBody(body: unknown, announced: number): unknown {
  if (body === undefined) return undefined;
  if (announced > MAX_JOURNALED_BODY) return { truncated: true, bytes: announced };
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch {
    return { truncated: true, reason: "nested too deeply to keep" };
  }
  return text.length > MAX_JOURNALED_BODY ? { truncated: true, bytes: Buffer.byteLength(text) } : body;
}

/** The status a request is journaled with when its client closed the connection before the answer. */
export const CLIENT_CLOSED_REQUEST = 499;

/** Parses the query of GET /__admin/requests into a predicate, refusing what it cannot read. */
export function parseRequestFilter(query: Record<string, unknown>): (r: LoggedRequest) => boolean {
  const text = (name: string) => {
    const value = query[name];
    if (value === undefined) return undefined;
    if (typeof value !== "string" || value === "") throw badRequest(`query ${name}: must be given once, non-empty`);
    return value;
  };
  const method = text("method")?.toUpperCase();
  const path = text("path");
  const pathRe = path ? pathPattern(path) : undefined;
  const status = text("status");
  if (status && !/^[1-5](\d\d|xx)$/i.test(status)) throw badRequest("query status: must be a status like 404 or a class like 4xx");
  const since = text("since");
  let sinceMs: number | undefined;
  if (since !== undefined) {
    sinceMs = /^\d+$/.test(since) ? Number(since) : Date.parse(since);
    if (Number.isNaN(sinceMs)) throw badRequest("query since: must be an ISO date or epoch milliseconds");
  }
  return (r) =>
    (!method || r.method === method) &&
    (!pathRe || pathRe.test(r.path)) &&
    (!status || (/xx$/i.test(status) ? String(r.status)[0] === status[0] : String(r.status) === status)) &&
    (sinceMs === undefined || Date.parse(r.timestamp) >= sinceMs);
}

/** What the journal keeps of a request: references, formatted when the journal is read. */
interface Recorded {
  id: number;
  at: number;
  method: string;
  /** The request's URL, path and query, as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  durationMs: number;
  diagnostics: string | undefined;
}

function maskHeaders(raw: IncomingHttpHeaders): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    headers[name] = SECRET_HEADERS.has(name) && typeof value === "string" ? maskApiKey(value) : value;
  }
  return headers;
}

/** A bounded journal: a ring of the last `capacity` requests, so a long run does not grow memory. */
export class RequestLog {
  private entries: Recorded[] = [];
  private start = 0;
  private nextId = 1;

  constructor(readonly capacity: number) {}

  add(entry: Omit<Recorded, "id">): void {
    if (this.capacity <= 0) return;
    const full: Recorded = { id: this.nextId++, ...entry };
    if (this.entries.length < this.capacity) this.entries.push(full);
    else {
      this.entries[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  all(): LoggedRequest[] {
    return [...this.entries.slice(this.start), ...this.entries.slice(0, this.start)].map((r) => ({
      id: r.id,
      timestamp: new Date(r.at).toISOString(),
      method: r.method,
      path: r.url.split("?", 1)[0]!,
      // Parsed as the API parses it (qs's extended syntax, as Cal.com's Express 4 does); here, not per request.
      query: parseQuery(r.url.includes("?") ? r.url.slice(r.url.indexOf("?") + 1) : "", { allowPrototypes: true }),
      headers: maskHeaders(r.headers),
      body: r.body,
      status: r.status,
      durationMs: r.durationMs,
      ...(r.diagnostics !== undefined && { diagnostics: r.diagnostics }),
    }));
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }

  /** Records each request once its answer is sent. */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = performance.now();
      const at = Date.now();
      // One listener: "close" comes after "finish" too, and tells by writableFinished whether the answer went out.
      // A client that gave up before the answer (a timeout during an injected delay, say) still made the request:
      // it is kept with nginx's 499, "client closed request". The record keeps references; the journal masks
      // the key and formats the time when it is read, so the request itself pays as little as possible.
      res.once("close", () => {
        this.add({
          at,
          method: req.method,
          url: req.originalUrl,
          headers: req.headers,
          body: journaledBody(req.body, Number(req.headers["content-length"]) || 0),
          status: res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST,
          durationMs: performance.now() - started,
          diagnostics: res.locals[DIAGNOSTICS_LOCAL] as string | undefined,
        });
      });
      next();
    };
  }

}
