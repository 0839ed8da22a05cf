import { isObject, operations, type Json, type JsonObject } from "./walk.js";

/**
 * What moved between the contract in spec/ and a new derivation: operations added and removed, and for every
 * stateful operation the changes Cal.com made to its published parameters, request body and success responses.
 *
 * The stateful operations' part of the contract is the project's own (derive/overlays/), so comparing contracts
 * would show nothing for them. Instead each one keeps, under `x-calcom-published`, its published form flattened
 * to one line per parameter or schema node (`response 200 data.name: string|null, required`); the next
 * derivation flattens the newer document the same way and compares the lines.
 */

/** The extension on a stateful operation that holds its published form, one line per node. */
export const PUBLISHED_FORM = "x-calcom-published";
/** The extension on the contract's `info` that names the published document it was derived from. */
export const PUBLISHED_SOURCE = "x-calcom-published";

/** Schema keywords that say what a value may be; prose and examples are left out, they are not interface. */
const FACETS = ["format", "pattern", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "minItems", "maxItems", "uniqueItems"] as const;
/** Nesting deeper than this is summarised: the published schemas nest a booking's event type's hosts' … */
const MAX_DEPTH = 12;

function refTarget(doc: JsonObject, ref: string): Json | undefined {
  if (!ref.startsWith("#/")) return undefined;
  let node: Json | undefined = doc;
  for (const part of ref.slice(2).split("/")) node = isObject(node) ? node[part] : undefined;
  return node;
}

function describe(schema: JsonObject, required: boolean | undefined): string {
  const parts: string[] = [];
  let type = typeof schema.type === "string" ? schema.type : Array.isArray(schema.type) ? schema.type.join("|") : "";
  if (schema.nullable === true) type = `${type || "any"}|null`;
  if (type) parts.push(type);
  if (Array.isArray(schema.enum)) parts.push(`enum ${schema.enum.map((v) => JSON.stringify(v)).join("|")}`);
  for (const facet of FACETS) if (schema[facet] !== undefined) parts.push(`${facet} ${JSON.stringify(schema[facet])}`);
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  if (schema.additionalProperties === false) parts.push("closed");
  if (required) parts.push("required");
  return parts.join(", ");
}

/** Flattens a schema into `key: facets` lines, following `$ref`s (once per branch, so cycles end). */
function flatten(doc: JsonObject, schema: Json | undefined, key: string, lines: string[], seen: readonly string[], required?: boolean): void {
  if (!isObject(schema)) return;
  if (typeof schema.$ref === "string") {
    const name = schema.$ref.split("/").pop()!;
    const target = refTarget(doc, schema.$ref);
    if (target === undefined) return void lines.push(`${key}: ref ${name} (missing)${required ? ", required" : ""}`);
    if (seen.includes(name)) return void lines.push(`${key}: ref ${name} (recursive)${required ? ", required" : ""}`);
    // A `$ref` beside other keywords (nullable, OpenAPI 3.1 style) keeps them.
    const { $ref: _ref, ...rest } = schema;
    return flatten(doc, { ...(target as JsonObject), ...rest }, key, lines, [...seen, name], required);
  }
  if (seen.length > MAX_DEPTH) return void lines.push(`${key}: (nested deeper than ${MAX_DEPTH})`);
  // NestJS wraps a nested class as `allOf: [{$ref}]`: the same node, not a branch.
  if (Array.isArray(schema.allOf) && schema.allOf.length === 1) {
    const { allOf, ...rest } = schema;
    return flatten(doc, { ...(allOf[0] as JsonObject), ...rest }, key, lines, seen, required);
  }
  lines.push(`${key}: ${describe(schema, required)}`.trimEnd());
  const requiredNames = new Set(Array.isArray(schema.required) ? schema.required.map(String) : []);
  if (isObject(schema.properties)) {
    for (const [name, inner] of Object.entries(schema.properties)) flatten(doc, inner, `${key}.${name}`, lines, seen, requiredNames.has(name));
  }
  if (isObject(schema.additionalProperties)) flatten(doc, schema.additionalProperties, `${key}{}`, lines, seen);
  if (schema.items !== undefined) flatten(doc, schema.items, `${key}[]`, lines, seen);
  for (const list of ["oneOf", "anyOf", "allOf"] as const) {
    const branches = schema[list];
    if (!Array.isArray(branches)) continue;
    branches.forEach((branch, i) => {
      const label = isObject(branch) && typeof branch.$ref === "string" ? branch.$ref.split("/").pop()! : String(i);
      flatten(doc, branch, `${key}<${list} ${label}>`, lines, seen);
    });
  }
}

function resolved(doc: JsonObject, node: Json | undefined): JsonObject | undefined {
  let current = node;
  for (let hops = 0; hops < 8 && isObject(current) && typeof current.$ref === "string"; hops++) current = refTarget(doc, current.$ref);
  return isObject(current) ? current : undefined;
}

/**
 * The published form of one operation of a published document: its parameters, its request body and its success
 * responses, one line per node, sorted.
 */
export function publishedForm(doc: JsonObject, op: JsonObject): string[] {
  const lines: string[] = [];
  for (const p of (op.parameters ?? []) as Json[]) {
    const param = resolved(doc, p);
    if (!param) continue;
    const how = [param.style, param.explode === undefined ? undefined : `explode ${String(param.explode)}`].filter(Boolean).join(", ");
    const key = `${String(param.in)} ${String(param.name)}${how ? ` (${how})` : ""}`;
    flatten(doc, param.schema, key, lines, [], param.required === true);
  }
  const body = resolved(doc, op.requestBody);
  for (const [type, media] of Object.entries((body?.content ?? {}) as JsonObject)) {
    flatten(doc, isObject(media) ? media.schema : undefined, type === "application/json" ? "body" : `body ${type}`, lines, [], body?.required === true);
  }
  for (const [status, response] of Object.entries((op.responses ?? {}) as JsonObject)) {
    if (!status.startsWith("2")) continue;
    const content = (resolved(doc, response)?.content ?? {}) as JsonObject;
    if (Object.keys(content).length === 0) lines.push(`response ${status}: no body`);
    for (const [type, media] of Object.entries(content)) {
      flatten(doc, isObject(media) ? media.schema : undefined, `response ${status}${type === "application/json" ? "" : ` ${type}`}`, lines, []);
    }
  }
  return [...new Set(lines)].sort();
}

/** `key: facets` into [key, facets]. Keys hold no ": " (names and refs never do). */
function split(line: string): [string, string] {
  const at = line.indexOf(": ");
  return at < 0 ? [line.replace(/:$/, ""), ""] : [line.slice(0, at), line.slice(at + 2)];
}

/** True when `key` lies under `parent` (a property, item or branch of it). */
const under = (key: string, parent: string) => key.length > parent.length && key.startsWith(parent) && /^[.[{<]/.test(key.slice(parent.length));

/**
 * The changes between two published forms, one line each: a node added or removed (its nested nodes counted,
 * not listed), or a node whose facets changed.
 */
export function formChanges(before: readonly string[], after: readonly string[]): string[] {
  const was = new Map(before.map(split));
  const now = new Map(after.map(split));
  const added = [...now.keys()].filter((k) => !was.has(k));
  const removed = [...was.keys()].filter((k) => !now.has(k));
  const out: string[] = [];
  const summarise = (keys: string[], verb: string, facets: Map<string, string>) => {
    for (const key of keys) {
      if (keys.some((other) => under(key, other))) continue;
      const nested = keys.filter((other) => under(other, key)).length;
      const what = facets.get(key);
      out.push(`${key}: ${verb}${what ? ` (${what})` : ""}${nested ? `, with ${nested} nested node${nested === 1 ? "" : "s"}` : ""}`);
    }
  };
  summarise(added, "added", now);
  summarise(removed, "removed", was);
  for (const [key, facets] of now) {
    const old = was.get(key);
    if (old !== undefined && old !== facets) out.push(`${key}: ${enumChange(old, facets) ?? `${old || "(any)"} → ${facets || "(any)"}`}`);
  }
  return out.sort();
}

const ENUM = /(^|, )enum ([^,]*)/;

/** A change of an enum alone, as the values it gains and loses: a locale list is long, its change is one value. */
function enumChange(before: string, after: string): string | undefined {
  const a = ENUM.exec(before);
  const b = ENUM.exec(after);
  if (!a || !b || before.replace(ENUM, "") !== after.replace(ENUM, "")) return undefined;
  const was = a[2]!.split("|");
  const now = b[2]!.split("|");
  const gained = now.filter((v) => !was.includes(v));
  const lost = was.filter((v) => !now.includes(v));
  return [gained.length ? `enum gains ${gained.join(", ")}` : "", lost.length ? `enum loses ${lost.join(", ")}` : ""].filter(Boolean).join("; ") || undefined;
}

export interface DriftInput {
  /** The contract being replaced (spec/ as it was). */
  previous: JsonObject;
  /** The contract just derived. */
  next: JsonObject;
}

const label = (method: string, path: string, id: Json | undefined) => `${method.toUpperCase()} ${path} (${String(id)})`;

/** The drift section of the derivation report, in Markdown. */
export function driftSection({ previous, next }: DriftInput): string {
  const before = new Map(operations(previous).map((o) => [String(o.op.operationId), o]));
  const after = new Map(operations(next).map((o) => [String(o.op.operationId), o]));
  const added = [...after.values()].filter((o) => !before.has(String(o.op.operationId)));
  const removed = [...before.values()].filter((o) => !after.has(String(o.op.operationId)));
  const source = (doc: JsonObject) => {
    const s = (doc.info as JsonObject | undefined)?.[PUBLISHED_SOURCE];
    return isObject(s) ? `\`${String(s.document)}\` (sha256 ${String(s.sha256).slice(0, 12)}…)` : "an unrecorded document";
  };
  const changed: string[] = [];
  const unknown: string[] = [];
  for (const [id, o] of after) {
    const now = o.op[PUBLISHED_FORM];
    if (!Array.isArray(now)) continue;
    const was = before.get(id)?.op[PUBLISHED_FORM];
    if (!Array.isArray(was)) {
      if (before.has(id)) unknown.push(`- ${label(o.method, o.path, id)}`);
      continue;
    }
    const changes = formChanges(was.map(String), now.map(String));
    if (changes.length) changed.push(`#### ${label(o.method, o.path, id)}\n\n${changes.map((c) => `- ${c}`).join("\n")}\n`);
  }
  const list = (ops: typeof added) => ops.map((o) => `- ${label(o.method, o.path, o.op.operationId)}`).join("\n");
  return [
    "## Drift against the previous contract",
    "",
    `What moved since the contract this one replaced: that one was derived from ${source(previous)} with ${before.size} operations,`,
    `this one from ${source(next)} with ${after.size}. The stateful operations' changes are those of Cal.com's published`,
    "form (parameters, request body, success responses; prose and examples left out): the handlers to re-read.",
    "",
    `### Operations added (${added.length})`,
    "",
    ...(added.length ? [list(added), ""] : []),
    `### Operations removed (${removed.length})`,
    "",
    ...(removed.length ? [list(removed), ""] : []),
    `### Stateful operations whose published form changed (${changed.length})`,
    "",
    ...changed,
    ...(unknown.length ? ["Not compared (the previous contract kept no published form of them):", "", ...unknown, ""] : []),
  ].join("\n");
}
