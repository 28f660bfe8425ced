import { z } from 'zod';
import { fieldErrors, METRIC_NAME_PATTERN, type AlarmSeverity, type Condition } from '@twinline/contracts';
import { TwinError } from './twin.errors';

/** A limit on one metric: the twin alarms when a value is strictly above `max` or strictly below `min`. */
export interface MetricLimit {
  readonly max?: number;
  readonly min?: number;
}

/** Thresholds of an asset class and what the twin says when they are crossed. */
export interface ThresholdProfile {
  readonly name: string;
  readonly version: number;
  readonly limits: Readonly<Record<string, MetricLimit>>;
  readonly alarmLabel: string;
  readonly okLabel: string;
  readonly alarmSeverity: AlarmSeverity;
  readonly cause: string;
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
  };
}

export const DEFAULT_PROFILES: ThresholdProfiles = Object.freeze({
  pump: studyProfile('pump'),
  compressor: studyProfile('compressor'),
  'pipeline-segment': studyProfile('pipeline-segment'),
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

const PROFILE_FIELDS = ['name', 'version', 'limits', 'alarmLabel', 'okLabel', 'alarmSeverity', 'cause'] as const;

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
    cause: z.string().min(1, 'cause must not be empty').optional(),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}: a profile may set ${PROFILE_FIELDS.join(', ')}`
        : `a profile must be an object with any of ${PROFILE_FIELDS.join(', ')}`,
  },
);

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
    const base = DEFAULT_PROFILES[assetClass] ?? studyProfile(assetClass);
    const limits: Record<string, MetricLimit> = { ...base.limits };
    for (const [metric, limit] of Object.entries(override.limits ?? {})) {
      if (limit === null) delete limits[metric];
      else limits[metric] = limit;
    }
    const profile: ThresholdProfile = {
      name: override.name ?? base.name,
      version: override.version ?? base.version,
      limits,
      alarmLabel: override.alarmLabel ?? base.alarmLabel,
      okLabel: override.okLabel ?? base.okLabel,
      alarmSeverity: override.alarmSeverity ?? base.alarmSeverity,
      cause: override.cause ?? base.cause,
    };
    result[assetClass] = profile;
  }
  return result;
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
