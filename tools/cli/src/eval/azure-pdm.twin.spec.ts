import type { MachineHour } from './azure-pdm.load';
import { HOUR_MS } from './azure-pdm.score';
import { predictionSettingsOf } from '@twinline/domain-twin';
import { HOURLY_ANOMALY, machineProfile, twinPredictor } from './azure-pdm.twin';

const T0 = Date.parse('2015-01-01T06:00:00Z');
const at = (h: number) => T0 + h * HOUR_MS;
const wiggle = (i: number) => [0.8, -0.5, 0.3, -0.9, 0.6, -0.2, 0.1, -0.4, 0.7, -0.6][i % 10]!;
function hours(from: number, to: number, volt: (h: number) => number = () => 170): MachineHour[] {
  const rows: MachineHour[] = [];
  for (let h = from; h < to; h++) rows.push({ tMs: at(h), volt: volt(h) + 2 * wiggle(h), rotate: 450 + 5 * wiggle(h + 3), pressure: 100 + 2 * wiggle(h + 5), vibration: 40 + wiggle(h + 7) });
  return rows;
}

describe('azure-pdm through the twin itself', () => {
  it('machineProfile: limits at mean ± k·σ of the hourly values, the horizon as the prediction setting', () => {
    // volt 168, 170, 172: mean 170, σ (n − 1) = 2 → ± 3σ = 164 … 176
    const rows = [168, 170, 172].map((v, i) => ({ tMs: at(i), volt: v, rotate: 450, pressure: 100, vibration: 40 }));
    const p = machineProfile(rows, 3, 24) as ReturnType<typeof machineProfile> & { prediction: { horizonHours: number } };
    expect(p.limits['volt']).toEqual({ max: 176, min: 164 });
    expect(p.limits['rotate']).toEqual({ max: 450, min: 450 });
    expect(p.prediction).toEqual({ horizonHours: 24 });
    expect(p.name).toBe('azure-pdm-machine');
  });

  it('machineProfile with the class anomaly settings (H10): the training period and detector options are the profile\'s', () => {
    const rows = [168, 170, 172].map((v, i) => ({ tMs: at(i), volt: v, rotate: 450, pressure: 100, vibration: 40 }));
    const settings = predictionSettingsOf(machineProfile(rows, 3, 24, { ...HOURLY_ANOMALY, trainingHours: 335 }));
    expect(settings.anomalyTraining).toEqual({ trainingReadings: 100, trainingHours: 335, options: { windowSamples: 12, raiseAbove: 12, raiseAfter: 3, clearAfter: 6 } });
    expect(settings.horizonHours).toBe(24);
  });

  it('twinPredictor with the class anomaly settings warns after a volt step, not before it', () => {
    const training = hours(0, 336);
    const test = hours(336, 500, (h) => (h >= 400 && h < 430 ? 200 : 170));
    const p = twinPredictor(6, HOURLY_ANOMALY).predict({ training, trainingFailures: [], test, horizonHours: 24 });
    expect(p.length).toBeGreaterThan(0);
    expect((p[0]!.tMs - T0) / HOUR_MS).toBeGreaterThanOrEqual(400);
  });

  it('twinPredictor: the twin warns after a volt step, not before it', () => {
    const training = hours(0, 336);
    const test = hours(336, 500, (h) => (h >= 400 && h < 430 ? 200 : 170));
    const p = twinPredictor(6).predict({ training, trainingFailures: [], test, horizonHours: 24 });
    expect(p.length).toBeGreaterThan(0);
    expect((p[0]!.tMs - T0) / HOUR_MS).toBeGreaterThanOrEqual(400);
  });
});
