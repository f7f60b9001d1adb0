/**
 * Pure computations whose results only a report reads: each is computed when first read, or earlier by
 * whoever has idle time (`settleOne`), so a run need not stop for them. A value never depends on when it
 * was computed.
 */
export class DeferredWork {
  private readonly unsettled: { settle(): void; settled(): boolean }[] = [];

  /** A getter for `compute()`'s value, computed once. */
  lazy<T>(compute: () => T): () => T {
    let done = false;
    let value: T | undefined;
    const get = (): T => {
      if (!done) {
        value = compute();
        done = true;
      }
      return value as T;
    };
    this.unsettled.push({ settle: get, settled: () => done });
    return get;
  }

  /** Computes the oldest value not read yet; false when every value is known. */
  settleOne(): boolean {
    while (this.unsettled.length > 0) {
      const next = this.unsettled.shift()!;
      if (!next.settled()) {
        next.settle();
        return true;
      }
    }
    return false;
  }
}
