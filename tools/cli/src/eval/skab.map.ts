/** Pressure: 1 bar = 14.5038 psi. */
export const PSI_PER_BAR = 14.5038;

/** One SKAB row mapped to a pump's metrics, with its source time. */
export interface PumpRow {
  readonly sourceTs: string;
  readonly tsMs: number;
  readonly metrics: { readonly temperatureC: number; readonly pressurePsi: number; readonly vibrationG: number };
}

const COLUMNS = { temperatureC: 'Temperature', pressureBar: 'Pressure', vibrationG: 'Accelerometer1RMS', time: 'datetime' } as const;

/**
 * Maps a SKAB CSV (`;`-separated, header row, one row per second) to pump readings: motor body
 * temperature `Temperature` (°C) → temperatureC; loop pressure `Pressure` (bar, gauge) → pressurePsi;
 * vibration acceleration RMS `Accelerometer1RMS` (g) → vibrationG. Other columns are not used.
 */
export function skabPumpRows(csv: string, source = 'SKAB file'): PumpRow[] {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(';').map((h) => h.trim());
  const index = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${source}: no column "${name}" in the header (${header.join(';')}): is it a SKAB file?`);
    return i;
  };
  const at = { time: index(COLUMNS.time), t: index(COLUMNS.temperatureC), p: index(COLUMNS.pressureBar), v: index(COLUMNS.vibrationG) };
  return lines.map((line, i) => {
    const cells = line.split(';');
    const num = (col: number, name: string) => {
      const value = Number(cells[col]);
      if (cells[col] === undefined || cells[col]!.trim() === '' || !Number.isFinite(value)) throw new Error(`${source} row ${i + 2}: ${name} "${cells[col] ?? ''}" is not a number`);
      return value;
    };
    const sourceTs = (cells[at.time] ?? '').trim();
    const tsMs = Date.parse(`${sourceTs.replace(' ', 'T')}Z`);
    if (!Number.isFinite(tsMs)) throw new Error(`${source} row ${i + 2}: datetime "${sourceTs}" is not a time (YYYY-MM-DD hh:mm:ss)`);
    return {
      sourceTs,
      tsMs,
      metrics: {
        temperatureC: num(at.t, COLUMNS.temperatureC),
        pressurePsi: Math.round(num(at.p, COLUMNS.pressureBar) * PSI_PER_BAR * 1e4) / 1e4,
        vibrationG: num(at.v, COLUMNS.vibrationG),
      },
    };
  });
}

/**
 * Moves the rows in time so that the last one is at `endMs`, keeping each row's distance to the
 * next (the platform accepts readings up to 7 days old: the original 2020 times would be refused).
 */
export function retime(rows: readonly PumpRow[], endMs: number): PumpRow[] {
  const last = rows[rows.length - 1];
  if (!last) return [];
  const shift = endMs - last.tsMs;
  return rows.map((r) => ({ ...r, tsMs: r.tsMs + shift }));
}
