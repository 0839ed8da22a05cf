import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The spec ships beside src/ and dist/, two levels up from this module in both. */
export const DEFAULT_SPEC_PATH = fileURLToPath(new URL("../../spec/calcom-attributes.openapi.json", import.meta.url));

export type JsonSchema = { [key: string]: unknown };

export interface ParameterObject {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema: JsonSchema;
}

interface OperationObject {
  operationId: string;
  summary?: string;
  "x-required-role"?: string;
  parameters?: Array<ParameterObject | { $ref: string }>;
  requestBody?: { required?: boolean; content: Record<string, { schema: JsonSchema }> } | { $ref: string };
  responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components: { schemas: Record<string, JsonSchema>; [section: string]: unknown };
}

export type RequiredRole = "member" | "admin";

/** One operation of the spec, parsed once at start-up into what matching and validation need. */
export interface Operation {
  operationId: string;
  method: string;
  pathTemplate: string;
  requiredRole: RequiredRole;
  parameters: ParameterObject[];
  body?: { required: boolean; schema: JsonSchema };
  /** Status code (or "default") to the response body schema. */
  responses: Map<string, JsonSchema | undefined>;
  matcher: RegExp;
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

function compileTemplate(template: string): { matcher: RegExp; names: string[] } {
  const names: string[] = [];
  const source = template
    .split("/")
    .map((segment) => {
      const param = /^\{(.+)\}$/.exec(segment);
      if (param?.[1]) {
        names.push(param[1]);
        return "([^/]+)";
      }
      return segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    })
    .join("/");
  // A trailing slash is tolerated and case is ignored, as Express (and so NestJS) routes do by default.
  return { matcher: new RegExp(`^${source}/?$`, "i"), names };
}

/**
 * Templates with a literal segment where another has a parameter must be tried first
 * (`/attributes/options/{userId}` before `/attributes/{attributeId}/options`), as NestJS's route order does.
 */
function specificity(template: string): string {
  return template
    .split("/")
    .map((s) => (s.startsWith("{") ? "1" : "0"))
    .join("");
}

function roleOf(op: OperationObject): RequiredRole {
  const role = op["x-required-role"] ?? "org admin";
  return /admin|owner/i.test(role) ? "admin" : "member";
}

export function loadSpec(path = DEFAULT_SPEC_PATH): OpenApiDocument {
  return JSON.parse(readFileSync(path, "utf8")) as OpenApiDocument;
}

export function parseOperations(doc: OpenApiDocument): Operation[] {
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
      const { matcher, names } = compileTemplate(pathTemplate);
      operations.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        pathTemplate,
        requiredRole: roleOf(op),
        parameters,
        ...(bodySchema ? { body: { required: requestBody?.required ?? false, schema: bodySchema } } : {}),
        responses,
        matcher,
        pathParamNames: names,
      });
    }
  }
  return operations.sort((a, b) => specificity(a.pathTemplate).localeCompare(specificity(b.pathTemplate)));
}

export interface RouteMatch {
  operation?: Operation;
  /** Raw (still percent-encoded) path parameters. */
  rawParams: Record<string, string>;
  /** True when the path exists under another method. */
  pathExists: boolean;
}

export function matchOperation(operations: readonly Operation[], method: string, path: string): RouteMatch {
  let pathExists = false;
  for (const operation of operations) {
    const m = operation.matcher.exec(path);
    if (!m) continue;
    pathExists = true;
    if (operation.method !== method) continue;
    const rawParams: Record<string, string> = {};
    operation.pathParamNames.forEach((name, i) => {
      rawParams[name] = m[i + 1] ?? "";
    });
    return { operation, rawParams, pathExists };
  }
  return { rawParams: {}, pathExists };
}
