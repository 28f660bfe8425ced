import type { JetStreamManager } from 'nats';
import { metrics } from '@twinline/observability';

export interface ConsumerMetrics {
  handled(count: number): void;
  deadLettered(): void;
  redelivered(): void;
  batch(size: number): void;
  /** Stops reading the consumer's lag (the consumer is stopped). */
  close(): void;
}

/**
 * Prometheus series of one durable consumer. The lag is JetStream's own count of what the durable
 * has still to handle (num_pending: not yet delivered, num_ack_pending: delivered, not yet acked),
 * read from the consumer info when scraped, at most every 5 s; it is absent while NATS does not answer.
 */
export function consumerMetrics(jsm: JetStreamManager, stream: string, durable: string): ConsumerMetrics {
  const messages = metrics.counter('twinline_consumer_messages_total', 'Messages a durable consumer finished with, by outcome (handled = acked after the handler succeeded, dead_lettered = sent to the dead-letter subject and terminated).', ['durable', 'outcome']);
  const redeliveries = metrics.counter('twinline_consumer_redeliveries_total', 'Messages delivered again by JetStream (delivery count > 1).', ['durable']);
  const batches = metrics.histogram('twinline_consumer_batch_size', 'Messages per batch handed to the handler.', metrics.SIZE_BUCKETS, ['durable']);
  // Start every series at 0, so that rate() and alerts see them before the first message.
  messages.inc({ durable, outcome: 'handled' }, 0);
  messages.inc({ durable, outcome: 'dead_lettered' }, 0);
  redeliveries.inc({ durable }, 0);
  const removeLag = metrics.sampledGauge(
    { name: 'twinline_consumer_lag', help: 'Messages a durable consumer has still to handle: JetStream num_pending + num_ack_pending (read at most every 5 s).', labelNames: ['durable'] },
    async () => {
      const info = await jsm.consumers.info(stream, durable);
      return [{ labels: { durable }, value: info.num_pending + info.num_ack_pending }];
    },
  );
  return {
    handled: (count) => messages.inc({ durable, outcome: 'handled' }, count),
    deadLettered: () => messages.inc({ durable, outcome: 'dead_lettered' }),
    redelivered: () => redeliveries.inc({ durable }),
    batch: (size) => batches.observe({ durable }, size),
    close: removeLag,
  };
}
