import type { IncomingHttpHeaders } from "node:http";
import { parse as parseQuery } from "qs";
import type { RequestHandler } from "express";
import { maskApiKey } from "../auth/api-key.js";
import { bearerToken, CallerDirectory, type Caller } from "../auth/caller.js";
import type { Store } from "../store/store.js";
import { pathPattern } from "./path-pattern.js";
import { badRequest, DIAGNOSTICS_LOCAL } from "../errors.js";
import { answerOf } from "./answer.js";
import { stubOf } from "./stubs.js";
import type { LiveFeed } from "./live-feed.js";

/** One request to /v2 as the journal keeps it (WireMock's request journal, for a Cal.com mock). */
export interface LoggedRequest {
  id: number;
  timestamp: string;
  method: string;
  path: string;
  query: Record<string, unknown>;
  /**
   * Request headers. A key the state knows is shown as sent (the mock's keys are well known, not secrets); an
   * unknown key and the platform secret are masked.
   */
  headers: Record<string, string | string[]>;
  body: unknown;
  /** The status answered, or 499 when the client closed the connection before the answer was sent. */
  status: number;
  /** The answer's body (parsed when it is JSON); a note of its size when it is over MAX_JOURNALED_BODY. */
  responseBody: unknown;
  durationMs: number;
  /**
   * The mock's explanation, when it has one: why it refused the request (its summary of a failed validation, the
   * reason of a 401 or 403), or a hint about an answer that matches Cal.com but could puzzle (a body not read).
   */
  diagnostics?: string;
  /** The id of the stub (/__admin/stubs) that answered, when one did. */
  stub?: string;
  /** Whom the request's API key belongs to (user, username, roles), when the state knows the key. */
  caller?: Caller;
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

/**
 * What the journal keeps of an answer: the bytes or text the API sent (a reference to them, no copy; parsed only
 * when the journal is read), or the object an error answer was made from, or a note of the size of a large one.
 */
function keptAnswer(answer: unknown): unknown {
  if (Buffer.isBuffer(answer)) return answer.length > MAX_JOURNALED_BODY ? { truncated: true, bytes: answer.length } : answer;
  if (typeof answer !== "string") return answer;
  // A UTF-16 unit takes at most 3 bytes in UTF-8: most answers need no measuring at all.
  if (answer.length * 3 <= MAX_JOURNALED_BODY) return answer;
  const bytes = Buffer.byteLength(answer);
  return bytes > MAX_JOURNALED_BODY ? { truncated: true, bytes } : answer;
}

/** The answer's body as the journal shows it: parsed when it was kept as bytes or text. */
function journaledResponse(kept: unknown): unknown {
  const text = Buffer.isBuffer(kept) ? kept.toString("utf8") : kept;
  if (typeof text !== "string") return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
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
  /** The answer's body as `keptAnswer` keeps it. */
  response: unknown;
  durationMs: number;
  diagnostics: string | undefined;
  stub: string | undefined;
  caller: Caller | undefined;
}

function maskHeaders(raw: IncomingHttpHeaders, knownKey: boolean): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    const secret = SECRET_HEADERS.has(name) && !(knownKey && name === "authorization");
    headers[name] = secret && typeof value === "string" ? maskApiKey(value) : value;
  }
  return headers;
}

/** How to read the journal: the order, how many entries at most, only those before an id (paging back) or after one. */
export interface JournalPage {
  newestFirst?: boolean;
  limit?: number;
  beforeId?: number;
  afterId?: number;
}

/** Parses `order`, `limit` and `before` of GET /__admin/requests. */
export function parseJournalPage(query: Record<string, unknown>): JournalPage {
  const page: JournalPage = {};
  const { order, limit, before } = query;
  if (order !== undefined) {
    if (order !== "asc" && order !== "desc") throw badRequest("query order: must be asc (oldest first, the default) or desc");
    page.newestFirst = order === "desc";
  }
  if (limit !== undefined) {
    if (typeof limit !== "string" || !/^\d{1,6}$/.test(limit) || Number(limit) < 1) throw badRequest("query limit: must be a positive integer");
    page.limit = Number(limit);
  }
  if (before !== undefined) {
    if (typeof before !== "string" || !/^\d{1,15}$/.test(before)) throw badRequest("query before: must be a request id");
    page.beforeId = Number(before);
  }
  return page;
}

/** A bounded journal: a ring of the last `capacity` requests, so a long run does not grow memory. */
export class RequestLog {
  private entries: Recorded[] = [];
  private start = 0;
  private nextId = 1;

  /** `feed`, when given, receives each request as it is recorded, formatted only while someone watches. */
  constructor(
    readonly capacity: number,
    private readonly feed?: LiveFeed,
  ) {}

  add(entry: Omit<Recorded, "id">): void {
    const full: Recorded = { id: this.nextId++, ...entry };
    if (this.feed?.watched) this.feed.publish("request", format(full));
    if (this.capacity <= 0) return;
    if (this.entries.length < this.capacity) this.entries.push(full);
    else {
      this.entries[this.start] = full;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  all(): LoggedRequest[] {
    return this.select(() => true);
  }

  /** The entries that match, in the page's order, formatted; stops at the page's limit. */
  select(matches: (r: LoggedRequest) => boolean, page: JournalPage = {}): LoggedRequest[] {
    const n = this.entries.length;
    const out: LoggedRequest[] = [];
    for (let k = 0; k < n; k++) {
      const record = this.entries[(this.start + (page.newestFirst ? n - 1 - k : k)) % n]!;
      if (page.beforeId !== undefined && record.id >= page.beforeId) continue;
      if (page.afterId !== undefined && record.id <= page.afterId) continue;
      const entry = format(record);
      if (!matches(entry)) continue;
      out.push(entry);
      if (page.limit !== undefined && out.length >= page.limit) break;
    }
    return out;
  }

  clear(): void {
    this.entries = [];
    this.start = 0;
  }

  /**
   * Records each request once its answer is sent; `store` is the store it met, which tells whose key it carried.
   */
  middleware(store: () => Store): RequestHandler {
    const callers = new CallerDirectory();
    return (req, res, next) => {
      const started = performance.now();
      const at = Date.now();
      // One listener: "close" comes after "finish" too, and tells by writableFinished whether the answer went out.
      // A client that gave up before the answer (a timeout during an injected delay, say) still made the request:
      // it is kept with nginx's 499, "client closed request". The record keeps references; the journal masks
      // the key and formats the time when it is read, so the request itself pays as little as possible.
      res.once("close", () => {
        const token = bearerToken(req.headers.authorization);
        this.add({
          at,
          method: req.method,
          url: req.originalUrl,
          headers: req.headers,
          body: journaledBody(req.body, Number(req.headers["content-length"]) || 0),
          status: res.writableFinished ? res.statusCode : CLIENT_CLOSED_REQUEST,
          // A HEAD is answered as its GET without the body: none was sent.
          response: res.writableFinished && req.method !== "HEAD" ? keptAnswer(answerOf(res)) : undefined,
          durationMs: performance.now() - started,
          diagnostics: res.locals[DIAGNOSTICS_LOCAL] as string | undefined,
          stub: stubOf(res),
          caller: token === undefined ? undefined : callers.of(store(), token),
        });
      });
      next();
    };
  }
}

/** A record as GET /__admin/requests and the live feed show it. */
function format(r: Recorded): LoggedRequest {
  return {
    id: r.id,
    timestamp: new Date(r.at).toISOString(),
    method: r.method,
    path: r.url.split("?", 1)[0]!,
    // Parsed as the API parses it (qs's extended syntax, as Cal.com's Express 4 does); here, not per request.
    query: parseQuery(r.url.includes("?") ? r.url.slice(r.url.indexOf("?") + 1) : "", { allowPrototypes: true }),
    headers: maskHeaders(r.headers, r.caller !== undefined),
    body: r.body,
    status: r.status,
    responseBody: journaledResponse(r.response),
    durationMs: r.durationMs,
    ...(r.diagnostics !== undefined && { diagnostics: r.diagnostics }),
    ...(r.stub !== undefined && { stub: r.stub }),
    ...(r.caller !== undefined && { caller: r.caller }),
  };
}
