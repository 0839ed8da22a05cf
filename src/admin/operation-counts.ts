/**
 * One operation as GET /__admin/operations and `mock.operations()` list it. Kept apart from the Express router so
 * the package's public types need no @types/express.
 */
export interface OperationSummary {
  method: string;
  path: string;
  operationId: string;
  tag: string;
  answeredBy: "state" | "spec";
  requests: number;
}

/** How many requests each operation has had since start (or since DELETE /__admin/requests), by operationId. */
export class OperationCounts {
  private readonly counts = new Map<string, number>();

  add(operationId: string): void {
    this.counts.set(operationId, (this.counts.get(operationId) ?? 0) + 1);
  }

  get(operationId: string): number {
    return this.counts.get(operationId) ?? 0;
  }

  clear(): void {
    this.counts.clear();
  }
}
