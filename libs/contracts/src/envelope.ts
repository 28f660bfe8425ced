import { z } from 'zod';
import { isoTimeSchema } from './reading';
import { consumedAlarmSchema, rulesMetadataSchema } from './rules-events';

/** Metadata stored with every event: who and what caused it, and the trace it belongs to. */
export const eventMetadataSchema = z.object({
  correlationId: z.string(),
  causationId: z.string().nullable(),
  actor: z.string(),
  traceparent: z.string().optional(),
  tracestate: z.string().optional(),
  /** The rules the event was decided by (see rules-events.ts); absent in events written before they were recorded. */
  rules: rulesMetadataSchema.optional(),
  /** The time of the command the event was decided on when its data does not hold it (twin: a quarantined message's receipt time). */
  commandAt: isoTimeSchema.optional(),
  /** Work-order events: the AlarmRaised the scheduler decided them from. */
  alarm: consumedAlarmSchema.optional(),
  /** Work-order events: the command they were decided from (a planner's transition, an alarm, a prediction): the re-derivation audit decides it again. */
  command: z.object({ type: z.string().min(1), data: z.record(z.string(), z.unknown()) }).optional(),
});
export type EventMetadata = z.infer<typeof eventMetadataSchema>;

/**
 * A stored domain event as the outbox publishes it on JetStream (twin.*, maintenance.*).
 * `data` is validated against the schema of `type` by the consumer that needs it.
 */
export const publishedEventV1 = z.object({
  eventId: z.string(),
  type: z.string(),
  schemaVersion: z.number().int().positive(),
  occurredAt: isoTimeSchema,
  recordedAt: isoTimeSchema,
  assetId: z.string(),
  streamId: z.string(),
  streamVersion: z.number().int().positive(),
  position: z.string(),
  correlationId: z.string(),
  causationId: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  metadata: eventMetadataSchema,
});
export type PublishedEvent = z.infer<typeof publishedEventV1>;
