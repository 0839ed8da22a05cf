import { Ajv, type ErrorObject, type Options, type ValidateFunction } from "ajv";
import formatsModule from "ajv-formats";
import type { Diagnostic } from "./diagnostic.js";
import { COMPONENTS_ID, toJsonSchema } from "./json-schema.js";
import type { JsonSchema, OpenApiDocument, Operation, ParameterObject } from "./spec.js";

// ajv-formats is CommonJS with `exports.default`; under NodeNext the import is the module object.
const addFormats = formatsModule.default;

function makeAjv(doc: OpenApiDocument, options: Options): Ajv {
  const ajv = new Ajv({ allErrors: true, strict: true, ...options, strictTypes: false, strictRequired: false });
  addFormats(ajv);
  ajv.addSchema({ $id: COMPONENTS_ID, definitions: toJsonSchema(doc.components.schemas) });
  return ajv;
}

function diagnose(location: Diagnostic["location"], errors: ErrorObject[] | null | undefined): Diagnostic[] {
  return (errors ?? []).map((e) => {
    let field = e.instancePath.replace(/^\//, "");
    if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      field = field ? `${field}/${missing}` : missing;
      return { location, field, message: "is required" };
    }
    if (e.keyword === "enum") {
      const allowed = (e.params as { allowedValues: unknown[] }).allowedValues;
      return { location, field, message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(", ")}` };
    }
    return { location, field, message: e.message ?? "is invalid" };
  });
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

export type RawQuery = Record<string, string | string[] | undefined>;

/** Splits `a,b` and repeated `x=a&x=b` alike into one list, as Cal.com's comma-list transforms do. */
function splitList(value: string | string[]): string[] {
  const items = (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(",")).map((v) => v.trim());
  // An empty parameter is an empty list (refused by minItems); an empty item beside others (`1,,2`, `1, `) is
  // kept, so the item's own schema refuses it rather than the list silently meaning something else.
  return items.every((v) => v === "") ? [] : items;
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
  rest(query: RawQuery, headers: Record<string, unknown>, body: unknown): { value: Omit<ValidRequest, "path"> } | { diagnostics: Diagnostic[] };
}

/**
 * Gives one validator per operation and request part from a document, compiled on the operation's first request
 * and kept. Parameters are coerced (`"5"` → 5) and defaulted; body fields the spec does not name are stripped, as
 * Cal.com's whitelisting pipe does.
 */
export function compileRequestValidators(doc: OpenApiDocument): (op: Operation) => RequestValidator {
  const ajvs = new Map<boolean, { paramAjv: Ajv; bodyAjv: Ajv }>();
  const ajvsOf = (strict: boolean) => {
    let pair = ajvs.get(strict);
    if (!pair) {
      pair = {
        paramAjv: makeAjv(doc, { coerceTypes: "array", useDefaults: true, strict }),
        bodyAjv: makeAjv(doc, { coerceTypes: false, useDefaults: true, removeAdditional: "all", strict }),
      };
      ajvs.set(strict, pair);
    }
    return pair;
  };
  const validators = new Map<Operation, RequestValidator>();
  return (op) => {
    let validator = validators.get(op);
    if (!validator) {
      try {
        validator = compileOne(op, ajvsOf(true).paramAjv, ajvsOf(true).bodyAjv);
      } catch {
        // Strict mode refuses some schemas of the published document that still validate well (a default inside
        // an anyOf branch, which ajv cannot apply): those operations are validated without it.
        validator = compileOne(op, ajvsOf(false).paramAjv, ajvsOf(false).bodyAjv);
      }
      validators.set(op, validator);
    }
    return validator;
  };
}

function compileOne(op: Operation, paramAjv: Ajv, bodyAjv: Ajv): RequestValidator {
  {
    const pathParams = op.parameters.filter((p) => p.in === "path");
    const integerPathParams = new Set(pathParams.filter((p) => (toJsonSchema(p.schema) as JsonSchema).type === "integer").map((p) => p.name));
    const queryParams = op.parameters.filter((p) => p.in === "query");
    const headerParams = op.parameters.filter((p) => p.in === "header");
    const listParams = new Set(queryParams.filter((p) => p.schema.type === "array").map((p) => p.name));
    // `explode: true` (OpenAPI's form default, declared explicitly): a list only by repeating the parameter; a
    // comma stays part of the value, as Cal.com's `emails` filter has it.
    const repeatedOnly = new Set(queryParams.filter((p) => p.schema.type === "array" && p.explode === true).map((p) => p.name));
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
    const validateBody: ValidateFunction | undefined = op.body ? bodyAjv.compile(toJsonSchema(op.body.schema) as JsonSchema) : undefined;

    return {
      path(rawParams) {
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
        if (!validatePath(value)) return { diagnostics: diagnose("path", validatePath.errors) };
        const infinite = nonFinite("path", numericPath, value);
        return infinite.length ? { diagnostics: infinite } : { value };
      },
      rest(rawQuery, headers, rawBody) {
        const query: Record<string, unknown> = {};
        for (const p of queryParams) {
          const raw = rawQuery[p.name];
          if (raw === undefined) continue;
          if (repeatedOnly.has(p.name)) query[p.name] = Array.isArray(raw) ? raw : [raw];
          else query[p.name] = listParams.has(p.name) ? splitList(raw) : raw;
        }
        const diagnostics: Diagnostic[] = [];
        if (!validateQuery(query)) append(diagnostics, diagnose("query", validateQuery.errors));
        append(diagnostics, nonFinite("query", numericQuery, query));
        const headerValues: Record<string, unknown> = {};
        for (const p of headerParams) {
          const v = headers[p.name.toLowerCase()];
          if (v !== undefined) headerValues[p.name.toLowerCase()] = v;
        }
        if (!validateHeaders(headerValues)) append(diagnostics, diagnose("header", validateHeaders.errors));
        let body: Record<string, unknown> = {};
        if (validateBody) {
          // No body or a non-JSON content type reads as an empty object, as NestJS hands it to its pipes.
          const candidate = rawBody === undefined ? {} : rawBody;
          if (typeof candidate !== "object" || candidate === null || Array.isArray(candidate)) {
            diagnostics.push({ location: "body", field: "", message: "must be a JSON object" });
          } else {
            body = cloneJson(candidate) as Record<string, unknown>;
            if (!validateBody(body)) append(diagnostics, diagnose("body", validateBody.errors));
          }
        }
        return diagnostics.length ? { diagnostics } : { value: { query, body } };
      },
    };
  }
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
  const ajv = makeAjv(doc, {});
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
