import type { StoredEvent } from './event-store';
import { GlobalLogReader, type GlobalLogReaderOptions } from './global-log-reader';

export interface OutboxRelayOptions extends Omit<GlobalLogReaderOptions, 'handle'> {
  /**
   * Publishes a batch in order (to JetStream, with `Nats-Msg-Id = eventId` so that a batch published
   * again after a crash is deduplicated). Resolve only when every event was accepted; throw
   * otherwise, and the same batch is published again after a backoff.
   */
  readonly publish: (events: readonly StoredEvent[]) => Promise<void>;
}

/**
 * The outbox publisher: tails the global log from the checkpoint `name` and publishes it batch by
 * batch, saving the checkpoint after each published batch. It never moves past an unpublished event.
 */
export class OutboxRelay extends GlobalLogReader {
  constructor({ publish, ...options }: OutboxRelayOptions) {
    super({ ...options, handle: publish });
  }
}
