import { signReading, type TwinEvent } from '@twinline/contracts';
import { assessBatch, initialIntegrityState, rulesFor, type IntegrityState, type RegistryView } from '@twinline/domain-integrity';
import {
  decide,
  DEFAULT_QUARANTINE_POLICY,
  evolve,
  initialTwinState,
  predictionSettingsOf,
  TWIN_ANOMALY,
  type AnomalyDetectorOptions,
  type QuarantinePolicy,
  type ThresholdProfile,
  type TwinState,
} from '@twinline/domain-twin';
import { SKAB_TRAIN_ROWS, type SkabChannel, type SkabFile } from './skab.load';
import { PSI_PER_BAR } from './skab.map';

/*
 * Parity of the SKAB evaluation with the running platform (`twinline eval skab --platform`): one
 * SKAB file's rows, re-timed, go (a) through the twin's own decider in this process — the harness —
 * and (b) over HTTP through ingestion, integrity and twin-state; the decisions both make for each
 * reading (anomaly episodes, alarms, predictions) are compared by row. This file is the pure part:
 * mapping, harness run, episodes, comparison and rendering; skab.parity.platform.ts talks to the platform.
 */

/** How a SKAB column becomes a twin metric (camelCase with a unit suffix), and its integrity range. */
export interface ParityMetric {
  readonly channel: SkabChannel;
  readonly metric: string;
  readonly unit: string;
  /** Value sent = SKAB value × factor (pressure: bar → psi). */
  readonly factor: number;
  /** Physically possible range, for the integrity rules of metrics the pump class does not know. */
  readonly min: number;
  readonly max: number;
}

/**
 * All eight SKAB channels. The pump class knows temperatureC, pressurePsi and vibrationG; the others
 * are added to the parity asset's integrity rules (range only). Both temperatures carry "temperature"
 * in their name, so the twin feeds them to its anomaly detector as rates (anomalyChannelOf), as
 * `eval skab` does (SKAB_DETECTOR_CHANNELS): the same features.
 */
export const SKAB_PARITY_METRICS: readonly ParityMetric[] = [
  { channel: 'Accelerometer1RMS', metric: 'vibrationG', unit: 'g', factor: 1, min: 0, max: 50 },
  { channel: 'Accelerometer2RMS', metric: 'vibration2G', unit: 'g', factor: 1, min: 0, max: 50 },
  { channel: 'Current', metric: 'currentA', unit: 'A', factor: 1, min: 0, max: 1000 },
  { channel: 'Pressure', metric: 'pressurePsi', unit: 'psi', factor: PSI_PER_BAR, min: -14.7, max: 20_000 },
  { channel: 'Temperature', metric: 'temperatureC', unit: '°C', factor: 1, min: -60, max: 200 },
  { channel: 'Thermocouple', metric: 'fluidTemperatureC', unit: '°C', factor: 1, min: -60, max: 200 },
  { channel: 'Voltage', metric: 'voltageV', unit: 'V', factor: 1, min: 0, max: 1000 },
  { channel: 'Volume Flow RateRMS', metric: 'flowRateLMin', unit: 'L/min', factor: 1, min: 0, max: 10_000 },
];

/** The metrics the pump class's integrity rules already know (no override needed). */
const PUMP_METRICS = new Set(['temperatureC', 'pressurePsi', 'vibrationG']);

/** Integrity rule overrides of the parity asset: the SKAB metrics the pump class lacks, with their ranges. */
export function parityRuleOverrides(): { metrics: Record<string, { unit: string; min: number; max: number }> } {
  return { metrics: Object.fromEntries(SKAB_PARITY_METRICS.filter((m) => !PUMP_METRICS.has(m.metric)).map((m) => [m.metric, { unit: m.unit, min: m.min, max: m.max }])) };
}

export type TwinTraining = Pick<typeof TWIN_ANOMALY, 'trainingReadings' | 'trainingHours'>;

/**
 * The anomaly training a profile gives the twin: its `prediction.anomaly` training period and
 * detector options where the profile sets them, else the twin's defaults (TWIN_ANOMALY).
 */
export function twinTrainingOf(profile: ThresholdProfile): TwinTraining & { readonly options: Partial<AnomalyDetectorOptions> } {
  const settings = predictionSettingsOf(profile) as { readonly anomalyTraining?: TwinTraining & { readonly options: Partial<AnomalyDetectorOptions> } };
  return settings.anomalyTraining ?? TWIN_ANOMALY;
}

/**
 * Seconds between re-timed rows so that the twin's training (at least `trainingReadings` readings
 * spanning at least `trainingHours`) ends with row `trainRows` — SKAB's protocol split. 24 h over
 * 400 rows: 217 s (398 × 217 s < 24 h ≤ 399 × 217 s).
 */
export function trainingSpacingSeconds(trainRows: number = SKAB_TRAIN_ROWS, training: TwinTraining = TWIN_ANOMALY): number {
  const needed = training.trainingHours * 3600;
  if (needed <= 0 || trainRows < 2) return 1;
  return Math.ceil(needed / (trainRows - 1));
}

/**
 * How many readings the twin trains on when they are `spacingSeconds` apart: the first count k with
 * k ≥ trainingReadings and (k − 1) × spacing ≥ trainingHours (enough feature vectors assumed; the
 * harness reports the actual count).
 */
export function twinTrainingRows(spacingSeconds: number, training: TwinTraining = TWIN_ANOMALY): number {
  const needed = training.trainingHours * 3600;
  const bySpan = needed <= 0 ? 1 : Math.ceil(needed / spacingSeconds) + 1;
  return Math.max(training.trainingReadings, bySpan);
}

/** One SKAB row as a twin reading: its row index (0-based), re-timed source time, metrics. */
export interface ParityReading {
  readonly row: number;
  readonly ts: string;
  readonly metrics: Readonly<Record<string, number>>;
}

/** The file's rows as readings `spacingSeconds` apart, the last one at `endMs`. */
export function parityReadings(file: SkabFile, endMs: number, spacingSeconds: number): ParityReading[] {
  const n = file.rows.length;
  return file.rows.map((r, row) => ({
    row,
    ts: new Date(endMs - (n - 1 - row) * spacingSeconds * 1000).toISOString(),
    metrics: Object.fromEntries(SKAB_PARITY_METRICS.map((m) => [m.metric, m.factor === 1 ? r.values[m.channel] : r.values[m.channel] * m.factor])),
  }));
}

/** A decision the twin made for one reading (any event but ReadingsApplied), by row. */
export interface RowEvent {
  readonly row: number;
  readonly type: string;
  readonly data: Readonly<Record<string, unknown>>;
}

/**
 * Event types the twin emits for something other than a reading (timer, operator, maintenance,
 * quarantine): not compared (the platform's alarm timer may add them; the harness sends readings only).
 */
export const NOT_READING_CAUSED = new Set([
  'ReadingsApplied',
  'ReadingsQuarantined',
  'SensorFaultDetected',
  'SecurityViolationDetected',
  'AlarmAcknowledged',
  'AlarmShelved',
  'AlarmUnshelved',
  'AlarmReannounced',
  'AlarmRemovedFromService',
  'AlarmReturnedToService',
  'MaintenanceCompleted',
]);

export interface HarnessRun {
  readonly events: RowEvent[];
  /** Readings the twin trained its anomaly detector on (null: it never finished training). */
  readonly trainingRows: number | null;
  /** Rows integrity quarantined (never applied), and the rules they broke. */
  readonly quarantinedRows: number[];
  readonly quarantineRules: string[];
  readonly state: TwinState;
}

export interface HarnessInput {
  readonly assetId: string;
  readonly deviceId: string;
  /** The device's secret: readings are signed as the device signs them, and integrity checks it. */
  readonly secret: string;
  readonly readings: readonly ParityReading[];
  /** The profile twin-state applies to the asset. */
  readonly profile: ThresholdProfile;
  /** When the readings are received (integrity's time window is relative to it). */
  readonly receivedAt: string;
  readonly quarantinePolicy?: QuarantinePolicy;
  readonly readingIdPrefix?: string;
}

/** The registry integrity holds for the parity asset: a pump with the parity rule overrides, one enabled device. */
export function parityRegistry(assetId: string, deviceId: string, secret: string): RegistryView {
  return {
    assets: { [assetId]: { assetId, assetClass: 'pump', acceptUnsigned: false, rules: rulesFor('pump', parityRuleOverrides()) } },
    devices: { [deviceId]: { deviceId, assetId, secret, enabled: true } },
  };
}

/**
 * The harness: the platform's pure pipeline in this process, reading by reading, as the services
 * run it — integrity's rules (`assessBatch`, the asset registered as the parity command registers
 * it), then the twin's decider (`decide` then `evolve`): an accepted reading as ApplyReadings with
 * the profile twin-state applies, a quarantined one as RecordQuarantine. Reading ids are
 * `<readingIdPrefix><row>`.
 */
export function runTwinHarness(input: HarnessInput): HarnessRun {
  const prefix = input.readingIdPrefix ?? 'harness-';
  const registry = parityRegistry(input.assetId, input.deviceId, input.secret);
  let integrity: IntegrityState = initialIntegrityState;
  let state: TwinState = initialTwinState;
  const events: RowEvent[] = [];
  const quarantinedRows: number[] = [];
  const rules = new Set<string>();
  let trainingRows: number | null = null;
  const apply = (row: number, decided: readonly TwinEvent[]) => {
    for (const e of decided) {
      state = evolve(state, e);
      if (!NOT_READING_CAUSED.has(e.type)) events.push({ row, type: e.type, data: e.data as unknown as Record<string, unknown> });
    }
  };
  for (const r of input.readings) {
    const payload = signReading({ deviceId: input.deviceId, assetId: input.assetId, seq: r.row + 1, ts: r.ts, metrics: { ...r.metrics } }, input.secret);
    const judged = assessBatch({ subjectAssetId: input.assetId, items: [{ readingId: `${prefix}${r.row}`, receivedAt: input.receivedAt, payload }] }, integrity, registry);
    integrity = judged.state;
    if (judged.accepted.length) apply(r.row, decide({ type: 'ApplyReadings', data: { assetId: input.assetId, readings: judged.accepted, profile: input.profile } }, state));
    if (judged.quarantined.length) {
      quarantinedRows.push(r.row);
      for (const q of judged.quarantined) for (const v of q.reasons) rules.add(v.rule);
      apply(r.row, decide({ type: 'RecordQuarantine', data: { assetId: input.assetId, items: judged.quarantined, at: input.receivedAt, policy: input.quarantinePolicy ?? DEFAULT_QUARANTINE_POLICY, profile: input.profile } }, state));
    }
    if (trainingRows === null && state.prediction.anomaly.model !== null) trainingRows = r.row + 1;
  }
  return { events, trainingRows, quarantinedRows, quarantineRules: [...rules].sort(), state };
}

/** Fields that name the reading (ids differ between the harness and the platform): left out of the comparison. */
const IDENTITY_FIELDS = new Set(['readingId', 'alarmId', 'predictionId']);

/** The comparable form of a decision: its row, type and data without the reading-derived ids. */
export function comparableEvent(e: RowEvent): string {
  const data = Object.fromEntries(Object.entries(e.data).filter(([k]) => !IDENTITY_FIELDS.has(k)));
  return JSON.stringify({ row: e.row, type: e.type, data: sortKeys(data) });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
  );
}

/** An anomaly episode (AnomalyDetected → AnomalyCleared) or an alarm episode of one cause (AlarmRaised → AlarmCleared). */
export interface Episode {
  readonly kind: 'anomaly' | 'alarm';
  /** The alarm's cause (null for an anomaly). */
  readonly cause: string | null;
  readonly startRow: number;
  /** The row whose reading ended it (null: still open after the last row). */
  readonly endRow: number | null;
  /** Anomaly: the score at detection; alarm: the severity at raise. */
  readonly detail: string;
}

/** The episodes the decisions describe, in start order (anomalies and alarms interleaved by row). */
export function episodesOf(events: readonly RowEvent[]): Episode[] {
  const out: Array<{ -readonly [K in keyof Episode]: Episode[K] }> = [];
  const open = new Map<string, number>();
  for (const e of events) {
    const cause = typeof e.data.cause === 'string' ? e.data.cause : null;
    const key = e.type.startsWith('Anomaly') ? 'anomaly' : `alarm:${cause}`;
    if (e.type === 'AnomalyDetected' || e.type === 'AlarmRaised') {
      const kind = e.type === 'AnomalyDetected' ? 'anomaly' : 'alarm';
      const detail = kind === 'anomaly' ? `score ${round(Number(e.data.score), 2)}` : String(e.data.severity ?? '');
      open.set(key, out.length);
      out.push({ kind, cause: kind === 'alarm' ? cause : null, startRow: e.row, endRow: null, detail });
    } else if (e.type === 'AnomalyCleared' || e.type === 'AlarmCleared') {
      const i = open.get(key);
      if (i === undefined) continue;
      out[i]!.endRow = e.row;
      open.delete(key);
    }
  }
  return out;
}

/** Anomaly episodes of a detector's per-row decisions (0/1 for the rows from `firstRow` on). */
export function detectorEpisodes(predicted: readonly (0 | 1)[], firstRow: number, scores: readonly (number | null)[] = []): Episode[] {
  const out: Episode[] = [];
  let start: number | null = null;
  predicted.forEach((p, i) => {
    if (p === 1 && start === null) start = i;
    if (p === 0 && start !== null) {
      out.push({ kind: 'anomaly', cause: null, startRow: firstRow + start, endRow: firstRow + i, detail: scoreDetail(scores[start]) });
      start = null;
    }
  });
  if (start !== null) out.push({ kind: 'anomaly', cause: null, startRow: firstRow + start, endRow: null, detail: scoreDetail(scores[start]) });
  return out;
}

const scoreDetail = (s: number | null | undefined) => (s === null || s === undefined ? '' : `score ${round(s, 2)}`);
const round = (v: number, digits: number) => Math.round(v * 10 ** digits) / 10 ** digits;

/** How many decisions of each type, in first-seen order. */
export function countByType(events: readonly RowEvent[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const e of events) counts[e.type] = (counts[e.type] ?? 0) + 1;
  return counts;
}

/** Same episodes (kind, cause, start and end rows; the detail is not compared). */
export function sameEpisodes(a: readonly Episode[], b: readonly Episode[]): boolean {
  return a.length === b.length && a.every((e, i) => e.kind === b[i]!.kind && e.cause === b[i]!.cause && e.startRow === b[i]!.startRow && e.endRow === b[i]!.endRow);
}

export interface ParityDifference {
  /** The row of the first decision that differs. */
  readonly row: number;
  /** The decision at that place on each side (null: none there). */
  readonly harness: RowEvent | null;
  readonly platform: RowEvent | null;
}

export interface ParityComparison {
  readonly identical: boolean;
  readonly compared: { readonly harness: number; readonly platform: number };
  readonly firstDifference: ParityDifference | null;
}

/**
 * Compares the decisions of both sides in order (row, then the order the twin emitted them), each
 * without its reading-derived ids: identical, or the first place where they differ.
 */
export function compareParity(harness: readonly RowEvent[], platform: readonly RowEvent[]): ParityComparison {
  const order = (events: readonly RowEvent[]) => events.map((e, i) => ({ e, i })).sort((a, b) => a.e.row - b.e.row || a.i - b.i).map((x) => x.e);
  const h = order(harness);
  const p = order(platform);
  const n = Math.max(h.length, p.length);
  for (let i = 0; i < n; i++) {
    const a = h[i] ?? null;
    const b = p[i] ?? null;
    if (a !== null && b !== null && comparableEvent(a) === comparableEvent(b)) continue;
    const row = Math.min(a?.row ?? Infinity, b?.row ?? Infinity);
    // Show the decisions of that row on each side (the other side may have none there).
    return {
      identical: false,
      compared: { harness: h.length, platform: p.length },
      firstDifference: { row, harness: a !== null && a.row === row ? a : null, platform: b !== null && b.row === row ? b : null },
    };
  }
  return { identical: true, compared: { harness: h.length, platform: p.length }, firstDifference: null };
}

// ---------------------------------------------------------------------------------------------
// Report

export interface ParityReport {
  readonly command: string;
  readonly file: string;
  readonly rows: number;
  readonly assetId: string;
  readonly profile: string;
  readonly spacingSeconds: number;
  readonly firstTs: string;
  readonly lastTs: string;
  /** Readings the twin trained on (harness), and the SKAB protocol's training rows. */
  readonly trainingRows: number | null;
  readonly protocolTrainingRows: number;
  readonly harness: { readonly episodes: readonly Episode[]; readonly events: number; readonly byType: Readonly<Record<string, number>>; readonly quarantinedRows: readonly number[]; readonly quarantineRules: readonly string[] };
  readonly platform: {
    readonly episodes: readonly Episode[];
    readonly events: number;
    readonly byType: Readonly<Record<string, number>>;
    readonly applied: number;
    readonly quarantined: number;
    readonly quarantinedRows: readonly number[];
    readonly quarantineRules: readonly string[];
    readonly notCompared: Readonly<Record<string, number>>;
    readonly seconds: number;
  };
  /** Both sides quarantined the same rows. */
  readonly sameQuarantine: boolean;
  /**
   * `eval skab`'s detector code on the raw file, same split, with the twin's detector options (must
   * agree with the twin); comparable when the twin trained on the protocol's rows and saw every row.
   */
  readonly detector: { readonly options: Readonly<Record<string, number>>; readonly episodes: readonly Episode[]; readonly comparable: boolean; readonly agrees: boolean | null; readonly note: string | null };
  /** … and with `eval skab`'s own options (for information: the benchmark figures' configuration). */
  readonly evalSkab: { readonly options: Readonly<Record<string, number>>; readonly episodes: readonly Episode[] };
  readonly comparison: ParityComparison;
  /** Harness and platform identical (and the detector agrees where comparable). */
  readonly ok: boolean;
}

const rowsOf = (e: Episode) => `${e.startRow}–${e.endRow === null ? 'end' : e.endRow}`;

function episodeText(episodes: readonly Episode[], kind: Episode['kind']): string {
  const list = episodes.filter((e) => e.kind === kind);
  if (list.length === 0) return 'none';
  return list.map((e) => (kind === 'alarm' ? `${e.cause} ${rowsOf(e)}${e.detail ? ` (${e.detail})` : ''}` : `${rowsOf(e)}${e.detail ? ` (${e.detail})` : ''}`)).join('; ');
}

const typesText = (byType: Readonly<Record<string, number>>) => (Object.keys(byType).length ? ` (${Object.entries(byType).map(([t, n]) => `${t} ${n}`).join(', ')})` : '');

const quarantineText = (rows: readonly number[], rules: readonly string[]) => (rows.length === 0 ? 'none' : `${rows.join(', ')} (${rules.join(', ')})`);

const eventText = (e: RowEvent | null) => (e === null ? '(no decision)' : `${e.type} ${JSON.stringify(Object.fromEntries(Object.entries(e.data).filter(([k]) => k !== 'assetId')))}`);

/** The report as markdown: the parity table, then the verdict and the first difference. */
export function parityMarkdown(r: ParityReport): string {
  const c = r.comparison;
  const lines = [
    `## SKAB parity: running platform vs harness — ${r.file}`,
    '',
    `\`${r.command}\``,
    '',
    `${r.rows.toLocaleString('en-US')} rows re-timed ${r.spacingSeconds} s apart (${r.firstTs} … ${r.lastTs}), all 8 channels, asset ${r.assetId}, profile ${r.profile}.`,
    `Twin anomaly training: ${r.trainingRows === null ? 'never finished' : `rows 0–${r.trainingRows - 1} (${r.trainingRows} readings)`}; SKAB protocol: ${r.protocolTrainingRows} rows. Rows are numbered from 0 (file order); an episode a–b starts at row a and ends at row b.`,
    '',
    '| | harness (integrity rules + twin decider, in process) | platform (HTTP → ingestion → integrity → twin-state) | eval skab detector, twin options |',
    '|---|---|---|---|',
    `| anomaly episodes (rows) | ${episodeText(r.harness.episodes, 'anomaly')} | ${episodeText(r.platform.episodes, 'anomaly')} | ${r.detector.comparable ? episodeText(r.detector.episodes, 'anomaly') : `not comparable: ${r.detector.note ?? ''}`} |`,
    `| alarm episodes (rows) | ${episodeText(r.harness.episodes, 'alarm')} | ${episodeText(r.platform.episodes, 'alarm')} | — |`,
    `| quarantined by integrity (rows) | ${quarantineText(r.harness.quarantinedRows, r.harness.quarantineRules)} | ${quarantineText(r.platform.quarantinedRows, r.platform.quarantineRules)} | — (every row) |`,
    `| decisions compared | ${c.compared.harness}${typesText(r.harness.byType)} | ${c.compared.platform}${typesText(r.platform.byType)} | — |`,
    `| first differing row | ${c.firstDifference ? c.firstDifference.row : 'none'} | ${c.firstDifference ? c.firstDifference.row : 'none'} | ${r.detector.agrees === null ? '—' : r.detector.agrees ? 'none' : 'differs'} |`,
    '',
    `Platform: ${r.platform.applied} readings applied, ${r.platform.quarantined} quarantined, in ${r.platform.seconds.toFixed(1)} s${Object.keys(r.platform.notCompared).length ? `; not compared (not caused by a reading): ${Object.entries(r.platform.notCompared).map(([t, n]) => `${t} ×${n}`).join(', ')}` : ''}.`,
    `eval skab's own options (${Object.entries(r.evalSkab.options).map(([k, v]) => `${k} ${v}`).join(', ')}) on the same split: anomaly episodes ${episodeText(r.evalSkab.episodes, 'anomaly')}.`,
    '',
  ];
  if (!r.sameQuarantine) lines.push('**Integrity quarantined other rows on the platform than in the harness.**', '');
  if (c.identical) lines.push(`**IDENTICAL**: the platform made the same ${c.compared.platform} decisions as the harness, row by row.`);
  else {
    const d = c.firstDifference!;
    lines.push(`**DIFFERENT** from row ${d.row}:`, `- harness:  ${eventText(d.harness)}`, `- platform: ${eventText(d.platform)}`);
  }
  if (r.detector.comparable && r.detector.agrees === false) lines.push('', `**The twin's anomaly episodes differ from eval skab's detector run with the twin's options.**`);
  return lines.join('\n');
}

/** The report as a JSON object (`--json`). */
export function parityJson(r: ParityReport): Record<string, unknown> {
  return { eval: 'skab-parity', ...r };
}
