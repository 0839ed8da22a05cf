import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The spec ships beside src/ and dist/, two levels up from this module in both. */
export const DEFAULT_SPEC_PATH = fileURLToPath(new URL("../../spec/calcom.openapi.json", import.meta.url));

export type JsonSchema = { [key: string]: unknown };

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema: JsonSchema;
  /**
   * How Cal.com's DTO `@Transform` reads the parameter, where no JSON Schema says it: "emailList" is the team
   * memberships' `emails` (comma-separated or repeated; trimmed, empties dropped, lower-cased, de-duplicated).
   */
  "x-calcom-transform"?: "emailList";
}

/** An endpoint's own throttle (Cal.com's `@Throttle` decorator): `limit` requests per `ttl` ms per caller. */
export interface EndpointThrottle {
  name: string;
  limit: number;
  ttl: number;
  blockDuration: number;
}

interface OperationObject {
  operationId: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  "x-required-role"?: string;
  "x-calcom-guards"?: string[];
  "x-calcom-throttle"?: EndpointThrottle;
  "x-per-caller"?: boolean;
  "x-calcom-query-pipe"?: string;
  "x-calcom-no-default-version-route"?: boolean;
  "x-calcom-input-pipe"?: "body";
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> } | { $ref: string };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  security?: Array<Record<string, string[]>>;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; [section: string]: unknown };
}

export type RequiredRole = "member" | "admin";

/**
 * Which credentials Cal.com's guard asks for: an API key (`Authorization: Bearer cal_…`, or platform client
 * headers, which the mock never issues), an API key only if one is sent ("optional": anonymous callers allowed),
 * an OAuth client's secret alone, or none (public routes).
 */
export type AuthKind = "api-key" | "optional" | "client-secret" | "none";

/** One operation of the spec, parsed once at start-up into what matching and validation need. */
export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  tag: string;
  auth: AuthKind;
  /** Under /v2/organizations/{orgId}: the caller must belong to that organization. */
  orgScoped: boolean;
  requiredRole: RequiredRole;
  /**
   * Cal.com's guards for the operation, in the order they run (`x-calcom-guards`, e.g. "RolesGuard:TEAM_ADMIN");
   * see src/auth/guards.ts. Operations without them use the organization check of src/auth/roles.ts.
   */
  guards?: string[];
  /** The operation's own throttle, which replaces the default rate limit for it (`x-calcom-throttle`). */
  throttle?: EndpointThrottle;
  /** The answer depends on who asks (`/me`, the caller's teams): the response cache keys it by caller. */
  perCaller: boolean;
  /**
   * The body goes through one of Cal.com's own input pipes (`x-calcom-input-pipe`: the bookings' create, cancel and
   * reschedule pipes) instead of the global ValidationPipe: a property the body's class does not declare is refused
   * (whitelist with forbidNonWhitelisted), and the refusal is one message, `"<property> property is wrong,<constraints> "`
   * per failing property, rather than "Bad Request Exception" with the error objects.
   */
  inputPipe?: "body";
  /** The `cal-api-version` values the operation accepts, when it requires the header. */
  apiVersions?: string[];
  /**
   * Cal.com's default version (2024-04-15, where a missing or unknown `cal-api-version` goes) has no route at this
   * path (`x-calcom-no-default-version-route`): without the header the answer is the router's 404, not a 400.
   */
  noDefaultVersionRoute?: boolean;
  /**
   * Cal.com reads the query with a pipe of its own (`x-calcom-query-pipe`, naming it), whose refusals are not the
   * ValidationPipe's: the contract documents the parameters, and the handler gets the query as sent and judges it.
   */
  queryPipe?: string;
  /** Index of the document in the contract's sources (0: spec/, then each --spec document). */
  source: number;
  parameters: ParameterObject[];
  body?: { required: boolean; schema: JsonSchema };
  /** Status code (or "default") to the response body schema. */
  responses: Map<string, JsonSchema | undefined>;
  pathParamNames: string[];
}

const METHODS = new Set(["get", "post", "put", "patch", "delete"]);

function resolveRef<T>(doc: OpenApiDocument, value: T | { $ref: string }): T {
  if (typeof value === "object" && value !== null && "$ref" in value && typeof value.$ref === "string") {
    const ref = value.$ref;
    if (!ref.startsWith("#/")) throw new Error(`Only local $refs are supported in spec/: ${ref}`);
    let node: unknown = doc;
    for (const part of ref.slice(2).split("/")) node = (node as Record<string, unknown>)[part];
    if (node === undefined) throw new Error(`Unresolved $ref in spec/: ${ref}`);
    return resolveRef(doc, node as T | { $ref: string });
  }
  return value as T;
}

function templateParams(template: string): string[] {
  return [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

/** Operations that name no role (those answered from the spec) need membership only, as the org guard checks. */
function roleOf(op: OperationObject): RequiredRole {
  const role = op["x-required-role"] ?? "member";
  return /admin|owner/i.test(role) ? "admin" : "member";
}

function authOf(security: ReadonlyArray<Record<string, string[]>>): AuthKind {
  const schemes = security.flatMap((s) => Object.keys(s));
  const anonymous = security.some((s) => Object.keys(s).length === 0);
  if (schemes.includes("ApiKey")) return anonymous ? "optional" : "api-key";
  if (schemes.includes("ClientSecret")) return "client-secret";
  return "none";
}

function apiVersionsOf(parameters: ParameterObject[]): string[] | undefined {
  const header = parameters.find((p) => p.in === "header" && p.name.toLowerCase() === "cal-api-version");
  if (!header?.required) return undefined;
  const values = header.schema.enum ?? (header.schema.default === undefined ? undefined : [header.schema.default]);
  return Array.isArray(values) ? values.map(String) : undefined;
}

export function loadSpec(path = DEFAULT_SPEC_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, "utf8")) as OpenApiDocument;
}

export function parseOperations(doc: OpenApiDocument, source = 0): Operation[] {
  const operations: Operation[] = [];
  for (const [pathTemplate, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!METHODS.has(method)) continue;
      const parameters = (op.parameters ?? []).map((p) => resolveRef<ParameterObject>(doc, p));
      const requestBody = op.requestBody ? resolveRef(doc, op.requestBody) : undefined;
      const bodySchema = requestBody?.content["application/json"]?.schema;
      const responses = new Map<string, JsonSchema | undefined>();
      for (const [status, response] of Object.entries(op.responses)) {
        const resolved = resolveRef<{ content?: Record<string, { schema: JsonSchema }> }>(doc, response as never);
        responses.set(status, resolved.content?.["application/json"]?.schema);
      }
      const apiVersions = apiVersionsOf(parameters);
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        tag: op.tags?.[0] ?? "",
        // An operation without its own `security` has the document's (OpenAPI's rule).
        auth: authOf(op.security ?? doc.security ?? []),
        orgScoped: pathTemplate.startsWith("/v2/organizations/{orgId}"),
        requiredRole: roleOf(op),
        ...(op["x-calcom-guards"] && { guards: op["x-calcom-guards"] }),
        ...(op["x-calcom-throttle"] && { throttle: op["x-calcom-throttle"] }),
        perCaller: op["x-per-caller"] === true,
        ...(op["x-calcom-input-pipe"] === "body" && { inputPipe: "body" as const }),
        ...(apiVersions && { apiVersions }),
        ...(op["x-calcom-no-default-version-route"] === true && { noDefaultVersionRoute: true }),
        ...(op["x-calcom-query-pipe"] && { queryPipe: op["x-calcom-query-pipe"] }),
        source,
        parameters,
        ...(bodySchema ? { body: { required: requestBody?.required ?? false, schema: bodySchema } } : {}),
        responses,
        pathParamNames: templateParams(pathTemplate),
      });
    }
  }
  return operations;
}

export interface RouteMatch {
  operation?: Operation;
  /** Raw (still percent-encoded) path parameters. */
  rawParams: Record<string, string>;
  /** True when the path exists under another method. */
  pathExists: boolean;
}

/** A node of the route trie: literal children are tried before the parameter child, with backtracking. */
interface RouteNode {
  literal: Map<string, RouteNode>;
  param?: RouteNode;
  /** Operations whose template ends here, by method. */
  ends?: Map<string, Operation>;
}

const newNode = (): RouteNode => ({ literal: new Map() });
const routers = new WeakMap<readonly Operation[], RouteNode>();

function buildRouter(operations: readonly Operation[]): RouteNode {
  const root = newNode();
  for (const op of operations) {
    let node = root;
    for (const segment of op.pathTemplate.split("/").slice(1)) {
      if (segment.startsWith("{")) node = node.param ??= newNode();
      else {
        // Literals are kept in lower case: routing ignores case, as Express's (and so NestJS's) does by default.
        const key = segment.toLowerCase();
        let next = node.literal.get(key);
        if (!next) node.literal.set(key, (next = newNode()));
        node = next;
      }
    }
    node.ends ??= new Map();
    // The first operation for a method and template wins: spec/ before any --spec document.
    if (!node.ends.has(op.method)) node.ends.set(op.method, op);
  }
  return root;
}

/**
 * Finds the operation for a request path, as NestJS's route order does: at each segment a literal
 * (`/teams/me`) beats a parameter (`/teams/{teamId}`), and the walk backtracks when the literal leads nowhere.
 * Falls back to a template that has the path under another method, so the caller can tell 404 from 405-like cases.
 */
export function matchOperation(operations: readonly Operation[], method: string, path: string): RouteMatch {
  let root = routers.get(operations);
  if (!root) routers.set(operations, (root = buildRouter(operations)));
  // A trailing slash is tolerated and case ignored, as Express (and so NestJS) routes do by default.
  const segments = (path.endsWith("/") && path.length > 1 ? path.slice(0, -1) : path).split("/").slice(1);
  let pathExists = false;
  const values: string[] = [];
  const walk = (node: RouteNode, i: number): Operation | undefined => {
    if (i === segments.length) {
      if (!node.ends) return undefined;
      pathExists = true;
      return node.ends.get(method);
    }
    const segment = segments[i]!;
    // The exact segment first: requests are nearly always in lower case already.
    const literal = node.literal.get(segment) ?? node.literal.get(segment.toLowerCase());
    if (literal) {
      const found = walk(literal, i + 1);
      if (found) return found;
    }
    if (node.param && segment !== "") {
      values.push(segment);
      const found = walk(node.param, i + 1);
      if (found) return found;
      values.pop();
    }
    return undefined;
  };
  const operation = walk(root, 0);
  if (!operation) return { rawParams: {}, pathExists };
  const rawParams: Record<string, string> = {};
  operation.pathParamNames.forEach((name, i) => {
    rawParams[name] = values[i] ?? "";
  });
  return { operation, rawParams, pathExists };
}
