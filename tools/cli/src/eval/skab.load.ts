import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The eight sensor columns of every SKAB file, in file order. */
export const SKAB_CHANNELS = ['Accelerometer1RMS', 'Accelerometer2RMS', 'Current', 'Pressure', 'Temperature', 'Thermocouple', 'Voltage', 'Volume Flow RateRMS'] as const;
export type SkabChannel = (typeof SKAB_CHANNELS)[number];

/** The folders holding the 34 labelled experiments (anomaly-free.csv is not part of the protocol). */
export const SKAB_FOLDERS = ['valve1', 'valve2', 'other'] as const;

/** SKAB's protocol: the first 400 rows of each file train, the rest are scored (core/utils.py). */
export const SKAB_TRAIN_ROWS = 400;

export interface SkabRow {
  readonly tsMs: number;
  readonly values: Readonly<Record<SkabChannel, number>>;
  readonly anomaly: 0 | 1;
  readonly changepoint: 0 | 1;
}

export interface SkabFile {
  /** `valve1/0`, `other/14`, ... */
  readonly name: string;
  readonly rows: readonly SkabRow[];
}

export interface SkabSplit {
  readonly name: string;
  readonly train: readonly SkabRow[];
  readonly test: readonly SkabRow[];
}

/** Parses one labelled SKAB CSV (`;`-separated, header row, `datetime` in `YYYY-MM-DD hh:mm:ss`). */
export function parseSkabCsv(csv: string, name: string): SkabFile {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(';').map((h) => h.trim());
  const col = (h: string) => {
    const i = header.indexOf(h);
    if (i < 0) throw new Error(`${name}: no column "${h}" in the header (${header.join(';')}): is it a labelled SKAB file?`);
    return i;
  };
  const at = { time: col('datetime'), anomaly: col('anomaly'), changepoint: col('changepoint'), channels: SKAB_CHANNELS.map(col) };
  let previous = -Infinity;
  const rows = lines.map((line, r) => {
    const cells = line.split(';');
    const num = (i: number, what: string) => {
      const text = cells[i]?.trim() ?? '';
      const v = Number(text);
      if (text === '' || !Number.isFinite(v)) throw new Error(`${name} row ${r + 2}: ${what} "${text}" is not a number`);
      return v;
    };
    const stamp = (cells[at.time] ?? '').trim();
    const tsMs = Date.parse(`${stamp.replace(' ', 'T')}Z`);
    if (!Number.isFinite(tsMs)) throw new Error(`${name} row ${r + 2}: datetime "${stamp}" is not a time (YYYY-MM-DD hh:mm:ss)`);
    if (tsMs < previous) throw new Error(`${name} row ${r + 2}: datetime ${stamp} goes back in time`);
    previous = tsMs;
    const flag = (i: number, what: string): 0 | 1 => {
      const v = num(i, what);
      if (v !== 0 && v !== 1) throw new Error(`${name} row ${r + 2}: ${what} must be 0 or 1, got ${v}`);
      return v;
    };
    const values = Object.fromEntries(SKAB_CHANNELS.map((c, k) => [c, num(at.channels[k]!, c)])) as Record<SkabChannel, number>;
    return { tsMs, values, anomaly: flag(at.anomaly, 'anomaly'), changepoint: flag(at.changepoint, 'changepoint') };
  });
  return { name, rows };
}

/** Reads the 34 labelled files under `dir` (valve1/, valve2/, other/), in folder then numeric order. */
export function loadSkab(dir: string): SkabFile[] {
  if (!existsSync(dir)) throw new Error(`SKAB folder not found: ${dir} (give --data <dir>, the folder holding valve1/, valve2/ and other/)`);
  const files: SkabFile[] = [];
  for (const folder of SKAB_FOLDERS) {
    const path = join(dir, folder);
    if (!existsSync(path)) throw new Error(`SKAB folder ${path} not found: is ${dir} the SKAB data folder (valve1/, valve2/, other/)?`);
    const names = readdirSync(path)
      .filter((f) => /^\d+\.csv$/.test(f))
      .sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    for (const f of names) files.push(parseSkabCsv(readFileSync(join(path, f), 'utf8'), `${folder}/${f.replace(/\.csv$/, '')}`));
  }
  return files;
}

/** SKAB's split: first `trainRows` rows train, the rest test (no shuffling). */
export function splitSkab(file: SkabFile, trainRows = SKAB_TRAIN_ROWS): SkabSplit {
  return { name: file.name, train: file.rows.slice(0, trainRows), test: file.rows.slice(trainRows) };
}
