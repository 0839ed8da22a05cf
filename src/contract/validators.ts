import { Ajv, type ErrorObject, type Options, type ValidateFunction } from "ajv";
import { constraintOf, diagnose } from "./class-validator.js";
import type { Diagnostic } from "./diagnostic.js";
import { addContractFormats } from "./formats.js";
import { COMPONENTS_ID, MESSAGES_KEYWORD, toJsonSchema } from "./json-schema.js";
import type { JsonSchema, OpenApiDocument, Operation, ParameterObject } from "./spec.js";

/**
 * An ajv instance with the document's component schemas registered (`definitions`, converted once per document
 * by the caller) and the contract's formats. `checkSchemas` validates them against JSON Schema's meta-schema as
 * they are added: a tenth of a second at the first request, which the project's own contract (derived, and every
 * operation of it compiled by the tests) does without; a document given with --spec is checked.
 */
function makeAjv(definitions: unknown, options: Options, checkSchemas: boolean): Ajv {
  // `verbose` puts the failing data and schema on each error: what class-validator's error objects report.
  const ajv = new Ajv({ allErrors: true, verbose: true, strict: true, ...options, strictTypes: false, strictRequired: false, validateSchema: checkSchemas });
  addContractFormats(ajv);
  ajv.addKeyword({ keyword: MESSAGES_KEYWORD, schemaType: "object" });
  ajv.addSchema({ $id: COMPONENTS_ID, definitions });
  return ajv;
}

/** Follows a `$ref` into the registered components, so a missing field's own schema can be read. */
function resolver(ajv: Ajv): (schema: JsonSchema | undefined) => JsonSchema | undefined {
  return (schema) => {
    let current = schema;
    for (let hops = 0; hops < 16 && typeof current?.$ref === "string"; hops++) current = ajv.getSchema(current.$ref)?.schema as JsonSchema | undefined;
    return current;
  };
}

function objectSchema(params: ParameterObject[]): JsonSchema {
  return {
    type: "object",
    properties: Object.fromEntries(params.map((p) => [p.name, toJsonSchema(p.schema)])),
    required: params.filter((p) => p.required).map((p) => p.name),
  };
}

export interface ValidRequest {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: Record<string, unknown>;
}

/** A query as Express's extended (qs) parser gives it: strings, lists and nested objects. */
export type RawQuery = Record<string, unknown>;

/** How Cal.com's DTO transforms read a query parameter before class-validator sees it. */
type QueryKind = "integer" | "integerList" | "list" | "repeatedList" | "emailList" | "plain";

function queryKind(schema: JsonSchema): QueryKind {
  const s = toJsonSchema(schema) as JsonSchema;
  if (s.type === "integer" || s.type === "number") return "integer";
  if (s.type !== "array") return "plain";
  const items = s.items as JsonSchema | undefined;
  return items?.type === "integer" || items?.type === "number" ? "integerList" : "list";
}

/**
 * Reads one query parameter as Cal.com's `@Transform`s do. Integers go through `parseInt` (`2abc` is 2, `1.5` is
 * 1, `abc` is NaN, an empty value is absent). A comma list is split only when it came as one string: given
 * twice (or as `x[]=`), it stays a list of strings, which an integer list refuses.
 */
function readQueryParam(kind: QueryKind, raw: unknown): unknown {
  switch (kind) {
    case "integer":
      return raw === "" ? undefined : Number.parseInt(String(raw));
    case "integerList":
      return typeof raw === "string" ? raw.split(",").map((v) => Number.parseInt(v)) : raw;
    case "list":
      return typeof raw === "string" ? raw.split(",") : raw;
    case "repeatedList":
      return Array.isArray(raw) ? raw : [raw];
    case "emailList": {
      // Pieces that are not strings (`emails[a]=x` nests) are dropped, as that transform drops them.
      const pieces = (Array.isArray(raw) ? raw : [raw]).flatMap((v) => (typeof v === "string" ? v.split(",") : []));
      const emails = [...new Set(pieces.map((v) => v.trim()).filter((v) => v.length > 0).map((v) => v.toLowerCase()))];
      return emails.length > 0 ? emails : undefined;
    }
    default:
      return raw;
  }
}

/** What class-validator's number decorators say of NaN, which fails all of them (ajv would only say "type"). */
function notANumber(name: string, schema: JsonSchema, each: boolean): Diagnostic[] {
  const s = toJsonSchema(schema) as JsonSchema;
  const item = each ? (s.items as JsonSchema) : s;
  const prefix = each ? "each value in " : "";
  const failures = [constraintOf({ keyword: "type", params: { type: item.type }, message: "" }, name)];
  if (typeof item.minimum === "number") failures.push(constraintOf({ keyword: "minimum", params: { limit: item.minimum }, message: "" }, name));
  if (typeof item.maximum === "number") failures.push(constraintOf({ keyword: "maximum", params: { limit: item.maximum }, message: "" }, name));
  return failures.map((c) => ({
    location: "query",
    field: name,
    message: each ? "each item must be an integer" : "must be an integer",
    value: each ? undefined : Number.NaN,
    constraint: { name: c.name, message: prefix + c.message },
    ...(each && { each: true }),
  }));
}

/** A NUL, or half of a UTF-16 surrogate pair alone: text PostgreSQL (Cal.com's database) cannot store. */
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Every string of a request part (a validated, so shallow enough, body; the query; the path) that the database
 * could not store: Cal.com passes such text to PostgreSQL and answers 500; the mock refuses it.
 */
function unstorableText(part: Record<string, unknown>, location: Diagnostic["location"]): Diagnostic[] {
  const found: Diagnostic[] = [];
  const walk = (value: unknown, path: string[]) => {
    if (typeof value === "string") {
      if (UNSTORABLE.test(value)) {
        const property = path.at(-1) ?? "";
        found.push({
          location,
          field: path.join("/"),
          message: "contains a NUL character or a lone UTF-16 surrogate, which Cal.com's database cannot store",
          value,
          constraint: { name: "isStorableText", message: `${property} must not contain NUL characters or lone UTF-16 surrogates` },
        });
      }
    } else if (typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) walk(v, [...path, k]);
    }
  };
  walk(part, []);
  return found;
}

/**
 * Copies a parsed JSON body without recursion, so that a body nested a hundred thousand levels deep (it fits in
 * the body limit) cannot overflow the stack. `__proto__` keys stay plain own properties, as JSON.parse makes them.
 * The copy is what ajv strips and defaults, so the request journal keeps the body as it was sent.
 */
function cloneJson(root: unknown): unknown {
  if (typeof root !== "object" || root === null) return root;
  const make = (v: object) => (Array.isArray(v) ? new Array<unknown>(v.length) : {});
  const copy = make(root);
  const stack: Array<[Record<string, unknown>, Record<string, unknown>]> = [[root as Record<string, unknown>, copy as Record<string, unknown>]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    for (const key of Object.keys(from)) {
      let value = from[key];
      if (typeof value === "object" && value !== null) {
        const inner = make(value);
        stack.push([value as Record<string, unknown>, inner as Record<string, unknown>]);
        value = inner;
      }
      Object.defineProperty(to, key, { value, writable: true, enumerable: true, configurable: true });
    }
  }
  return copy;
}

/** Cal.com's ParseIntPipe takes only `-?digits`; ajv's coercion alone would also take " 1", "1e0" or "0x1". */
const INTEGER_TEXT = /^-?\d+$/;

/** Whether a parameter schema is a number, or a list of numbers. */
function numericKind(schema: JsonSchema): "integer" | "number" | undefined {
  const s = toJsonSchema(schema) as JsonSchema;
  const type = s.type === "array" ? (s.items as JsonSchema | undefined)?.type : s.type;
  return type === "integer" || type === "number" ? type : undefined;
}

/**
 * ajv coerces "Infinity", "1e309" or 400 digits to ±Infinity and then skips `minimum`/`maximum`, which it checks
 * on finite numbers only: such a value would pass. Parameters are checked again after coercion.
 */
function nonFinite(location: Diagnostic["location"], params: ReadonlyMap<string, "integer" | "number">, values: Record<string, unknown>): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const [name, kind] of params) {
    const value = values[name];
    const items = Array.isArray(value) ? value : [value];
    if (items.some((v) => typeof v === "number" && !Number.isFinite(v))) diagnostics.push({ location, field: name, message: `must be ${kind}` });
  }
  return diagnostics;
}

/** Appends without spreading: a body can yield hundreds of thousands of errors, past the argument limit. */
function append<T>(to: T[], items: readonly T[]): void {
  for (const item of items) to.push(item);
}

export interface RequestValidator {
  /** Path parameters are checked first on their own, because Cal.com's guards need a valid orgId. */
  path(rawParams: Record<string, string>): { value: Record<string, unknown> } | { diagnostics: Diagnostic[] };
  /** On failure, `targets` are the query and body as Cal.com's DTOs would hold them, for the error objects. */
  rest(
    query: RawQuery,
    headers: Record<string, unknown>,
    body: unknown,
  ): { value: Omit<ValidRequest, "path"> } | { diagnostics: Diagnostic[]; targets: { query: unknown; body: unknown } };
}

/**
 * Gives one validator per operation and request part from a document, compiled on the operation's first request
 * and kept. Parameters are coerced (`"5"` → 5) and defaulted; body fields the spec does not name are stripped, as
 * Cal.com's whitelisting pipe does.
 */
export function compileRequestValidators(doc: OpenApiDocument, checkSchemas = true): (op: Operation) => RequestValidator {
  const ajvs = new Map<boolean, { paramAjv: Ajv; bodyAjv: Ajv; pipeBodyAjv?: Ajv }>();
  let definitions: unknown;
  const ajvsOf = (strict: boolean) => {
    let pair = ajvs.get(strict);
    if (!pair) {
      // ajv reads the schemas it is given and never changes them: the instances share one conversion.
      definitions ??= toJsonSchema(doc.components.schemas);
      pair = {
        paramAjv: makeAjv(definitions, { coerceTypes: "array", useDefaults: true, strict }, checkSchemas),
        bodyAjv: makeAjv(definitions, { coerceTypes: false, useDefaults: true, removeAdditional: "all", strict }, checkSchemas),
      };
      ajvs.set(strict, pair);
    }
    return pair;
  };
  // Bodies of Cal.com's own input pipes keep what they were sent, so that a closed schema refuses an unknown
  // property (forbidNonWhitelisted) instead of dropping it; made on the first such operation's first request.
  const bodyAjvOf = (op: Operation, strict: boolean): Ajv => {
    const pair = ajvsOf(strict);
    if (!op.inputPipe) return pair.bodyAjv;
    return (pair.pipeBodyAjv ??= makeAjv(definitions, { coerceTypes: false, useDefaults: true, removeAdditional: false, strict }, checkSchemas));
  };
  const validators = new Map<Operation, RequestValidator>();
  return (op) => {
    let validator = validators.get(op);
    if (!validator) {
      try {
        validator = compileOne(op, ajvsOf(true).paramAjv, bodyAjvOf(op, true));
      } catch {
        // Strict mode refuses some schemas of the published document that still validate well (a default inside
        // an anyOf branch, which ajv cannot apply): those operations are validated without it.
        validator = compileOne(op, ajvsOf(false).paramAjv, bodyAjvOf(op, false));
      }
      validators.set(op, validator);
    }
    return validator;
  };
}

function compileOne(op: Operation, paramAjv: Ajv, bodyAjv: Ajv): RequestValidator {
  {
    const resolveParam = resolver(paramAjv);
    const resolveBody = resolver(bodyAjv);
    const pathParams = op.parameters.filter((p) => p.in === "path");
    const integerPathParams = new Set(pathParams.filter((p) => (toJsonSchema(p.schema) as JsonSchema).type === "integer").map((p) => p.name));
    const queryParams = op.parameters.filter((p) => p.in === "query");
    const headerParams = op.parameters.filter((p) => p.in === "header");
    // `explode: true` (OpenAPI's form default, declared explicitly): a list only by repeating the parameter; a
    // comma stays part of the value, as Cal.com's `emails` filter has it.
    const queryKinds = new Map(
      queryParams.map((p) => [
        p.name,
        p["x-calcom-transform"] === "emailList"
          ? ("emailList" as const)
          : p.schema.type === "array" && p.explode === true
            ? ("repeatedList" as const)
            : queryKind(p.schema),
      ]),
    );
    const numericOf = (params: typeof queryParams) =>
      new Map(params.flatMap((p) => {
        const kind = numericKind(p.schema);
        return kind ? [[p.name, kind] as const] : [];
      }));
    const numericPath = numericOf(pathParams);
    const numericQuery = numericOf(queryParams);
    const validatePath = paramAjv.compile(objectSchema(pathParams));
    const validateQuery = paramAjv.compile(objectSchema(queryParams));
    const validateHeaders = paramAjv.compile({
      ...objectSchema(headerParams.map((p) => ({ ...p, name: p.name.toLowerCase() }))),
    });
    const bodySchema = op.body ? (toJsonSchema(op.body.schema) as JsonSchema) : undefined;
    const validateBody: ValidateFunction | undefined = bodySchema ? bodyAjv.compile(bodySchema) : undefined;
    const bodyBranches = bodySchema ? unionBranches(bodySchema, bodyAjv, resolveBody) : undefined;
    const bodyProperties = new Set(Object.keys((resolveBody(bodySchema)?.properties as Record<string, unknown> | undefined) ?? {}));

    const checkPath = (rawParams: Record<string, string>): { value: Record<string, unknown> } | { diagnostics: Diagnostic[] } => {
      const diagnostics: Diagnostic[] = [];
      const value: Record<string, unknown> = {};
      for (const [name, raw] of Object.entries(rawParams)) {
        let decoded: string;
        try {
          decoded = decodeURIComponent(raw);
        } catch {
          diagnostics.push({ location: "path", field: name, message: "is not valid percent-encoding" });
          continue;
        }
        if (integerPathParams.has(name) && !INTEGER_TEXT.test(decoded)) {
          diagnostics.push({ location: "path", field: name, message: "must be integer" });
          continue;
        }
        value[name] = decoded;
      }
      if (diagnostics.length) return { diagnostics };
      if (!validatePath(value)) return { diagnostics: diagnose("path", validatePath.errors, resolveParam) };
      const unstorable = unstorableText(value, "path");
      if (unstorable.length) return { diagnostics: unstorable };
      const infinite = nonFinite("path", numericPath, value);
      return infinite.length ? { diagnostics: infinite } : { value };
    };

    return {
      path(rawParams) {
        const result = checkPath(rawParams);
        // Integer parameters go through NestJS's ParseIntPipe in Cal.com: their refusal is that pipe's.
        if ("diagnostics" in result) return { diagnostics: result.diagnostics.map((d) => (integerPathParams.has(d.field) ? { ...d, parseInt: true } : d)) };
        return result;
      },
      rest(rawQuery, headers, rawBody) {
        const diagnostics: Diagnostic[] = [];
        // A query its operation's own pipe judges reaches the handler as sent (see Operation.queryPipe).
        const query: Record<string, unknown> = op.queryPipe ? { ...rawQuery } : {};
        for (const p of op.queryPipe ? [] : queryParams) {
          const raw = rawQuery[p.name];
          if (raw === undefined) continue;
          const kind = queryKinds.get(p.name)!;
          const value = readQueryParam(kind, raw);
          if (value === undefined) continue;
          query[p.name] = value;
          if (kind === "integer" && Number.isNaN(value)) append(diagnostics, notANumber(p.name, p.schema, false));
          else if (kind === "integerList" && (Array.isArray(value) ? value.some((v) => typeof v !== "number" || Number.isNaN(v)) : false)) {
            append(diagnostics, notANumber(p.name, p.schema, true));
          }
        }
        if (diagnostics.length === 0 && !op.queryPipe) {
          if (!validateQuery(query)) append(diagnostics, diagnose("query", validateQuery.errors, resolveParam));
          append(diagnostics, nonFinite("query", numericQuery, query));
          append(diagnostics, unstorableText(query, "query"));
        }
        const headerValues: Record<string, unknown> = {};
        for (const p of headerParams) {
          const v = headers[p.name.toLowerCase()];
          if (v !== undefined) headerValues[p.name.toLowerCase()] = v;
        }
        if (!validateHeaders(headerValues)) append(diagnostics, diagnose("header", validateHeaders.errors, resolveParam));
        let body: Record<string, unknown> = {};
        let bodyTarget: unknown = body;
        if (validateBody) {
          // No body or a non-JSON content type reads as an empty object, as NestJS hands it to its pipes.
          const candidate = rawBody === undefined ? {} : rawBody;
          if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) {
            bodyTarget = candidate;
            diagnostics.push({
              location: "body",
              field: "",
              message: "must be a JSON object",
              value: candidate,
              constraint: { name: "unknownValue", message: "an unknown value was passed to the validate function" },
            });
          } else {
            body = cloneJson(candidate) as Record<string, unknown>;
            bodyTarget = body;
            if (validateBody(body)) append(diagnostics, unstorableText(body, "body"));
            else if (bodyBranches) {
              // A body of several classes: Cal.com's pipe picks the class first and reports that class's errors only.
              const closest = closestBranch(bodyBranches, candidate as Record<string, unknown>);
              bodyTarget = closest.body;
              const found = diagnose("body", closest.errors, resolveBody);
              append(diagnostics, op.inputPipe ? inClassOrder(found, closest.properties) : found);
            } else {
              const found = diagnose("body", validateBody.errors, resolveBody);
              append(diagnostics, op.inputPipe ? inClassOrder(found, bodyProperties) : found);
            }
          }
        }
        return diagnostics.length ? { diagnostics, targets: { query, body: bodyTarget } } : { value: { query, body } };
      },
    };
  }
}

/** One class of a body that may be any of several (`oneOf` or `anyOf` at its top): its validator and its fields. */
interface BodyBranch {
  validate: ValidateFunction;
  properties: Set<string>;
}

/** The branches of a body schema that is a union of object classes (Cal.com's bookings); undefined otherwise. */
function unionBranches(schema: JsonSchema, ajv: Ajv, resolve: (s: JsonSchema | undefined) => JsonSchema | undefined): BodyBranch[] | undefined {
  const top = resolve(schema);
  const list = (top?.oneOf ?? top?.anyOf) as JsonSchema[] | undefined;
  if (!Array.isArray(list) || list.length < 2) return undefined;
  return list.map((branch) => ({
    validate: ajv.compile(branch),
    properties: new Set(Object.keys((resolve(branch)?.properties as Record<string, unknown> | undefined) ?? {})),
  }));
}

/**
 * The branch a body that matches none was closest to, as Cal.com's pipe would have chosen its class: the one that
 * declares the most of the body's fields (`instant` tells the instant booking apart), then the one with the fewest
 * errors, then the first. Each branch checks its own copy, since validation strips and defaults in place.
 */
function closestBranch(
  branches: BodyBranch[],
  candidate: Record<string, unknown>,
): { body: Record<string, unknown>; errors: ErrorObject[]; properties: ReadonlySet<string> } {
  const keys = Object.keys(candidate);
  let best: { body: Record<string, unknown>; errors: ErrorObject[]; unknown: number; properties: ReadonlySet<string> } | undefined;
  for (const branch of branches) {
    const body = cloneJson(candidate) as Record<string, unknown>;
    const errors = branch.validate(body) ? [] : [...(branch.validate.errors ?? [])];
    const unknown = branch.properties.size ? keys.filter((k) => !branch.properties.has(k)).length : 0;
    if (!best || unknown < best.unknown || (unknown === best.unknown && errors.length < best.errors.length)) {
      best = { body, errors, unknown, properties: branch.properties };
    }
  }
  return best!;
}

/**
 * Diagnostics in the order class-validator reports them: properties the class does not declare first (its
 * whitelist check runs before the properties are validated), then the declared ones in the order the class
 * declares them (ajv reports missing properties before the others).
 */
function inClassOrder(diagnostics: Diagnostic[], properties: ReadonlySet<string>): Diagnostic[] {
  const order = [...properties];
  const rank = (d: Diagnostic) => {
    if (d.constraint?.name === "whitelistValidation" && !d.field.includes("/")) return -1;
    const at = order.indexOf(d.field.split("/")[0] ?? "");
    return at < 0 ? order.length : at;
  };
  return diagnostics.map((d, i) => ({ d, i, r: rank(d) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.d);
}

export interface ResponseCheck {
  valid: boolean;
  errors: string[];
}

/**
 * Validates response bodies against the spec (no coercion, no stripping): used by the contract tests, and
 * by anyone who wants to check the mock's answers. Validators compile lazily, one per operation and status.
 */
export function createResponseValidator(doc: OpenApiDocument, operations: readonly Operation[]) {
  const ajv = makeAjv(toJsonSchema(doc.components.schemas), {}, true);
  const byId = new Map(operations.map((op) => [op.operationId, op]));
  const cache = new Map<string, ValidateFunction>();
  return function validateResponse(operationId: string, status: number, body: unknown): ResponseCheck {
    const op = byId.get(operationId);
    if (!op) return { valid: false, errors: [`unknown operation ${operationId}`] };
    const key = op.responses.has(String(status)) ? String(status) : "default";
    if (!op.responses.has(key)) return { valid: false, errors: [`status ${status} is not declared for ${operationId}`] };
    const schema = op.responses.get(key);
    if (!schema) return { valid: true, errors: [] };
    const cacheKey = `${operationId} ${key}`;
    let validate = cache.get(cacheKey);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema) as JsonSchema);
      cache.set(cacheKey, validate);
    }
    if (validate(body)) return { valid: true, errors: [] };
    return { valid: false, errors: (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params)}`) };
  };
}
