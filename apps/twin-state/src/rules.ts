import { configStreamId, parseContract, RULES_CONFIGURED, twinRulesConfiguredV1, type RulesMetadata, type TwinRulesConfiguredData } from '@twinline/contracts';
import { assetClassOf, DEFAULT_ALARM_POLICY, parseAssetProfiles, pipelineDesignSchema, predictionSettingsSchema, type PipelineDesignProfile, profileForAsset, type AssetProfileOverrides, type RecordedRules, type ThresholdProfile, type TwinRules } from '@twinline/domain-twin';
import type { EventStore } from '@twinline/event-store';
import { rulesVersion } from '@twinline/service-kit';

export const TWIN_SERVICE = 'twin-state';
export const TWIN_CONFIG_STREAM = configStreamId(TWIN_SERVICE);

/** twin-state's rules with their versions: what `RulesConfigured` records and event metadata names. */
export interface VersionedTwinRules {
  readonly rules: TwinRules;
  readonly version: string;
  readonly profileVersions: Readonly<Record<string, string>>;
  /** The `rules` metadata of an event decided for `assetId`. */
  readonly metadataFor: (assetId: string) => RulesMetadata;
  /** `RulesConfigured` data (without `configuredAt`, added when it is recorded). */
  readonly configured: Omit<TwinRulesConfiguredData, 'configuredAt'>;
}

type RecordedProfile = TwinRulesConfiguredData['profiles'][string];

/** A profile as recorded: its limits as a list, in the order the twin checks them. */
function recordedProfile(p: ThresholdProfile): RecordedProfile {
  return { ...p, limits: Object.entries(p.limits).map(([metric, limit]) => ({ metric, ...limit })) };
}

function profileOfRecord(p: RecordedProfile): ThresholdProfile {
  // Rules recorded before alarm policies existed (or without one) use the default policy.
  const { prediction, pipeline, ...rest } = p;
  return {
    alarmPolicy: DEFAULT_ALARM_POLICY,
    ...rest,
    limits: Object.fromEntries(p.limits.map(({ metric, ...limit }) => [metric, limit])),
    ...(prediction === undefined ? {} : { prediction: predictionSettingsSchema.parse(prediction) }),
    ...(pipeline === undefined ? {} : { pipeline: pipelineDesignSchema.parse(pipeline) as PipelineDesignProfile }),
  };
}

/**
 * Versions are sha256 of the recorded form, so the order of limits counts. Per-asset overrides
 * (TWIN_ASSET_PROFILES) count in the version when there are any, and an overridden asset's events
 * name its own profile (`<class profile>@<assetId>`) and that profile's version.
 * `classOf` is the class each asset is decided by (AssetProfiles: TWIN_ASSET_CLASSES, else the asset
 * directory, else "default"; by default TWIN_ASSET_CLASSES only), so the metadata names the profile
 * really used. The directory's classes are not part of the version: the metadata's profile name is
 * what the audit decides each event by.
 */
export function versionTwinRules(rules: TwinRules, assetProfiles: AssetProfileOverrides = {}, classOf: (assetId: string) => string = (assetId) => assetClassOf(rules.assetClasses, assetId)): VersionedTwinRules {
  const profiles = Object.fromEntries(Object.entries(rules.profiles).map(([assetClass, profile]) => [assetClass, recordedProfile(profile)]));
  const overridden = Object.keys(assetProfiles).length > 0;
  const version = rulesVersion({ profiles, assetClasses: rules.assetClasses, policy: rules.policy, ...(overridden ? { assetProfiles } : {}) });
  const profileVersions = Object.fromEntries(Object.entries(profiles).map(([assetClass, profile]) => [assetClass, rulesVersion(profile)]));
  const byName = new Map(Object.values(rules.profiles).map((p) => [p.name, rulesVersion(recordedProfile(p))]));
  // Per asset and class: the directory may learn (or change) an asset's class later.
  const cache = new Map<string, { readonly assetClass: string; readonly meta: RulesMetadata }>();
  return {
    rules,
    version,
    profileVersions,
    metadataFor: (assetId) => {
      const assetClass = classOf(assetId);
      const cached = cache.get(assetId);
      if (cached && cached.assetClass === assetClass) return cached.meta;
      const profile = profileForAsset(assetId, assetClass, rules.profiles, assetProfiles);
      const meta = { version, profile: profile.name, profileVersion: byName.get(profile.name) ?? rulesVersion(recordedProfile(profile)) };
      if (cached || cache.size < 100_000) cache.set(assetId, { assetClass, meta });
      return meta;
    },
    configured: { service: 'twin-state', version, profileVersions, profiles, assetClasses: { ...rules.assetClasses }, policy: { ...rules.policy }, ...(overridden ? { assetProfiles } : {}) },
  };
}

/** Every rule configuration recorded in `config-twin-state`, for the audit. */
export async function recordedTwinRules(store: EventStore): Promise<RecordedRules[]> {
  const events = await store.readStream(TWIN_CONFIG_STREAM);
  return events
    .filter((e) => e.type === RULES_CONFIGURED)
    .map((e) => {
      const d = parseContract(twinRulesConfiguredV1, e.data, `RulesConfigured ${e.eventId}`);
      const profiles = Object.fromEntries(Object.entries(d.profiles).map(([c, p]) => [c, profileOfRecord(p)]));
      // Per-asset overrides recorded with the rules, so an overridden asset is audited by its own profile.
      const assetProfiles = d.assetProfiles === undefined ? {} : { assetProfiles: parseAssetProfiles(d.assetProfiles, profiles) };
      return { version: d.version, position: e.position, profileVersions: d.profileVersions, rules: { profiles, assetClasses: d.assetClasses, policy: d.policy, ...assetProfiles } };
    });
}
