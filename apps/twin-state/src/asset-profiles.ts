import { DEFAULT_PROFILE_CLASS, profileForAsset, type AssetProfileOverrides, type ThresholdProfile, type ThresholdProfiles } from '@twinline/domain-twin';
import type { AssetDirectory } from '@twinline/service-kit';

/** What AssetProfiles needs of the twin configuration. */
export interface AssetProfilesConfig {
  readonly profiles: ThresholdProfiles;
  /** TWIN_ASSET_CLASSES: an explicitly configured class wins over the directory's. */
  readonly assetClasses: Readonly<Record<string, string>>;
  /** TWIN_ASSET_PROFILES: per-asset overrides on top of the class profile. */
  readonly assetProfiles: AssetProfileOverrides;
}

/** Where an asset's class came from: configuration, the asset directory, or neither ("default"). */
export type AssetClassSource = 'configured' | 'directory' | 'default';

/** At most this many assets' profiles are kept (a profile is cheap to compute again). */
const CACHE_LIMIT = 100_000;

/**
 * The profile of each asset: the profile of its class (TWIN_PROFILES) with its own override
 * (TWIN_ASSET_PROFILES) applied. What the telemetry consumers, the alarm commands and the alarm
 * timer decide by, and what each event's `rules` metadata names (rules.ts, metadataFor).
 *
 * The class of an asset, in this order:
 * 1. TWIN_ASSET_CLASSES, when it names the asset (explicit configuration wins);
 * 2. the asset directory (the ASSETS bucket integrity fills from the registry), when it knows the asset;
 * 3. "default".
 * The directory fills asynchronously and follows the registry, so the class is looked up on every
 * call (an in-memory map read) and only the profile is cached, per asset AND class: an asset first
 * seen before its registration reached the directory gets its class profile as soon as it does.
 */
export class AssetProfiles {
  private readonly cache = new Map<string, { readonly assetClass: string; readonly profile: ThresholdProfile }>();

  constructor(
    private readonly config: AssetProfilesConfig,
    private readonly directory: Pick<AssetDirectory, 'describe'> | null = null,
  ) {}

  /** The class the asset is decided by, and where it came from. */
  classOf(assetId: string): { readonly assetClass: string; readonly source: AssetClassSource } {
    if (Object.hasOwn(this.config.assetClasses, assetId)) return { assetClass: this.config.assetClasses[assetId]!, source: 'configured' };
    const registered = this.directory?.describe(assetId)?.assetClass;
    if (registered !== undefined) return { assetClass: registered, source: 'directory' };
    return { assetClass: DEFAULT_PROFILE_CLASS, source: 'default' };
  }

  /** The asset's class (configured, else registered, else "default"). */
  assetClassOf(assetId: string): string {
    return this.classOf(assetId).assetClass;
  }

  of(assetId: string): ThresholdProfile {
    const assetClass = this.assetClassOf(assetId);
    const cached = this.cache.get(assetId);
    if (cached && cached.assetClass === assetClass) return cached.profile;
    const profile = profileForAsset(assetId, assetClass, this.config.profiles, this.config.assetProfiles);
    if (cached || this.cache.size < CACHE_LIMIT) this.cache.set(assetId, { assetClass, profile });
    return profile;
  }

  /** Whether the asset has its own override (TWIN_ASSET_PROFILES). */
  isOverridden(assetId: string): boolean {
    return Object.hasOwn(this.config.assetProfiles, assetId);
  }

  /** Every profile an asset may get (the class profiles and the overridden ones), e.g. for the timer's shortest times. */
  all(): ThresholdProfile[] {
    const overridden = Object.keys(this.config.assetProfiles).map((assetId) => this.of(assetId));
    return [...Object.values(this.config.profiles), ...overridden];
  }
}
