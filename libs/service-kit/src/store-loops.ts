import { GlobalLogReader, OutboxRelay, type CheckpointStore, type EventStore, type StoredEvent } from '@twinline/event-store';
import { metrics, type Logger } from '@twinline/observability';

export interface StoreLoops {
  /** Read the log now (after an append), rather than at the next poll. */
  wake(): void;
  /** The live projection loop alone, to pause it while a rebuilt read model is swapped in (see ProjectionRebuilder). */
  readonly projection: LiveProjectionLoop;
  stop(): Promise<void>;
}

/** A projection loop that can be paused (after its batch in hand, checkpoint saved) and resumed from its saved checkpoint. */
export interface LiveProjectionLoop {
  pause(): Promise<void>;
  resume(): void;
}

/**
 * The two readers of a service's event log: its read-model projection and the outbox relay that
 * publishes every committed event to JetStream. Both keep checkpoints and retry on failure.
 */
export function startProjectionAndOutbox(o: {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
  readonly projection: { readonly name: string; handle(events: readonly StoredEvent[]): Promise<void> };
  readonly publish: (events: readonly StoredEvent[]) => Promise<void>;
  readonly log: Logger;
}): StoreLoops {
  const onError = (what: string) => (error: unknown) => o.log.warn(`${what} failed, retrying`, { error });
  const projection = new GlobalLogReader({ store: o.store, checkpoints: o.checkpoints, name: o.projection.name, handle: (events) => o.projection.handle(events), onError: onError(`${o.projection.name} projection`) });
  const relay = new OutboxRelay({ store: o.store, checkpoints: o.checkpoints, name: 'outbox', publish: o.publish, onError: onError('outbox relay') });
  projection.start();
  relay.start();
  const removeLag = metrics.sampledGauge(
    { name: 'twinline_outbox_lag_events', help: 'Events committed but not yet published: the latest position in the events table minus the outbox checkpoint (read at most every 5 s).' },
    async () => {
      const [head, published] = await Promise.all([o.store.headPosition(), o.checkpoints.load('outbox')]);
      const lag = BigInt(head) - BigInt(published);
      return [{ value: Number(lag > 0n ? lag : 0n) }];
    },
  );
  let stopped = false;
  return {
    wake() {
      relay.wake();
      projection.wake();
    },
    projection: {
      pause: () => projection.stop(),
      // start() loads the checkpoint again: after a swap, the rebuilt projection's.
      resume: () => {
        if (!stopped) projection.start();
      },
    },
    async stop() {
      stopped = true;
      removeLag();
      await Promise.all([projection.stop(), relay.stop()]);
    },
  };
}
