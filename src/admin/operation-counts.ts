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
