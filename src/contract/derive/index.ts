import { createHash } from "node:crypto";
import { driftSection, PUBLISHED_FORM, PUBLISHED_SOURCE, publishedForm } from "./drift.js";
import { ADDITIONS, EXAMPLE_CHECK, PROSE_STEP, REPAIRS, type Step } from "./repairs.js";
import { isObject, METHODS, operations, type Json, type JsonObject } from "./walk.js";

/**
 * A stateful part of the contract, written by the project: the operations (by operationId) and components it
 * gives replace the published ones, or add to them. See derive/overlays/.
 */
export interface Overlay {
  name: string;
  doc: JsonObject;
}

export interface Derivation {
  doc: JsonObject;
  report: string;
  /** The drift section, when this derivation replaced a contract derived from another document (new drift). */
  drift?: string;
}

/** The contract a derivation replaces, and its report: what the drift is measured against. */
export interface Previous {
  doc: JsonObject;
  report?: string;
}

const DRIFT_HEADING = "## Drift against the previous contract";

const OVERLAY_STEP_ID = "stateful-overlays";

/** A schema's type in a few characters, for the report: `integer`, `array<string>`, `ref Attribute`. */
function typeOf(schema: Json | undefined): string {
  if (!isObject(schema)) return "?";
  if (typeof schema.$ref === "string") return `ref ${schema.$ref.split("/").pop()}`;
  if (schema.type === "array") return `array<${typeOf(schema.items)}>`;
  return `${String(schema.type ?? "any")}${schema.nullable === true ? "|null" : ""}`;
}

/** What an overlay schema changes in the published one it replaces: properties added, dropped or retyped, closed. */
function schemaChanges(published: Json | undefined, ours: Json): string {
  if (!isObject(published) || !isObject(ours)) return "";
  const before = (isObject(published.properties) ? published.properties : {}) as JsonObject;
  const after = (isObject(ours.properties) ? ours.properties : {}) as JsonObject;
  const changes: string[] = [];
  const added = Object.keys(after).filter((k) => !(k in before));
  const dropped = Object.keys(before).filter((k) => !(k in after));
  if (added.length) changes.push(`adds ${added.join(", ")}`);
  if (dropped.length) changes.push(`drops ${dropped.join(", ")}`);
  for (const k of Object.keys(after)) {
    if (k in before && typeOf(before[k]) !== typeOf(after[k])) changes.push(`${k}: ${typeOf(before[k])} → ${typeOf(after[k])}`);
  }
  if (ours.additionalProperties === false && published.additionalProperties !== false) changes.push("closed");
  return changes.length ? `: ${changes.join("; ")}` : "";
}

/**
 * Puts an overlay's operations and components into the contract. Each operation it replaces keeps its published
 * form (read from the untouched published document, since an earlier overlay may have replaced components it
 * refers to), for the drift of the next refresh.
 */
function applyOverlay(doc: JsonObject, overlay: Overlay, pristine: JsonObject): string[] {
  const sites: string[] = [];
  const paths = doc.paths as JsonObject;
  const byId = new Map(operations(doc).map((o) => [o.op.operationId as string, o]));
  const publishedById = new Map(operations(pristine).map((o) => [o.op.operationId as string, o.op]));
  for (const [path, item] of Object.entries(overlay.doc.paths as JsonObject)) {
    for (const method of METHODS) {
      const op = (item as JsonObject)[method];
      if (!isObject(op)) continue;
      const published = byId.get(op.operationId as string);
      if (published) delete (paths[published.path] as JsonObject)[published.method];
      paths[path] ??= {};
      const ours = structuredClone(op);
      const publishedOp = publishedById.get(op.operationId as string);
      if (publishedOp) ours[PUBLISHED_FORM] = publishedForm(pristine, publishedOp);
      (paths[path] as JsonObject)[method] = ours;
      sites.push(`${published ? "replaced" : "added"} ${method.toUpperCase()} ${path} (${String(op.operationId)})`);
    }
  }
  const components = doc.components as JsonObject;
  for (const [section, entries] of Object.entries((overlay.doc.components ?? {}) as JsonObject)) {
    const target = (components[section] ??= {}) as JsonObject;
    for (const [name, value] of Object.entries(entries as JsonObject)) {
      const change = section === "schemas" ? schemaChanges(target[name], value) : "";
      sites.push(`${target[name] === undefined ? "added" : "replaced"} #/components/${section}/${name}${change}`);
      target[name] = structuredClone(value);
    }
  }
  return sites;
}

function countOperations(doc: JsonObject): number {
  return operations(doc).length;
}

/**
 * Derives the contract from Cal.com's published document: the overlays (the stateful operations as the mock
 * serves them), then every repair and addition, each applied from one place and listed in the report. Pure: the
 * same input gives the same bytes.
 */
export function derive(published: JsonObject, overlays: readonly Overlay[], inputName: string, inputText: string, previous?: Previous): Derivation {
  const sha = createHash("sha256").update(inputText).digest("hex");
  const doc: JsonObject = {
    openapi: "3.0.3",
    info: {
      title: "Cal.com API v2 (calcom-mock contract)",
      version: String((published.info as JsonObject | undefined)?.version ?? ""),
      [PUBLISHED_SOURCE]: { document: inputName, sha256: sha },
    },
    // Replaced by the running mock's own address when served at GET /__admin/openapi.json.
    servers: [{ url: "http://127.0.0.1:5555" }],
    tags: [],
    paths: structuredClone(published.paths ?? {}),
    components: structuredClone(published.components ?? {}),
  };
  const sections: string[] = [];
  const record = (step: Pick<Step, "id" | "kind" | "why">, sites: string[]) => {
    sections.push(`### ${step.id} (${step.kind}, ${sites.length})\n\n${step.why}\n\n${sites.map((s) => `- ${s}`).join("\n")}\n`);
  };
  const publishedCount = countOperations(doc);
  for (const overlay of overlays) {
    record(
      { id: `${OVERLAY_STEP_ID}: ${overlay.name}`, kind: "addition", why: String(overlay.doc["x-overlay"] ?? "") },
      applyOverlay(doc, overlay, published),
    );
  }
  for (const step of [...REPAIRS, ...ADDITIONS, EXAMPLE_CHECK, PROSE_STEP]) record(step, step.apply(doc));
  const { drift, fresh } = previous ? driftOver(previous, doc, sha) : { drift: undefined, fresh: false };
  const report = [
    "# How spec/calcom.openapi.json is derived",
    "",
    "Written by `npm run spec:derive` (derive/); do not edit. Every difference between Cal.com's published document and the",
    "contract is one step below, with each place it changed.",
    "",
    `- input: \`${inputName}\` (sha256 ${sha}), ${publishedCount} operations`,
    `- output: ${countOperations(doc)} operations, ${Object.keys((doc.components as JsonObject).schemas as JsonObject).length} schemas`,
    "",
    "## Steps, in the order they run",
    "",
    ...sections,
    ...(drift ? [drift] : []),
  ].join("\n");
  return { doc, report, ...(drift && fresh && { drift }) };
}

/**
 * The drift against the contract being replaced. Deriving again from the document that contract came from (the
 * usual run, and CI's --check) keeps the drift its own derivation reported, so the report stays what that refresh
 * said until the next one.
 */
function driftOver(previous: Previous, next: JsonObject, sha: string): { drift: string | undefined; fresh: boolean } {
  const source = (previous.doc.info as JsonObject | undefined)?.[PUBLISHED_SOURCE];
  // A contract written before contracts recorded their source (or by hand) says nothing to compare with.
  if (!isObject(source)) return { drift: undefined, fresh: false };
  if (source.sha256 === sha) {
    const at = previous.report?.indexOf(DRIFT_HEADING) ?? -1;
    return { drift: at < 0 ? undefined : previous.report!.slice(at).replace(/\n+$/, "\n"), fresh: false };
  }
  return { drift: driftSection({ previous: previous.doc, next }).replace(/\n+$/, "\n"), fresh: true };
}

/**
 * Applies the repairs (not the project's additions) to a further document given with --spec: a newer Cal.com
 * document has the same defects as the one the contract is derived from. Returns one line per repair that changed
 * something, for the console.
 */
export function repairFurther(doc: JsonObject): string[] {
  doc.components ??= {};
  return REPAIRS.flatMap((step) => {
    const sites = step.apply(doc);
    return sites.length ? [`${step.id}: ${sites.length} place${sites.length === 1 ? "" : "s"}`] : [];
  });
}
