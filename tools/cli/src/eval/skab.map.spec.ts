import { PSI_PER_BAR, retime, skabPumpRows } from './skab.map';

const CSV = [
  'datetime;Accelerometer1RMS;Accelerometer2RMS;Current;Pressure;Temperature;Thermocouple;Voltage;Volume Flow RateRMS',
  '2020-02-08 13:30:47;0.202394;0.275154;2.16975;0.382638;90.6454;26.8508;238.852;122.664',
  '2020-02-08 13:30:48;0.203153;0.277857;2.07999;-0.273216;90.7978;26.8639;227.943;122.338',
  '2020-02-08 13:30:50;0.201000;0.270000;2.10000;-1.257;90.7000;26.8600;230.000;122.000',
  '',
].join('\n');

describe('SKAB → pump mapping', () => {
  it('maps motor temperature to temperatureC, pressure bar to pressurePsi and Accelerometer1RMS to vibrationG', () => {
    const rows = skabPumpRows(CSV);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toEqual({ sourceTs: '2020-02-08 13:30:47', tsMs: Date.parse('2020-02-08T13:30:47Z'), metrics: { temperatureC: 90.6454, pressurePsi: 5.5497, vibrationG: 0.202394 } });
    expect(rows[1]!.metrics.pressurePsi).toBeCloseTo(-0.273216 * PSI_PER_BAR, 4);
    // The clean file's lowest pressure reads below full vacuum (-14.7 psi): the range rule will say so.
    expect(rows[2]!.metrics.pressurePsi).toBeLessThan(-14.7);
  });

  it('names the file and column when the file is not a SKAB file', () => {
    expect(() => skabPumpRows('ts;temperatureC\n2024-01-01T00:00:00Z;1', 'x.csv')).toThrow('x.csv: no column "datetime"');
    expect(() => skabPumpRows(CSV.replace('90.7978', 'abc'), 'x.csv')).toThrow('x.csv row 3: Temperature "abc" is not a number');
  });

  it('moves the rows so the last is at the given time, keeping the gaps between them', () => {
    const end = Date.parse('2026-01-01T00:00:00Z');
    const rows = retime(skabPumpRows(CSV), end);
    expect(rows.map((r) => r.tsMs - end)).toEqual([-3000, -2000, 0]);
    expect(retime([], end)).toEqual([]);
  });
});
