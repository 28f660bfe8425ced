import type { CheckpointStore, EventStore, StoredEvent } from './event-store';

export type GlobalLogReaderStage = 'load-checkpoint' | 'read' | 'handle' | 'save-checkpoint';

export interface GlobalLogReaderErrorContext {
  readonly name: string;
  readonly stage: GlobalLogReaderStage;
  /** 1 for the first failure of this step; the step is retried after a capped backoff. */
  readonly attempt: number;
  /** The checkpoint the failing step started from. */
  readonly after: string;
}

export interface GlobalLogReaderOptions {
  /** Checkpoint name: one per reader (`twin-state__outbox`, `twin-status.projection`). */
  readonly name: string;
  readonly store: Pick<EventStore, 'readAll'>;
  readonly checkpoints: CheckpointStore;
  /** Handles one batch, in log order. Resolving means done: the checkpoint then moves past it. */
  readonly handle: (events: readonly StoredEvent[]) => Promise<void>;
  /** Events per batch. Default 500. */
  readonly batchSize?: number;
  /** Pause between polls when the log has no more events. Default 20 ms. */
  readonly idleMs?: number;
  /** Backoff after a failure: doubles from `retryInitialMs` (default 50) up to `retryMaxMs` (default 5000). */
  readonly retryInitialMs?: number;
  readonly retryMaxMs?: number;
  /** Told about every failure (which is then retried); default: a line on stderr. Must not throw. */
  readonly onError?: (error: unknown, context: GlobalLogReaderErrorContext) => void;
}

const STOPPED = Symbol('stopped');

/**
 * Tails the global log from a durable checkpoint and hands it to `handle` batch by batch: the loop
 * shared by the outbox relay and projections. At-least-once: the checkpoint moves only after a batch
 * was handled, so a crash between the two hands that batch over again (consumers deduplicate by
 * eventId). A failing step is retried with a capped backoff, never skipped; nothing escapes the loop.
 */
export class GlobalLogReader {
  private readonly batchSize: number;
  private readonly idleMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private running = false;
  private loop: Promise<void> | undefined;
  private checkpoint = '0';
  private readonly pause = new Pause();

  constructor(private readonly options: GlobalLogReaderOptions) {
    this.batchSize = positiveInteger(options.batchSize ?? 500, 'batchSize');
    this.idleMs = nonNegative(options.idleMs ?? 20, 'idleMs');
    this.retryInitialMs = nonNegative(options.retryInitialMs ?? 50, 'retryInitialMs');
    this.retryMaxMs = nonNegative(options.retryMaxMs ?? 5_000, 'retryMaxMs');
  }

  /** Starts tailing from the saved checkpoint. Calling it while running does nothing. */
  start(): void {
    if (this.running) return;
    if (this.loop) throw new Error(`${this.options.name}: still stopping; await stop() before start()`);
    this.running = true;
    this.loop = this.run().finally(() => (this.loop = undefined));
  }

  /** Stops after the batch in hand (handled and checkpointed) and resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.running = false;
    this.pause.interrupt();
    await this.loop;
  }

  /** The last checkpoint saved (or loaded at start): every event up to it has been handled. */
  position(): string {
    return this.checkpoint;
  }

  /** Polls right now instead of after the idle pause (e.g. after an append). */
  wake(): void {
    this.pause.wake();
  }

  private async run(): Promise<void> {
    const loaded = await this.attempt('load-checkpoint', () => this.options.checkpoints.load(this.options.name));
    if (loaded === STOPPED) return;
    this.checkpoint = loaded;
    while (this.running) {
      const batch = await this.attempt('read', () => this.options.store.readAll({ after: this.checkpoint, limit: this.batchSize }));
      if (batch === STOPPED || !this.running) return;
      const last = batch[batch.length - 1];
      if (last === undefined) {
        await this.pause.sleep(this.idleMs);
        continue;
      }
      if ((await this.attempt('handle', () => this.options.handle(batch))) === STOPPED) return;
      // The batch is handled: save its checkpoint even when a stop came in meanwhile.
      if ((await this.attempt('save-checkpoint', () => this.options.checkpoints.save(this.options.name, last.position))) === STOPPED) return;
      this.checkpoint = last.position;
      // A full batch means more is probably waiting: read again at once.
      if (batch.length < this.batchSize) await this.pause.sleep(this.idleMs);
    }
  }

  /** Runs `step` until it succeeds, backing off after each failure; gives up only when stopped. */
  private async attempt<T>(stage: GlobalLogReaderStage, step: () => Promise<T>): Promise<T | typeof STOPPED> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await step();
      } catch (error) {
        this.report(error, { name: this.options.name, stage, attempt, after: this.checkpoint });
        if (!this.running) return STOPPED;
        // Not cut short by wake(): a wake per append must not turn a failing publish into a hot loop.
        await this.pause.sleep(Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (attempt - 1)), { wakeable: false });
        if (!this.running) return STOPPED;
      }
    }
  }

  private report(error: unknown, context: GlobalLogReaderErrorContext): void {
    try {
      if (this.options.onError) this.options.onError(error, context);
      else process.stderr.write(`${context.name}: ${context.stage} failed (attempt ${context.attempt}, after ${context.after}), retrying: ${String(error)}\n`);
    } catch {
      // A broken error callback must not stop the loop.
    }
  }
}

/** A sleep that stop() always cuts short and wake() cuts short when allowed (or skips, if early). */
class Pause {
  private pending: { resolve: () => void; wakeable: boolean; timer: NodeJS.Timeout } | undefined;
  private woken = false;

  sleep(ms: number, { wakeable = true }: { wakeable?: boolean } = {}): Promise<void> {
    if (wakeable && this.woken) {
      this.woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.end(), ms);
      this.pending = { resolve, wakeable, timer };
    });
  }

  wake(): void {
    if (this.pending?.wakeable) this.end();
    else this.woken = true;
  }

  interrupt(): void {
    this.end();
  }

  private end(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (!pending) return;
    clearTimeout(pending.timer);
    if (pending.wakeable) this.woken = false;
    pending.resolve();
  }
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${value}`);
  return value;
}
