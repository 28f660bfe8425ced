import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema, trustedReadingSchema, type TrustedReading } from './reading';

/** Where a reading entered the platform. */
export const channelSchema = z.enum(['http', 'mqtt', 'csv', 'release']);
export type Channel = z.infer<typeof channelSchema>;

/**
 * One received reading as ingestion forwards it, before any trust decision. `payload` is the reading
 * as received (non-finite numbers encoded as strings), or for an unparseable MQTT payload
 * `{ unparsed: "<text>" }` with `parseError` set: integrity quarantines it, nothing is lost.
 */
export const rawItemSchema = z.object({
  readingId: z.string().min(1),
  receivedAt: isoTimeSchema,
  payload: z.unknown(),
  parseError: z.string().optional(),
});
export type RawItem = z.infer<typeof rawItemSchema>;

/** telemetry.raw.<assetId> — v1. Batches are first class: one message may carry many readings. */
export const rawTelemetryV1 = z.object({
  type: z.literal('TelemetryReceived'),
  schemaVersion: z.literal(1),
  eventId: z.string().min(1),
  occurredAt: isoTimeSchema,
  assetId: assetIdSchema,
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  channel: channelSchema,
  topic: z.string().optional(),
  actor: z.string().optional(),
  items: z.array(rawItemSchema).min(1),
});
export type RawTelemetry = z.infer<typeof rawTelemetryV1>;

/** telemetry.validated.<assetId> — v1: readings that passed every integrity rule. */
export const validatedTelemetryV1 = z.object({
  type: z.literal('TelemetryValidated'),
  schemaVersion: z.literal(1),
  eventId: z.string().min(1),
  occurredAt: isoTimeSchema,
  assetId: assetIdSchema,
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  readings: z.array(trustedReadingSchema).min(1),
});
export type ValidatedTelemetry = Omit<z.infer<typeof validatedTelemetryV1>, 'readings'> & { readings: TrustedReading[] };

/** A reason a reading was rejected: the rule, the field it concerns, a sentence, the value involved. */
export const violationSchema = z.object({
  rule: z.string().min(1),
  field: z.string(),
  message: z.string().min(1),
  value: z.unknown().optional(),
});
export type Violation = z.infer<typeof violationSchema>;

export const quarantinedItemSchema = z.object({
  readingId: z.string().min(1),
  receivedAt: isoTimeSchema,
  deviceId: z.string().nullable(),
  seq: z.number().nullable(),
  ts: z.string().nullable(),
  payload: z.unknown(),
  reasons: z.array(violationSchema).min(1),
});
export type QuarantinedItem = z.infer<typeof quarantinedItemSchema>;

/** telemetry.quarantined.<assetId> — v1: readings rejected by integrity, with reasons. */
export const quarantinedTelemetryV1 = z.object({
  type: z.literal('TelemetryQuarantined'),
  schemaVersion: z.literal(1),
  eventId: z.string().min(1),
  occurredAt: isoTimeSchema,
  assetId: assetIdSchema,
  correlationId: z.string().min(1),
  causationId: z.string().nullable(),
  items: z.array(quarantinedItemSchema).min(1),
});
export type QuarantinedTelemetry = z.infer<typeof quarantinedTelemetryV1>;
