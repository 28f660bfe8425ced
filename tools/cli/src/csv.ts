import { readFileSync } from 'node:fs';

/**
 * Reads a CSV of readings: a header row; a time column (`ts`, `timestamp` or `datetime`); metric
 * columns named with their unit suffix (temperatureC, pressurePsi, vibrationMmS, ...); optional
 * assetId, deviceId and seq columns. The delimiter (`,` or `;`) is detected from the header.
 */
export function readingsFromCsv(path: string, defaults: { assetId: string; deviceId: string; seqBase: number }): Array<Record<string, unknown> & { assetId: string }> {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const headerLine = lines.shift();
  if (!headerLine) throw new Error(`${path} is empty`);
  const delimiter = headerLine.split(';').length > headerLine.split(',').length ? ';' : ',';
  const header = headerLine.split(delimiter).map((h) => h.trim());
  const timeColumn = header.findIndex((h) => ['ts', 'timestamp', 'datetime'].includes(h));
  if (timeColumn < 0) throw new Error(`${path}: no time column (ts, timestamp or datetime) in the header`);
  const special = new Set(['ts', 'timestamp', 'datetime', 'assetId', 'deviceId', 'seq']);
  return lines.map((line, i) => {
    const cells = line.split(delimiter);
    const get = (name: string) => {
      const idx = header.indexOf(name);
      return idx >= 0 ? cells[idx]?.trim() : undefined;
    };
    const rawTs = cells[timeColumn]!.trim();
    const ts = /[zZ]|[+-]\d\d:?\d\d$/.test(rawTs) ? rawTs : `${rawTs.replace(' ', 'T')}Z`;
    const metrics: Record<string, number | string> = {};
    header.forEach((h, idx) => {
      if (special.has(h)) return;
      const text = cells[idx]?.trim() ?? '';
      const value = Number(text);
      metrics[h] = text === '' || Number.isNaN(value) ? (text.toLowerCase() === 'nan' ? 'NaN' : text) : value;
    });
    return {
      deviceId: get('deviceId') ?? defaults.deviceId,
      assetId: get('assetId') ?? defaults.assetId,
      seq: get('seq') !== undefined ? Number(get('seq')) : defaults.seqBase + i + 1,
      ts,
      metrics,
    };
  });
}
