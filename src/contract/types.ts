import type { components, operations } from "./spec-types.gen.js";

/** Types derived from spec/ (regenerate with `npm run gen:types`), so handlers and the contract cannot drift. */
export type Schemas = components["schemas"];
export type OperationId = keyof operations;

type Part<O extends OperationId, K extends "path" | "query"> = operations[O]["parameters"] extends { [P in K]?: infer T }
  ? NonNullable<T>
  : never;

export type PathParams<O extends OperationId> = Part<O, "path">;
/** Query parameters after validation, with the spec's defaults filled in. */
export type QueryParams<O extends OperationId> = Part<O, "query">;
export type RequestBody<O extends OperationId> = operations[O] extends {
  requestBody: { content: { "application/json": infer B } };
}
  ? B
  : Record<string, never>;

type SuccessBody<O extends OperationId> = operations[O]["responses"] extends infer R
  ? R extends { 200: { content: { "application/json": infer B } } }
    ? B
    : R extends { 201: { content: { "application/json": infer B } } }
      ? B
      : never
  : never;

/** The `data` a successful answer of the operation carries. */
export type ResponseData<O extends OperationId> = SuccessBody<O> extends { data: infer D } ? D : never;
