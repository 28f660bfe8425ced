import type { PublishedEvent } from '@twinline/contracts';
import type { StoredEvent } from '@twinline/event-store';
import type { Messaging, OutgoingMessage } from '@twinline/messaging';

/** The wire form of a stored event (what consumers of twin.* and maintenance.* receive). */
export function toPublishedEvent(e: StoredEvent, assetId: string): PublishedEvent {
  return {
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    assetId,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    position: e.position,
    correlationId: e.metadata.correlationId,
    causationId: e.metadata.causationId,
    data: e.data as Record<string, unknown>,
    metadata: e.metadata,
  };
}

/**
 * Publisher for the outbox relay: each committed event goes to its subject with Nats-Msg-Id = eventId,
 * so a relay that crashed after publishing and before saving its checkpoint publishes nothing twice.
 * The stored trace context rides along in the headers.
 */
export function outboxPublisher(bus: Messaging, route: (e: StoredEvent) => { subject: string; assetId: string } | null) {
  return async (events: readonly StoredEvent[]): Promise<void> => {
    const messages: OutgoingMessage[] = [];
    for (const e of events) {
      const r = route(e);
      if (!r) continue;
      messages.push({
        subject: r.subject,
        payload: toPublishedEvent(e, r.assetId),
        msgId: e.eventId,
        ...(e.metadata.traceparent ? { headers: { traceparent: e.metadata.traceparent } } : {}),
      });
    }
    await bus.publishMany(messages);
  };
}
