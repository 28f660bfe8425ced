/**
 * Stores items in batches, one batch at a time, and settles each item's promise once its batch is
 * stored (or failed), in arrival order. Items that arrive while a batch is being stored form the
 * next batch, so batches grow with the load: one message per batch when idle, up to `maxBatch`
 * under a burst. After a failure every item still queued fails too (the caller reconnects and the
 * broker delivers them again, in order), and the pipeline starts afresh for new items.
 */
export class StoreThenAck<T> {
  private queue: Array<{ item: T; resolve: () => void; reject: (error: unknown) => void }> = [];
  private running = false;

  constructor(
    private readonly store: (items: T[]) => Promise<void>,
    private readonly maxBatch: number,
  ) {}

  /** Resolves when the item is stored; rejects if it could not be (it must then not be acknowledged). */
  add(item: T): Promise<void> {
    const stored = new Promise<void>((resolve, reject) => this.queue.push({ item, resolve, reject }));
    void this.drain();
    return stored;
  }

  /** Items waiting for their batch to be stored. */
  get pending(): number {
    return this.queue.length;
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          await this.store(batch.map((b) => b.item));
        } catch (error) {
          const failed = [...batch, ...this.queue.splice(0)];
          for (const b of failed) b.reject(error);
          continue;
        }
        for (const b of batch) b.resolve();
      }
    } finally {
      this.running = false;
    }
  }
}
