import { configStreamId, parseContract, RULES_CONFIGURED, twinRulesConfiguredV1, type RulesMetadata, type TwinRulesConfiguredData } from '@twinline/contracts';
import { assetClassOf, profileFor, type RecordedRules, type ThresholdProfile, type TwinRules } from '@twinline/domain-twin';
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
  return { ...p, limits: Object.fromEntries(p.limits.map(({ metric, ...limit }) => [metric, limit])) };
}

/** Versions are sha256 of the recorded form, so the order of limits counts. */
export function versionTwinRules(rules: TwinRules): VersionedTwinRules {
  const profiles = Object.fromEntries(Object.entries(rules.profiles).map(([assetClass, profile]) => [assetClass, recordedProfile(profile)]));
  const version = rulesVersion({ profiles, assetClasses: rules.assetClasses, policy: rules.policy });
  const profileVersions = Object.fromEntries(Object.entries(profiles).map(([assetClass, profile]) => [assetClass, rulesVersion(profile)]));
  const byName = new Map(Object.values(rules.profiles).map((p) => [p.name, rulesVersion(recordedProfile(p))]));
  const cache = new Map<string, RulesMetadata>();
  return {
    rules,
    version,
    profileVersions,
    metadataFor: (assetId) => {
      let meta = cache.get(assetId);
      if (!meta) {
        const profile = profileFor(assetClassOf(rules.assetClasses, assetId), rules.profiles);
        meta = { version, profile: profile.name, profileVersion: byName.get(profile.name) ?? rulesVersion(recordedProfile(profile)) };
        if (cache.size < 100_000) cache.set(assetId, meta);
      }
      return meta;
    },
    configured: { service: 'twin-state', version, profileVersions, profiles, assetClasses: { ...rules.assetClasses }, policy: { ...rules.policy } },
  };
}

/** Every rule configuration recorded in `config-twin-state`, for the audit. */
export async function recordedTwinRules(store: EventStore): Promise<RecordedRules[]> {
  const events = await store.readStream(TWIN_CONFIG_STREAM);
  return events
    .filter((e) => e.type === RULES_CONFIGURED)
    .map((e) => {
      const d = parseContract(twinRulesConfiguredV1, e.data, `RulesConfigured ${e.eventId}`);
      return { version: d.version, position: e.position, profileVersions: d.profileVersions, rules: { profiles: Object.fromEntries(Object.entries(d.profiles).map(([c, p]) => [c, profileOfRecord(p)])), assetClasses: d.assetClasses, policy: d.policy } };
    });
}
