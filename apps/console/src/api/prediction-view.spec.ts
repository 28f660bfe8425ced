import { NO_PREDICTION, predictionOf } from './prediction-view';
import { vibrationZonesOf } from './vibration-zones';
import { VIBRATION_ZONES } from './asset-views';

describe("the console's view of a twin's prediction slice", () => {
  it('given no prediction slice, then nothing is predicted', () => {
    expect(predictionOf(undefined)).toBe(NO_PREDICTION);
    expect(predictionOf({})).toBe(NO_PREDICTION);
    expect(predictionOf({ prediction: null })).toBe(NO_PREDICTION);
  });

  it('given two failure predictions in force, then the breach time is the earliest one, with its bounds and cause', () => {
    const view = predictionOf({
      prediction: {
        failures: {
          THRESHOLD_EXCEEDED: { predictionId: 'p1', cause: 'THRESHOLD_EXCEEDED', metric: 'temperatureC', predictedFailureAt: '2026-01-02T12:00:00.000Z', earliestAt: '2026-01-02T06:00:00.000Z' },
          VIBRATION_HIGH: { predictionId: 'p2', cause: 'VIBRATION_HIGH', metric: 'vibrationMmS', predictedFailureAt: '2026-01-02T03:00:00.000Z', earliestAt: null },
        },
        rul: { cause: 'VIBRATION_HIGH', rulHours: 27, lowerHours: 20, upperHours: 40, metric: 'vibrationMmS', method: 'trend', at: '2026-01-01T00:00:00.000Z' },
        anomaly: { active: { since: '2026-01-01T00:00:00.000Z', readingId: 'r1', score: 7.5 }, score: 7.5 },
        trends: {},
      },
    });
    expect(view).toEqual({
      available: true,
      predictedBreachAt: '2026-01-02T03:00:00.000Z',
      earliestAt: null,
      cause: 'VIBRATION_HIGH',
      metric: 'vibrationMmS',
      failures: 2,
      rul: { cause: 'VIBRATION_HIGH', hours: 27, lowerHours: 20, upperHours: 40, metric: 'vibrationMmS', at: '2026-01-01T00:00:00.000Z' },
      anomaly: { since: '2026-01-01T00:00:00.000Z', score: 7.5 },
    });
  });

  it('given a RUL without an interval and no failure in force, then the RUL alone, its bounds null', () => {
    const view = predictionOf({ prediction: { failures: {}, rul: { cause: 'X', rulHours: 5 }, anomaly: { active: null } } });
    expect(view).toMatchObject({ predictedBreachAt: null, failures: 0, rul: { hours: 5, lowerHours: null, upperHours: null }, anomaly: null });
  });

  it('given failures as a list or with unreadable times, then the readable ones count', () => {
    const view = predictionOf({ prediction: { failures: [{ predictedFailureAt: 'not a time' }, { predictedFailureAt: '2026-03-01T00:00:00.000Z', cause: 'C' }] } });
    expect(view).toMatchObject({ predictedBreachAt: '2026-03-01T00:00:00.000Z', cause: 'C', failures: 1 });
  });
});

describe('the vibration zones of a profile', () => {
  it('given no vibration class, then group 2 rigid', () => {
    expect(vibrationZonesOf(null)).toBe(VIBRATION_ZONES);
    expect(vibrationZonesOf({ vibration: { machineGroup: 3, foundation: 'rigid' } })).toBe(VIBRATION_ZONES);
  });

  it('given group 1 flexible, then ISO 10816-3 boundaries 3.5 / 7.1 / 11.0 mm/s', () => {
    expect(vibrationZonesOf({ vibration: { machineGroup: 1, foundation: 'flexible', metric: 'vibrationMmS' } })).toEqual([
      { zone: 'A', max: 3.5 },
      { zone: 'B', max: 7.1 },
      { zone: 'C', max: 11.0 },
      { zone: 'D', max: null },
    ]);
  });
});
