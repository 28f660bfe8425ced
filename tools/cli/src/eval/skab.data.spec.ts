import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../platform';
import { loadSkab, parseSkabCsv, splitSkab } from './skab.load';
import { skabJson, skabMarkdown } from './skab.render';
import { SKAB_DETECTOR_CHANNELS, runSkab } from './skab.run';
import { anomalyOptions } from '@twinline/domain-twin';

const DATA = process.env.TWINLINE_DATA_DIR ? join(process.env.TWINLINE_DATA_DIR, 'skab') : join(ROOT, '..', 'shared', 'data', 'skab');
const HAVE_DATA = existsSync(join(DATA, 'valve1'));
if (!HAVE_DATA) process.stderr.write(`skab.data.spec: SKAB data not found at ${DATA} (set TWINLINE_DATA_DIR to the folder holding skab/): the tests on the real files are skipped\n`);
const withData = HAVE_DATA ? describe : describe.skip;

const HEADER = 'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS;anomaly;changepoint';

describe('SKAB loader', () => {
  it('parses a labelled file: time, the eight channels, anomaly and changepoint', () => {
    const f = parseSkabCsv(`${HEADER}\n2020-03-09 10:14:33;0.0265878;0.0401113;1.3302;0.054711;79.3366;26.0199;233.062;32.0;0.0;0.0\n2020-03-09 10:14:34;0.02;0.04;1.35;0.38;79.5;26.02;236.04;32.0;1.0;1.0\n`, 'valve1/0');
    expect(f.rows).toHaveLength(2);
    expect(f.rows[0]).toEqual({
      tsMs: Date.UTC(2020, 2, 9, 10, 14, 33),
      values: { Accelerometer1RMS: 0.0265878, Accelerometer2RMS: 0.0401113, Current: 1.3302, Pressure: 0.054711, Temperature: 79.3366, Thermocouple: 26.0199, Voltage: 233.062, 'Volume Flow RateRMS': 32 },
      anomaly: 0,
      changepoint: 0,
    });
    expect(f.rows[1]).toMatchObject({ anomaly: 1, changepoint: 1 });
  });

  it.each([
    ['datetime;Current;anomaly;changepoint\n2020-03-09 10:14:33;1;0;0', 'no column "Accelerometer1RMS"'],
    [`${HEADER}\n2020-03-09 10:14:33;x;0;0;0;0;0;0;0;0;0`, 'row 2: Accelerometer1RMS "x" is not a number'],
    [`${HEADER}\nyesterday;0;0;0;0;0;0;0;0;0;0`, 'datetime "yesterday" is not a time'],
    [`${HEADER}\n2020-03-09 10:14:33;0;0;0;0;0;0;0;0;2;0`, 'anomaly must be 0 or 1'],
    [`${HEADER}\n2020-03-09 10:14:33;0;0;0;0;0;0;0;0;0;0\n2020-03-09 10:14:32;0;0;0;0;0;0;0;0;0;0`, 'goes back in time'],
  ])('refuses a malformed file with a message naming the problem (%#)', (csv, message) => {
    expect(() => parseSkabCsv(csv, 'bad')).toThrow(message);
  });

  it('says which folder is missing', () => {
    expect(() => loadSkab('/nonexistent/skab')).toThrow('SKAB folder not found: /nonexistent/skab');
  });
});

withData('SKAB data (real files)', () => {
  const files = HAVE_DATA ? loadSkab(DATA) : [];

  it('reproduces the protocol counts: 34 files, 23,801 test rows, 12,771 anomalous, 127 changepoints', () => {
    expect(files).toHaveLength(34);
    expect(files.filter((f) => f.name.startsWith('valve1/'))).toHaveLength(16);
    expect(files.filter((f) => f.name.startsWith('valve2/'))).toHaveLength(4);
    expect(files.filter((f) => f.name.startsWith('other/'))).toHaveLength(14);
    expect(files.reduce((s, f) => s + f.rows.length, 0)).toBe(37_401);
    const tests = files.map((f) => splitSkab(f).test);
    expect(tests.reduce((s, t) => s + t.length, 0)).toBe(23_801);
    expect(tests.reduce((s, t) => s + t.filter((r) => r.anomaly === 1).length, 0)).toBe(12_771);
    expect(tests.reduce((s, t) => s + t.filter((r) => r.changepoint === 1).length, 0)).toBe(127);
  });

  it('meets the issue goals with the one global configuration: F1 ≥ 0.80, FAR ≤ 13 %, NAB standard ≥ 35', () => {
    const r = runSkab(files);
    expect(r.rows).toBe(23_801);
    expect(r.binary.f1).toBeGreaterThanOrEqual(0.8);
    expect(r.binary.far).toBeLessThanOrEqual(13);
    expect(r.nab.standard).toBeGreaterThanOrEqual(35);
    const run = { command: 'npx twinline eval skab', dataDir: DATA, seconds: 1, channels: SKAB_DETECTOR_CHANNELS, options: anomalyOptions() };
    const json = skabJson(run, r);
    for (const key of ['f1', 'far', 'mar', 'nabStandard', 'nabLowFp', 'nabLowFn', 'rows', 'seconds']) expect(typeof json[key]).toBe('number');
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    const md = skabMarkdown(run, r);
    expect(md).toContain('| Conv-AE | 0.78 | 13.55 | 28.02 | 23.61 | 21.54 | 27.55 |');
    expect(md).toContain('Twinline T² (this run)');
  });
});
