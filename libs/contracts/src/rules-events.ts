import { z } from 'zod';
import { isoTimeSchema } from './reading';

/**
 * Rule versions and rule configuration as events (issue 4, re-derivation audit).
 *
 * Every event a service decides carries in its metadata the rules it was decided by (`rules`): the
 * version of the whole rule configuration and, for the twin, the threshold profile it used. When a
 * service starts with a configuration different from the last one it recorded, it appends a
 * `RulesConfigured` event to its configuration stream (`config-<service>`), so an audit can look up
 * the rules behind any version and knows from which point on they applied.
 */

/** The event type of a rule configuration. */
export const RULES_CONFIGURED = 'RulesConfigured';

/** The stream a service records its rule configurations in. */
export const CONFIG_STREAM_PREFIX = 'config-';
export const configStreamId = (service: string) => `${CONFIG_STREAM_PREFIX}${service}`;

/** What an event's metadata says about the rules it was decided by. */
export const rulesMetadataSchema = z.object({
  /** Short sha256 (16 hex) of the canonical JSON of the service's rule configuration. */
  version: z.string().min(1),
  /** Twin: the threshold profile the decision used, and its own short sha256. */
  profile: z.string().optional(),
  profileVersion: z.string().optional(),
});
export type RulesMetadata = z.infer<typeof rulesMetadataSchema>;

/** A metric limit as a recorded profile holds it. */
export const metricLimitSchema = z.object({ metric: z.string().min(1), max: z.number().optional(), min: z.number().optional() });

/**
 * A threshold profile, complete (after overrides were merged into the defaults). `limits` is a list:
 * the twin checks them, and lists the conditions of an alarm, in this order (a JSON object's key
 * order does not survive Postgres jsonb).
 */
export const thresholdProfileSchema = z.object({
  name: z.string().min(1),
  version: z.number().int().positive(),
  limits: z.array(metricLimitSchema),
  alarmLabel: z.string(),
  okLabel: z.string(),
  alarmSeverity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  cause: z.string(),
  /** ISO 10816-3 vibration zones the profile judges (issue 5); absent in rules recorded before. */
  vibration: z
    .object({
      machineGroup: z.union([z.literal(1), z.literal(2)]),
      foundation: z.enum(['rigid', 'flexible']),
      metric: z.literal('vibrationMmS'),
      api610LimitMmS: z.number().optional(),
    })
    .optional(),
  /** ISA-18.2 alarm policy (deadband, delays, re-alarm, stale, max shelve); absent = the default policy. */
  alarmPolicy: z
    .object({
      deadband: z.record(z.string(), z.number()),
      onDelaySeconds: z.number(),
      offDelaySeconds: z.number(),
      reAlarmAfterSeconds: z.number(),
      staleAfterSeconds: z.number(),
      maxShelveSeconds: z.number(),
    })
    .optional(),
  warningLabel: z.string().optional(),
  offlineLabel: z.string().optional(),
  /** Prediction settings (planning horizon, trend, RUL, anomaly); absent fields take the defaults. */
  prediction: z.record(z.string(), z.unknown()).optional(),
  /** A pipeline segment's design (Barlow inputs; its t_min is also in `limits` as wallThicknessMm.min). */
  pipeline: z.record(z.string(), z.unknown()).optional(),
});

export const quarantinePolicySchema = z.object({
  sensorFaultAfter: z.number().int().min(1),
  securityCooldownSeconds: z.number().min(0),
});

/** twin-state's rules: threshold profiles per asset class, the class of each asset, the quarantine policy. */
export const twinRulesSchema = z.object({
  profiles: z.record(z.string(), thresholdProfileSchema),
  assetClasses: z.record(z.string(), z.string()),
  policy: quarantinePolicySchema,
  /** Per-asset profile overrides (TWIN_ASSET_PROFILES) as configured, when there are any. */
  assetProfiles: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type TwinRulesData = z.infer<typeof twinRulesSchema>;

/** `RulesConfigured` in `config-twin-state`, v1. */
export const twinRulesConfiguredV1 = twinRulesSchema.extend({
  service: z.literal('twin-state'),
  version: z.string().min(1),
  /** Short sha256 of each profile (by asset class), as event metadata names them. */
  profileVersions: z.record(z.string(), z.string()),
  configuredAt: isoTimeSchema,
});
export type TwinRulesConfiguredData = z.infer<typeof twinRulesConfiguredV1>;

/**
 * maintenance-scheduler's decision rules (not configurable: fixed in code, recorded so a change of
 * the code is visible as a change of version): priority per alarm severity, one open work order
 * per asset and cause.
 */
export const maintenanceRulesSchema = z.object({
  name: z.string(),
  version: z.number().int().positive(),
  priorityBySeverity: z.record(z.string(), z.string()),
  attach: z.string(),
});
export type MaintenanceRulesData = z.infer<typeof maintenanceRulesSchema>;

/** `RulesConfigured` in `config-maintenance-scheduler`, v1. */
export const maintenanceRulesConfiguredV1 = z.object({
  service: z.literal('maintenance-scheduler'),
  version: z.string().min(1),
  rules: maintenanceRulesSchema,
  configuredAt: isoTimeSchema,
});
export type MaintenanceRulesConfiguredData = z.infer<typeof maintenanceRulesConfiguredV1>;

/**
 * The alarm a work-order event was decided from, as the scheduler consumed it (stored in the
 * event's metadata as `alarm`): what the audit re-runs the maintenance rules over.
 */
export const consumedAlarmSchema = z.object({
  alarmId: z.string(),
  cause: z.string(),
  severity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']),
  message: z.string(),
  raisedAt: isoTimeSchema,
});
export type ConsumedAlarm = z.infer<typeof consumedAlarmSchema>;
