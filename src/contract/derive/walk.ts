/** Helpers to walk an OpenAPI document's schemas, shared by the repairs. */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** Keywords whose value is a map from names to schemas (so the map's keys are names, not keywords). */
const NAMED_SCHEMAS = new Set(["properties", "patternProperties", "definitions"]);
/** Keywords whose value is one schema. */
const ONE_SCHEMA = new Set(["items", "additionalProperties", "not", "propertyNames", "contains", "if", "then", "else"]);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);

/**
 * Visits a schema and every schema nested in it, depth first, parents before children. `where` is a JSON pointer
 * from the document root, used in the derivation report.
 */
export function walkSchema(schema: Json, where: string, visit: (schema: JsonObject, where: string) => void): void {
  if (!isObject(schema)) return;
  visit(schema, where);
  for (const [key, value] of Object.entries(schema)) {
    if (NAMED_SCHEMAS.has(key) && isObject(value)) {
      for (const [name, inner] of Object.entries(value)) walkSchema(inner, `${where}/${key}/${name}`, visit);
    } else if (ONE_SCHEMA.has(key)) {
      walkSchema(value, `${where}/${key}`, visit);
    } else if (SCHEMA_LISTS.has(key) && Array.isArray(value)) {
      value.forEach((inner, i) => walkSchema(inner, `${where}/${key}/${i}`, visit));
    }
  }
}

export const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

export interface OperationSite {
  path: string;
  method: string;
  op: JsonObject;
  /** `GET /v2/...`, for the report. */
  label: string;
}

/** Every operation of the document, in document order. */
export function operations(doc: JsonObject): OperationSite[] {
  const out: OperationSite[] = [];
  const paths = doc.paths as JsonObject;
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of METHODS) {
      const op = item[method];
      if (isObject(op)) out.push({ path, method, op, label: `${method.toUpperCase()} ${path}` });
    }
  }
  return out;
}

/**
 * Every schema root of the document with its pointer: component schemas, and the schemas of parameters, request
 * bodies and responses written inline in operations.
 */
export function schemaRoots(doc: JsonObject): Array<{ schema: JsonObject; where: string }> {
  const roots: Array<{ schema: JsonObject; where: string }> = [];
  const components = (doc.components ?? {}) as JsonObject;
  for (const [name, schema] of Object.entries((components.schemas ?? {}) as JsonObject)) {
    if (isObject(schema)) roots.push({ schema, where: `#/components/schemas/${name}` });
  }
  for (const [name, p] of Object.entries((components.parameters ?? {}) as JsonObject)) {
    if (isObject(p) && isObject(p.schema)) roots.push({ schema: p.schema, where: `#/components/parameters/${name}` });
  }
  for (const { op, label } of operations(doc)) {
    ((op.parameters ?? []) as Json[]).forEach((p) => {
      if (isObject(p) && isObject(p.schema)) roots.push({ schema: p.schema, where: `${label} parameter ${String(p.name)}` });
    });
    for (const [part, holder] of [["requestBody", op.requestBody], ...Object.entries((op.responses ?? {}) as JsonObject)] as Array<[string, Json]>) {
      if (!isObject(holder) || !isObject(holder.content)) continue;
      for (const [type, media] of Object.entries(holder.content)) {
        if (isObject(media) && isObject(media.schema)) roots.push({ schema: media.schema, where: `${label} ${part} ${type}` });
      }
    }
  }
  return roots;
}

/** Visits every schema in the document. */
export function walkDocument(doc: JsonObject, visit: (schema: JsonObject, where: string) => void): void {
  for (const { schema, where } of schemaRoots(doc)) walkSchema(schema, where, visit);
}

export function jsonType(value: Json): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** A parameter object, following a `$ref` into the document's components. */
export function resolveParameter(doc: JsonObject, p: Json): JsonObject {
  if (isObject(p) && typeof p.$ref === "string" && p.$ref.startsWith("#/components/parameters/")) {
    const target = ((doc.components as JsonObject).parameters as JsonObject | undefined)?.[p.$ref.split("/").pop()!];
    if (isObject(target)) return target;
  }
  return p as JsonObject;
}
