import { parse as parseFlatQuery } from "node:querystring";
import type { Request, Response } from "express";
import { badRequest } from "../errors.js";
import { keepAnswer } from "./answer.js";
import type { Stub, StubDefinition, StubRequest, StubResponse } from "./stub-types.js";

/**
 * Stubs: a user's own answer for any /v2 request (WireMock's stub mappings, for a Cal.com mock). A stub matches by
 * method, path (a template such as /v2/bookings/{bookingUid}, or a concrete path), query and body (each a partial
 * match), and answers its status, headers and body ahead of both the stateful and the spec-driven answer. The
 * highest priority wins (1 is the highest, 5 the default, as in WireMock), and among equals the stub added last;
 * a stub with a count answers that many times and then lets requests through to the normal answer.
 */

export type { Stub, StubDefinition, StubRequest, StubResponse } from "./stub-types.js";

export const DEFAULT_PRIORITY = 5;
const FORBIDDEN_RESPONSE_HEADERS = new Set(["content-length", "transfer-encoding", "connection"]);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function onlyKnown(where: string, value: Record<string, unknown>, known: string[]): void {
  for (const key of Object.keys(value)) if (!known.includes(key)) throw badRequest(`${where}${key}: unknown field (known: ${known.join(", ")})`);
}

function stringMap(where: string, value: unknown, allowLists: boolean): Record<string, string | string[]> {
  if (!isObject(value)) throw badRequest(`${where}: must be an object of ${allowLists ? "strings or lists of strings" : "strings"}`);
  const out: Record<string, string | string[]> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v === "string") out[name] = v;
    else if (allowLists && Array.isArray(v) && v.every((x) => typeof x === "string")) out[name] = [...(v as string[])];
    else throw badRequest(`${where}.${name}: must be a string${allowLists ? " or a list of strings" : ""}`);
  }
  return out;
}

const decode = (segment: string): string => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
};

/** The path template as a list of segments: a literal (lower-cased, decoded) or null for `{name}`. */
function compilePath(path: string): Array<string | null> {
  return path
    .split("?")[0]!
    .split("/")
    .slice(1)
    .map((segment) => (/^\{[^{}/]+\}$/.test(segment) ? null : decode(segment).toLowerCase()));
}

/** Parses and checks a stub definition; every problem is a 400 naming the field. */
export function parseStub(input: unknown, id: string, permanent: boolean): Stub {
  if (!isObject(input)) throw badRequest("body: must be a JSON object: {request: {method, path, query, headers, body}, response: {status, headers, body}, priority, count}");
  onlyKnown("body ", input, ["id", "request", "response", "priority", "count"]);
  const { request, response = {}, priority, count } = input;
  if (input.id !== undefined && (typeof input.id !== "string" || !/^[\w.-]{1,100}$/.test(input.id))) throw badRequest("body id: must be 1-100 letters, digits, '.', '-' or '_'");
  if (!isObject(request)) throw badRequest("body request: must be an object with at least a path, e.g. {\"method\": \"GET\", \"path\": \"/v2/bookings/{bookingUid}\"}");
  onlyKnown("body request.", request, ["method", "path", "query", "headers", "body"]);
  const { method, path, query, headers, body } = request;
  if (typeof path !== "string" || !/^\/v2(\/|$)/i.test(path) || path.includes("?") || path.length > 2048) {
    throw badRequest("body request.path: must be a path under /v2 without a query, e.g. /v2/bookings/{bookingUid} or /v2/bookings/abc123 (give the query as request.query)");
  }
  if (path.split("/").some((segment) => /[{}]/.test(segment) && !/^\{[^{}/]+\}$/.test(segment))) {
    throw badRequest("body request.path: a parameter must be a whole segment, as in /v2/bookings/{bookingUid}");
  }
  if (method !== undefined && (typeof method !== "string" || !/^[A-Za-z]{1,20}$/.test(method))) throw badRequest("body request.method: must be an HTTP method such as GET");
  if (!isObject(response)) throw badRequest("body response: must be an object: {status, headers, body}");
  onlyKnown("body response.", response, ["status", "headers", "body"]);
  const status = response.status ?? 200;
  if (!Number.isInteger(status) || (status as number) < 200 || (status as number) > 599) throw badRequest("body response.status: must be an HTTP status from 200 to 599");
  if (priority !== undefined && (!Number.isInteger(priority) || (priority as number) < 1 || (priority as number) > 1000)) throw badRequest("body priority: must be an integer from 1 (highest) to 1000");
  if (count !== undefined && (!Number.isInteger(count) || (count as number) < 1)) throw badRequest("body count: must be a positive integer");
  const responseHeaders = response.headers === undefined ? undefined : (stringMap("body response.headers", response.headers, false) as Record<string, string>);
  for (const name of Object.keys(responseHeaders ?? {})) {
    if (!/^[!#$%&'*+.^_`|~\w-]+$/.test(name)) throw badRequest(`body response.headers.${name}: not a valid header name`);
    if (FORBIDDEN_RESPONSE_HEADERS.has(name.toLowerCase())) throw badRequest(`body response.headers.${name}: set by the server, not by a stub`);
    if (/[\r\n]/.test(responseHeaders![name]!)) throw badRequest(`body response.headers.${name}: a header value cannot hold a line break`);
  }
  if ((status === 204 || status === 304) && response.body !== undefined) throw badRequest(`body response.body: a ${status} answer has no body`);
  return {
    id: (input.id as string | undefined) ?? id,
    request: {
      ...(method !== undefined && { method: (method as string).toUpperCase() }),
      path,
      ...(query !== undefined && { query: stringMap("body request.query", query, true) }),
      ...(headers !== undefined && { headers: stringMap("body request.headers", headers, false) as Record<string, string> }),
      ...(body !== undefined && { body }),
    },
    response: { status: status as number, ...(responseHeaders && { headers: responseHeaders }), ...(response.body !== undefined && { body: response.body }) },
    priority: (priority as number | undefined) ?? DEFAULT_PRIORITY,
    ...(count !== undefined && { remaining: count as number }),
    matched: 0,
    permanent,
    createdAt: new Date().toISOString(),
  };
}

/** Whether `actual` contains `expected`: objects may hold more properties; arrays and scalars must be equal. */
export function containsJson(actual: unknown, expected: unknown): boolean {
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => containsJson(actual[i], e));
  }
  if (isObject(expected)) {
    return isObject(actual) && Object.entries(expected).every(([k, v]) => Object.hasOwn(actual, k) && containsJson(actual[k], v));
  }
  return actual === expected;
}

interface Compiled {
  stub: Stub;
  segments: Array<string | null>;
  /** Order of addition, newest highest: ties of priority go to the newest. */
  order: number;
}

/** The header that says a stub made the answer (Cal.com sends no such header). */
export const ANSWERED_BY_HEADER = "X-Calcom-Mock-Answered-By";
const STUB_LOCAL = Symbol("calcom-mock stub");

/** The id of the stub that answered, for the request journal. */
export function stubOf(res: Response): string | undefined {
  return (res.locals as Record<symbol, unknown> | undefined)?.[STUB_LOCAL] as string | undefined;
}

/** The stubs of one server, in the order they are matched. */
export class Stubs {
  private stubs: Compiled[] = [];
  private nextId = 1;
  private added = 0;
  private readonly permanent: unknown[];

  /** `initial`: the definitions given at start (createMockServer's `stubs`); a reset brings them back. */
  constructor(initial: unknown[] = []) {
    this.permanent = initial;
    this.reset();
  }

  add(input: unknown, permanent = false): Stub {
    const stub = parseStub(input, `stub-${this.nextId}`, permanent);
    if (this.stubs.some((c) => c.stub.id === stub.id)) throw badRequest(`body id: a stub with id "${stub.id}" exists already; remove it first (DELETE /__admin/stubs/${stub.id})`);
    this.nextId++;
    this.stubs.push({ stub, segments: compilePath(stub.request.path), order: this.added++ });
    // Highest priority (lowest number) first, then the newest.
    this.stubs.sort((a, b) => a.stub.priority - b.stub.priority || b.order - a.order);
    return { ...stub };
  }

  list(): Stub[] {
    return this.stubs.map((c) => ({ ...c.stub }));
  }

  get(id: string): Stub | undefined {
    const found = this.stubs.find((c) => c.stub.id === id);
    return found && { ...found.stub };
  }

  remove(id: string): boolean {
    const before = this.stubs.length;
    this.stubs = this.stubs.filter((c) => c.stub.id !== id);
    return this.stubs.length < before;
  }

  clear(): void {
    this.stubs = [];
  }

  /** Back to the stubs given at start, with their counts afresh: what POST /__admin/reset does. */
  reset(): void {
    this.stubs = [];
    this.nextId = 1;
    for (const definition of this.permanent) this.add(definition, true);
  }

  get size(): number {
    return this.stubs.length;
  }

  /** The stub that answers this request, if any, consumed by one use. */
  take(req: Request): Stub | undefined {
    if (this.stubs.length === 0) return undefined;
    const method = req.method === "HEAD" ? "GET" : req.method;
    const segments = req.path.split("/").slice(1);
    let query: Record<string, string | string[] | undefined> | undefined;
    for (const c of this.stubs) {
      const { stub } = c;
      if (stub.remaining === 0) continue;
      if (stub.request.method && stub.request.method !== method) continue;
      if (c.segments.length !== segments.length || !c.segments.every((s, i) => s === null || s === decode(segments[i]!).toLowerCase())) continue;
      if (stub.request.query) {
        if (!query) {
          const at = req.originalUrl.indexOf("?");
          query = parseFlatQuery(at < 0 ? "" : req.originalUrl.slice(at + 1));
        }
        const q = query;
        if (!Object.entries(stub.request.query).every(([k, v]) => JSON.stringify(q[k]) === JSON.stringify(v))) continue;
      }
      if (stub.request.headers && !Object.entries(stub.request.headers).every(([k, v]) => req.get(k) === v)) continue;
      if (stub.request.body !== undefined && !containsJson(req.body, stub.request.body)) continue;
      stub.matched++;
      if (stub.remaining !== undefined) stub.remaining--;
      return stub;
    }
    return undefined;
  }

  /**
   * Answers the request with the first stub that matches it, and says so (true); false lets it through. The
   * answer carries the stub's status, headers and body as JSON, and `X-Calcom-Mock-Answered-By: stub <id>`.
   */
  answer(req: Request, res: Response): boolean {
    const stub = this.take(req);
    if (!stub) return false;
    const { status, headers = {}, body } = stub.response;
    (res.locals as Record<symbol, unknown>)[STUB_LOCAL] = stub.id;
    res.statusCode = status;
    res.setHeader(ANSWERED_BY_HEADER, `stub ${stub.id}`);
    const text = body === undefined ? "" : JSON.stringify(body);
    if (body !== undefined) res.setHeader("Content-Type", "application/json; charset=utf-8");
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.setHeader("Content-Length", Buffer.byteLength(text));
    if (body !== undefined) keepAnswer(res, text);
    res.end(req.method === "HEAD" ? undefined : text);
    return true;
  }
}
