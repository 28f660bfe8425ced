/**
 * The source study's P-101 table (its Table 1): ten hourly readings of one pump from
 * 2024-01-01T00:00:00Z, with the twin status the study reports for each row.
 */
export const P101_TABLE = [
  { pressurePsi: 1100, temperatureC: 45, vibrationMmS: 2.1, status: 'Operational' },
  { pressurePsi: 1150, temperatureC: 48, vibrationMmS: 2.3, status: 'Operational' },
  { pressurePsi: 1200, temperatureC: 50, vibrationMmS: 2.5, status: 'Operational' },
  { pressurePsi: 1550, temperatureC: 82, vibrationMmS: 5.8, status: 'ALARM' },
  { pressurePsi: 1600, temperatureC: 85, vibrationMmS: 6.2, status: 'ALARM' },
  { pressurePsi: 1100, temperatureC: 46, vibrationMmS: 2.2, status: 'Operational' },
  { pressurePsi: 1050, temperatureC: 44, vibrationMmS: 2.0, status: 'Operational' },
  { pressurePsi: 1800, temperatureC: 95, vibrationMmS: 8.5, status: 'ALARM' },
  { pressurePsi: 1900, temperatureC: 98, vibrationMmS: 9.1, status: 'ALARM' },
  { pressurePsi: 1200, temperatureC: 50, vibrationMmS: 2.4, status: 'Operational' },
] as const;

export const P101_START = Date.parse('2024-01-01T00:00:00Z');

export interface SeedReading {
  deviceId: string;
  assetId: string;
  seq: number;
  ts: string;
  metrics: { temperatureC: number; pressurePsi: number; vibrationMmS: number };
}

/**
 * The table as readings; `seqBase` lets a re-run keep each device's seq strictly increasing, and
 * `start` (ms) moves the ten hourly times (a device's readings must not go back in time).
 */
export function p101Readings(options: { assetId?: string; deviceId?: string; seqBase?: number; start?: number } = {}): SeedReading[] {
  const assetId = options.assetId ?? 'P-101';
  return P101_TABLE.map((row, i) => ({
    deviceId: options.deviceId ?? `${assetId}-edge`,
    assetId,
    seq: (options.seqBase ?? 0) + i + 1,
    ts: new Date((options.start ?? P101_START) + i * 3600_000).toISOString().replace('.000Z', 'Z'),
    metrics: { temperatureC: row.temperatureC, pressurePsi: row.pressurePsi, vibrationMmS: row.vibrationMmS },
  }));
}
