import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { assessSegment, minimumWallThicknessMm } from './pipeline';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { predictedLimitsOf } from './twin.predict';
import { DEFAULT_PROFILES, parseAssetProfiles, parseProfiles, pipelineMinimumWallMm, profileForAsset, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, type TwinState } from './twin.state';

/*
 * H10: pipeline segments in the live twin. A segment's design (profile `pipeline`) gives t_min by
 * Barlow; the twin alarms below it and predicts the crossing from the wall-thickness trend, with the
 * same remaining life as pipeline/assessSegment on the same inspections.
 */

const YEAR_MS = 365.25 * 24 * 3_600_000;
const YEAR_H = 365.25 * 24;
const T0 = Date.parse('2020-01-01T00:00:00Z');
const iso = (years: number) => new Date(T0 + Math.round(years * YEAR_MS)).toISOString();
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);
const ofType = <T extends TwinEvent['type']>(events: readonly TwinEvent[], type: T) => events.filter((e): e is Extract<TwinEvent, { type: T }> => e.type === type);

/** X42 (SMYS 42,000 psi), 1000 psi, D = 288 mm, F 0.72: t_min = 1000 · 288 / (2 · 42,000 · 0.72) = 288,000 / 60,480 = 4.7619 mm. */
const DESIGN = { designPressurePsi: 1000, outsideDiameterMm: 288, grade: 'API 5L X42' };
const segment = profileForAsset('SEG-1', 'pipeline-segment', DEFAULT_PROFILES, parseAssetProfiles({ 'SEG-1': { pipeline: DESIGN } }));

/** One inspection per command (years after 2020-01-01), as the twin receives them. */
function inspect(series: ReadonlyArray<readonly [years: number, mm: number]>, profile: ThresholdProfile = segment): TwinEvent[] {
  const history: TwinEvent[] = [];
  let state = initialTwinState;
  series.forEach(([years, mm], i) => {
    const r: TrustedReading = { readingId: `UT-${i + 1}`, deviceId: 'UT-gauge', assetId: 'SEG-1', seq: i + 1, ts: iso(years), receivedAt: iso(years), metrics: { wallThicknessMm: mm } };
    const events = decide({ type: 'ApplyReadings', data: { assetId: 'SEG-1', readings: [r], profile } }, state);
    history.push(...events);
    state = fold(events, state);
  });
  return history;
}

describe('pipeline segments in the twin', () => {
  it('a segment design gives the limit wallThicknessMm ≥ t_min (4.7619 mm by hand), watched with the profile cause', () => {
    expect(minimumWallThicknessMm(DESIGN)).toBeCloseTo(288_000 / 60_480, 12);
    expect(pipelineMinimumWallMm(segment)).toBeCloseTo(4.7619, 4);
    expect(segment.limits['wallThicknessMm']).toEqual({ min: minimumWallThicknessMm(DESIGN) });
    expect(segment.name).toBe('pipeline-segment@SEG-1');
    expect(predictedLimitsOf(segment)).toContainEqual({ metric: 'wallThicknessMm', cause: 'THRESHOLD_EXCEEDED', min: minimumWallThicknessMm(DESIGN), inclusive: false });
    // The class keeps its study limits; without a design there is no wall limit.
    expect(Object.keys(segment.limits)).toEqual(['temperatureC', 'pressurePsi', 'wallThicknessMm']);
    expect(DEFAULT_PROFILES['pipeline-segment']!.limits['wallThicknessMm']).toBeUndefined();
  });

  it('given inspections 12.0, 11.8, 11.6, 11.4 mm a year apart, then RulEstimated = assessSegment: (11.4 − 4.7619) / 0.2 mm/yr = 33.19 years; no FailurePredicted (beyond the 1-year horizon)', () => {
    const series = [
      [0, 12.0],
      [1, 11.8],
      [2, 11.6],
      [3, 11.4],
    ] as const;
    const history = inspect(series);
    // The class's wall-thickness window (every inspection a point, over years) is recorded before the first one.
    expect(history[0]).toMatchObject({ type: 'PredictionConfigured', data: { trendWindows: { wallThicknessMm: { bucketSeconds: 0, maxPoints: 20 } } } });
    expect(ofType(history, 'FailurePredicted')).toEqual([]);
    const ruls = ofType(history, 'RulEstimated');
    // A trend needs 3 inspections: the first estimate comes with the third, the fourth confirms it (same end of life: none).
    expect(ruls.map((e) => e.data.readingId)).toEqual(['UT-3']);
    const assessment = assessSegment(DESIGN, series.map(([years, mm]) => ({ ts: iso(years), wallThicknessMm: mm })));
    const hand = (11.4 - 288_000 / 60_480) / 0.2;
    expect(assessment.remainingLifeYears).toBeCloseTo(hand, 9);
    // At UT-3 (11.6 mm, 2 years): (11.6 − 4.7619) / 0.2 = 34.19 years; the estimate at UT-4 would end on the same day.
    expect(ruls[0]!.data.rulHours / YEAR_H).toBeCloseTo((11.6 - 288_000 / 60_480) / 0.2, 4);
    const threeInspections = assessSegment(DESIGN, series.slice(0, 3).map(([years, mm]) => ({ ts: iso(years), wallThicknessMm: mm })));
    expect(Math.abs(ruls[0]!.data.rulHours - threeInspections.remainingLifeYears! * YEAR_H)).toBeLessThan(0.01);
    expect(ruls[0]!.data).toMatchObject({ cause: 'THRESHOLD_EXCEEDED', metric: 'wallThicknessMm', method: 'trend', lowerHours: ruls[0]!.data.rulHours, upperHours: ruls[0]!.data.rulHours });
    // The end of life the twin holds (estimate time + RUL) is the instant assessSegment gives after all four inspections.
    const rul = fold(history).prediction.rul!;
    expect(Math.abs(Date.parse(rul.at) + rul.rulHours * 3_600_000 - Date.parse(assessment.predictedMinimumAt!))).toBeLessThan(36_000);
  });

  it('off a straight line the two differ by (fitted − measured latest wall) / rate: the twin extrapolates its fitted line, assessSegment the measured wall (API 570 t_actual)', () => {
    // A profile that re-estimates on any move of the end of life shows the twin's RUL at every inspection.
    const eager = profileForAsset('SEG-1', 'pipeline-segment', parseProfiles({ 'pipeline-segment': { prediction: { rulChangeFraction: 0, rulMinChangeHours: 0 } } }), parseAssetProfiles({ 'SEG-1': { pipeline: DESIGN } }));
    // 12.0, 11.8, 11.6, 11.34 mm: x̄ = 1.5, ȳ = 11.685, Sxx = 5, Sxy = −1.09 → b = −0.218 mm/yr; fitted wall at 3 years 11.685 − 0.218 · 1.5 = 11.358 mm.
    const bent = [
      [0, 12.0],
      [1, 11.8],
      [2, 11.6],
      [3, 11.34],
    ] as const;
    const ruls = ofType(inspect(bent, eager), 'RulEstimated');
    expect(ruls.map((e) => e.data.readingId)).toEqual(['UT-3', 'UT-4']);
    const tMin = 288_000 / 60_480;
    const assessment = assessSegment(DESIGN, bent.map(([years, mm]) => ({ ts: iso(years), wallThicknessMm: mm })));
    expect(assessment.corrosionRateMmPerYear).toBeCloseTo(0.218, 9);
    expect(assessment.remainingLifeYears!).toBeCloseTo((11.34 - tMin) / 0.218, 9); // 30.18 years
    expect(ruls[1]!.data.rulHours / YEAR_H).toBeCloseTo((11.358 - tMin) / 0.218, 5); // 30.26 years
    expect(ruls[1]!.data.rulHours / YEAR_H - assessment.remainingLifeYears!).toBeCloseTo(0.018 / 0.218, 5); // 0.083 years ≈ 723 h
  });

  it('given a thinner wall (6.0, 5.6, 5.2 mm yearly, then 5.0 at 2.5 years), then FailurePredicted within the 1-year horizon at the minimum assessSegment predicts, and the alarm once below t_min', () => {
    const series = [
      [0, 6.0],
      [1, 5.6],
      [2, 5.2],
      [2.5, 5.0],
      [3.2, 4.72],
    ] as const;
    const history = inspect(series);
    const predicted = ofType(history, 'FailurePredicted');
    // At 2 years: (5.2 − 4.7619) / 0.4 = 1.095 years > 1 year: not yet. At 2.5 years: 0.595 years → predicted.
    expect(predicted.map((e) => e.data.readingId)).toEqual(['UT-4']);
    const upTo4 = assessSegment(DESIGN, series.slice(0, 4).map(([years, mm]) => ({ ts: iso(years), wallThicknessMm: mm })));
    expect(upTo4.remainingLifeYears).toBeCloseTo((5.0 - 288_000 / 60_480) / 0.4, 9);
    // The event's time is rounded to the second; assessSegment's to the millisecond.
    expect(Math.abs(Date.parse(predicted[0]!.data.predictedFailureAt) - Date.parse(upTo4.predictedMinimumAt!))).toBeLessThanOrEqual(1000);
    expect(predicted[0]!.data).toMatchObject({ cause: 'THRESHOLD_EXCEEDED', metric: 'wallThicknessMm', comparator: '<', horizonHours: 8760, points: 4 });
    expect(predicted[0]!.data.message).toMatch(/^Wall thickness predicted to fall below 4\.76\d* mm at 2023-/);
    // 4.72 mm < 4.7619 mm: the limit alarm (the prediction stands while the wall is below its minimum).
    const raised = ofType(history, 'AlarmRaised');
    expect(raised.map((e) => [e.data.readingId, e.data.cause, e.data.conditions])).toEqual([['UT-5', 'THRESHOLD_EXCEEDED', [{ metric: 'wallThicknessMm', value: 4.72, limit: minimumWallThicknessMm(DESIGN), comparator: '<' }]]]);
    expect(fold(history).status).toBe('ALARM');
    expect(ofType(history, 'FailurePredictionWithdrawn')).toEqual([]);
  });

  it('a bad design names its field; an asset override merges field by field over the class design', () => {
    const fieldsOf = (json: unknown) => {
      try {
        parseProfiles(json);
      } catch (error) {
        return ((error as { errors: Array<{ field: string }> }).errors ?? []).map((e) => e.field);
      }
      return [];
    };
    expect(fieldsOf({ 'pipeline-segment': { pipeline: { designPressurePsi: 1000, outsideDiameterMm: 288 } } })).toEqual(['pipeline-segment.pipeline.grade']);
    expect(fieldsOf({ 'pipeline-segment': { pipeline: { designPressurePsi: -5, outsideDiameterMm: 288, grade: 'API 5L X42' } } })).toEqual(['pipeline-segment.pipeline.designPressurePsi']);
    expect(fieldsOf({ 'pipeline-segment': { pipeline: { ...DESIGN, designFactor: 1.2 } } })).toEqual(['pipeline-segment.pipeline.designFactor']);
    expect(fieldsOf({ 'pipeline-segment': { pipeline: { ...DESIGN, wall: 3 } } })).toEqual(['pipeline-segment.pipeline']);
    // A complete per-asset design is checked when the overrides are parsed (TWIN_ASSET_PROFILES), naming the asset.
    expect(() => parseAssetProfiles({ 'SEG-9': { pipeline: { ...DESIGN, grade: 'API 5L X99' } } })).toThrow(expect.objectContaining({ code: 'TWIN.INVALID_PROFILES', errors: [expect.objectContaining({ field: 'SEG-9.pipeline.grade' })] }));
    const classes = parseProfiles({ 'pipeline-segment': { pipeline: DESIGN } });
    const thicker = profileForAsset('SEG-2', 'pipeline-segment', classes, parseAssetProfiles({ 'SEG-2': { pipeline: { designPressurePsi: 1440 } } }));
    expect(thicker.limits['wallThicknessMm']).toEqual({ min: (1440 * 288) / 60_480 });
    const none = profileForAsset('SEG-3', 'pipeline-segment', classes, parseAssetProfiles({ 'SEG-3': { pipeline: null } }));
    expect(none.limits['wallThicknessMm']).toBeUndefined();
    expect(none.pipeline).toBeUndefined();
  });
});
