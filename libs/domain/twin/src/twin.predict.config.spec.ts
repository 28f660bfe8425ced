import fc from 'fast-check';
import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { twinEventSchemas } from '@twinline/contracts';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { windowPoints } from './prediction/trend';
import { IMPLICIT_PREDICTION_CONFIG, predictionConfigOf, predictionSettingsOf, TWIN_ANOMALY } from './twin.predict';
import { DEFAULT_PROFILES, parseAssetProfiles, parseProfiles, profileForAsset, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, type TwinState } from './twin.state';

/*
 * H10: the prediction fold's configuration per asset class, recorded in the stream (PredictionConfigured).
 */

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const iso = (hours: number) => new Date(T0 + Math.round(hours * 3_600_000)).toISOString().replace('.000Z', 'Z');
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);
const reading = (seq: number, metrics: Record<string, number>, hours: number = seq): TrustedReading => ({ readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts: iso(hours), receivedAt: iso(hours), metrics });
const apply = (readings: TrustedReading[], profile: ThresholdProfile = pump) => ({ type: 'ApplyReadings' as const, data: { assetId: 'P-101', readings, profile } });
const ofType = <T extends TwinEvent['type']>(events: readonly TwinEvent[], type: T) => events.filter((e): e is Extract<TwinEvent, { type: T }> => e.type === type);

/** One command per reading, as the service does (each with its own profile); returns the history. */
function run(steps: ReadonlyArray<{ reading: TrustedReading; profile: ThresholdProfile }>, history: TwinEvent[] = []): TwinEvent[] {
  let state = fold(history);
  for (const { reading: r, profile } of steps) {
    const events = decide(apply([r], profile), state);
    history.push(...events);
    state = fold(events, state);
  }
  return history;
}
const withProfile = (profile: ThresholdProfile) => (r: TrustedReading) => ({ reading: r, profile });

/** The override H8's SKAB parity check uses: train on the first 400 readings, whatever time they span. */
const skabPump = parseProfiles({ pump: { prediction: { anomaly: { trainingReadings: 400, trainingHours: 0 } } } })['pump']!;

describe('prediction configuration per asset class (PredictionConfigured)', () => {
  it('given a class with the default configuration, when its first reading comes, then no PredictionConfigured (the stream folds with the implicit defaults)', () => {
    const events = decide(apply([reading(0, { temperatureC: 60 })]), initialTwinState);
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied']);
    expect(predictionConfigOf(predictionSettingsOf(pump))).toBe(IMPLICIT_PREDICTION_CONFIG);
    expect(IMPLICIT_PREDICTION_CONFIG.trendWindow).toEqual({ bucketSeconds: 1800, maxPoints: 48, maxAgeSeconds: 86_400 });
    expect(IMPLICIT_PREDICTION_CONFIG.anomaly).toMatchObject({ trainingReadings: TWIN_ANOMALY.trainingReadings, trainingHours: TWIN_ANOMALY.trainingHours });
  });

  it('given a class that trains on 400 readings and 0 h, when its first reading comes, then PredictionConfigured precedes it, with all detector options resolved', () => {
    const events = decide(apply([reading(0, { temperatureC: 60 }), reading(1, { temperatureC: 61 })], skabPump), initialTwinState);
    expect(events.map((e) => e.type)).toEqual(['PredictionConfigured', 'ReadingsApplied']);
    const configured = events[0] as Extract<TwinEvent, { type: 'PredictionConfigured' }>;
    expect(configured.data).toEqual({
      assetId: 'P-101',
      at: iso(0),
      readingId: 'R-0',
      trendWindow: { bucketSeconds: 1800, maxPoints: 48, maxAgeSeconds: 86_400 },
      trendWindows: {},
      anomaly: {
        trainingReadings: 400,
        trainingHours: 0,
        options: { windowSamples: 10, rateSamples: 10, shrinkage: 0.2, raiseAbove: 5, raiseAfter: 5, clearBelow: 5, clearAfter: 5, clearRatio: 0.1, peakHalfLife: 60, minTrainingSamples: 30 },
      },
    });
    expect(twinEventSchemas.PredictionConfigured.parse(configured.data)).toEqual(configured.data);
    // Once recorded, the next command of the same profile emits none.
    expect(decide(apply([reading(2, { temperatureC: 62 })], skabPump), fold(events)).map((e) => e.type)).toEqual(['ReadingsApplied']);
  });

  it('the training period comes from the profile: 400 readings one second apart train the detector (the default needs 24 h)', () => {
    const second = (i: number) => reading(i, { temperatureC: 60 + Math.sin(i / 5), pressurePsi: 1000 + 5 * Math.cos(i / 7) }, i / 3600);
    const readings = Array.from({ length: 400 }, (_, i) => second(i));
    expect(fold(run(readings.map(withProfile(skabPump)))).prediction.anomaly).toMatchObject({ trainingReadings: 400, training: null });
    expect(fold(run(readings.slice(0, 399).map(withProfile(skabPump)))).prediction.anomaly.model).toBeNull();
    expect(fold(run(readings.map(withProfile(pump)))).prediction.anomaly.model).toBeNull();
  });

  it('a metric with its own trend window keeps every reading as a point; the others keep 30-min means', () => {
    const own = { ...pump, prediction: { metrics: { pressurePsi: { trendWindow: { bucketSeconds: 0, maxPoints: 4 } } } } } as ThresholdProfile;
    // Six readings ten minutes apart: temperature 60, 62, … in two half-hour buckets; pressure 1000, 1010, … kept individually (last 4).
    const readings = Array.from({ length: 6 }, (_, i) => reading(i, { temperatureC: 60 + 2 * i, pressurePsi: 1000 + 10 * i }, i / 6));
    const history = run(readings.map(withProfile(own)));
    expect(ofType(history, 'PredictionConfigured').map((e) => e.data.trendWindows)).toEqual([{ pressurePsi: { bucketSeconds: 0, maxPoints: 4, maxAgeSeconds: 86_400 } }]);
    const { trends } = fold(history).prediction;
    expect(windowPoints(trends['temperatureC']!).map((p) => [p.v, p.n])).toEqual([
      [62, 3],
      [68, 3],
    ]);
    expect(windowPoints(trends['pressurePsi']!).map((p) => p.v)).toEqual([1020, 1030, 1040, 1050]);
  });

  it('given 30-min buckets, when the class changes to 60-min buckets, then the window is re-bucketed exactly (each old point counted with its readings)', () => {
    // Four readings 15 min apart: buckets 00:00 (60, 62) and 00:30 (64, 66).
    const readings = Array.from({ length: 4 }, (_, i) => reading(i, { temperatureC: 60 + 2 * i }, i / 4));
    const history = run(readings.map(withProfile(pump)));
    expect(windowPoints(fold(history).prediction.trends['temperatureC']!).map((p) => [p.v, p.n])).toEqual([
      [61, 2],
      [65, 2],
    ]);
    const hourly = { ...pump, prediction: { trendWindow: { bucketSeconds: 3600 } } } as ThresholdProfile;
    const after = run([withProfile(hourly)(reading(4, { temperatureC: 68 }, 1))], [...history]).slice(history.length);
    expect(after.map((e) => e.type)).toEqual(['PredictionConfigured', 'ReadingsApplied']);
    // 00:00–01:00 holds all four readings (mean 63, at 00:22:30), 01:00 the new one.
    const points = windowPoints(fold(after, fold(history)).prediction.trends['temperatureC']!);
    expect(points.map((p) => [p.v, p.n, iso((p.t - T0) / 3_600_000)])).toEqual([
      [63, 4, '2024-01-01T00:22:30Z'],
      [68, 1, '2024-01-01T01:00:00Z'],
    ]);
  });

  it('given an anomalous episode, when the class changes its training period, then training restarts and the next reading clears the episode (RETRAINING)', () => {
    const normal = (h: number) => ({ temperatureC: 60 + Math.sin(h / 3), pressurePsi: 1000 + 10 * Math.sin(h / 3) + 3 * Math.cos(h / 1.7) });
    const n = TWIN_ANOMALY.trainingReadings;
    const history = run([...Array.from({ length: n }, (_, h) => reading(h, normal(h))), ...Array.from({ length: 12 }, (_, i) => reading(n + i, { ...normal(n + i), temperatureC: 70 }))].map(withProfile(pump)));
    expect(fold(history).prediction.anomaly.active).not.toBeNull();
    const longer = { ...pump, prediction: { anomaly: { trainingHours: 48 } } } as ThresholdProfile;
    const after = run([withProfile(longer)(reading(n + 12, normal(n + 12)))], [...history]).slice(history.length);
    // (the drop from 70 °C back to normal also gives a temperature trend: RulEstimated, not of interest here)
    expect(after.map((e) => e.type).filter((t) => t !== 'RulEstimated')).toEqual(['PredictionConfigured', 'ReadingsApplied', 'AnomalyCleared']);
    expect(ofType(after, 'AnomalyCleared')[0]!.data.reason).toBe('RETRAINING');
    expect(fold(after, fold(history)).prediction.anomaly).toMatchObject({ model: null, active: null, trainingReadings: 1 });
    // Back to the default profile: configured again (the implicit defaults, recorded explicitly now).
    const back = decide(apply([reading(n + 13, normal(n + 13))]), fold(after, fold(history)));
    expect(ofType(back, 'PredictionConfigured').map((e) => e.data.anomaly.trainingHours)).toEqual([24]);
  });

  it('a bad setting names its field (TWIN.INVALID_PROFILES)', () => {
    const fieldsOf = (json: unknown) => {
      try {
        parseProfiles(json);
      } catch (error) {
        return ((error as { errors: Array<{ field: string }> }).errors ?? []).map((e) => e.field);
      }
      return [];
    };
    expect(fieldsOf({ pump: { prediction: { anomaly: { trainingReadings: 0 } } } })).toEqual(['pump.prediction.anomaly.trainingReadings']);
    expect(fieldsOf({ pump: { prediction: { anomaly: { trainingHours: -1 } } } })).toEqual(['pump.prediction.anomaly.trainingHours']);
    expect(fieldsOf({ pump: { prediction: { anomaly: { options: { raiseAfter: 0.5 } } } } })).toEqual(['pump.prediction.anomaly.options.raiseAfter']);
    expect(fieldsOf({ pump: { prediction: { anomaly: { options: { raiseAbove: 3, clearBelow: 4 } } } } })).toEqual(['pump.prediction.anomaly.options.clearBelow']);
    expect(fieldsOf({ pump: { prediction: { trendWindow: { maxPoints: 2 } } } })).toEqual(['pump.prediction.trendWindow.maxPoints']);
    expect(fieldsOf({ pump: { prediction: { metrics: { pressurePsi: { trendWindow: { bucketSeconds: -5 } } } } } })).toEqual(['pump.prediction.metrics.pressurePsi.trendWindow.bucketSeconds']);
    expect(fieldsOf({ pump: { prediction: { anomaly: 'yes' } } })).toEqual(['pump.prediction.anomaly']);
    expect(fieldsOf({ pump: { prediction: { anomaly: false } } })).toEqual([]);
  });

  it('settings merge one level deep: a per-asset override of one detector option keeps the class training period', () => {
    const profiles = parseProfiles({ pump: { prediction: { anomaly: { trainingReadings: 400, trainingHours: 0, options: { raiseAbove: 12 } } } } });
    const overrides = parseAssetProfiles({ 'P-101': { prediction: { anomaly: { options: { raiseAfter: 3 } }, trendWindow: { maxPoints: 24 } } } });
    const settings = predictionSettingsOf(profileForAsset('P-101', 'pump', profiles, overrides));
    expect(settings.anomalyTraining).toEqual({ trainingReadings: 400, trainingHours: 0, options: { raiseAbove: 12, raiseAfter: 3 } });
    expect(settings.trendWindow).toEqual({ bucketSeconds: 1800, maxPoints: 24, maxAgeSeconds: 86_400 });
    expect(settings.anomaly).toBe(true);
  });

  it('replay equals live whatever the configuration changes: fold(events) = the live state, decide from a JSON snapshot = decide from the state', () => {
    const profiles: readonly ThresholdProfile[] = [
      pump,
      skabPump,
      { ...pump, prediction: { trendWindow: { bucketSeconds: 0, maxPoints: 6 }, anomaly: { trainingReadings: 8, trainingHours: 0, options: { windowSamples: 2, rateSamples: 1, minTrainingSamples: 2, raiseAbove: 3, raiseAfter: 1, clearAfter: 1 } }, healthIndex: { failureMultiple: 2, minSpanHours: 0 } } },
      { ...pump, prediction: { trendWindow: { bucketSeconds: 3600 }, metrics: { pressurePsi: { trendWindow: { bucketSeconds: 0, maxPoints: 5 }, horizonHours: 4, minPoints: 3 } } } },
    ];
    const step = fc.record({ profile: fc.integer({ min: 0, max: profiles.length - 1 }), count: fc.integer({ min: 1, max: 4 }), minutes: fc.integer({ min: 5, max: 90 }), drift: fc.double({ min: -1, max: 3, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 30 }), (steps) => {
        let seq = 0;
        let minutes = 0;
        let value = 55;
        let state = initialTwinState;
        const whole: TwinEvent[] = [];
        for (const s of steps) {
          const batch: TrustedReading[] = [];
          for (let i = 0; i < s.count; i++) {
            seq += 1;
            minutes += s.minutes;
            value += (s.drift * s.minutes) / 60;
            batch.push(reading(seq, { temperatureC: Math.round(value * 100) / 100, pressurePsi: 1000 + 7 * (seq % 5) + value }, minutes / 60));
          }
          const profile = profiles[s.profile]!;
          const events = decide(apply(batch, profile), state);
          expect(decide(apply(batch, profile), JSON.parse(JSON.stringify(state)) as TwinState)).toEqual(events);
          for (const e of events) expect(() => twinEventSchemas[e.type].parse(e.data)).not.toThrow();
          whole.push(...events);
          state = fold(events, state);
          expect(predictionConfigOf(predictionSettingsOf(profile))).toEqual(state.prediction.config ?? IMPLICIT_PREDICTION_CONFIG);
        }
        expect(JSON.parse(JSON.stringify(fold(whole)))).toEqual(JSON.parse(JSON.stringify(state)));
      }),
      { numRuns: 60 },
    );
  });
});
