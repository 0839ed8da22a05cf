import type { Contract } from "../contract/index.js";
import { handlers } from "../routes/index.js";

/** One operation of the contract as GET /__admin/operations lists it. */
export interface OperationSummary {
  method: string;
  path: string;
  operationId: string;
  tag: string;
  /** "state": a handler of the mock answers from the store; "spec": answered from the contract alone. */
  answeredBy: "state" | "spec";
  /** Requests matched to the operation since the server started or the journal was last emptied. */
  requests: number;
}

/** How many requests each operation has had: one Map increment per matched /v2 request. */
export class OperationCounts {
  private readonly counts = new Map<string, number>();

  hit(operationId: string): void {
    this.counts.set(operationId, (this.counts.get(operationId) ?? 0) + 1);
  }

  get(operationId: string): number {
    return this.counts.get(operationId) ?? 0;
  }

  clear(): void {
    this.counts.clear();
  }
}

export function operationsSummary(contract: Contract, counts: OperationCounts): OperationSummary[] {
  return contract.operations.map((op) => {
    const declared = contract.doc.paths[op.pathTemplate]?.[op.method.toLowerCase()] as { tags?: string[] } | undefined;
    return {
      method: op.method,
      path: op.pathTemplate,
      operationId: op.operationId,
      tag: declared?.tags?.[0] ?? "",
      answeredBy: op.operationId in handlers ? "state" : "spec",
      requests: counts.get(op.operationId),
    };
  });
}
