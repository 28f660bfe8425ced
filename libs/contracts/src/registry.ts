import { z } from 'zod';
import { assetIdSchema, deviceIdSchema } from './ids';
import { METRIC_NAME_PATTERN } from './reading';

/** Asset classes: each has its own default integrity rules (and twin thresholds). */
export const ASSET_CLASSES = ['pump', 'compressor', 'pipeline-segment'] as const;
export const assetClassSchema = z.enum(ASSET_CLASSES, { error: `assetClass must be one of ${ASSET_CLASSES.join(', ')}` });
export type AssetClass = z.infer<typeof assetClassSchema>;

const finite = (what: string) => z.number({ error: `${what} must be a number` }).finite(`${what} must be finite`);

/** Per-metric integrity rule settings; an asset override replaces only the fields it names. */
export const metricRuleSchema = z
  .object({
    /** Unit label used in messages, e.g. "°C". */
    unit: z.string().max(32).optional(),
    /** Physically possible range (inclusive). */
    min: finite('min').optional(),
    max: finite('max').optional(),
    /** Largest change per second between two readings of one device that a real process makes. */
    maxStepPerSecond: finite('maxStepPerSecond').positive('maxStepPerSecond must be > 0').optional(),
    /** The same value this many readings in a row means a stuck sensor (the process always moves). */
    stuckAfterRepeats: z.number().int('stuckAfterRepeats must be an integer').min(2, 'stuckAfterRepeats must be >= 2').optional(),
    /** The same value for this many seconds means a stuck sensor. */
    stuckAfterSeconds: finite('stuckAfterSeconds').positive('stuckAfterSeconds must be > 0').optional(),
  })
  .strict();
export type MetricRuleInput = z.infer<typeof metricRuleSchema>;

/** Integrity rule overrides of one asset (merged over its class defaults). */
export const ruleOverridesSchema = z
  .object({
    metrics: z.record(z.string().regex(METRIC_NAME_PATTERN, { message: 'metric names are camelCase with a unit suffix, e.g. temperatureC' }), metricRuleSchema).optional(),
    /** Oldest accepted reading time, in seconds before receipt (AWS SiteWise: 7 days). */
    maxPastSeconds: finite('maxPastSeconds').positive('maxPastSeconds must be > 0').optional(),
    /** Latest accepted reading time, in seconds after receipt (clock skew; AWS SiteWise: 10 minutes). */
    maxFutureSeconds: finite('maxFutureSeconds').nonnegative('maxFutureSeconds must be >= 0').optional(),
  })
  .strict();
export type RuleOverrides = z.infer<typeof ruleOverridesSchema>;

/** PUT /v1/registry/assets/:assetId */
export const assetRegistrationSchema = z
  .object({
    assetClass: assetClassSchema,
    site: z.string().min(1, 'site must not be empty').max(64, 'site may be at most 64 characters'),
    /** Development only: accept readings without a signature. Visible on the asset. */
    acceptUnsigned: z.boolean({ error: 'acceptUnsigned must be true or false' }).default(false),
    rules: ruleOverridesSchema.default({}),
  })
  .strict();
export type AssetRegistration = z.infer<typeof assetRegistrationSchema>;

/** Device secrets: at least 128 bits of entropy as text. */
export const deviceSecretSchema = z.string().min(16, 'secret must be at least 16 characters').max(256, 'secret may be at most 256 characters');

/** PUT /v1/registry/devices/:deviceId — without a secret, one is generated and returned once. */
export const deviceRegistrationSchema = z
  .object({
    assetId: assetIdSchema,
    secret: deviceSecretSchema.optional(),
    /** A disabled device's readings are quarantined (rule "device"). */
    enabled: z.boolean({ error: 'enabled must be true or false' }).default(true),
  })
  .strict();
export type DeviceRegistration = z.infer<typeof deviceRegistrationSchema>;

/** The registry file integrity loads at start (REGISTRY_FILE): JSON or YAML. */
export const registryFileSchema = z
  .object({
    assets: z.array(assetRegistrationSchema.extend({ assetId: assetIdSchema })).default([]),
    devices: z
      .array(
        z
          .object({
            deviceId: deviceIdSchema,
            assetId: assetIdSchema,
            enabled: z.boolean().default(true),
            /** Exactly one of: the secret itself (files outside the repository only), an environment variable, a file. */
            secret: deviceSecretSchema.optional(),
            secretEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'secretEnv must be an environment variable name').optional(),
            secretFile: z.string().min(1).optional(),
          })
          .strict()
          .refine((d) => [d.secret, d.secretEnv, d.secretFile].filter((x) => x !== undefined).length === 1, { message: 'a device needs exactly one of secret, secretEnv, secretFile' }),
      )
      .default([]),
  })
  .strict();
export type RegistryFile = z.infer<typeof registryFileSchema>;

/**
 * Integrity rule names as they appear in a violation's `rule`. Security rules concern who sent a
 * reading (forgery, replay, cross-asset write); the others concern what it says.
 */
export const SECURITY_RULES = ['device', 'signature', 'asset', 'replay'] as const;
export const DATA_RULES = ['json', 'schema', 'unit', 'finite', 'range', 'rate', 'stuck', 'timestamp', 'order', 'duplicate'] as const;
export const INTEGRITY_RULE_NAMES = [...SECURITY_RULES, ...DATA_RULES] as const;
export type SecurityRule = (typeof SECURITY_RULES)[number];
export type IntegrityRuleName = (typeof INTEGRITY_RULE_NAMES)[number];

export function isSecurityRule(rule: string): rule is SecurityRule {
  return (SECURITY_RULES as readonly string[]).includes(rule);
}
