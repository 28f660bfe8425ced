import { DEFAULT_PROFILES, parseAssetProfiles, profileForAsset } from '@twinline/domain-twin';
import { StaticAssetDirectory } from '@twinline/service-kit';
import { AssetProfiles } from '../asset-profiles';
import { AssetProfileController } from './asset-profile.controller';

describe('GET /v1/assets/:assetId/profile', () => {
  const directory = new StaticAssetDirectory([
    { assetId: 'P-101', assetClass: 'pump', site: 'north' },
    { assetId: 'P-102', assetClass: 'pump', site: 'north' },
  ]);
  const assetProfiles = parseAssetProfiles({ 'P-102': { alarmPolicy: { maxShelveSeconds: 600 } } });
  const controller = new AssetProfileController(new AssetProfiles({ profiles: DEFAULT_PROFILES, assetClasses: { 'C-1': 'compressor' }, assetProfiles }, directory));

  it('given a registered pump, then it answers the pump profile and says the class came from the directory', () => {
    expect(controller.one('P-101')).toEqual({ assetId: 'P-101', assetClass: 'pump', classSource: 'directory', overridden: false, profile: DEFAULT_PROFILES['pump'] });
  });

  it('given a per-asset override, then it answers the overridden profile the twin decides by', () => {
    const answer = controller.one('P-102');
    expect(answer).toMatchObject({ assetClass: 'pump', overridden: true, profile: profileForAsset('P-102', 'pump', DEFAULT_PROFILES, assetProfiles) });
    expect(answer.profile.alarmPolicy.maxShelveSeconds).toBe(600);
  });

  it('given a configured class, then configuration wins; an unknown asset gets the default profile', () => {
    expect(controller.one('C-1')).toMatchObject({ assetClass: 'compressor', classSource: 'configured', profile: DEFAULT_PROFILES['compressor'] });
    expect(controller.one('X-9')).toMatchObject({ assetClass: 'default', classSource: 'default', profile: DEFAULT_PROFILES['default'] });
  });

  it('given an asset id that breaks the id rule, then it is refused naming assetId', () => {
    expect(() => controller.one('bad id!')).toThrow(/assetId/);
  });
});
