import type { Contract, Operation } from "../../src/contract/index.js";
import { answeredBy } from "../../src/routes/index.js";
import type { State } from "../../src/store/schema.js";
import { successRequests } from "../core/operations.js";
import { scenarioFacts } from "./harness.js";
import { plausibleRequest, type PlannedRequest } from "./plausible.js";

/** A planned request, with the API key of the caller it needs when that is not the org admin. */
export type Plan = PlannedRequest & { key?: string | null };

/**
 * The request each operation should accept: from the seeded store for stateful ones (with the caller whose role
 * their guards ask for, such as the team owner), from the contract otherwise.
 */
export function planFor(contract: Contract, state: State, op: Operation): Plan {
  const facts = scenarioFacts(state);
  if (answeredBy(op.operationId) === "state") {
    const r = successRequests(state, facts)[op.operationId]!;
    return { method: r.method, path: r.path, headers: { ...r.headers }, ...(r.key !== undefined && { key: r.key }), ...(r.body !== undefined && { body: r.body }) };
  }
  return plausibleRequest(contract, op, facts.org.id);
}
