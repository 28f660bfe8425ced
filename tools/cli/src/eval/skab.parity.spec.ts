import { profileFor, TWIN_ANOMALY, type ThresholdProfile } from '@twinline/domain-twin';
import { SKAB_CHANNELS, SKAB_TRAIN_ROWS, type SkabChannel, type SkabFile } from './skab.load';
import { detectSkabFile, SKAB_DETECTOR_CHANNELS } from './skab.run';
import {
  compareParity,
  detectorEpisodes,
  episodesOf,
  parityReadings,
  parityRuleOverrides,
  runTwinHarness,
  sameEpisodes,
  SKAB_PARITY_METRICS,
  trainingSpacingSeconds,
  twinTrainingOf,
  twinTrainingRows,
  type RowEvent,
} from './skab.parity';

/** A SKAB-like file (seeded): normal operation, a fault from `faultFrom` to `faultTo` (vibration up, temperature rising, pressure down), normal again. */
function syntheticFile(rows: number, faultFrom: number, faultTo: number): SkabFile {
  let seed = 11;
  const noise = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31 - 0.5;
  let temperature = 70;
  const out = [];
  for (let i = 0; i < rows; i++) {
    const fault = i >= faultFrom && i < faultTo;
    temperature += fault ? 0.15 : temperature > 70.5 ? -0.3 : noise() * 0.02;
    const values: Record<SkabChannel, number> = {
      Accelerometer1RMS: (fault ? 0.08 : 0.027) + noise() * 0.002,
      Accelerometer2RMS: 0.039 + noise() * 0.002,
      Current: (fault ? 2.2 : 1.3) + noise() * 0.1,
      Pressure: (fault ? -0.2 : 0.05) + noise() * 0.05,
      Temperature: temperature,
      Thermocouple: 25.8 + noise() * 0.01,
      Voltage: 230 + noise() * 4,
      'Volume Flow RateRMS': (fault ? 25 : 32) + noise(),
    };
    out.push({ tsMs: Date.UTC(2020, 2, 9, 10, 0, 0) + i * 1000, values, anomaly: fault ? (1 as const) : (0 as const), changepoint: i === faultFrom ? (1 as const) : (0 as const) });
  }
  return { name: 'synthetic/1', rows: out };
}

const DEVICE = { assetId: 'skab-parity-spec', deviceId: 'skab-parity-spec-dev', secret: 'a-secret-of-the-spec-device-0123' };

const event = (row: number, type: string, data: Record<string, unknown>): RowEvent => ({ row, type, data: { assetId: 'A-1', ...data } });

describe('SKAB parity: mapping and timing', () => {
  it('given the twin trains on 100 readings over 24 h, when SKAB trains on 400 rows, then rows 217 s apart make the twin train on exactly 400', () => {
    expect(trainingSpacingSeconds(400, { trainingReadings: 100, trainingHours: 24 })).toBe(217); // ⌈86 400 / 399⌉
    expect(398 * 217).toBeLessThan(86_400);
    expect(399 * 217).toBeGreaterThanOrEqual(86_400);
    expect(twinTrainingRows(217, { trainingReadings: 100, trainingHours: 24 })).toBe(400);
    // The twin's own constants give the protocol split.
    expect(twinTrainingRows(trainingSpacingSeconds())).toBe(SKAB_TRAIN_ROWS);
  });

  it('given no minimum training time, then rows 1 s apart and the twin trains on its reading count', () => {
    expect(trainingSpacingSeconds(400, { trainingReadings: 100, trainingHours: 0 })).toBe(1);
    expect(twinTrainingRows(1, { trainingReadings: 100, trainingHours: 0 })).toBe(100);
  });

  it('given a profile that trains on 400 readings and no minimum time, then its training is read from the profile and the rows keep SKAB\'s 1 s pace', () => {
    const profile = { ...profileFor('pump'), prediction: { anomaly: { trainingReadings: 400, trainingHours: 0 } } } as unknown as ThresholdProfile;
    const training = twinTrainingOf(profile);
    expect(training).toMatchObject({ trainingReadings: 400, trainingHours: 0 });
    expect(trainingSpacingSeconds(SKAB_TRAIN_ROWS, training)).toBe(1);
    expect(twinTrainingRows(1, training)).toBe(400);
    expect(twinTrainingOf(profileFor('pump'))).toMatchObject({ trainingReadings: TWIN_ANOMALY.trainingReadings, trainingHours: TWIN_ANOMALY.trainingHours });
  });

  it('maps all eight channels to unit-suffixed metrics (pressure bar → psi) and re-times the rows to end at endMs', () => {
    const file = syntheticFile(3, 99, 99);
    const readings = parityReadings(file, Date.UTC(2026, 10, 26, 6, 0, 0), 217);
    expect(SKAB_PARITY_METRICS.map((m) => m.channel)).toEqual([...SKAB_CHANNELS]);
    expect(readings.map((r) => r.ts)).toEqual(['2026-11-26T05:52:46.000Z', '2026-11-26T05:56:23.000Z', '2026-11-26T06:00:00.000Z']);
    expect(Object.keys(readings[0]!.metrics)).toEqual(['vibrationG', 'vibration2G', 'currentA', 'pressurePsi', 'temperatureC', 'fluidTemperatureC', 'voltageV', 'flowRateLMin']);
    expect(readings[1]!.metrics.pressurePsi).toBe(file.rows[1]!.values.Pressure * 14.5038);
    expect(readings[1]!.metrics.temperatureC).toBe(file.rows[1]!.values.Temperature);
    expect(readings.map((r) => r.row)).toEqual([0, 1, 2]);
  });

  it('adds to the pump class only the metrics it lacks, with their ranges', () => {
    expect(Object.keys(parityRuleOverrides().metrics)).toEqual(['vibration2G', 'currentA', 'fluidTemperatureC', 'voltageV', 'flowRateLMin']);
    expect(parityRuleOverrides().metrics.voltageV).toEqual({ unit: 'V', min: 0, max: 1000 });
  });
});

describe('SKAB parity: episodes and comparison', () => {
  const harness = [
    event(420, 'AnomalyDetected', { readingId: 'h-420', score: 12.3456, threshold: 5, metrics: ['vibrationG'] }),
    event(430, 'AlarmRaised', { readingId: 'h-430', alarmId: 'ALM-h-430', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH' }),
    event(430, 'TwinStatusChanged', { readingId: 'h-430', from: 'OPERATIONAL', to: 'ALARM' }),
    event(450, 'AnomalyCleared', { readingId: 'h-450', score: 0.8, reason: 'NORMAL' }),
    event(470, 'AnomalyDetected', { readingId: 'h-470', score: 7, threshold: 5, metrics: ['currentA'] }),
  ];
  const platform = harness.map((e) => ({ ...e, data: { ...e.data, readingId: `p-${e.row}`, ...(e.data.alarmId ? { alarmId: `ALM-p-${e.row}` } : {}) } }));

  it('given AnomalyDetected/Cleared and AlarmRaised, then episodes by row, the last one open', () => {
    expect(episodesOf(harness)).toEqual([
      { kind: 'anomaly', cause: null, startRow: 420, endRow: 450, detail: 'score 12.35' },
      { kind: 'alarm', cause: 'THRESHOLD_EXCEEDED', startRow: 430, endRow: null, detail: 'HIGH' },
      { kind: 'anomaly', cause: null, startRow: 470, endRow: null, detail: 'score 7' },
    ]);
  });

  it('given a detector decision per row from row 400, then the same episodes as the twin events describe', () => {
    const predicted = Array.from({ length: 80 }, (_, i) => ((i >= 20 && i < 50) || i >= 70 ? 1 : 0)) as Array<0 | 1>;
    const episodes = detectorEpisodes(predicted, 400);
    expect(episodes.map((e) => [e.startRow, e.endRow])).toEqual([
      [420, 450],
      [470, null],
    ]);
    expect(sameEpisodes(episodesOf(harness).filter((e) => e.kind === 'anomaly'), episodes)).toBe(true);
    expect(sameEpisodes(episodes, episodes.slice(0, 1))).toBe(false);
  });

  it('given the same decisions under other reading and alarm ids, then identical', () => {
    expect(compareParity(harness, platform)).toEqual({ identical: true, compared: { harness: 5, platform: 5 }, firstDifference: null });
  });

  it('given the platform misses the AnomalyCleared of row 450, then the first difference is row 450', () => {
    const missing = platform.filter((e) => e.type !== 'AnomalyCleared');
    const c = compareParity(harness, missing);
    expect(c.identical).toBe(false);
    expect(c.firstDifference).toEqual({ row: 450, harness: harness[3], platform: null });
  });

  it('given a different score on one side, then that row differs; given the same events in another order within rows, still in stored order', () => {
    const other = platform.map((e) => (e.row === 470 ? { ...e, data: { ...e.data, score: 7.001 } } : e));
    expect(compareParity(harness, other).firstDifference?.row).toBe(470);
    const earlier = [...platform.slice(0, 1), { ...platform[1]!, row: 425 }, ...platform.slice(2)];
    expect(compareParity(harness, earlier).firstDifference).toMatchObject({ row: 425, harness: null, platform: { type: 'AlarmRaised' } });
  });
});

describe('SKAB parity: the harness is the twin decider and agrees with eval skab', () => {
  it('given a synthetic fault after the training rows, then the twin trains on 400 rows and its anomaly episodes are those of eval skab\'s detector with the twin\'s options', () => {
    const file = syntheticFile(700, 520, 600);
    const readings = parityReadings(file, Date.UTC(2026, 10, 26, 6, 0, 0), trainingSpacingSeconds());
    const run = runTwinHarness({ ...DEVICE, readings, profile: profileFor('pump'), receivedAt: '2026-11-26T06:01:00.000Z' });
    expect(run.trainingRows).toBe(SKAB_TRAIN_ROWS);
    expect(run.quarantinedRows).toEqual([]);
    const twin = episodesOf(run.events);
    const anomalies = twin.filter((e) => e.kind === 'anomaly');
    expect(anomalies.length).toBeGreaterThanOrEqual(1);
    expect(anomalies[0]!.startRow).toBeGreaterThanOrEqual(520);
    const detector = detectSkabFile(file, SKAB_DETECTOR_CHANNELS, TWIN_ANOMALY.options);
    expect(anomalies.map((e) => [e.startRow, e.endRow])).toEqual(detectorEpisodes(detector.predicted, SKAB_TRAIN_ROWS).map((e) => [e.startRow, e.endRow]));
    // The temperature passes 80 °C in the fault: the pump's THRESHOLD_EXCEEDED alarm.
    expect(twin.filter((e) => e.kind === 'alarm').map((e) => e.cause)).toContain('THRESHOLD_EXCEEDED');
  });
});

describe('SKAB parity: the harness runs integrity\'s rules before the twin', () => {
  it('given a row whose pressure is below vacuum (SKAB\'s sensor floor -1.257 bar), then integrity quarantines it (range) and the twin never applies it', () => {
    const file = syntheticFile(450, 999, 999);
    const rows = file.rows.map((r, i) => (i === 420 ? { ...r, values: { ...r.values, Pressure: -1.257 } } : r));
    const readings = parityReadings({ ...file, rows }, Date.UTC(2026, 10, 26, 6, 0, 0), trainingSpacingSeconds());
    const run = runTwinHarness({ ...DEVICE, readings, profile: profileFor('pump'), receivedAt: '2026-11-26T06:01:00.000Z' });
    expect(run.quarantinedRows).toEqual([420]);
    expect(run.quarantineRules).toEqual(['range']);
    expect(run.state.readingsApplied).toBe(449);
  });

  it('given readings older than integrity\'s 7-day window at receipt, then all are quarantined (timestamp)', () => {
    const readings = parityReadings(syntheticFile(3, 99, 99), Date.UTC(2026, 10, 1), 217);
    const run = runTwinHarness({ ...DEVICE, readings, profile: profileFor('pump'), receivedAt: '2026-11-26T06:01:00.000Z' });
    expect(run.quarantinedRows).toEqual([0, 1, 2]);
    expect(run.quarantineRules).toEqual(['timestamp']);
    expect(run.events).toEqual([]);
  });
});
