import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { DEFAULT_PROFILES, DEFAULT_QUARANTINE_POLICY, parseAssetProfiles, parseProfiles, TwinError, type AssetProfileOverrides, type ThresholdProfiles } from '@twinline/domain-twin';
import { baseEnvSchema, ConfigError, loadConfig, portSchema } from '@twinline/service-kit';

const json = (what: string) =>
  z.string().transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `${what} must be JSON: ${(error as Error).message}` });
      return z.NEVER;
    }
  });

export const twinEnvSchema = baseEnvSchema.extend({
  PORT: portSchema(3003),
  CONSUMER_MAX_BATCH: z.coerce.number().int().min(1, 'must be >= 1').max(5000, 'must be <= 5000').default(1000),
  /** Threshold profiles per asset class, overriding the defaults: {"pump": {"limits": {"temperatureC": {"max": 75}}}}. */
  TWIN_PROFILES: json('TWIN_PROFILES').optional(),
  /** Asset class per asset id: {"P-101": "pump"}; other assets use the "default" profile. */
  TWIN_ASSET_CLASSES: json('TWIN_ASSET_CLASSES').pipe(z.record(z.string(), z.string(), { error: 'TWIN_ASSET_CLASSES must map asset ids to class names' })).optional(),
  /** Quarantined readings in a row (data rules, since the last applied reading) that make the twin SENSOR_FAULT. */
  TWIN_SENSOR_FAULT_AFTER: z.coerce.number().int('must be an integer').min(1, 'must be >= 1').max(1_000_000, 'must be <= 1000000').default(DEFAULT_QUARANTINE_POLICY.sensorFaultAfter),
  /** At most one security-violation alert per asset within this many seconds. */
  /** A twin snapshot is stored every this many events of its stream (loading folds only the events after it); 0 = no snapshots. */
  TWIN_SNAPSHOT_EVERY: z.coerce.number().int('must be an integer').min(0, 'must be >= 0 (0 = no snapshots)').max(1_000_000, 'must be <= 1000000').default(500),
  /**
   * How often the alarm timer looks for twins that may need their alarms checked (shelves expiring,
   * unacknowledged alarms to re-announce, stale data → NO_DATA) and sends them CheckAlarms.
   */
  ALARM_CHECK_INTERVAL_MS: z.coerce.number().int('must be an integer').min(100, 'must be >= 100').max(3_600_000, 'must be <= 3600000 (an hour)').default(5000),
  /**
   * Per-asset profile overrides on top of the asset's class profile (JSON; or TWIN_ASSET_PROFILES_FILE,
   * a file holding it): {"P-101": {"alarmPolicy": {"onDelaySeconds": 30}}}. Checked by loadTwinConfig.
   */
  TWIN_ASSET_PROFILES: z.string().optional(),
  TWIN_ASSET_PROFILES_FILE: z.string().optional(),
  SECURITY_COOLDOWN_SECONDS: z.coerce.number().int('must be an integer').min(0, 'must be >= 0').max(604_800, 'must be <= 604800 (a week)').default(DEFAULT_QUARANTINE_POLICY.securityCooldownSeconds),
});

/**
 * The per-asset overrides of TWIN_ASSET_PROFILES or TWIN_ASSET_PROFILES_FILE (one of them), checked
 * against the class profiles; every problem named `<variable>: <asset id>.<field>: <what>`.
 */
function assetProfilesFrom(config: { TWIN_ASSET_PROFILES?: string | undefined; TWIN_ASSET_PROFILES_FILE?: string | undefined }, profiles: ThresholdProfiles): AssetProfileOverrides {
  const { TWIN_ASSET_PROFILES: inline, TWIN_ASSET_PROFILES_FILE: file } = config;
  if (inline === undefined && file === undefined) return {};
  if (inline !== undefined && file !== undefined) throw new ConfigError(['TWIN_ASSET_PROFILES_FILE: set TWIN_ASSET_PROFILES or TWIN_ASSET_PROFILES_FILE, not both']);
  let text = inline;
  if (file !== undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError([`TWIN_ASSET_PROFILES_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`]);
    }
  }
  try {
    return parseAssetProfiles(text, profiles);
  } catch (error) {
    if (!(error instanceof TwinError)) throw error;
    const name = file !== undefined ? `TWIN_ASSET_PROFILES_FILE ${file}` : 'TWIN_ASSET_PROFILES';
    throw new ConfigError(error.errors.length ? error.errors.map((e) => `${name}: ${e.field}: ${e.message}`) : [`${name}: ${error.message}`]);
  }
}

export function loadTwinConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = loadConfig(twinEnvSchema, env);
  const profiles = config.TWIN_PROFILES === undefined ? DEFAULT_PROFILES : parseProfiles(config.TWIN_PROFILES);
  const assetProfiles = assetProfilesFrom(config, profiles);
  const quarantinePolicy = Object.freeze({ sensorFaultAfter: config.TWIN_SENSOR_FAULT_AFTER, securityCooldownSeconds: config.SECURITY_COOLDOWN_SECONDS });
  return Object.freeze({ ...config, profiles, assetProfiles, assetClasses: config.TWIN_ASSET_CLASSES ?? {}, quarantinePolicy });
}
export type TwinConfig = ReturnType<typeof loadTwinConfig>;
export const TWIN_CONFIG = Symbol('TWIN_CONFIG');
