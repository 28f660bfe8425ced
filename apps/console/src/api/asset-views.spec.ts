import { DEFAULT_PROFILES } from '@twinline/domain-twin';
import { buildFleet, profileOfAsset, type TwinView } from './asset-views';

const twin = (assetId: string, status: string, extra: Partial<TwinView> = {}): TwinView => ({
  assetId,
  status,
  label: status === 'ALARM' ? 'ALARM: Predictive Maintenance Required' : 'Operational',
  metrics: { temperatureC: { value: 81, ts: '2026-01-01T00:00:00.000Z', readingId: 'r1' } },
  activeAlarms: [],
  sensorFault: null,
  lastReadingTs: '2026-01-01T00:00:00.000Z',
  ...extra,
});

describe('the fleet', () => {
  const directory = [
    { assetId: 'P-101', assetClass: 'pump', site: 'north-field' },
    { assetId: 'C-201', assetClass: 'compressor', site: 'south-field' },
    { assetId: 'X-1', assetClass: 'pump', site: null },
  ];

  it('given twins and the directory, then each twin with its class and site, registered assets without a twin as NO_DATA', () => {
    const fleet = buildFleet([twin('P-101', 'ALARM'), twin('Z-9', 'OPERATIONAL', { sensorFault: { since: 'x' } })], directory);
    expect(fleet.items.map((i) => [i.assetId, i.assetClass, i.site, i.status, i.sensorFault])).toEqual([
      ['C-201', 'compressor', 'south-field', 'NO_DATA', false],
      ['P-101', 'pump', 'north-field', 'ALARM', false],
      ['X-1', 'pump', null, 'NO_DATA', false],
      ['Z-9', null, null, 'OPERATIONAL', true],
    ]);
    expect(fleet.items[1]).toMatchObject({ metrics: { temperatureC: { value: 81, ts: '2026-01-01T00:00:00.000Z' } }, predictedBreachAt: null, updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(fleet.items[1]!.metrics.temperatureC).not.toHaveProperty('readingId');
    expect(fleet.sites).toEqual(['north-field', 'south-field']);
    expect(fleet.classes).toEqual(['compressor', 'pump']);
  });

  it('given filters, then only the matching items, and still every site and class', () => {
    const twins = [twin('P-101', 'ALARM'), twin('C-201', 'OPERATIONAL')];
    expect(buildFleet(twins, directory, { site: 'north-field' }).items.map((i) => i.assetId)).toEqual(['P-101']);
    expect(buildFleet(twins, directory, { assetClass: 'pump' }).items.map((i) => i.assetId)).toEqual(['P-101', 'X-1']);
    const alarms = buildFleet(twins, directory, { status: 'ALARM' });
    expect(alarms.items.map((i) => i.assetId)).toEqual(['P-101']);
    expect(alarms.sites).toEqual(['north-field', 'south-field']);
  });
});

describe('the profile of an asset', () => {
  const profiles = { ...DEFAULT_PROFILES, pump: { ...DEFAULT_PROFILES.pump!, name: 'pump-v2', limits: { temperatureC: { max: 75 } } } };

  it('given the profile the twin names, then that one', () => {
    expect(profileOfAsset(profiles, 'pump-v2', null)?.limits).toEqual({ temperatureC: { max: 75 } });
  });

  it('given no named profile, then the class\'s, else the default', () => {
    expect(profileOfAsset(profiles, null, 'pump')?.name).toBe('pump-v2');
    expect(profileOfAsset(profiles, 'unknown', 'unknown')?.name).toBe('default');
    expect(profileOfAsset(profiles, null, null)?.limits).toEqual({ temperatureC: { max: 80 }, pressurePsi: { max: 1500 } });
    expect(profileOfAsset({}, null, null)).toBeNull();
  });
});
