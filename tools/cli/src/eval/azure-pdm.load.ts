import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One hourly telemetry row of a machine (hourly means; units undocumented by the source). */
export interface MachineHour {
  readonly tMs: number;
  readonly volt: number;
  readonly rotate: number;
  readonly pressure: number;
  readonly vibration: number;
}

export const AZURE_CHANNELS = ['volt', 'rotate', 'pressure', 'vibration'] as const;
export type AzureChannel = (typeof AZURE_CHANNELS)[number];

export const COMPONENTS = ['comp1', 'comp2', 'comp3', 'comp4'] as const;
export type Component = (typeof COMPONENTS)[number];

/** A failure record: the component was replaced because it failed (reactive maintenance). */
export interface FailureRecord {
  readonly tMs: number;
  readonly machineId: number;
  readonly component: Component;
}

/** A maintenance record: a replacement, scheduled or after a failure. */
export interface MaintenanceRecord {
  readonly tMs: number;
  readonly machineId: number;
  readonly component: Component;
}

export interface AzureData {
  readonly dir: string;
  /** Telemetry per machine, hourly rows in time order. */
  readonly telemetry: ReadonlyMap<number, readonly MachineHour[]>;
  /** Every failure in the file (the whole year, all machines), in time order. */
  readonly failures: readonly FailureRecord[];
  readonly maintenance: readonly MaintenanceRecord[];
}

export const AZURE_FILES = { telemetry: 'PdM_telemetry_subset.csv', failures: 'PdM_failures.csv', maintenance: 'PdM_maint.csv' } as const;

/** '2015-01-01 06:00:00' (UTC, as the source) → ms. */
export function azureTime(text: string, where: string): number {
  const ms = Date.parse(`${text.trim().replace(' ', 'T')}Z`);
  if (!Number.isFinite(ms)) throw new Error(`${where}: "${text}" is not a time (YYYY-MM-DD hh:mm:ss)`);
  return ms;
}

function table(csv: string, source: string, columns: readonly string[]): { rows: string[][]; at: Record<string, number> } {
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const at: Record<string, number> = {};
  for (const c of columns) {
    const i = header.indexOf(c);
    if (i < 0) throw new Error(`${source}: no column "${c}" in the header (${header.join(',')})`);
    at[c] = i;
  }
  return { rows: lines.map((l) => l.split(',').map((c) => c.trim())), at };
}

function componentOf(text: string, where: string): Component {
  if ((COMPONENTS as readonly string[]).includes(text)) return text as Component;
  throw new Error(`${where}: "${text}" is not one of ${COMPONENTS.join(', ')}`);
}

export function parseTelemetry(csv: string, source: string = AZURE_FILES.telemetry): Map<number, MachineHour[]> {
  const { rows, at } = table(csv, source, ['datetime', 'machineID', ...AZURE_CHANNELS]);
  const byMachine = new Map<number, MachineHour[]>();
  rows.forEach((cells, i) => {
    const where = `${source} line ${i + 2}`;
    const num = (c: string) => {
      const v = Number(cells[at[c]!]);
      if (cells[at[c]!] === undefined || cells[at[c]!] === '' || !Number.isFinite(v)) throw new Error(`${where}, ${c}: "${cells[at[c]!] ?? ''}" is not a number`);
      return v;
    };
    const machineId = num('machineID');
    const row: MachineHour = { tMs: azureTime(cells[at['datetime']!] ?? '', where), volt: num('volt'), rotate: num('rotate'), pressure: num('pressure'), vibration: num('vibration') };
    const list = byMachine.get(machineId) ?? [];
    list.push(row);
    byMachine.set(machineId, list);
  });
  for (const list of byMachine.values()) list.sort((a, b) => a.tMs - b.tMs);
  return byMachine;
}

function parseComponentEvents(csv: string, source: string, column: string): Array<{ tMs: number; machineId: number; component: Component }> {
  const { rows, at } = table(csv, source, ['datetime', 'machineID', column]);
  return rows
    .map((cells, i) => {
      const where = `${source} line ${i + 2}`;
      const machineId = Number(cells[at['machineID']!]);
      if (!Number.isInteger(machineId)) throw new Error(`${where}, machineID: "${cells[at['machineID']!] ?? ''}" is not an integer`);
      return { tMs: azureTime(cells[at['datetime']!] ?? '', where), machineId, component: componentOf(cells[at[column]!] ?? '', where) };
    })
    .sort((a, b) => a.tMs - b.tMs || a.machineId - b.machineId);
}

export const parseFailures = (csv: string, source: string = AZURE_FILES.failures): FailureRecord[] => parseComponentEvents(csv, source, 'failure');
export const parseMaintenance = (csv: string, source: string = AZURE_FILES.maintenance): MaintenanceRecord[] => parseComponentEvents(csv, source, 'comp');

/** True when the folder holds the three files the evaluation reads. */
export function hasAzureData(dir: string): boolean {
  return Object.values(AZURE_FILES).every((f) => existsSync(join(dir, f)));
}

export function loadAzure(dir: string): AzureData {
  const missing = Object.values(AZURE_FILES).filter((f) => !existsSync(join(dir, f)));
  if (missing.length) throw new Error(`Azure PdM files not found in ${dir}: ${missing.join(', ')} (give --data <dir> or set TWINLINE_DATA_DIR to the folder holding azure-pdm/)`);
  const read = (f: string) => readFileSync(join(dir, f), 'utf8');
  return {
    dir,
    telemetry: parseTelemetry(read(AZURE_FILES.telemetry), join(dir, AZURE_FILES.telemetry)),
    failures: parseFailures(read(AZURE_FILES.failures), join(dir, AZURE_FILES.failures)),
    maintenance: parseMaintenance(read(AZURE_FILES.maintenance), join(dir, AZURE_FILES.maintenance)),
  };
}
