import { createRequire } from "node:module";
import type { Contract, JsonSchema, Operation } from "../../src/contract/index.js";

/**
 * Plausible requests made from the contract alone, for the operations answered from the spec: each value is the
 * schema's example, default or first enum value, else a value of its type and format. Only required properties
 * and parameters are filled. Strings that must match a pattern come from Prism's own json-schema-faker.
 */

const require = createRequire(import.meta.url);
const prismRequire = createRequire(require.resolve("@stoplight/prism-http"));
const faker = prismRequire("json-schema-faker") as { JSONSchemaFaker: { generate(schema: object): unknown; option(o: object): void } };

const FORMATS: Record<string, string> = {
  "date-time": "2050-09-05T09:00:00.000Z",
  date: "2050-09-05",
  email: "jane@example.com",
  uri: "https://example.com/x",
  url: "https://example.com/x",
  uuid: "3f2b9a8e-4c1d-4e5f-9a7b-1c2d3e4f5a6b",
};

export function resolveSchema(doc: Contract["doc"], schema: JsonSchema): JsonSchema {
  let node = schema;
  for (let i = 0; typeof node.$ref === "string" && i < 20; i++) {
    node = doc.components.schemas[node.$ref.split("/").pop()!] as JsonSchema;
  }
  return node;
}

export function sample(doc: Contract["doc"], input: JsonSchema, depth = 0): unknown {
  const s = resolveSchema(doc, input);
  if (s.example !== undefined) return s.example;
  if (s.default !== undefined) return s.default;
  if (Array.isArray(s.enum)) return s.enum[0];
  const branches = (s.anyOf ?? s.oneOf) as JsonSchema[] | undefined;
  if (branches?.[0]) return sample(doc, branches[0], depth + 1);
  if (Array.isArray(s.allOf)) {
    return Object.assign({}, ...(s.allOf as JsonSchema[]).map((part) => sample(doc, part, depth + 1) as object));
  }
  const type = Array.isArray(s.type) ? (s.type as string[]).find((t) => t !== "null") : (s.type as string | undefined);
  if (type === "object" || s.properties) {
    const out: Record<string, unknown> = {};
    if (depth > 8) return out;
    const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
    for (const name of (s.required ?? []) as string[]) {
      if (properties[name]) out[name] = sample(doc, properties[name], depth + 1);
    }
    return out;
  }
  if (type === "array") return s.items && depth <= 8 ? [sample(doc, s.items as JsonSchema, depth + 1)] : [];
  if (type === "integer" || type === "number") return typeof s.minimum === "number" ? s.minimum : 1;
  if (type === "boolean") return true;
  if (type === "string") {
    if (typeof s.pattern === "string") return faker.JSONSchemaFaker.generate({ type: "string", pattern: s.pattern });
    if (typeof s.format === "string" && FORMATS[s.format]) return FORMATS[s.format];
    return "x".repeat(Math.max(1, Number(s.minLength ?? 1)));
  }
  return {};
}

export interface PlannedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** A request the contract accepts for an operation answered from the spec; `orgId` is the seeded organization's. */
export function plausibleRequest(contract: Contract, op: Operation, orgId: number): PlannedRequest {
  const doc = contract.sources[op.source]!.doc as Contract["doc"];
  const path = op.pathTemplate.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    if (name === "orgId") return String(orgId);
    const param = op.parameters.find((p) => p.in === "path" && p.name === name);
    return encodeURIComponent(String(param ? sample(doc, param.schema) : "1"));
  });
  const query = new URLSearchParams();
  for (const p of op.parameters.filter((q) => q.in === "query" && q.required)) {
    const value = sample(doc, p.schema);
    query.set(p.name, Array.isArray(value) ? value.join(",") : String(value));
  }
  const headers: Record<string, string> = {};
  for (const p of op.parameters.filter((q) => q.in === "header" && q.required)) headers[p.name.toLowerCase()] = String(sample(doc, p.schema));
  if (op.apiVersions) headers["cal-api-version"] = op.apiVersions[0]!;
  if (op.auth === "client-secret") headers["x-cal-secret-key"] = "a-client-secret";
  const search = query.toString();
  return {
    method: op.method,
    path: search ? `${path}?${search}` : path,
    headers,
    ...(op.body && { body: sample(doc, op.body.schema) }),
  };
}

/** Every property name a schema (with its anyOf/oneOf/allOf branches) declares for an object, or undefined if none. */
function declaredProperties(doc: Contract["doc"], input: JsonSchema, seen = new Set<JsonSchema>()): Map<string, JsonSchema[]> | undefined {
  const s = resolveSchema(doc, input);
  if (seen.has(s)) return undefined;
  seen.add(s);
  let found: Map<string, JsonSchema[]> | undefined;
  const add = (name: string, schema: JsonSchema) => {
    found ??= new Map();
    found.set(name, [...(found.get(name) ?? []), schema]);
  };
  for (const [name, schema] of Object.entries((s.properties ?? {}) as Record<string, JsonSchema>)) add(name, schema);
  for (const branch of [...((s.anyOf ?? []) as JsonSchema[]), ...((s.oneOf ?? []) as JsonSchema[]), ...((s.allOf ?? []) as JsonSchema[])]) {
    for (const [name, schemas] of declaredProperties(doc, branch, seen) ?? []) for (const schema of schemas) add(name, schema);
  }
  return found;
}

/**
 * The paths of properties in a value that its schema does not declare (a generator's invented keys). Objects
 * whose schema declares no properties (maps, free-form objects) may hold anything.
 */
export function inventedKeys(doc: Contract["doc"], schema: JsonSchema, value: unknown, at = ""): string[] {
  const s = resolveSchema(doc, schema);
  if (Array.isArray(value)) {
    const items = [s, ...((s.anyOf ?? s.oneOf ?? []) as JsonSchema[]).map((b) => resolveSchema(doc, b))].map((x) => x.items as JsonSchema | undefined).find(Boolean);
    return items ? value.flatMap((v, i) => inventedKeys(doc, items, v, `${at}/${i}`)) : [];
  }
  if (typeof value !== "object" || value === null) return [];
  const declared = declaredProperties(doc, s);
  if (!declared) return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    const candidates = declared.get(key);
    if (!candidates) return [`${at}/${key}`];
    const results = candidates.map((c) => inventedKeys(doc, c, inner, `${at}/${key}`));
    return results.reduce((best, r) => (r.length < best.length ? r : best));
  });
}
