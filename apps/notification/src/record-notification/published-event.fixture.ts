import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { PublishedEvent } from '@twinline/contracts';
import type { Delivery } from '@twinline/messaging';
import { parsePublishedEvent } from './record-notification.handler';

/** A twin event as the outbox publishes it (for the notification specs). */
export function publishedEvent(eventId: string, type: string, assetId: string, data: Record<string, unknown>, streamId = `asset-${assetId}`): PublishedEvent {
  return {
    eventId,
    type,
    schemaVersion: 1,
    occurredAt: '2024-01-01T03:00:00.000Z',
    recordedAt: '2024-01-01T03:00:01.000Z',
    assetId,
    streamId,
    streamVersion: 3,
    position: '7',
    correlationId: 'C-1',
    causationId: 'V-1',
    data,
    metadata: { correlationId: 'C-1', causationId: 'V-1', actor: 'service:test' },
  };
}

let seq = 0;

/** The event as a consumer receives it: serialised and parsed again, with its own stream sequence. */
export function publishedDelivery(event: PublishedEvent): Delivery<PublishedEvent> {
  return { data: parsePublishedEvent(JSON.parse(JSON.stringify(event))), subject: `twin.${event.assetId}.${event.type}`, streamSeq: ++seq, deliveryCount: 1, headers: undefined, traceContext: ROOT_CONTEXT };
}
