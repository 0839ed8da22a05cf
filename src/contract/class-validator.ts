import type { ErrorObject } from "ajv";
import type { Diagnostic } from "./diagnostic.js";
import { MESSAGES_KEYWORD } from "./json-schema.js";
import type { JsonSchema } from "./spec.js";

/**
 * Cal.com validates requests with class-validator decorators on its DTOs; the mock validates the same fields with
 * JSON Schema. This module names, for each JSON Schema failure, the class-validator constraint the DTO field
 * would have failed and class-validator's default message for it, so a refusal carries the `ValidationError`
 * objects Cal.com sends. The messages are class-validator's defaults (its `$property` filled in).
 */

type Constraint = NonNullable<Diagnostic["constraint"]>;

const TYPE_CONSTRAINTS: Record<string, (p: string) => Constraint> = {
  string: (p) => ({ name: "isString", message: `${p} must be a string` }),
  integer: (p) => ({ name: "isInt", message: `${p} must be an integer number` }),
  number: (p) => ({ name: "isNumber", message: `${p} must be a number conforming to the specified constraints` }),
  boolean: (p) => ({ name: "isBoolean", message: `${p} must be a boolean value` }),
  array: (p) => ({ name: "isArray", message: `${p} must be an array` }),
  object: (p) => ({ name: "nestedValidation", message: `nested property ${p} must be either object or array` }),
};

const FORMAT_CONSTRAINTS: Record<string, (p: string) => Constraint> = {
  uuid: (p) => ({ name: "isUuid", message: `${p} must be a UUID` }),
  "date-time": (p) => ({ name: "isDateString", message: `${p} must be a valid ISO 8601 date string` }),
  email: (p) => ({ name: "isEmail", message: `${p} must be an email` }),
  uri: (p) => ({ name: "isUrl", message: `${p} must be a URL address` }),
  // The contract's own formats (formats.ts): @IsTimeZone() and @IsISO8601({strict: true}).
  "time-zone": (p) => ({ name: "isTimeZone", message: `${p} must be a valid IANA time-zone` }),
  "iso-8601": (p) => ({ name: "isIso8601", message: `${p} must be a valid ISO 8601 date string` }),
};

/** The type a schema asks for, ignoring `null` alternatives. */
function schemaType(schema: JsonSchema | undefined): string | undefined {
  const type = schema?.type;
  if (typeof type === "string") return type === "null" ? undefined : type;
  if (Array.isArray(type)) return type.find((t) => t !== "null") as string | undefined;
  return undefined;
}

const enumConstraint = (p: string, values: readonly unknown[]): Constraint => ({
  name: "isEnum",
  message: `${p} must be one of the following values: ${values.filter((v) => v !== null).join(", ")}`,
});

/** The constraint a JSON Schema keyword's failure stands for, on property `p`. */
export function constraintOf(e: Pick<ErrorObject, "keyword" | "params" | "message">, p: string): Constraint {
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "type": {
      const wanted = String(params.type).split(",").find((t) => t !== "null") ?? "";
      return TYPE_CONSTRAINTS[wanted]?.(p) ?? { name: "isDefined", message: `${p} should not be null or undefined` };
    }
    case "enum":
      return enumConstraint(p, params.allowedValues as unknown[]);
    case "const":
      return { name: "equals", message: `${p} must be equal to ${String(params.allowedValue)}` };
    case "minimum":
    case "exclusiveMinimum":
      return { name: "min", message: `${p} must not be less than ${String(params.limit)}` };
    case "maximum":
    case "exclusiveMaximum":
      return { name: "max", message: `${p} must not be greater than ${String(params.limit)}` };
    case "minLength":
      return params.limit === 1
        ? { name: "isNotEmpty", message: `${p} should not be empty` }
        : { name: "minLength", message: `${p} must be longer than or equal to ${String(params.limit)} characters` };
    case "maxLength":
      return { name: "maxLength", message: `${p} must be shorter than or equal to ${String(params.limit)} characters` };
    case "minItems":
      return { name: "arrayMinSize", message: `${p} must contain at least ${String(params.limit)} elements` };
    case "maxItems":
      return { name: "arrayMaxSize", message: `${p} must contain no more than ${String(params.limit)} elements` };
    case "uniqueItems":
      return { name: "arrayUnique", message: `All ${p}'s elements must be unique` };
    case "pattern":
      return { name: "matches", message: `${p} must match /${String(params.pattern)}/ regular expression` };
    case "format":
      return FORMAT_CONSTRAINTS[String(params.format)]?.(p) ?? { name: "isValid", message: `${p} must be a valid ${String(params.format)}` };
    case "additionalProperties":
      return { name: "whitelistValidation", message: `property ${String(params.additionalProperty)} should not exist` };
    default:
      return { name: e.keyword, message: `${p} ${e.message ?? "is invalid"}` };
  }
}

/**
 * What a missing required field fails: every type and value decorator of the field fails on `undefined`
 * (`name` of `@IsString() @IsNotEmpty()` fails both); a field the schema says nothing more of, `isDefined`.
 */
export function missingConstraints(p: string, schema: JsonSchema | undefined): Constraint[] {
  const out: Constraint[] = [];
  const type = schemaType(schema);
  if (Array.isArray(schema?.enum)) out.push(enumConstraint(p, schema.enum));
  else if (type && type !== "object") out.push(TYPE_CONSTRAINTS[type]!(p));
  if ((type === "string" && typeof schema?.minLength === "number" && schema.minLength >= 1) || Array.isArray(schema?.enum)) {
    out.push({ name: "isNotEmpty", message: `${p} should not be empty` });
  }
  if (out.length === 0) out.push({ name: "isDefined", message: `${p} should not be null or undefined` });
  return out;
}

/** The readable text the mock has always given, for the diagnostics header. */
function readable(e: ErrorObject): string {
  if (e.keyword === "enum") {
    return `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  return e.message ?? "is invalid";
}

/** How many of ajv's errors are turned into diagnostics. */
const MAX_DIAGNOSED = 5000;

const isIndex = (segment: string) => /^\d+$/.test(segment);
const isComposite = (v: unknown) => typeof v === "object" && v !== null;

/**
 * Turns ajv's errors (compiled with `verbose`, so each carries its data and schema) into diagnostics carrying
 * class-validator's constraint. `resolve` follows a `$ref` to its schema, for the fields of a missing property.
 */
export function diagnose(
  location: Diagnostic["location"],
  errors: readonly ErrorObject[] | null | undefined,
  resolve: (schema: JsonSchema | undefined) => JsonSchema | undefined,
): Diagnostic[] {
  const out: Diagnostic[] = [];
  const all = errors ?? [];
  // A 1 MB body can fail hundreds of thousands of times; an answer lists far fewer (see src/errors.ts).
  const listed = all.length > MAX_DIAGNOSED ? all.slice(0, MAX_DIAGNOSED) : all;
  for (const e of listed) {
    const segments = e.instancePath ? e.instancePath.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")) : [];
    if (e.keyword === "required") {
      const missing = (e.params as { missingProperty: string }).missingProperty;
      const parent = resolve(e.parentSchema as JsonSchema | undefined);
      const schema = resolve((parent?.properties as Record<string, JsonSchema> | undefined)?.[missing]);
      const field = [...segments, missing].join("/");
      for (const constraint of missingConstraints(missing, schema)) out.push({ location, field, message: "is required", constraint });
      continue;
    }
    if (["anyOf", "oneOf", "allOf", "if", "not"].includes(e.keyword)) continue;
    if (e.keyword === "additionalProperties") {
      // class-validator's whitelist reports the unknown property itself, not the object holding it.
      const unknown = String((e.params as { additionalProperty: string }).additionalProperty);
      out.push({ location, field: [...segments, unknown].join("/"), message: "is not a property of this body", value: (e.data as Record<string, unknown>)?.[unknown], constraint: constraintOf(e, unknown) });
      continue;
    }
    // A failing item of a list of plain values: class-validator's `{each: true}` reports it on the list.
    const last = segments.at(-1);
    const each = last !== undefined && isIndex(last) && segments.length >= 2 && !isComposite(e.data);
    const property = each ? segments.at(-2)! : (last ?? "");
    const constraint = constraintOf(e, property);
    // A DTO's own message replaces class-validator's default as it is, without the "each value in" prefix.
    const own = (e.parentSchema as Record<string, Record<string, string> | undefined> | undefined)?.[MESSAGES_KEYWORD]?.[e.keyword];
    if (own !== undefined) constraint.message = own;
    else if (each) constraint.message = `each value in ${constraint.message}`;
    out.push({
      location,
      field: (each ? segments.slice(0, -1) : segments).join("/"),
      message: readable(e),
      value: e.data,
      constraint,
      ...(each && { each: true }),
    });
  }
  if (all.length > listed.length) out.push({ location, field: "", message: `${all.length - listed.length} more problems not examined` });
  return out;
}
