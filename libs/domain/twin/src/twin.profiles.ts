import { z } from 'zod';
import { fieldErrors, METRIC_NAME_PATTERN, type AlarmSeverity, type Condition } from '@twinline/contracts';
import { TwinError } from './twin.errors';
import { API_610_POR_LIMIT_MM_S, type Foundation, type MachineGroup } from './alarms/iso10816';
import { mergePredictionSettings, predictionSettingsSchema, type PredictionSettingsOverride } from './twin.predict';
import { minimumWallThicknessMm, PipelineError } from './pipeline';

/** A limit on one metric: the twin alarms when a value is strictly above `max` or strictly below `min`. */
export interface MetricLimit {
  readonly max?: number;
  readonly min?: number;
}

/**
 * ISO 10816-3 vibration zones of an asset class (alarm cause VIBRATION_HIGH): zone C (value ≥ the
 * B/C boundary) → WARNING with a MEDIUM alarm, zone D (≥ the C/D boundary) → ALARM, HIGH; the
 * alarm's severity follows the zone. `api610LimitMmS` (pumps): a value strictly above it is at
 * least WARNING too, i.e. the warning starts at the lower of the two (see alarms/iso10816.ts).
 */
export interface VibrationProfile {
  readonly machineGroup: MachineGroup;
  readonly foundation: Foundation;
  readonly metric: 'vibrationMmS';
  readonly api610LimitMmS?: number;
}

/**
 * How the alarms of a class behave (ISA-18.2): a per-metric deadband (an active condition stays
 * until the value is back by the deadband), on/off delays (source seconds a condition must hold
 * before it raises / be normal before it clears; 0 = at once), re-announcement of an alarm left
 * unacknowledged (0 = never), the no-data (stale) alarm (0 = never) and the longest shelve.
 */
export interface AlarmPolicy {
  readonly deadband: Readonly<Record<string, number>>;
  readonly onDelaySeconds: number;
  readonly offDelaySeconds: number;
  readonly reAlarmAfterSeconds: number;
  readonly staleAfterSeconds: number;
  readonly maxShelveSeconds: number;
}

/** Thresholds of an asset class and what the twin says when they are crossed. */
export interface ThresholdProfile {
  readonly name: string;
  readonly version: number;
  readonly limits: Readonly<Record<string, MetricLimit>>;
  readonly alarmLabel: string;
  readonly okLabel: string;
  readonly alarmSeverity: AlarmSeverity;
  /** The cause of a limit alarm (THRESHOLD_EXCEEDED). */
  readonly cause: string;
  readonly vibration?: VibrationProfile;
  readonly alarmPolicy: AlarmPolicy;
  /** Label of the WARNING status (default DEFAULT_WARNING_LABEL). */
  readonly warningLabel?: string;
  /** Label of the OFFLINE status (default DEFAULT_OFFLINE_LABEL). */
  readonly offlineLabel?: string;
  /** How the twin predicts (twin.predict.ts, H6/H10): absent fields take DEFAULT_PREDICTION_SETTINGS. */
  readonly prediction?: PredictionSettingsOverride;
  /** A pipeline segment's design (H10): its Barlow t_min is the limit `wallThicknessMm: { min }` (pipelineLimitOf). */
  readonly pipeline?: PipelineDesignProfile;
}

// --- H10: pipeline segments (design → minimum wall thickness limit) ---

/** The metric an ultrasonic wall-thickness inspection reports (mm). */
export const WALL_THICKNESS_METRIC = 'wallThicknessMm';

/**
 * A pipeline segment's design (pipeline/ PipeDesign): design pressure (psi), outside diameter (mm),
 * grade (e.g. "API 5L X52") or SMYS (psi), design factor (0.72), joint factor (1), design
 * temperature (°C, B31.8 derating), corrosion allowance (mm, 0).
 */
export type PipelineDesignProfile = {
  readonly designPressurePsi: number;
  readonly outsideDiameterMm: number;
  readonly grade?: string;
  readonly smysPsi?: number;
  readonly designFactor?: number;
  readonly jointFactor?: number;
  readonly designTemperatureC?: number;
  readonly corrosionAllowanceMm?: number;
};

/** t_min (mm) of a profile's pipeline design by Barlow (pipeline/minimumWallThicknessMm), or null without one. */
export function pipelineMinimumWallMm(profile: Pick<ThresholdProfile, 'pipeline'>): number | null {
  return profile.pipeline ? minimumWallThicknessMm(profile.pipeline) : null;
}

/** The limits with the wall-thickness minimum of a design (replacing any `min` of that metric; a `max` stays). */
function withPipelineLimit(limits: Record<string, MetricLimit>, pipeline: PipelineDesignProfile | undefined, before: PipelineDesignProfile | undefined): Record<string, MetricLimit> {
  const own = Object.hasOwn(limits, WALL_THICKNESS_METRIC) ? limits[WALL_THICKNESS_METRIC] : undefined;
  if (pipeline === undefined) {
    // A design removed takes its derived minimum with it.
    if (before === undefined || own?.min !== minimumWallThicknessMm(before)) return limits;
    const { min: _min, ...rest } = own;
    const next = { ...limits };
    if (rest.max === undefined) delete next[WALL_THICKNESS_METRIC];
    else next[WALL_THICKNESS_METRIC] = rest;
    return next;
  }
  return { ...limits, [WALL_THICKNESS_METRIC]: { ...(own?.max !== undefined ? { max: own.max } : {}), min: minimumWallThicknessMm(pipeline) } };
}


export const DEFAULT_WARNING_LABEL = 'WARNING: Vibration High';
export const DEFAULT_OFFLINE_LABEL = 'OFFLINE: No Data';

/**
 * The default alarm policy: no deadband and no delays (the source study's hourly table comes out
 * row by row), re-announce after 1 h unacknowledged, no data for 2 h (two hourly readings missed)
 * raises NO_DATA, shelve for at most 8 h (one shift).
 */
export const DEFAULT_ALARM_POLICY: AlarmPolicy = Object.freeze({
  deadband: Object.freeze({}),
  onDelaySeconds: 0,
  offDelaySeconds: 0,
  reAlarmAfterSeconds: 3600,
  staleAfterSeconds: 7200,
  maxShelveSeconds: 8 * 3600,
});

/** The alarm policy of a profile (a profile built before policies existed gets the default). */
export function alarmPolicyOf(profile: ThresholdProfile): AlarmPolicy {
  const policy = (profile as { alarmPolicy?: AlarmPolicy }).alarmPolicy;
  return policy ?? DEFAULT_ALARM_POLICY;
}

export type ThresholdProfiles = Readonly<Record<string, ThresholdProfile>>;

/** The class whose profile applies to an asset of no known class. */
export const DEFAULT_PROFILE_CLASS = 'default';

/**
 * The source study's rule: temperature > 80 °C or pressure > 1500 psi means "Predictive Maintenance
 * Required". Exactly 80 °C or 1500 psi is still operational (strict comparison).
 */
function studyProfile(name: string): ThresholdProfile {
  return {
    name,
    version: 1,
    limits: { temperatureC: { max: 80 }, pressurePsi: { max: 1500 } },
    alarmLabel: 'ALARM: Predictive Maintenance Required',
    okLabel: 'Operational',
    alarmSeverity: 'HIGH',
    cause: 'THRESHOLD_EXCEEDED',
    alarmPolicy: DEFAULT_ALARM_POLICY,
  };
}

/**
 * Pump (version 2): the study rule plus ISO 10816-3 group 2 (15–300 kW, the usual process pump
 * with a separate driver) on a rigid foundation (baseplate grouted on concrete): WARNING from
 * 2.8 mm/s, ALARM from 4.5 mm/s; API 610's 3.0 mm/s limit in the preferred operating region is
 * set, but above 2.8 it adds nothing for this class (it matters for a flexible foundation override).
 * A small deadband (1 °C, 10 psi, 0.1 mm/s) stops chattering at a limit; the study's Table 1 is
 * unchanged by it (its values return far below every limit).
 */
function pumpProfile(): ThresholdProfile {
  return {
    ...studyProfile('pump'),
    version: 2,
    vibration: { machineGroup: 2, foundation: 'rigid', metric: 'vibrationMmS', api610LimitMmS: API_610_POR_LIMIT_MM_S },
    alarmPolicy: { ...DEFAULT_ALARM_POLICY, deadband: { temperatureC: 1, pressurePsi: 10, vibrationMmS: 0.1 } },
  };
}

/**
 * Compressor (version 2, configuration, not a standard): the study's limits (its sensors report
 * temperatureC and pressurePsi like the pumps', and the study applied the rule to every class) plus
 * ISO 10816-3 group 1 (process compressors are mostly large machines, > 300 kW) on a rigid
 * foundation: WARNING from 4.5 mm/s, ALARM from 7.1 mm/s; a 2 °C / 20 psi / 0.2 mm/s deadband.
 * A site with discharge-temperature sensors overrides `limits` (e.g. dischargeTemperatureC max 150,
 * API 618's usual ceiling) in TWIN_PROFILES.
 */
function compressorProfile(): ThresholdProfile {
  return {
    ...studyProfile('compressor'),
    version: 2,
    vibration: { machineGroup: 1, foundation: 'rigid', metric: 'vibrationMmS' },
    alarmPolicy: { ...DEFAULT_ALARM_POLICY, deadband: { temperatureC: 2, pressurePsi: 20, vibrationMmS: 0.2 } },
  };
}

/**
 * Pipeline segment: the study rule on its pressure and temperature, no vibration; wall-thickness
 * readings come from inspections months apart, so the stale alarm waits a day for the pressure
 * telemetry. H10: the wall-thickness trend has its own prediction settings (PIPELINE_WALL_PREDICTION:
 * every inspection its own point, up to 20 over 30 years, a 1-year horizon from 3 points); a
 * segment's `pipeline` design (per asset) adds the limit wallThicknessMm ≥ t_min (Barlow), which the
 * twin alarms on and predicts (FailurePredicted, RulEstimated).
 */
function pipelineProfile(): ThresholdProfile {
  return {
    ...studyProfile('pipeline-segment'),
    version: 3,
    alarmPolicy: { ...DEFAULT_ALARM_POLICY, staleAfterSeconds: 24 * 3600 },
    prediction: { metrics: { [WALL_THICKNESS_METRIC]: PIPELINE_WALL_PREDICTION } },
  };
}

/**
 * Prediction of the wall thickness (sparse inspections, days to months apart): each inspection is
 * a trend point (no buckets), at most 20 of them within 30 years; a trend from 3 inspections; the
 * planning horizon 1 year (8760 h); crossings predicted up to 30 × the span of the inspections (a
 * straight corrosion line, as API 570's remaining life assumes: 3 years of inspections reach 90 years).
 */
export const PIPELINE_WALL_PREDICTION = Object.freeze({
  trendWindow: Object.freeze({ bucketSeconds: 0, maxPoints: 20, maxAgeSeconds: 30 * 365.25 * 86_400 }),
  horizonHours: 8760,
  minPoints: 3,
  maxExtrapolation: 30,
});

export const DEFAULT_PROFILES: ThresholdProfiles = Object.freeze({
  pump: pumpProfile(),
  compressor: compressorProfile(),
  'pipeline-segment': pipelineProfile(),
  [DEFAULT_PROFILE_CLASS]: studyProfile(DEFAULT_PROFILE_CLASS),
});

const finite = (what: string) => z.number({ error: `${what} must be a number` }).refine(Number.isFinite, { message: `${what} must be a finite number` });

const limitSchema = z
  .strictObject(
    { max: finite('max').optional(), min: finite('min').optional() },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? `a limit has only "max" and "min", not ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'a limit must be an object { "max"?, "min"? } or null') },
  )
  .refine((l) => l.max !== undefined || l.min !== undefined, { message: 'a limit needs "max", "min" or both' })
  .refine((l) => l.max === undefined || l.min === undefined || l.min < l.max, { message: '"min" must be below "max"' });

const PROFILE_FIELDS = ['name', 'version', 'limits', 'alarmLabel', 'okLabel', 'alarmSeverity', 'cause', 'vibration', 'alarmPolicy', 'warningLabel', 'offlineLabel', 'prediction', 'pipeline'] as const;

const PIPELINE_FIELDS = ['designPressurePsi', 'outsideDiameterMm', 'grade', 'smysPsi', 'designFactor', 'jointFactor', 'designTemperatureC', 'corrosionAllowanceMm'] as const;
/** A pipeline design (override: every field optional, merged over the class's); checked by computing its t_min. */
export const pipelineDesignSchema = z
  .strictObject(
    {
      designPressurePsi: z.number({ error: 'designPressurePsi must be a number (psi)' }).optional(),
      outsideDiameterMm: z.number({ error: 'outsideDiameterMm must be a number (mm)' }).optional(),
      grade: z.string({ error: 'grade must be a pipe grade name, e.g. "API 5L X52"' }).optional(),
      smysPsi: z.number({ error: 'smysPsi must be a number (psi)' }).optional(),
      designFactor: z.number({ error: 'designFactor must be a number in (0, 1]' }).optional(),
      jointFactor: z.number({ error: 'jointFactor must be a number in (0, 1]' }).optional(),
      designTemperatureC: z.number({ error: 'designTemperatureC must be a number (°C)' }).optional(),
      corrosionAllowanceMm: z.number({ error: 'corrosionAllowanceMm must be a number (mm)' }).optional(),
    },
    {
      error: (issue) =>
        issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: pipeline may set ${PIPELINE_FIELDS.join(', ')}` : `pipeline must be an object with ${PIPELINE_FIELDS.join(', ')}`,
    },
  )
  .superRefine((design, ctx) => {
    let bad = false;
    for (const field of ['designFactor', 'jointFactor'] as const) {
      const v = design[field];
      if (v !== undefined && !(v > 0 && v <= 1)) {
        bad = true;
        ctx.addIssue({ code: 'custom', path: [field], message: `${field} must be in (0, 1], got ${v}` });
      }
    }
    // A complete design is checked here (TWIN_PROFILES and per-asset overrides alike); a partial one
    // when it is merged over its class's design (pipelineOf).
    const complete = design.designPressurePsi !== undefined && design.outsideDiameterMm !== undefined && (design.grade !== undefined || design.smysPsi !== undefined);
    if (!complete || bad) return;
    try {
      minimumWallThicknessMm(design as PipelineDesignProfile);
    } catch (error) {
      if (!(error instanceof PipelineError)) throw error;
      ctx.addIssue({ code: 'custom', path: [error.field], message: error.message });
    }
  });
type PipelineOverride = z.infer<typeof pipelineDesignSchema>;

/** The design of a merged profile, checked whole (t_min computable); a bad field throws TWIN.INVALID_PROFILES naming `<where>.pipeline.<field>`. */
function pipelineOf(base: PipelineDesignProfile | undefined, override: PipelineOverride | null | undefined, where: string): PipelineDesignProfile | undefined {
  if (override === null) return undefined;
  if (override === undefined) return base;
  const merged = Object.fromEntries(Object.entries({ ...base, ...override }).filter(([, v]) => v !== undefined)) as unknown as PipelineDesignProfile;
  try {
    minimumWallThicknessMm(merged);
  } catch (error) {
    if (!(error instanceof PipelineError)) throw error;
    const field = `${where}.pipeline.${error.field}`;
    throw new TwinError('TWIN.INVALID_PROFILES', `threshold profiles are invalid: ${field}: ${error.message}`, [{ field, message: error.message }]);
  }
  return merged;
}

const unknownFields = (what: string, fields: readonly string[]) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field ${(issue.keys ?? []).map((k) => `"${k}"`).join(', ')}: ${what} may set ${fields.join(', ')}` : `${what} must be an object with any of ${fields.join(', ')}`;

const VIBRATION_FIELDS = ['machineGroup', 'foundation', 'metric', 'api610LimitMmS'] as const;
const vibrationSchema = z.strictObject(
  {
    machineGroup: z.union([z.literal(1), z.literal(2)], { error: 'machineGroup must be 1 (> 300 kW) or 2 (15–300 kW)' }),
    foundation: z.enum(['rigid', 'flexible'], { error: 'foundation must be "rigid" or "flexible"' }),
    metric: z.literal('vibrationMmS', { error: 'metric must be "vibrationMmS" (velocity, mm/s RMS)' }).default('vibrationMmS'),
    api610LimitMmS: finite('api610LimitMmS').refine((v) => v > 0, { message: 'api610LimitMmS must be > 0 mm/s' }).optional(),
  },
  { error: unknownFields('vibration', VIBRATION_FIELDS) },
);

const POLICY_FIELDS = ['deadband', 'onDelaySeconds', 'offDelaySeconds', 'reAlarmAfterSeconds', 'staleAfterSeconds', 'maxShelveSeconds'] as const;
const seconds = (what: string) => finite(what).refine((v) => v >= 0, { message: `${what} must be >= 0 seconds` });
const alarmPolicySchema = z.strictObject(
  {
    deadband: z
      .record(z.string(), finite('a deadband').refine((v) => v >= 0, { message: 'a deadband must be >= 0' }).nullable(), { error: 'deadband must map metric names to a number >= 0 (or null to remove it)' })
      .superRefine((deadband, ctx) => {
        for (const metric of Object.keys(deadband)) {
          if (!METRIC_NAME_PATTERN.test(metric)) ctx.addIssue({ code: 'custom', path: [metric], message: `"${metric}" is not a metric name: use camelCase with a unit suffix, e.g. temperatureC` });
        }
      })
      .optional(),
    onDelaySeconds: seconds('onDelaySeconds').optional(),
    offDelaySeconds: seconds('offDelaySeconds').optional(),
    reAlarmAfterSeconds: seconds('reAlarmAfterSeconds').optional(),
    staleAfterSeconds: seconds('staleAfterSeconds').optional(),
    maxShelveSeconds: finite('maxShelveSeconds').refine((v) => v > 0, { message: 'maxShelveSeconds must be > 0 seconds' }).optional(),
  },
  { error: unknownFields('alarmPolicy', POLICY_FIELDS) },
);

const limitsSchema = z
  .record(z.string(), limitSchema.nullable(), { error: 'limits must be an object mapping metric names to { "max"?, "min"? } (or null to remove a limit)' })
  .superRefine((limits, ctx) => {
    for (const metric of Object.keys(limits)) {
      if (!METRIC_NAME_PATTERN.test(metric)) {
        ctx.addIssue({ code: 'custom', path: [metric], message: `"${metric}" is not a metric name: use camelCase with a unit suffix, e.g. temperatureC` });
      }
    }
  });

const profileOverrideSchema = z.strictObject(
  {
    name: z.string().min(1, 'name must not be empty').optional(),
    version: z.number({ error: 'version must be a number' }).int('version must be an integer').positive('version must be >= 1').optional(),
    limits: limitsSchema.optional(),
    alarmLabel: z.string().min(1, 'alarmLabel must not be empty').optional(),
    okLabel: z.string().min(1, 'okLabel must not be empty').optional(),
    alarmSeverity: z.enum(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], { error: 'alarmSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL' }).optional(),
    cause: z
      .string()
      .min(1, 'cause must not be empty')
      .refine((c) => c !== 'VIBRATION_HIGH' && c !== 'NO_DATA', { message: 'cause must not be VIBRATION_HIGH or NO_DATA: those causes are the vibration zones and the stale-data alarm' })
      .optional(),
    vibration: vibrationSchema.nullable().optional(),
    alarmPolicy: alarmPolicySchema.optional(),
    warningLabel: z.string().min(1, 'warningLabel must not be empty').optional(),
    offlineLabel: z.string().min(1, 'offlineLabel must not be empty').optional(),
    prediction: predictionSettingsSchema.optional(),
    pipeline: pipelineDesignSchema.nullable().optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a profile may set ${PROFILE_FIELDS.join(', ')}`
        : `a profile must be an object with any of ${PROFILE_FIELDS.join(', ')}`,
  },
);

/** A validated override of a profile (TWIN_PROFILES entry, or a per-asset override). */
export type ProfileOverride = z.infer<typeof profileOverrideSchema>;

/** Validated per-asset overrides by asset id (see parseAssetProfiles). */
export type AssetProfileOverrides = Readonly<Record<string, ProfileOverride>>;

const overridesSchema = z.record(
  z.string().min(1, 'asset class names must not be empty'),
  profileOverrideSchema,
  { error: 'threshold profiles must be a JSON object mapping asset classes to profiles' },
);

/**
 * Parses a user-supplied override map (an object, or its JSON text), e.g.
 * `{"pump": {"limits": {"temperatureC": {"max": 75}}}}`, and returns the full profile map.
 *
 * Each entry overrides the built-in profile of that class (a new class starts from the "default"
 * profile): given fields replace the base's; `limits` is merged per metric (a metric's limit object
 * replaces the base's; `null` removes the limit). `name` defaults to the class. Every problem is
 * reported with its field path; a bad map throws `TWIN.INVALID_PROFILES`.
 */
export function parseProfiles(json: unknown): Record<string, ThresholdProfile> {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      const message = `threshold profiles must be JSON: ${(error as Error).message}`;
      throw new TwinError('TWIN.INVALID_PROFILES', message, [{ field: '(root)', message }]);
    }
  }
  const parsed = overridesSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    throw new TwinError('TWIN.INVALID_PROFILES', `threshold profiles are invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
  const result: Record<string, ThresholdProfile> = { ...DEFAULT_PROFILES };
  for (const [assetClass, override] of Object.entries(parsed.data)) {
    const base = (Object.hasOwn(DEFAULT_PROFILES, assetClass) ? DEFAULT_PROFILES[assetClass] : undefined) ?? studyProfile(assetClass);
    result[assetClass] = mergeProfile(base, override, base.name);
  }
  return result;
}

/**
 * A profile with an override applied: given fields replace the base's; `limits` and
 * `alarmPolicy.deadband` are merged per metric (null removes one), the other `alarmPolicy` fields
 * one by one; `vibration: null` removes the vibration zones.
 */
export function mergeProfile(base: ThresholdProfile, override: ProfileOverride, name: string): ThresholdProfile {
  const limits: Record<string, MetricLimit> = { ...base.limits };
  for (const [metric, limit] of Object.entries(override.limits ?? {})) {
    if (limit === null) delete limits[metric];
    else limits[metric] = limit;
  }
  const basePolicy = alarmPolicyOf(base);
  const deadband: Record<string, number> = { ...basePolicy.deadband };
  for (const [metric, value] of Object.entries(override.alarmPolicy?.deadband ?? {})) {
    if (value === null) delete deadband[metric];
    else deadband[metric] = value;
  }
  const { deadband: _ignored, ...policyFields } = override.alarmPolicy ?? {};
  const vibration = override.vibration === undefined ? base.vibration : override.vibration === null ? undefined : { ...override.vibration };
  const warningLabel = override.warningLabel ?? base.warningLabel;
  const offlineLabel = override.offlineLabel ?? base.offlineLabel;
  // Prediction settings merge field by field (H6; nested ones one level deeper, H10).
  const prediction = mergePredictionSettings(base.prediction, override.prediction);
  // H10: a pipeline design (merged field by field, null removes it) gives the wall-thickness minimum.
  const pipeline = pipelineOf(base.pipeline, override.pipeline, name);
  return {
    name: override.name ?? name,
    version: override.version ?? base.version,
    limits: pipeline === base.pipeline && override.limits === undefined ? limits : withPipelineLimit(limits, pipeline, base.pipeline),
    alarmLabel: override.alarmLabel ?? base.alarmLabel,
    okLabel: override.okLabel ?? base.okLabel,
    alarmSeverity: override.alarmSeverity ?? base.alarmSeverity,
    cause: override.cause ?? base.cause,
    ...(vibration ? { vibration } : {}),
    alarmPolicy: { ...basePolicy, ...policyFields, deadband },
    ...(warningLabel !== undefined ? { warningLabel } : {}),
    ...(offlineLabel !== undefined ? { offlineLabel } : {}),
    ...(prediction !== undefined ? { prediction } : {}),
    ...(pipeline !== undefined ? { pipeline } : {}),
  };
}

const assetOverridesSchema = z.record(z.string().min(1, 'asset ids must not be empty'), profileOverrideSchema, {
  error: 'per-asset profiles must be a JSON object mapping asset ids to profile overrides',
});

/**
 * Parses per-asset overrides (an object, or its JSON text): asset id → the same override as in
 * parseProfiles, e.g. `{"P-101": {"alarmPolicy": {"onDelaySeconds": 30}}}`. Each applies on top
 * of the profile of the asset's class, resolved when the profile is looked up (profileForAsset), so
 * `_classProfiles` is not needed to parse (a limit object replaces the class's whole limit of that
 * metric, so no merge can break a min/max pair). Throws `TWIN.INVALID_PROFILES` naming the field.
 */
export function parseAssetProfiles(json: unknown, _classProfiles: ThresholdProfiles = DEFAULT_PROFILES): AssetProfileOverrides {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      const message = `per-asset profiles must be JSON: ${(error as Error).message}`;
      throw new TwinError('TWIN.INVALID_PROFILES', message, [{ field: '(root)', message }]);
    }
  }
  const parsed = assetOverridesSchema.safeParse(input);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    throw new TwinError('TWIN.INVALID_PROFILES', `per-asset profiles are invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`, errors);
  }
  return parsed.data;
}

/**
 * The profile of one asset: its class profile (profileFor), with the asset's own override applied
 * when there is one; such a profile is named `<class profile>@<assetId>` unless the override names it.
 */
export function profileForAsset(
  assetId: string,
  assetClass: string | null | undefined,
  profiles: ThresholdProfiles = DEFAULT_PROFILES,
  assetOverrides: AssetProfileOverrides = {},
): ThresholdProfile {
  const base = profileFor(assetClass, profiles);
  const override = Object.hasOwn(assetOverrides, assetId) ? assetOverrides[assetId] : undefined;
  return override === undefined ? base : mergeProfile(base, override, `${base.name}@${assetId}`);
}

/** The profile of an asset class; an unknown or missing class gets the "default" profile. */
export function profileFor(assetClass: string | null | undefined, profiles: ThresholdProfiles = DEFAULT_PROFILES): ThresholdProfile {
  const own = assetClass === null || assetClass === undefined || !Object.hasOwn(profiles, assetClass) ? undefined : profiles[assetClass];
  return own ?? profiles[DEFAULT_PROFILE_CLASS] ?? (DEFAULT_PROFILES[DEFAULT_PROFILE_CLASS] as ThresholdProfile);
}

/** The class configured for an asset, or 'default' (own entries only: an asset id may be "constructor"). */
export function assetClassOf(assetClasses: Readonly<Record<string, string>>, assetId: string): string {
  return Object.hasOwn(assetClasses, assetId) ? assetClasses[assetId]! : 'default';
}

/** The limits a set of latest values exceeds, in the profile's metric order. Metrics without a limit never matter. */
export function exceededLimits(values: Readonly<Record<string, { readonly value: number }>>, profile: ThresholdProfile): Condition[] {
  const conditions: Condition[] = [];
  for (const [metric, limit] of Object.entries(profile.limits)) {
    const latest = values[metric];
    if (latest === undefined) continue;
    if (limit.max !== undefined && latest.value > limit.max) conditions.push({ metric, value: latest.value, limit: limit.max, comparator: '>' });
    if (limit.min !== undefined && latest.value < limit.min) conditions.push({ metric, value: latest.value, limit: limit.min, comparator: '<' });
  }
  return conditions;
}

const METRIC_WORDS: Readonly<Record<string, { word: string; unit: string }>> = {
  temperatureC: { word: 'temperature', unit: '°C' },
  pressurePsi: { word: 'pressure', unit: 'psi' },
  vibrationMmS: { word: 'vibration', unit: 'mm/s' },
};

/** 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi' */
export function describeConditions(conditions: readonly Condition[]): string {
  const parts = conditions.map((c) => {
    const words = METRIC_WORDS[c.metric];
    return words
      ? `${words.word} ${c.value} ${words.unit} ${c.comparator} ${c.limit} ${words.unit}`
      : `${c.metric} ${c.value} ${c.comparator} ${c.limit}`;
  });
  const text = parts.join('; ');
  // A sentence starts with a capital, but a metric name keeps its own spelling.
  const first = conditions[0];
  return first && METRIC_WORDS[first.metric] ? text.charAt(0).toUpperCase() + text.slice(1) : text;
}
