import { repairFurther } from "./derive/index.js";
import type { JsonObject } from "./derive/walk.js";
import { DEFAULT_SPEC_PATH, loadSpec, parseOperations, type OpenApiDocument, type Operation } from "./spec.js";
import { compileRequestValidators, type RequestValidator } from "./validators.js";

export * from "./spec.js";
export { createResponseValidator, type RequestValidator, type RawQuery } from "./validators.js";

export interface Contract {
  /** spec/'s document. */
  doc: OpenApiDocument;
  /** spec/'s document, then each further document (--spec), in the order given, with the repairs it needed. */
  sources: Array<{ path: string; doc: OpenApiDocument; repairs: string[] }>;
  /** spec/'s operations, then the operations of further documents that spec/ lacks. */
  operations: Operation[];
  /** The request validator of an operation, compiled on first use (274 operations would cost start-up time). */
  validator(operation: Operation): RequestValidator;
}

/** Every `$ref` in a document that does not point at something in it: such a document cannot be served. */
function danglingRefs(doc: OpenApiDocument): string[] {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== "object" || node === null) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === "$ref" && typeof value === "string") {
        let target: unknown = value.startsWith("#/") ? doc : undefined;
        for (const part of value.slice(2).split("/")) target = (target as Record<string, unknown> | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
        if (target === undefined) found.add(value);
      } else visit(value);
    }
  };
  visit(doc);
  return [...found];
}

/**
 * Reads a further OpenAPI 3 document and applies the contract's repairs to it (a newer Cal.com document has the
 * same defects), or throws an error that names the file and the problem that keeps it from being served.
 */
function loadExtra(path: string): { doc: OpenApiDocument; repairs: string[] } {
  let doc: OpenApiDocument;
  try {
    doc = loadSpec(path);
  } catch (err) {
    throw new Error(`--spec ${path}: ${(err as Error).message}`);
  }
  if (typeof doc !== "object" || doc === null || typeof doc.openapi !== "string" || !doc.openapi.startsWith("3.")) {
    throw new Error(`--spec ${path}: not an OpenAPI 3 document (no "openapi": "3.x")`);
  }
  if (typeof doc.paths !== "object" || doc.paths === null) throw new Error(`--spec ${path}: has no paths`);
  const repairs = repairFurther(doc as unknown as JsonObject);
  // What the repairs cannot mend (a reference to a response or parameter that is not there) stops the start.
  const dangling = danglingRefs(doc);
  if (dangling.length) throw new Error(`--spec ${path}: references that point at nothing: ${dangling.slice(0, 5).join(", ")}`);
  doc.components.schemas ??= {};
  return { doc, repairs };
}

/**
 * Loads spec/ and any further documents. A further document adds only the operations spec/ lacks (by operationId
 * and by method and path): on a conflict the contract wins.
 */
export function loadContract(specPath = DEFAULT_SPEC_PATH, extraSpecs: readonly string[] = []): Contract {
  const doc = loadSpec(specPath);
  const sources: Contract["sources"] = [{ path: specPath, doc, repairs: [] }];
  const operations = parseOperations(doc, 0);
  for (const path of extraSpecs) {
    const { doc: extra, repairs } = loadExtra(path);
    const source = sources.push({ path, doc: extra, repairs }) - 1;
    let parsed: Operation[];
    try {
      parsed = parseOperations(extra, source);
    } catch (err) {
      throw new Error(`--spec ${path}: ${(err as Error).message}`);
    }
    const ids = new Set(operations.map((o) => o.operationId));
    const routes = new Set(operations.map((o) => `${o.method} ${o.pathTemplate.replace(/\{[^}]+\}/g, "{}")}`));
    for (const op of parsed) {
      if (ids.has(op.operationId) || routes.has(`${op.method} ${op.pathTemplate.replace(/\{[^}]+\}/g, "{}")}`)) continue;
      operations.push(op);
    }
  }
  // The project's own contract is derived and checked (spec:derive, the tests): its schemas need no meta-check.
  const perSource = sources.map((s, i) => compileRequestValidators(s.doc, !(i === 0 && s.path === DEFAULT_SPEC_PATH)));
  return { doc, sources, operations, validator: (op) => perSource[op.source]!(op) };
}
