import { DEFAULT_SPEC_PATH, loadSpec, parseOperations, type OpenApiDocument, type Operation } from "./spec.js";
import { compileRequestValidators, type RequestValidator } from "./validators.js";

export * from "./spec.js";
export { createResponseValidator, type RequestValidator, type RawQuery } from "./validators.js";

export interface Contract {
  doc: OpenApiDocument;
  operations: Operation[];
  validators: Map<string, RequestValidator>;
}

/** Loads the spec and compiles every request validator: done once per server, at start-up. */
export function loadContract(specPath = DEFAULT_SPEC_PATH): Contract {
  const doc = loadSpec(specPath);
  const operations = parseOperations(doc);
  return { doc, operations, validators: compileRequestValidators(doc, operations) };
}
