// The public types use Node's (the http Server, streams): this directive, kept in dist/index.d.ts, loads
// @types/node for a project whose tsconfig lists no "types", as TypeScript 6 and 7 default to.
/// <reference types="node" preserve="true" />
export { createMockServer, DEFAULT_SCENARIO, DEFAULT_SEED, type MockServer, type MockServerOptions } from "./server.js";
export { loadContract, createResponseValidator, DEFAULT_SPEC_PATH, type Contract } from "./contract/index.js";
export type { State, StateMeta } from "./store/schema.js";
export type { Schemas, OperationId } from "./contract/types.js";
export type { OperationSummary } from "./admin/operation-counts.js";
export type { Stub, StubDefinition, StubRequest, StubResponse } from "./admin/stub-types.js";
