import { metrics } from '@twinline/observability';
import type { DeliveryStatus, DeliveryStore } from '../deliveries/delivery-store';

const DELIVERY_STATUSES: readonly DeliveryStatus[] = ['PENDING', 'SENDING', 'DELIVERED', 'DEAD', 'UNROUTED', 'SUPPRESSED'];
const OUTCOMES = ['delivered', 'retry', 'dead'] as const;

const attempts = metrics.counter('twinline_notification_attempts_total', 'Delivery attempts recorded, by what the retry policy decided: delivered, retry (will be sent again) or dead (gave up).', ['outcome']);
for (const outcome of OUTCOMES) attempts.inc({ outcome }, 0);

/** Counts a recorded delivery attempt. */
export function countAttempt(outcome: (typeof OUTCOMES)[number]): void {
  attempts.inc({ outcome });
}

/** twinline_notification_deliveries{status}: deliveries per status, counted in the delivery log when scraped (at most every 5 s). Returns its remover. */
export function deliveriesGauge(store: Pick<DeliveryStore, 'countByStatus'>): () => void {
  return metrics.sampledGauge({ name: 'twinline_notification_deliveries', help: 'Deliveries per status, from the delivery log (read at most every 5 s).', labelNames: ['status'] }, async () =>
    metrics.perStatus(await store.countByStatus(), DELIVERY_STATUSES),
  );
}
