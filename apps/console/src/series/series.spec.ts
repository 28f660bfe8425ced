import { buildSeries, SeriesBuilder } from './series';

const applied = (...readings: Array<[string, Record<string, unknown>]>) => ({ type: 'ReadingsApplied', data: { assetId: 'P-101', readings: readings.map(([ts, metrics], i) => ({ readingId: `r${i}`, ts, metrics })) } });
const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString();

describe('the series of an asset', () => {
  it('given ReadingsApplied events, then one point per reading with its numeric metrics, time-ordered', () => {
    const series = buildSeries([
      applied([at(2), { temperatureC: 70, pressurePsi: 1200 }], [at(3), { temperatureC: 72, vibrationMmS: 1.1 }]),
      { type: 'AlarmRaised', data: { alarmId: 'a' } },
      applied([at(1), { temperatureC: 65, label: 'not a number', broken: Number.NaN }]),
    ]);
    expect(series).toEqual({
      points: [
        { ts: at(1), temperatureC: 65 },
        { ts: at(2), temperatureC: 70, pressurePsi: 1200 },
        { ts: at(3), temperatureC: 72, vibrationMmS: 1.1 },
      ],
      truncated: false,
    });
  });

  it('given from and to, then only the readings between them (inclusive)', () => {
    const series = buildSeries([applied([at(1), { t: 1 }], [at(2), { t: 2 }], [at(3), { t: 3 }], [at(4), { t: 4 }])], { from: at(2), to: at(3) });
    expect(series.points.map((p) => p.t)).toEqual([2, 3]);
  });

  it('given more readings than the maximum, then the latest ones, and truncated', () => {
    const events = Array.from({ length: 50 }, (_, i) => applied([at(i), { n: i }]));
    const series = buildSeries(events, { max: 10 });
    expect(series.truncated).toBe(true);
    expect(series.points.map((p) => p.n)).toEqual([40, 41, 42, 43, 44, 45, 46, 47, 48, 49]);
  });

  it('given pages added one by one with late readings, then the memory stays bounded and the latest win', () => {
    const builder = new SeriesBuilder({ max: 5 });
    for (let page = 0; page < 10; page++) builder.add([applied(...Array.from({ length: 4 }, (_, i): [string, Record<string, unknown>] => [at(page * 4 + i), { n: page * 4 + i }]))]);
    builder.add([applied([at(0), { n: -1 }])]);
    expect(builder.build()).toEqual({ points: [35, 36, 37, 38, 39].map((n) => ({ ts: at(n), n })), truncated: true });
  });

  it('given readings all after `to`, then add says nothing later can be in range', () => {
    const builder = new SeriesBuilder({ to: at(5) });
    expect(builder.add([applied([at(4), { n: 4 }], [at(6), { n: 6 }])])).toBe(true);
    expect(builder.add([applied([at(7), { n: 7 }])])).toBe(false);
    expect(builder.add([])).toBe(true);
  });

  it('given malformed events, then they are skipped', () => {
    const series = buildSeries([
      { type: 'ReadingsApplied', data: null },
      { type: 'ReadingsApplied', data: { readings: 'x' } },
      { type: 'ReadingsApplied', data: { readings: [null, { ts: 'not a time', metrics: {} }, { ts: at(1) }, { ts: at(2), metrics: { n: 2 } }] } },
    ]);
    expect(series.points).toEqual([{ ts: at(2), n: 2 }]);
  });
});
