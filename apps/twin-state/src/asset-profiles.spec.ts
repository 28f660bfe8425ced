import { DEFAULT_PROFILES, parseAssetProfiles } from '@twinline/domain-twin';
import { StaticAssetDirectory, type AssetDescription, type AssetDirectory } from '@twinline/service-kit';
import { AssetProfiles } from './asset-profiles';
import { versionTwinRules } from './rules';

const policy = { sensorFaultAfter: 3, securityCooldownSeconds: 300 };

/** A directory whose entries a test changes, as the KV bucket's watch does. */
class MutableDirectory implements AssetDirectory {
  private readonly byId = new Map<string, AssetDescription>();
  put(d: AssetDescription): void {
    this.byId.set(d.assetId, d);
  }
  remove(assetId: string): void {
    this.byId.delete(assetId);
  }
  describe(assetId: string): AssetDescription | undefined {
    return this.byId.get(assetId);
  }
  all(): AssetDescription[] {
    return [...this.byId.values()];
  }
}

describe('AssetProfiles: the class of an asset', () => {
  const directory = new StaticAssetDirectory([
    { assetId: 'P-101', assetClass: 'pump', site: 'north-field' },
    { assetId: 'C-301', assetClass: 'compressor', site: 'south-field' },
    { assetId: 'T-9', assetClass: 'turbine', site: null },
  ]);

  it('given a registered pump and no TWIN_ASSET_CLASSES, when its profile is asked, then it is the pump profile (ISO 10816-3 vibration zones)', () => {
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: {} }, directory);
    expect(profiles.classOf('P-101')).toEqual({ assetClass: 'pump', source: 'directory' });
    expect(profiles.of('P-101')).toBe(DEFAULT_PROFILES['pump']);
    expect(profiles.of('P-101').vibration).toMatchObject({ machineGroup: 2, foundation: 'rigid' });
    expect(profiles.of('C-301').name).toBe('compressor');
  });

  it('given TWIN_ASSET_CLASSES names the asset, when its profile is asked, then the configured class wins over the directory', () => {
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: { 'P-101': 'compressor' }, assetProfiles: {} }, directory);
    expect(profiles.classOf('P-101')).toEqual({ assetClass: 'compressor', source: 'configured' });
    expect(profiles.of('P-101').name).toBe('compressor');
  });

  it('given an asset neither configured nor registered, or no directory at all, then it gets the "default" profile', () => {
    expect(new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: {} }, directory).classOf('X-1')).toEqual({ assetClass: 'default', source: 'default' });
    const without = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: {} });
    expect(without.of('P-101').name).toBe('default');
  });

  it('given a registered class without a profile, then the asset gets the "default" profile (its class is still the registered one)', () => {
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: {} }, directory);
    expect(profiles.assetClassOf('T-9')).toBe('turbine');
    expect(profiles.of('T-9').name).toBe('default');
  });

  it('given a per-asset override, then it applies on top of the directory class profile and is named <class>@<asset>', () => {
    const assetProfiles = parseAssetProfiles({ 'P-101': { alarmPolicy: { onDelaySeconds: 30 } } }, DEFAULT_PROFILES);
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles }, directory);
    expect(profiles.of('P-101')).toMatchObject({ name: 'pump@P-101', vibration: { machineGroup: 2 }, alarmPolicy: { onDelaySeconds: 30 } });
    expect(profiles.all().map((p) => p.name)).toEqual(['pump', 'compressor', 'pipeline-segment', 'default', 'pump@P-101']);
  });

  it('given an asset seen before its registration reached the directory, when the directory learns it, then the next call gets the class profile (no stale cache)', () => {
    const live = new MutableDirectory();
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: {} }, live);
    expect(profiles.of('P-101').name).toBe('default');
    live.put({ assetId: 'P-101', assetClass: 'pump', site: 'north-field' });
    expect(profiles.of('P-101').name).toBe('pump');
    live.put({ assetId: 'P-101', assetClass: 'compressor', site: 'north-field' });
    expect(profiles.of('P-101').name).toBe('compressor');
    live.remove('P-101');
    expect(profiles.of('P-101').name).toBe('default');
  });

  it('returns the same profile object while the class stays the same (cached per asset and class)', () => {
    const profiles = new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: {}, assetProfiles: parseAssetProfiles({ 'P-101': { alarmPolicy: { onDelaySeconds: 30 } } }, DEFAULT_PROFILES) }, directory);
    expect(profiles.of('P-101')).toBe(profiles.of('P-101'));
  });
});

describe('rules metadata names the profile really used', () => {
  const rules = { profiles: DEFAULT_PROFILES, assetClasses: { 'C-9': 'compressor' }, policy };

  it('given the directory class, when an event is decided for a registered pump, then its metadata names the pump profile and its recorded version', () => {
    const live = new MutableDirectory();
    live.put({ assetId: 'P-101', assetClass: 'pump', site: 'north-field' });
    const profiles = new AssetProfiles({ ...rules, assetProfiles: {} }, live);
    const versioned = versionTwinRules(rules, {}, (assetId) => profiles.assetClassOf(assetId));
    expect(versioned.metadataFor('P-101')).toEqual({ version: versioned.version, profile: 'pump', profileVersion: versioned.profileVersions['pump'] });
    expect(versioned.metadataFor('C-9')).toMatchObject({ profile: 'compressor', profileVersion: versioned.profileVersions['compressor'] });
    expect(versioned.metadataFor('X-1')).toMatchObject({ profile: 'default' });
    // The directory changes: the metadata follows (cached per asset and class).
    live.put({ assetId: 'P-101', assetClass: 'compressor', site: 'north-field' });
    expect(versioned.metadataFor('P-101')).toMatchObject({ profile: 'compressor' });
    // The directory's classes are not part of the rules version.
    expect(versioned.version).toBe(versionTwinRules(rules).version);
  });

  it('given an overridden registered asset, then the metadata names <class>@<asset>', () => {
    const assetProfiles = parseAssetProfiles({ 'P-101': { alarmPolicy: { onDelaySeconds: 30 } } }, DEFAULT_PROFILES);
    const profiles = new AssetProfiles({ ...rules, assetProfiles }, new StaticAssetDirectory([{ assetId: 'P-101', assetClass: 'pump', site: null }]));
    const versioned = versionTwinRules(rules, assetProfiles, (assetId) => profiles.assetClassOf(assetId));
    expect(versioned.metadataFor('P-101').profile).toBe('pump@P-101');
    expect(versioned.metadataFor('P-101').profile).toBe(profiles.of('P-101').name);
  });

  it('without a class resolver, only TWIN_ASSET_CLASSES counts (as before)', () => {
    expect(versionTwinRules(rules).metadataFor('P-101').profile).toBe('default');
  });
});
