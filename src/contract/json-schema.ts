import type { JsonSchema } from "./spec.js";

/**
 * A schema's messages by JSON Schema keyword (`{"maxItems": "emails array cannot contain more than 20 ..."}`): the
 * texts a Cal.com DTO gives its decorators instead of class-validator's defaults. ajv knows it as an annotation.
 */
export const MESSAGES_KEYWORD = "x-calcom-messages";

/** The id under which the spec's component schemas are registered with ajv, so `$ref`s resolve there. */
export const COMPONENTS_ID = "calcom-mock-spec";

// OpenAPI 3.0 annotations that are not JSON Schema keywords; ajv in strict mode refuses unknown keywords.
const ANNOTATIONS = new Set(["example", "examples", "xml", "externalDocs", "discriminator", "deprecated"]);

/**
 * Turns an OpenAPI 3.0 schema object into plain JSON Schema (draft-07) for ajv: `nullable` becomes a null
 * alternative, annotations are dropped, and local `$ref`s point into the registered components.
 */
export function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (typeof schema !== "object" || schema === null) return schema;
  const out: JsonSchema = {};
  let nullable = false;
  for (const [key, value] of Object.entries(schema)) {
    // `x-calcom-messages` stays: it carries a Cal.com DTO's own messages to the diagnostics (class-validator.ts).
    if (ANNOTATIONS.has(key) || (key.startsWith("x-") && key !== MESSAGES_KEYWORD)) continue;
    if (key === "nullable") {
      nullable = value === true;
      continue;
    }
    if (key === "$ref" && typeof value === "string" && value.startsWith("#/components/schemas/")) {
      out.$ref = `${COMPONENTS_ID}#/definitions/${value.slice("#/components/schemas/".length)}`;
      continue;
    }
    // Under `properties` the keys are property names, not keywords: keep them all.
    if (key === "properties" && typeof value === "object" && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSchema(v)]));
      continue;
    }
    out[key] = toJsonSchema(value);
  }
  if (!nullable) return out;
  if (typeof out.type === "string" && !out.$ref && !out.allOf && !out.anyOf && !out.oneOf) {
    const type = out.type;
    const { enum: values, ...rest } = out;
    return { ...rest, type: [type, "null"], ...(Array.isArray(values) ? { enum: [...values, null] } : {}) };
  }
  return { anyOf: [out, { type: "null" }] };
}
