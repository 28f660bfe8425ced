import { DEFAULT_PROFILES, parseProfiles } from '@twinline/domain-twin';
import { ProfilesController } from './profiles.controller';

describe('GET /v1/profiles', () => {
  const profiles = parseProfiles({ pump: { limits: { temperatureC: { max: 75 }, vibrationMmS: { max: 4.5 } } } });
  const controller = new ProfilesController({ profiles, assetClasses: { 'P-101': 'pump' } });

  it('lists every profile by class, with its limits, and the configured class of each asset', () => {
    const answer = controller.list();
    expect(answer.items.map((p) => p.assetClass)).toEqual(['compressor', 'default', 'pipeline-segment', 'pump']);
    expect(answer.items.find((p) => p.assetClass === 'pump')).toMatchObject({ name: 'pump', limits: { temperatureC: { max: 75 }, pressurePsi: { max: 1500 }, vibrationMmS: { max: 4.5 } }, alarmSeverity: 'HIGH' });
    expect(answer.assetClasses).toEqual({ 'P-101': 'pump' });
  });

  it('answers the profile of a class, and the default one for an unknown class', () => {
    expect(controller.one('pump')).toMatchObject({ assetClass: 'pump', appliesAs: 'pump', limits: { temperatureC: { max: 75 } } });
    expect(controller.one('turbine')).toMatchObject({ assetClass: 'turbine', appliesAs: 'default', name: 'default', limits: DEFAULT_PROFILES.default!.limits });
    expect(controller.one('constructor')).toMatchObject({ appliesAs: 'default' });
  });
});
