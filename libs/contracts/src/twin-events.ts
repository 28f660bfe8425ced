import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema } from './reading';
import { failureSchema, maintenanceResetsSchema, workOrderTypeSchema } from './maintenance-events';

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
  /** When the platform received the reading (absent in events written before it was recorded). */
  receivedAt: isoTimeSchema.optional(),
  /** Set when an admin released the reading from quarantine (it bypassed the integrity rules). */
  release: z.object({ by: z.string().min(1), at: isoTimeSchema, note: z.string() }).optional(),
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

/** AlarmCleared as stored before schema version 2 (kept for fixtures and the upcaster: twin-event-versions.ts). */
export const alarmClearedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string(),
  cause: z.string(),
  clearedAt: isoTimeSchema,
  readingId: z.string(),
});

/**
 * Schema version 2: the time is `at`, as in every other twin event that one reading causes
 * (TwinStatusChanged, SensorFault*, SecurityViolationDetected); v1 called it `clearedAt`.
 */
export const alarmClearedV2 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string(),
  cause: z.string(),
  at: isoTimeSchema,
  readingId: z.string(),
});

/** A reading integrity rejected, as the twin records it: who sent it, when it arrived, which rules it broke. */
export const quarantinedReadingSchema = z.object({
  readingId: z.string(),
  deviceId: z.string().nullable(),
  receivedAt: isoTimeSchema,
  rules: z.array(z.string()).min(1),
});
export type QuarantinedReading = z.infer<typeof quarantinedReadingSchema>;

/** Readings of the asset that integrity quarantined (never applied), in arrival order. Segments end where a sensor fault opens. */
export const readingsQuarantinedV1 = z.object({
  assetId: assetIdSchema,
  readings: z.array(quarantinedReadingSchema).min(1),
});

/**
 * The twin went blind: `violations` readings in a row broke data rules (security rules and
 * `duplicate` aside) since the last applied reading. `at` is the receipt time of the reading that
 * reached the threshold (`readingId`); `rules` are the data rules the run broke.
 */
export const sensorFaultDetectedV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
  violations: z.number().int().positive(),
  rules: z.array(z.string()),
});

/** A reading was applied again after a sensor fault: `at` is its receipt time. */
export const sensorFaultClearedV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
});

/**
 * Readings broke security rules (unknown or disabled device, bad signature, cross-asset write,
 * replay): `count` readings of one quarantined message, from `deviceIds` (the distinct devices they
 * name, the first 20).
 * At most one per asset per cooldown; `at` is the receipt time, `readingId` the first such reading.
 */
export const securityViolationDetectedV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
  rules: z.array(z.string()).min(1),
  deviceIds: z.array(z.string()),
  count: z.number().int().positive(),
});

/** An operator acknowledged the active alarm (ISA-18.2: the alarm stays until the process clears it). */
export const alarmAcknowledgedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string().min(1),
  by: z.string().min(1),
  at: isoTimeSchema,
  note: z.string().optional(),
});

/**
 * Maintenance was completed on the asset (from the scheduler's MaintenanceCompleted): the twin
 * records the work order, the failure found, and what the repair resets.
 */
export const twinMaintenanceCompletedV1 = z.object({
  assetId: assetIdSchema,
  workOrderId: z.string().min(1),
  type: workOrderTypeSchema,
  cause: z.string(),
  completedAt: isoTimeSchema,
  failure: failureSchema.nullable(),
  resets: maintenanceResetsSchema,
});

export const twinEventSchemas = {
  ReadingsApplied: readingsAppliedV1,
  TwinStatusChanged: twinStatusChangedV1,
  AlarmRaised: alarmRaisedV1,
  AlarmCleared: alarmClearedV2,
  ReadingsQuarantined: readingsQuarantinedV1,
  SensorFaultDetected: sensorFaultDetectedV1,
  SensorFaultCleared: sensorFaultClearedV1,
  SecurityViolationDetected: securityViolationDetectedV1,
  AlarmAcknowledged: alarmAcknowledgedV1,
  MaintenanceCompleted: twinMaintenanceCompletedV1,
} as const;

export type ReadingsAppliedData = z.infer<typeof readingsAppliedV1>;
export type TwinStatusChangedData = z.infer<typeof twinStatusChangedV1>;
export type AlarmRaisedData = z.infer<typeof alarmRaisedV1>;
export type AlarmClearedData = z.infer<typeof alarmClearedV2>;
export type AlarmSeverity = AlarmRaisedData['severity'];
export type ReadingsQuarantinedData = z.infer<typeof readingsQuarantinedV1>;
export type SensorFaultDetectedData = z.infer<typeof sensorFaultDetectedV1>;
export type SensorFaultClearedData = z.infer<typeof sensorFaultClearedV1>;
export type SecurityViolationDetectedData = z.infer<typeof securityViolationDetectedV1>;
export type AlarmAcknowledgedData = z.infer<typeof alarmAcknowledgedV1>;
export type TwinMaintenanceCompletedData = z.infer<typeof twinMaintenanceCompletedV1>;

export type TwinEvent =
  | { readonly type: 'ReadingsApplied'; readonly data: ReadingsAppliedData }
  | { readonly type: 'TwinStatusChanged'; readonly data: TwinStatusChangedData }
  | { readonly type: 'AlarmRaised'; readonly data: AlarmRaisedData }
  | { readonly type: 'AlarmCleared'; readonly data: AlarmClearedData }
  | { readonly type: 'ReadingsQuarantined'; readonly data: ReadingsQuarantinedData }
  | { readonly type: 'SensorFaultDetected'; readonly data: SensorFaultDetectedData }
  | { readonly type: 'SensorFaultCleared'; readonly data: SensorFaultClearedData }
  | { readonly type: 'SecurityViolationDetected'; readonly data: SecurityViolationDetectedData }
  | { readonly type: 'AlarmAcknowledged'; readonly data: AlarmAcknowledgedData }
  | { readonly type: 'MaintenanceCompleted'; readonly data: TwinMaintenanceCompletedData };
export type TwinEventType = TwinEvent['type'];
