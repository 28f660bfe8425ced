import { join } from 'node:path';
import { ROOT } from '../platform';
import { hasAzureData, loadAzure, parseFailures, parseTelemetry } from './azure-pdm.load';

describe('azure-pdm loader', () => {
  it('parses telemetry per machine in time order, times as UTC', () => {
    const csv = ['datetime,machineID,volt,rotate,pressure,vibration', '2015-01-01 07:00:00,1,170,450,100,40', '2015-01-01 06:00:00,1,171,451,101,41', '2015-01-01 06:00:00,2,160,440,90,30'].join('\n');
    const t = parseTelemetry(csv);
    expect([...t.keys()]).toEqual([1, 2]);
    expect(t.get(1)!.map((r) => new Date(r.tMs).toISOString())).toEqual(['2015-01-01T06:00:00.000Z', '2015-01-01T07:00:00.000Z']);
    expect(t.get(2)![0]).toEqual({ tMs: Date.parse('2015-01-01T06:00:00Z'), volt: 160, rotate: 440, pressure: 90, vibration: 30 });
  });

  it('names the line and column of a bad value, and refuses unknown components', () => {
    expect(() => parseTelemetry('datetime,machineID,volt,rotate,pressure,vibration\n2015-01-01 06:00:00,1,x,1,1,1', 't.csv')).toThrow('t.csv line 2, volt: "x" is not a number');
    expect(() => parseFailures('datetime,machineID,failure\n2015-01-01 06:00:00,1,comp9', 'f.csv')).toThrow('f.csv line 2: "comp9" is not one of comp1, comp2, comp3, comp4');
    expect(() => parseFailures('datetime,machine,failure\n', 'f.csv')).toThrow('no column "machineID"');
  });

  const dir = join(ROOT, '..', 'shared', 'data', 'azure-pdm');
  (hasAzureData(dir) ? it : it.skip)('the subset: machines 1–20, 2,160 hours each, 42 failure records inside the window (README)', () => {
    const data = loadAzure(dir);
    expect([...data.telemetry.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const rows of data.telemetry.values()) {
      expect(rows).toHaveLength(2160);
      expect(new Date(rows[0]!.tMs).toISOString()).toBe('2015-01-01T06:00:00.000Z');
      expect(new Date(rows[rows.length - 1]!.tMs).toISOString()).toBe('2015-04-01T05:00:00.000Z');
    }
    const start = Date.parse('2015-01-01T06:00:00Z');
    const end = Date.parse('2015-04-01T05:00:00Z');
    const inside = data.failures.filter((f) => f.machineId <= 20 && f.tMs >= start && f.tMs <= end);
    expect(inside).toHaveLength(42);
    expect(data.failures).toHaveLength(761);
  });
});
