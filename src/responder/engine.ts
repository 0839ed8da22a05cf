import { createHash } from "node:crypto";
import Module, { createRequire } from "node:module";
import { STATUS_CODES } from "node:http";
import { badRequest, errorEnvelope, httpException } from "../errors.js";
import { weakEtag } from "../http/etag.js";
import { preferExampleBranches } from "./branches.js";
import { addGenerationHints, registerHintFormats, type SchemaFaker } from "./hints.js";

/**
 * The spec-driven responder: @stoplight/prism-http 5.12 in process, behind one function. The router has already
 * matched, authenticated, guarded and validated the request; this module is handed the matched operation and
 * answers it from the contract. Prism's types and its Either results stay inside this file.
 */

type PrismHttp = typeof import("@stoplight/prism-http");
type HttpOperation = Awaited<ReturnType<PrismHttp["getHttpOperationsFromSpec"]>>[number];
type PrismInstance = ReturnType<PrismHttp["createInstance"]>;
type HttpConfig = Parameters<PrismHttp["createInstance"]>[0];

export interface SpecRequest {
  method: string;
  /** The request path, e.g. /v2/bookings. */
  path: string;
  query: Record<string, string | string[] | undefined>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** What the caller asked for with `Prefer` (or --dynamic). */
export interface Preferences {
  dynamic: boolean;
  code?: number;
  example?: string;
}

export interface SpecAnswer {
  status: number;
  /** The body, serialized. */
  text: string;
  /** How the answer was made, for the X-Calcom-Mock-Answered-By header (Cal.com has no such header). */
  how: string;
  /** The body's weak ETag, when it was computed once for every answer of this text (static answers). */
  etag?: string;
}

export interface Responder {
  /** Answers one request; the first call loads Prism, and the first of each operation parses it. */
  answer(source: number, operation: OperationRef, request: SpecRequest, prefer: Preferences): Promise<SpecAnswer>;
}

/** Which operation to answer: the router's match. */
export interface OperationRef {
  operationId: string;
  method: string;
  pathTemplate: string;
}

/** Tries of json-schema-faker before a static answer: it crashes on some arrays reached through anyOf. */
const DYNAMIC_TRIES = 4;

interface Engine {
  http: PrismHttp;
  prism: PrismInstance;
  base: HttpConfig;
}

let prismModules: Promise<{ http: PrismHttp; core: typeof import("@stoplight/prism-core") }> | undefined;

/**
 * Prism's generator requires @faker-js/faker 6 whole, which loads every locale: over a second and ~80 MB, for
 * `x-faker` keywords the contract never uses. Its module cache entry is filled with the English-only build
 * first, so Prism gets a working faker at a tenth of the cost. Only Prism's own nested copy is touched.
 */
function preferEnglishFaker(prismRequire: NodeJS.Require): void {
  const full = prismRequire.resolve("@faker-js/faker");
  const cache = prismRequire.cache;
  if (cache[full]) return;
  const english: unknown = prismRequire("@faker-js/faker/locale/en");
  const entry = new Module(full);
  entry.filename = full;
  entry.loaded = true;
  entry.exports = { default: english, faker: english };
  cache[full] = entry;
}

/**
 * Importing Prism takes over a second, so it happens once per process, on the first spec-driven request.
 * json-schema-faker is Prism's own copy: it is told not to invent properties and to prefer the schema's defaults.
 */
function importPrism() {
  prismModules ??= (async () => {
    const require = createRequire(import.meta.url);
    const prismRequire = createRequire(require.resolve("@stoplight/prism-http"));
    preferEnglishFaker(prismRequire);
    const [http, core] = await Promise.all([import("@stoplight/prism-http"), import("@stoplight/prism-core")]);
    const faker = prismRequire("json-schema-faker") as { JSONSchemaFaker: SchemaFaker };
    faker.JSONSchemaFaker.option({ fillProperties: false, useDefaultValue: true });
    registerHintFormats(faker.JSONSchemaFaker);
    return { http, core };
  })();
  return prismModules;
}

type Doc = Record<string, unknown>;

/**
 * The smallest document that holds one operation: its path item with only that method, and the components it
 * reaches through `$ref`s. Prism dereferences whatever it is given, and the whole contract takes about a second.
 */
function documentFor(doc: Doc, pathTemplate: string, method: string): Doc {
  const components = (doc.components ?? {}) as Record<string, Record<string, unknown>>;
  const picked: Record<string, Record<string, unknown>> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/")) {
        const [section, name] = value.slice("#/components/".length).split("/") as [string, string];
        if (picked[section]?.[name] !== undefined) continue;
        const target = components[section]?.[name];
        if (target === undefined) continue;
        (picked[section] ??= {})[name] = target;
        visit(target);
      } else visit(value);
    }
  };
  const item = (doc.paths as Record<string, Record<string, unknown>>)[pathTemplate] ?? {};
  const one: Record<string, unknown> = { [method]: item[method] };
  if (item.parameters !== undefined) one.parameters = item.parameters;
  visit(one);
  if (components.securitySchemes) picked.securitySchemes = components.securitySchemes;
  return { openapi: doc.openapi, info: doc.info ?? { title: "", version: "" }, paths: { [pathTemplate]: one }, components: picked };
}

function isProblem(e: unknown): e is { status?: number; name?: string; message: string; detail?: string } {
  return typeof e === "object" && e !== null && "message" in e;
}

/**
 * A responder over the contract's documents. `seed` makes dynamic answers repeat across runs: each one is seeded
 * from it and the request (method, URL, body), so the same request gives the same body, whatever came before.
 */
export function createResponder(sources: ReadonlyArray<{ doc: object }>, seed: number): Responder {
  let engine: Promise<Engine> | undefined;
  const staticAnswers = new Map<string, Readonly<SpecAnswer>>();
  const parsed = new Map<string, Promise<HttpOperation>>();

  /**
   * Prism's form of one operation, parsed from its own small document on first use: with every oneOf/anyOf
   * narrowed to the branch that has the document's example, and for generated answers (`dynamic`) a second form
   * with the generation hints of hints.ts.
   */
  const operationFor = (e: Engine, source: number, target: OperationRef, dynamic: boolean): Promise<HttpOperation> => {
    const key = `${source} ${target.operationId}${dynamic ? " dynamic" : ""}`;
    let op = parsed.get(key);
    if (!op) {
      const doc = sources[source]?.doc as Doc | undefined;
      if (!doc) throw new Error(`the spec-driven responder has no document ${source}`);
      // Prism dereferences its argument in place (making it cyclic): it gets a copy, never the contract itself.
      const copy = structuredClone(documentFor(doc, target.pathTemplate, target.method.toLowerCase()));
      preferExampleBranches(copy);
      if (dynamic) addGenerationHints(copy);
      op = e.http.getHttpOperationsFromSpec(copy).then((ops) => {
        const found = ops.find((o) => (o.iid ?? o.id) === target.operationId) ?? ops[0];
        if (!found) throw new Error(`Prism found no operation ${target.operationId}`);
        return found;
      });
      parsed.set(key, op);
      op.catch(() => parsed.delete(key));
    }
    return op;
  };

  const load = () => {
    engine ??= (async () => {
      const { http, core } = await importPrism();
      const base: HttpConfig = {
        validateRequest: false,
        validateResponse: false,
        checkSecurity: false,
        errors: false,
        upstreamProxy: undefined,
        isProxy: false,
        mock: { dynamic: false },
      };
      const prism = http.createInstance(base, { logger: core.createLogger("prism", { level: "silent" }) });
      return { http, prism, base };
    })();
    return engine;
  };

  async function ask(
    e: Engine,
    op: HttpOperation,
    request: SpecRequest,
    mock: { dynamic: boolean; code?: number; exampleKey?: string; seed?: string },
  ): Promise<{ status: number; body: unknown } | { error: unknown }> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      // Cal.com ignores Accept, and Prism would remember a refused one in its config: it is never passed on.
      if (name === "accept" || value === undefined) continue;
      headers[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    const query: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(request.query)) if (value !== undefined) query[name] = value;
    // A fresh config object on every call: Prism writes into the one it is given.
    const result = await e.prism.request(
      { method: request.method.toLowerCase() as "get", url: { path: request.path, query }, headers, ...(request.body !== undefined && { body: request.body }) },
      [op],
      { ...e.base, mock: { ...mock } } as HttpConfig,
    )();
    if (result._tag === "Left") return { error: result.left as unknown };
    return { status: result.right.output.statusCode, body: result.right.output.body as unknown };
  }

  return {
    async answer(source, target, request, prefer) {
      const e = await load();
      const operationId = target.operationId;
      // A generated answer needs only the hinted form: the plain one is parsed if the generator fails.
      const op = await operationFor(e, source, target, prefer.dynamic);
      const declared = prefer.code === undefined ? [] : op.responses.map((r) => r.code);
      if (prefer.code !== undefined && !declared.includes(String(prefer.code)) && !(prefer.code >= 400 && declared.includes("default"))) {
        return refusal(request.path, `Prefer: code=${prefer.code} is not an answer this operation declares (declared: ${declared.join(", ")})`);
      }
      // Error answers are Cal.com's envelope, made here: the document's error schema would only give placeholders.
      if (prefer.code !== undefined && prefer.code >= 400) {
        const error = httpException(prefer.code, STATUS_CODES[prefer.code] ?? "Error");
        const body = errorEnvelope(request.path, error.code, error.message, error.details);
        return { status: prefer.code, text: JSON.stringify(body), how: `spec; Prefer code=${prefer.code}` };
      }
      const mock = { ...(prefer.code !== undefined && { code: prefer.code }), ...(prefer.example !== undefined && { exampleKey: prefer.example }) };
      if (prefer.dynamic) {
        const query = new URLSearchParams(
          Object.entries(request.query).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x): [string, string] => [k, x]))),
        ).toString();
        const requestSeed = createHash("sha1").update(`${seed}\n${request.method}\n${request.path}?${query}\n${JSON.stringify(request.body ?? null)}`).digest("hex");
        for (let i = 0; i < DYNAMIC_TRIES; i++) {
          const r = await ask(e, op, request, { dynamic: true, ...mock, seed: i === 0 ? requestSeed : `${requestSeed}#${i}` });
          if ("status" in r) return { ...serialize(finish(r.status, r.body)), how: "spec; dynamic" };
          if (!isGeneratorCrash(r.error)) return fromProblem(request.path, r.error);
        }
        const fallback = await staticAnswer(e, await operationFor(e, source, target, false), operationId, request, mock);
        return { ...fallback, how: "spec; static (the generator failed for this request)" };
      }
      return staticAnswer(e, op, operationId, request, mock);
    },
  };

  /**
   * Static answers depend only on the operation and the preferences: computed once (with their ETag), then the
   * same answer is handed to every request that asks for it.
   */
  async function staticAnswer(e: Engine, op: HttpOperation, operationId: string, request: SpecRequest, mock: { code?: number; exampleKey?: string }): Promise<SpecAnswer> {
    const key = `${operationId}\n${mock.code ?? ""}\n${mock.exampleKey ?? ""}`;
    const cached = staticAnswers.get(key);
    if (cached) return cached;
    const r = await ask(e, op, request, { dynamic: false, ...mock });
    if (!("status" in r)) return { ...fromProblem(request.path, r.error), how: "spec; static" };
    const { status, text } = serialize(finish(r.status, r.body));
    const answer = { status, text, how: "spec; static", etag: weakEtag(text) };
    staticAnswers.set(key, answer);
    return answer;
  }
}

/**
 * A 2xx body always says `status: "success"`, as Cal.com's do. Operations whose document declares no body, or
 * only an object with no properties, answer `{"status":"success"}`: Cal.com's controllers send its envelope, and
 * a JSON body is what clients parse.
 */
function finish(status: number, body: unknown): { status: number; body: unknown } {
  const empty = body === undefined || body === null || body === "" || (typeof body === "object" && !Array.isArray(body) && Object.keys(body).length === 0);
  if (empty && status < 300) return { status, body: { status: "success" } };
  if (status < 300 && typeof body === "object" && body !== null && !Array.isArray(body) && "status" in body) return { status, body: { ...body, status: "success" } };
  return { status, body };
}

function isGeneratorCrash(e: unknown): boolean {
  return e instanceof TypeError || (isProblem(e) && /Cannot read properties/.test(e.message + (e.detail ?? "")));
}

function refusal(path: string, message: string): SpecAnswer {
  const { code, details } = badRequest(message);
  return { status: 400, text: JSON.stringify(errorEnvelope(path, code, message, details)), how: "spec; refused Prefer" };
}

/** Static answers are kept serialized: the same text is sent to every request that asks for them. */
function serialize(answer: { status: number; body: unknown }): { status: number; text: string } {
  return { status: answer.status, text: JSON.stringify(answer.body) };
}

/** Prism's problem+json errors never reach the client: a refused preference is a 400 in Cal.com's envelope. */
function fromProblem(path: string, e: unknown): SpecAnswer {
  if (isProblem(e) && (e.status === 404 || e.status === 406 || e.status === 422)) {
    return refusal(path, `The requested answer is not in the contract: ${e.detail ?? e.message}`);
  }
  throw e instanceof Error ? e : new Error(String(isProblem(e) ? e.message : e));
}
