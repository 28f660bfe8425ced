import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema } from './reading';

export const TWIN_STATUSES = ['OPERATIONAL', 'WARNING', 'ALARM', 'SENSOR_FAULT', 'OFFLINE'] as const;
export const twinStatusSchema = z.enum(TWIN_STATUSES);
export type TwinStatus = z.infer<typeof twinStatusSchema>;

/** A threshold a metric value crossed. */
export const conditionSchema = z.object({
  metric: z.string(),
  value: z.number(),
  limit: z.number(),
  comparator: z.enum(['>', '<']),
});
export type Condition = z.infer<typeof conditionSchema>;

export const appliedReadingSchema = z.object({
  readingId: z.string(),
  deviceId: z.string(),
  seq: z.number(),
  ts: isoTimeSchema,
  metrics: z.record(z.string(), z.number()),
});
export type AppliedReading = z.infer<typeof appliedReadingSchema>;

/** Readings applied to the twin, in source-time order. Emitted in segments at status changes. */
export const readingsAppliedV1 = z.object({
  assetId: assetIdSchema,
  readings: z.array(appliedReadingSchema).min(1),
});

export const twinStatusChangedV1 = z.object({
  assetId: assetIdSchema,
  from: twinStatusSchema,
  to: twinStatusSchema,
  label: z.string(),
  at: isoTimeSchema,
  readingId: z.string(),
  conditions: z.array(conditionSchema),
  profile: z.string(),
});

export const alarmRaisedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string(),
  cause: z.string(),
  severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  message: z.string(),
  raisedAt: isoTimeSchema,
  readingId: z.string(),
  conditions: z.array(conditionSchema).min(1),
  profile: z.string(),
});

export const alarmClearedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string(),
  cause: z.string(),
  clearedAt: isoTimeSchema,
  readingId: z.string(),
});

export const twinEventSchemas = {
  ReadingsApplied: readingsAppliedV1,
  TwinStatusChanged: twinStatusChangedV1,
  AlarmRaised: alarmRaisedV1,
  AlarmCleared: alarmClearedV1,
} as const;

export type ReadingsAppliedData = z.infer<typeof readingsAppliedV1>;
export type TwinStatusChangedData = z.infer<typeof twinStatusChangedV1>;
export type AlarmRaisedData = z.infer<typeof alarmRaisedV1>;
export type AlarmClearedData = z.infer<typeof alarmClearedV1>;
export type AlarmSeverity = AlarmRaisedData['severity'];

export type TwinEvent =
  | { readonly type: 'ReadingsApplied'; readonly data: ReadingsAppliedData }
  | { readonly type: 'TwinStatusChanged'; readonly data: TwinStatusChangedData }
  | { readonly type: 'AlarmRaised'; readonly data: AlarmRaisedData }
  | { readonly type: 'AlarmCleared'; readonly data: AlarmClearedData };
export type TwinEventType = TwinEvent['type'];
