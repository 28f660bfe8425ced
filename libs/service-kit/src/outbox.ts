import type { PublishedEvent } from '@twinline/contracts';
import type { StoredEvent } from '@twinline/event-store';
import type { Messaging, OutgoingMessage } from '@twinline/messaging';
import { contextFromTraceparent, ROOT_CONTEXT, SpanKind, trace, tracer, type Span } from '@twinline/observability';

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
 * Each event's publish is a PRODUCER span continuing the trace stored in its metadata, and that
 * span's context travels in the message headers.
 */
export function outboxPublisher(service: string, bus: Messaging, route: (e: StoredEvent) => { subject: string; assetId: string } | null) {
  return async (events: readonly StoredEvent[]): Promise<void> => {
    const messages: OutgoingMessage[] = [];
    const spans: Span[] = [];
    for (const e of events) {
      const r = route(e);
      if (!r) continue;
      const parent = contextFromTraceparent(e.metadata.traceparent, ROOT_CONTEXT);
      const span = tracer().startSpan(
        'outbox publish',
        { kind: SpanKind.PRODUCER, attributes: { 'twinline.service': service, 'twinline.asset_id': r.assetId, 'twinline.event_type': e.type, 'messaging.system': 'nats', 'messaging.destination.name': r.subject, 'messaging.message.id': e.eventId } },
        parent,
      );
      spans.push(span);
      messages.push({ subject: r.subject, payload: toPublishedEvent(e, r.assetId), msgId: e.eventId, context: trace.setSpan(parent, span) });
    }
    try {
      await bus.publishMany(messages);
    } finally {
      for (const span of spans) span.end();
    }
  };
}
