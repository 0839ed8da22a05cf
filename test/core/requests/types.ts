import type { State } from "../../../src/store/schema.js";
import type { scenarioFacts } from "../../support/harness.js";

export type Facts = ReturnType<typeof scenarioFacts>;

export interface OperationRequest {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  body?: unknown;
  /** The caller, when not the org admin (the plain team routes need the team's owner); null: no credentials. */
  key?: string | null;
  /** Headers the operation needs, such as the `cal-api-version` the scheduling operations require. */
  headers?: Record<string, string>;
  /** The success status, when it is not the method's default (201 for POST, 200 otherwise). */
  status?: number;
}

export type ErrorRequest = OperationRequest & { status: number };

/**
 * The requests of one area of stateful operations: one that succeeds and one that fails (with its 4xx) for each
 * operation, made from a freshly reset default scenario. Every stateful operation has both (test/core/contract).
 */
export interface AreaRequests {
  success: Record<string, OperationRequest>;
  errors: Record<string, ErrorRequest>;
}

export type AreaRequestsOf = (state: State, facts: Facts) => AreaRequests;
