import { z } from 'zod';
import { assetIdSchema } from './ids';
import { isoTimeSchema } from './reading';
import { failurePredictedV1, failureSchema, maintenanceResetsSchema, rulEstimatedV1, workOrderTypeSchema } from './maintenance-events';

export const TWIN_STATUSES = ['OPERATIONAL', 'WARNING', 'ALARM', 'SENSOR_FAULT', 'OFFLINE'] as const;
export const twinStatusSchema = z.enum(TWIN_STATUSES);
export type TwinStatus = z.infer<typeof twinStatusSchema>;

/** A threshold a metric value crossed. */
export const conditionSchema = z.object({
  metric: z.string(),
  value: z.number(),
  limit: z.number(),
  /** '>=' for zone boundaries reached (ISO 10816 vibration zones, stale data), added in the alarm lifecycle. */
  comparator: z.enum(['>', '<', '>=']),
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
  /** True when the cause was shelved when the alarm was raised: recorded, but not to be announced. */
  shelved: z.boolean().optional(),
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

const alarmSeveritySchema = z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);

/** The alarm of a cause changed severity without a new alarm (e.g. vibration from ISO 10816 zone C to D). */
export const alarmSeverityChangedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string().min(1),
  cause: z.string(),
  from: alarmSeveritySchema,
  to: alarmSeveritySchema,
  at: isoTimeSchema,
  readingId: z.string(),
  conditions: z.array(conditionSchema).min(1),
});

/**
 * The process condition of one alarm cause as the twin tracks it (deadband and on/off delays):
 * `active` is the delayed condition the status and the alarm follow; `pending` a change waiting for
 * its delay (since the source time `since`, started by reading `readingId`).
 */
export const alarmConditionStateSchema = z.object({
  active: z.boolean(),
  severity: alarmSeveritySchema,
  since: isoTimeSchema,
  readingId: z.string(),
  conditions: z.array(conditionSchema),
  profile: z.string(),
  pending: z.object({ active: z.boolean(), since: isoTimeSchema, readingId: z.string() }).nullable(),
});

/**
 * The tracked condition of a cause changed where no alarm event says so (a delay started or was
 * cancelled, or the cause is out of service): `condition` is its new state, null = normal.
 */
export const alarmConditionChangedV1 = z.object({
  assetId: assetIdSchema,
  cause: z.string(),
  at: isoTimeSchema,
  readingId: z.string(),
  condition: alarmConditionStateSchema.nullable(),
});

/** An operator shelved the alarm of a cause until `until` (ISA-18.2): new episodes of the cause stay quiet until then. */
export const alarmShelvedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string().min(1),
  cause: z.string(),
  by: z.string().min(1),
  at: isoTimeSchema,
  until: isoTimeSchema,
  reason: z.string().min(1),
});

/** A shelve ended: lifted by an operator (`by`), or expired at `until` (found by the alarm timer at `at`). */
export const alarmUnshelvedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string().min(1),
  cause: z.string(),
  at: isoTimeSchema,
  reason: z.enum(['OPERATOR', 'EXPIRED']),
  by: z.string().min(1).optional(),
});

/** An alarm cause was taken out of service (maintenance, a broken sensor): no alarm is raised for it until it returns. */
export const alarmRemovedFromServiceV1 = z.object({
  assetId: assetIdSchema,
  cause: z.string().min(1),
  /** The alarm of the cause that was open and is dropped with it (null: none). */
  alarmId: z.string().nullable(),
  by: z.string().min(1),
  at: isoTimeSchema,
  reason: z.string().min(1),
});

/** An alarm cause returned to service. */
export const alarmReturnedToServiceV1 = z.object({
  assetId: assetIdSchema,
  cause: z.string().min(1),
  by: z.string().min(1),
  at: isoTimeSchema,
});

/**
 * An active alarm was announced again: it stayed unacknowledged for the re-alarm time
 * (`UNACKNOWLEDGED`), or its shelve ended while it is active and unacknowledged (`UNSHELVED`).
 * `count` counts the re-announcements of this alarm.
 */
export const alarmReannouncedV1 = z.object({
  assetId: assetIdSchema,
  alarmId: z.string().min(1),
  cause: z.string(),
  at: isoTimeSchema,
  count: z.number().int().positive(),
  reason: z.enum(['UNACKNOWLEDGED', 'UNSHELVED']),
  /** The alarm's severity and message now (for routing, as in AlarmRaised). */
  severity: alarmSeveritySchema,
  message: z.string(),
});

// --- Prediction in the twin (trend → FailurePredicted, RUL, anomaly); docs/prediction.md ---

/**
 * The twin predicts that `metric` will cross its alarm limit at `predictedFailureAt`, inside the
 * planning horizon, while the metric is still within it. The shape of maintenance-events'
 * failurePredictedV1 (what the scheduler reads) plus where the prediction came from. `cause` is the
 * alarm cause of that limit, so the predictive work order it opens is the one the alarm attaches to
 * if the limit is crossed. `predictionId` derives from the reading (a retried command gives the same id).
 */
export const twinFailurePredictedV1 = failurePredictedV1.extend({
  readingId: z.string(),
  metric: z.string(),
  limit: z.number(),
  comparator: z.enum(['>', '<']),
  /** The metric's latest value when predicted. */
  value: z.number(),
  /** The trend's slope (units of the metric per hour) and the points it was fitted to. */
  slopePerHour: z.number(),
  points: z.number().int().positive(),
  horizonHours: z.number().positive(),
});

/** The trend behind a prediction no longer approaches the limit: the prediction episode of the cause ends. */
export const failurePredictionWithdrawnV1 = z.object({
  assetId: assetIdSchema,
  predictionId: z.string().min(1),
  cause: z.string().min(1),
  at: isoTimeSchema,
  readingId: z.string(),
  reason: z.string(),
});

/**
 * A remaining-useful-life estimate (maintenance-events' rulEstimatedV1, what the scheduler reads)
 * with its interval: `lowerHours`/`upperHours` bound the time to the limit (from the slope's
 * confidence interval for `method: 'trend'`). Emitted only when it changes materially.
 */
export const twinRulEstimatedV1 = rulEstimatedV1.extend({
  readingId: z.string(),
  /** 'trend': a metric's trend to its limit; 'health-index': the anomaly detector's health index to its failure score; 'model': a learnt RUL model. */
  method: z.enum(['trend', 'model', 'health-index']),
  /** The metric whose limit is nearest (method 'trend'). */
  metric: z.string().optional(),
  lowerHours: z.number().min(0).optional(),
  upperHours: z.number().min(0).optional(),
  /** Health index in [0, 1] when the method gives one (1 = as new / like the training period; method 'health-index'). */
  healthIndex: z.number().optional(),
});

/**
 * The anomaly detector (trained on the asset's normal readings) scored a reading above its threshold:
 * an anomalous episode starts. `metrics` are the channels that contribute most to the score.
 */
export const anomalyDetectedV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
  score: z.number(),
  threshold: z.number(),
  metrics: z.array(z.string()).min(1),
});

/** The anomalous episode ended: scores back below the threshold (`NORMAL`), or the detector retrains after a repair (`RETRAINING`). */
export const anomalyClearedV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
  score: z.number().nullable(),
  reason: z.enum(['NORMAL', 'RETRAINING']),
});

/** A trend window's options (libs/domain/twin prediction/trend): bucket seconds (0 = one point per reading), max points, max age. */
const trendWindowOptionsSchema = z.object({
  bucketSeconds: z.number().min(0),
  maxPoints: z.number().int().min(1),
  maxAgeSeconds: z.number().positive(),
});

/**
 * How the twin's prediction fold learns from here on (H10): the trend window of every metric
 * (`trendWindows`: metrics with their own) and the anomaly detector's training period and options
 * (all options, resolved). Emitted before the reading `readingId` when the asset's profile configures
 * prediction differently from what the stream recorded last (a stream without one folds with the
 * defaults: 30-min buckets, 48 points, 24 h; 100 readings over ≥ 24 h, the detector's defaults).
 */
export const predictionConfiguredV1 = z.object({
  assetId: assetIdSchema,
  at: isoTimeSchema,
  readingId: z.string(),
  trendWindow: trendWindowOptionsSchema,
  trendWindows: z.record(z.string(), trendWindowOptionsSchema).optional(),
  anomaly: z.object({
    trainingReadings: z.number().int().min(1),
    trainingHours: z.number().min(0),
    options: z.record(z.string(), z.number()),
  }),
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
  AlarmSeverityChanged: alarmSeverityChangedV1,
  AlarmConditionChanged: alarmConditionChangedV1,
  AlarmShelved: alarmShelvedV1,
  AlarmUnshelved: alarmUnshelvedV1,
  AlarmRemovedFromService: alarmRemovedFromServiceV1,
  AlarmReturnedToService: alarmReturnedToServiceV1,
  AlarmReannounced: alarmReannouncedV1,
  FailurePredicted: twinFailurePredictedV1,
  FailurePredictionWithdrawn: failurePredictionWithdrawnV1,
  RulEstimated: twinRulEstimatedV1,
  AnomalyDetected: anomalyDetectedV1,
  AnomalyCleared: anomalyClearedV1,
  PredictionConfigured: predictionConfiguredV1,
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
export type AlarmSeverityChangedData = z.infer<typeof alarmSeverityChangedV1>;
export type AlarmConditionState = z.infer<typeof alarmConditionStateSchema>;
export type AlarmConditionChangedData = z.infer<typeof alarmConditionChangedV1>;
export type AlarmShelvedData = z.infer<typeof alarmShelvedV1>;
export type AlarmUnshelvedData = z.infer<typeof alarmUnshelvedV1>;
export type AlarmRemovedFromServiceData = z.infer<typeof alarmRemovedFromServiceV1>;
export type AlarmReturnedToServiceData = z.infer<typeof alarmReturnedToServiceV1>;
export type AlarmReannouncedData = z.infer<typeof alarmReannouncedV1>;
export type TwinFailurePredictedData = z.infer<typeof twinFailurePredictedV1>;
export type FailurePredictionWithdrawnData = z.infer<typeof failurePredictionWithdrawnV1>;
export type TwinRulEstimatedData = z.infer<typeof twinRulEstimatedV1>;
export type AnomalyDetectedData = z.infer<typeof anomalyDetectedV1>;
export type AnomalyClearedData = z.infer<typeof anomalyClearedV1>;
export type PredictionConfiguredData = z.infer<typeof predictionConfiguredV1>;

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
  | { readonly type: 'MaintenanceCompleted'; readonly data: TwinMaintenanceCompletedData }
  | { readonly type: 'AlarmSeverityChanged'; readonly data: AlarmSeverityChangedData }
  | { readonly type: 'AlarmConditionChanged'; readonly data: AlarmConditionChangedData }
  | { readonly type: 'AlarmShelved'; readonly data: AlarmShelvedData }
  | { readonly type: 'AlarmUnshelved'; readonly data: AlarmUnshelvedData }
  | { readonly type: 'AlarmRemovedFromService'; readonly data: AlarmRemovedFromServiceData }
  | { readonly type: 'AlarmReturnedToService'; readonly data: AlarmReturnedToServiceData }
  | { readonly type: 'AlarmReannounced'; readonly data: AlarmReannouncedData }
  | { readonly type: 'FailurePredicted'; readonly data: TwinFailurePredictedData }
  | { readonly type: 'FailurePredictionWithdrawn'; readonly data: FailurePredictionWithdrawnData }
  | { readonly type: 'RulEstimated'; readonly data: TwinRulEstimatedData }
  | { readonly type: 'AnomalyDetected'; readonly data: AnomalyDetectedData }
  | { readonly type: 'AnomalyCleared'; readonly data: AnomalyClearedData }
  | { readonly type: 'PredictionConfigured'; readonly data: PredictionConfiguredData };
export type TwinEventType = TwinEvent['type'];
