import { alarmKpis, ISA_18_2_TARGETS, type AlarmLogEntry, kpiWindowOf, MAX_KPI_WINDOW_DAYS } from './kpi';

const T0 = Date.parse('2026-01-01T00:00:00Z');
/** 2026-01-01 at `minute`:`second` after midnight. */
const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000).toISOString();
const HOUR = { from: at(0), to: at(60) };
let n = 0;
const alarm = (assetId: string, raisedAt: string, o: Partial<AlarmLogEntry> = {}): AlarmLogEntry => ({ assetId, cause: 'THRESHOLD_EXCEEDED', alarmId: `ALM-${++n}`, raisedAt, site: 'north', ...o });

describe('alarmKpis (ISA-18.2 alarm performance per site)', () => {
  describe('given an hour in which north floods for the first 20 minutes, then has exactly 10 alarms', () => {
    const log: AlarmLogEntry[] = [
      // 00:00–00:10: P-1 three times within 40 s, and A-01..A-09 once each: 12 alarms → flood.
      alarm('P-1', at(0, 0)),
      alarm('P-1', at(0, 20)),
      alarm('P-1', at(0, 40)),
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => alarm(`A-0${i}`, at(i))),
      // 00:10–00:20: B-10..B-20 once each: 11 alarms → flood.
      ...[10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20].map((i) => alarm(`B-${i}`, at(10, (i - 10) * 50))),
      // 00:20–00:30: C-1..C-10: exactly 10 alarms, no flood (a flood is MORE than 10).
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => alarm(`C-${i}`, at(20 + i - 1, 10))),
      // Not annunciated: a raise while shelved and a re-announcement.
      alarm('C-1', at(25), { shelved: true }),
      alarm('C-2', at(26), { reannounced: true }),
      // south: one alarm inside; one at `to` and one before `from` are outside the window.
      alarm('S-1', at(30), { site: 'south' }),
      alarm('S-1', at(60), { site: 'south' }),
      alarm('S-1', at(-1), { site: 'south' }),
      // An asset the directory does not know.
      alarm('X-1', at(45), { site: null }),
    ];

    const kpis = alarmKpis(log, HOUR);
    const north = kpis.sites.find((s) => s.site === 'north')!;

    it('when computed, then the sites come by name, the unknown site last, over 6 ten-minute periods', () => {
      expect(kpis.sites.map((s) => s.site)).toEqual(['north', 'south', null]);
      expect(kpis).toMatchObject({ from: at(0), to: at(60), periods: 6, targets: ISA_18_2_TARGETS });
    });

    it('then north counts 12 + 11 + 10 = 33 annunciated alarms, 5.5 per 10 minutes, peak 12, one shelved raise and one re-announcement apart', () => {
      expect(north).toMatchObject({ alarms: 33, averagePer10Minutes: 5.5, peakPer10Minutes: 12, shelvedRaises: 1, reannouncements: 1 });
    });

    it('then the two first periods are floods (12 and 11 > 10), the third (exactly 10) is not; the longest flood is 20 minutes, 33.33 % of the hour', () => {
      expect(north.floodPeriods).toEqual([
        { start: at(0), end: at(10), alarms: 12 },
        { start: at(10), end: at(20), alarms: 11 },
      ]);
      expect(north.longestFlood).toEqual({ start: at(0), end: at(20), periods: 2, alarms: 23, minutes: 20 });
      expect(north.percentTimeInFlood).toBe(33.33);
    });

    it('then P-1 (3 raises within 40 s) chatters; nothing else does', () => {
      expect(north.chattering).toEqual([{ assetId: 'P-1', cause: 'THRESHOLD_EXCEEDED', raises: 3, maxRaisesIn60s: 3, firstBurstAt: at(0) }]);
    });

    it('then the top 10 are P-1 (3) and nine single alarms: 12 of 33 = 36.36 %', () => {
      expect(north.topTen).toHaveLength(10);
      expect(north.topTen[0]).toEqual({ assetId: 'P-1', cause: 'THRESHOLD_EXCEEDED', alarms: 3, sharePercent: 9.09 });
      expect(north.topTen[1]).toEqual({ assetId: 'A-01', cause: 'THRESHOLD_EXCEEDED', alarms: 1, sharePercent: 3.03 });
      expect(north.topTenSharePercent).toBe(36.36);
      expect(north.meetsTargets).toEqual({ averageRate: false, floods: false, topTenShare: false, chattering: false });
    });

    it('then south has its one alarm inside [from, to): 1/6 = 0.167 per 10 minutes, no flood, its top 10 is all of it', () => {
      expect(kpis.sites[1]).toMatchObject({ site: 'south', alarms: 1, averagePer10Minutes: 0.167, peakPer10Minutes: 1, floodPeriods: [], longestFlood: null, percentTimeInFlood: 0, chattering: [], topTenSharePercent: 100 });
      expect(kpis.sites[1]!.meetsTargets).toEqual({ averageRate: true, floods: true, topTenShare: false, chattering: true });
      expect(kpis.sites[2]).toMatchObject({ site: null, alarms: 1 });
    });
  });

  describe('chattering: ≥ 3 raises of one asset and cause within 60 s', () => {
    it('given three raises exactly 60 s apart end to end, then it chatters; 60.001 s does not', () => {
      const kpis = alarmKpis([alarm('P-2', at(1, 0)), alarm('P-2', at(1, 30)), alarm('P-2', at(2, 0)), alarm('P-3', at(1, 0)), alarm('P-3', at(1, 30)), alarm('P-3', new Date(T0 + 120_001).toISOString())], HOUR);
      expect(kpis.sites[0]!.chattering.map((c) => c.assetId)).toEqual(['P-2']);
    });

    it('given two causes of one asset, three raises in all within 60 s, then neither chatters', () => {
      const kpis = alarmKpis([alarm('P-4', at(1)), alarm('P-4', at(1, 10), { cause: 'NO_DATA' }), alarm('P-4', at(1, 20))], HOUR);
      expect(kpis.sites[0]!.chattering).toEqual([]);
    });

    it('given the third raise shelved, then it does not chatter (shelved raises are not annunciated)', () => {
      const kpis = alarmKpis([alarm('P-5', at(1)), alarm('P-5', at(1, 10)), alarm('P-5', at(1, 20), { shelved: true })], HOUR);
      expect(kpis.sites[0]).toMatchObject({ alarms: 2, shelvedRaises: 1, chattering: [] });
    });

    it('given five raises, four of them within 60 s, then it is listed once with its raises and the most in 60 s', () => {
      const kpis = alarmKpis([alarm('P-6', at(1)), alarm('P-6', at(5)), alarm('P-6', at(5, 15)), alarm('P-6', at(5, 30)), alarm('P-6', at(5, 45))], HOUR);
      expect(kpis.sites[0]!.chattering).toEqual([{ assetId: 'P-6', cause: 'THRESHOLD_EXCEEDED', raises: 5, maxRaisesIn60s: 4, firstBurstAt: at(5) }]);
    });
  });

  describe('periods aligned to `from`', () => {
    it('given a 15-minute window with 11 alarms in its last 5 minutes, then the short last period floods: 5 of 15 minutes = 33.33 %', () => {
      const log = Array.from({ length: 11 }, (_, i) => alarm(`F-${i}`, at(10, i * 20)));
      const kpis = alarmKpis(log, { from: at(0), to: at(15) });
      expect(kpis.periods).toBe(2);
      expect(kpis.sites[0]).toMatchObject({ alarms: 11, averagePer10Minutes: 7.333, floodPeriods: [{ start: at(10), end: at(15), alarms: 11 }], longestFlood: { minutes: 5, periods: 1 }, percentTimeInFlood: 33.33 });
    });

    it('given 11 alarms across a period boundary (6 before 00:10, 5 after) from 00:00, then no flood; the same alarms from 00:05 make one', () => {
      const log = Array.from({ length: 11 }, (_, i) => alarm(`G-${i}`, at(7 + i * 0.5)));
      expect(alarmKpis(log, HOUR).sites[0]!.floodPeriods).toEqual([]);
      expect(alarmKpis(log, { from: at(5), to: at(65) }).sites[0]!.floodPeriods).toEqual([{ start: at(5), end: at(15), alarms: 11 }]);
    });

    it('given two floods apart, then the longest is the longer run (the first of equal ones)', () => {
      const burst = (minute: number) => Array.from({ length: 11 }, (_, i) => alarm(`H-${minute}-${i}`, at(minute, i)));
      const kpis = alarmKpis([...burst(0), ...burst(20), ...burst(30), ...burst(50)], HOUR);
      expect(kpis.sites[0]!.floodPeriods).toHaveLength(4);
      expect(kpis.sites[0]!.longestFlood).toEqual({ start: at(20), end: at(40), periods: 2, alarms: 22, minutes: 20 });
      expect(kpis.sites[0]!.percentTimeInFlood).toBe(66.67);
    });
  });

  it('given no alarms, then no sites', () => {
    expect(alarmKpis([], HOUR)).toEqual({ from: at(0), to: at(60), periods: 6, targets: ISA_18_2_TARGETS, sites: [] });
  });

  it.each([
    [{ from: 'yesterday', to: at(60) }, 'TWIN.INVALID_TIME', 'from'],
    [{ from: at(0), to: 'soon' }, 'TWIN.INVALID_TIME', 'to'],
    [{ from: at(60), to: at(60) }, 'TWIN.INVALID_INPUT', 'from'],
    [{ from: at(61), to: at(60) }, 'TWIN.INVALID_INPUT', 'from'],
  ])('given the window %j, then %s naming %s', (window, code, field) => {
    expect(() => alarmKpis([], window)).toThrow(expect.objectContaining({ code, errors: [expect.objectContaining({ field })] }));
  });
});

describe('the window of a KPI query (kpiWindowOf)', () => {
  const now = Date.parse('2026-11-26T12:00:00Z');
  it('given no from and no to, then the last 24 h up to now', () => {
    expect(kpiWindowOf({}, now)).toEqual({ window: { from: '2026-11-25T12:00:00.000Z', to: '2026-11-26T12:00:00.000Z' } });
  });
  it('given only to, then the 24 h before it', () => {
    expect(kpiWindowOf({ to: '2026-11-01T00:00:00Z' }, now)).toEqual({ window: { from: '2026-10-31T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' } });
  });
  it('given from not before to, then an error naming from', () => {
    expect(kpiWindowOf({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now)).toEqual({ errors: [{ field: 'from', message: 'must be before to (2026-11-01T00:00:00.000Z)' }] });
  });
  it(`given a window longer than ${MAX_KPI_WINDOW_DAYS} days, then an error naming from; exactly ${MAX_KPI_WINDOW_DAYS} days is accepted`, () => {
    expect(kpiWindowOf({ from: '2026-09-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now)).toEqual({ errors: [expect.objectContaining({ field: 'from', message: expect.stringContaining('at most 31 days') })] });
    expect(kpiWindowOf({ from: '2026-10-01T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now)).toHaveProperty('window');
  });
});
