import { COMPONENTS, type Component, type FailureRecord, type MaintenanceRecord } from './azure-pdm.load';

export const HOUR_MS = 3_600_000;

/** A prediction "this machine will fail within the horizon", made at `tMs`, and what triggered it. */
export interface Prediction {
  readonly tMs: number;
  readonly signal: string;
}

/** One machine's test period: [testStartMs, testEndMs] (hourly rows), and its predictions in it. */
export interface MachineRun {
  readonly machineId: number;
  readonly trainingStartMs: number;
  readonly testStartMs: number;
  readonly testEndMs: number;
  readonly predictions: readonly Prediction[];
}

/** A run of predictions of one machine counted once: starts at `startMs`, last prediction at `lastMs`. */
export interface Episode {
  readonly machineId: number;
  readonly startMs: number;
  readonly lastMs: number;
  readonly signals: readonly string[];
  /** Components that failed in (startMs, lastMs + horizon]. */
  readonly followedBy: readonly Component[];
}

export interface ScoreOptions {
  readonly horizonHours: number;
  /** A prediction less than this many hours after the start of the machine's open episode joins it. */
  readonly cooldownHours: number;
}

export interface Counts {
  /** Failure records eligible for recall (in a test period, whole horizon after the training period). */
  readonly failures: number;
  /** Of them, preceded by ≥ 1 prediction of that machine within the horizon. */
  readonly detected: number;
  readonly episodes: number;
  /** Episodes followed by a failure within the horizon. */
  readonly truePositiveEpisodes: number;
  readonly recall: number | null;
  readonly precision: number | null;
  readonly f1: number | null;
  /** Fraction of test hours followed by a failure within the horizon: the precision of random predictions. */
  readonly baseRate: number | null;
}

export interface ScoreResult {
  readonly overall: Counts;
  readonly byComponent: Readonly<Record<Component, Counts>>;
  /** Eligible failure events (machine and time), whatever the number of components replaced. */
  readonly failureEvents: { readonly total: number; readonly detected: number };
  /** Failure records of the machines inside the telemetry but left out: in or too close to the training period. */
  readonly excludedFailures: number;
  /** Hours from the first prediction in the horizon to the failure, over detected failure records (median, min, max). */
  readonly leadHours: { readonly median: number | null; readonly min: number | null; readonly max: number | null };
  readonly episodes: readonly Episode[];
  /** Predictions merged into an earlier episode by the cooldown. */
  readonly mergedPredictions: number;
  /** False-positive episodes followed by a failure of that machine within 3 horizons: early, not false, warnings. */
  readonly earlyFalsePositives: number;
  /** False-positive episodes followed within the horizon by a scheduled (non-failure) replacement on that machine. */
  readonly preemptedFalsePositives: number;
}

/**
 * Groups a machine's predictions into episodes: a prediction less than `cooldownHours` after the
 * start of the open episode joins it; otherwise it starts a new one.
 */
export function episodesOf(machineId: number, predictions: readonly Prediction[], failures: readonly FailureRecord[], o: ScoreOptions): Episode[] {
  const sorted = [...predictions].sort((a, b) => a.tMs - b.tMs);
  const groups: Array<{ startMs: number; lastMs: number; signals: Set<string> }> = [];
  for (const p of sorted) {
    const open = groups[groups.length - 1];
    if (open && p.tMs - open.startMs < o.cooldownHours * HOUR_MS) {
      open.lastMs = p.tMs;
      open.signals.add(p.signal);
    } else groups.push({ startMs: p.tMs, lastMs: p.tMs, signals: new Set([p.signal]) });
  }
  const mine = failures.filter((f) => f.machineId === machineId);
  return groups.map((g) => ({
    machineId,
    startMs: g.startMs,
    lastMs: g.lastMs,
    signals: [...g.signals].sort(),
    followedBy: [...new Set(mine.filter((f) => f.tMs > g.startMs && f.tMs <= g.lastMs + o.horizonHours * HOUR_MS).map((f) => f.component))].sort(),
  }));
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const f1Of = (p: number | null, r: number | null) => (p === null || r === null || p + r === 0 ? null : (2 * p * r) / (p + r));

function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  return sorted[lo]! + (sorted[Math.ceil(h)]! - sorted[lo]!) * (h - lo);
}

/**
 * Scores predictions against recorded failures.
 *
 * - Recall: a failure record of a machine is eligible when it lies in the machine's test period and
 *   its whole horizon before it does too (testStart + horizon ≤ t ≤ testEnd + 1 h; the last reading
 *   of an hour may precede a failure stamped at the next hour). It is detected when ≥ 1 prediction
 *   of that machine lies in [t − horizon, t).
 * - Precision: predictions are grouped into episodes (cooldown); an episode is a true positive
 *   when any failure of that machine (the whole failures file, also after the telemetry ends) lies in
 *   (start, last + horizon].
 * - Base rate: over every test hour h of every machine, the fraction with a failure in (h, h + horizon]:
 *   the expected precision of predictions made at random hours.
 * Per component: recall over that component's failure records; precision = episodes followed by a
 * failure of that component / all episodes (predictions do not name a component).
 */
export function scorePredictions(runs: readonly MachineRun[], failures: readonly FailureRecord[], o: ScoreOptions, maintenance: readonly MaintenanceRecord[] = []): ScoreResult {
  const h = o.horizonHours * HOUR_MS;
  const episodes: Episode[] = [];
  let mergedPredictions = 0;
  const eligible: Array<FailureRecord & { detected: boolean; leadHours: number | null }> = [];
  let excludedFailures = 0;
  const hours = { total: 0, any: 0, byComponent: Object.fromEntries(COMPONENTS.map((c) => [c, 0])) as Record<Component, number> };

  for (const run of runs) {
    const mine = failures.filter((f) => f.machineId === run.machineId);
    const own = episodesOf(run.machineId, run.predictions, failures, o);
    episodes.push(...own);
    mergedPredictions += run.predictions.length - own.length;
    for (const f of mine) {
      if (f.tMs < run.trainingStartMs || f.tMs > run.testEndMs + HOUR_MS) continue;
      if (f.tMs - h < run.testStartMs) {
        excludedFailures++;
        continue;
      }
      const before = run.predictions.filter((p) => p.tMs >= f.tMs - h && p.tMs < f.tMs).map((p) => p.tMs);
      eligible.push({ ...f, detected: before.length > 0, leadHours: before.length ? (f.tMs - Math.min(...before)) / HOUR_MS : null });
    }
    for (let t = run.testStartMs; t <= run.testEndMs; t += HOUR_MS) {
      const ahead = mine.filter((f) => f.tMs > t && f.tMs <= t + h);
      hours.total++;
      if (ahead.length) hours.any++;
      for (const c of COMPONENTS) if (ahead.some((f) => f.component === c)) hours.byComponent[c]++;
    }
  }

  const counts = (component: Component | null): Counts => {
    const fs = eligible.filter((f) => component === null || f.component === component);
    const detected = fs.filter((f) => f.detected).length;
    const tp = episodes.filter((e) => (component === null ? e.followedBy.length > 0 : e.followedBy.includes(component))).length;
    const recall = ratio(detected, fs.length);
    const precision = ratio(tp, episodes.length);
    return {
      failures: fs.length,
      detected,
      episodes: episodes.length,
      truePositiveEpisodes: tp,
      recall,
      precision,
      f1: f1Of(precision, recall),
      baseRate: ratio(component === null ? hours.any : hours.byComponent[component], hours.total),
    };
  };

  const eventKey = (f: FailureRecord) => `${f.machineId}@${f.tMs}`;
  const events = new Map<string, boolean>();
  for (const f of eligible) events.set(eventKey(f), (events.get(eventKey(f)) ?? false) || f.detected);
  const leads = eligible
    .map((f) => f.leadHours)
    .filter((l): l is number => l !== null)
    .sort((a, b) => a - b);

  return {
    overall: counts(null),
    byComponent: Object.fromEntries(COMPONENTS.map((c) => [c, counts(c)])) as Record<Component, Counts>,
    failureEvents: { total: events.size, detected: [...events.values()].filter(Boolean).length },
    excludedFailures,
    leadHours: { median: quantile(leads, 0.5), min: leads[0] ?? null, max: leads[leads.length - 1] ?? null },
    episodes,
    mergedPredictions,
    preemptedFalsePositives: episodes.filter(
      (e) =>
        e.followedBy.length === 0 &&
        maintenance.some((m) => m.machineId === e.machineId && m.tMs > e.startMs && m.tMs <= e.lastMs + h && !failures.some((f) => f.machineId === m.machineId && f.tMs === m.tMs && f.component === m.component)),
    ).length,
    earlyFalsePositives: episodes.filter((e) => e.followedBy.length === 0 && failures.some((f) => f.machineId === e.machineId && f.tMs > e.startMs && f.tMs <= e.startMs + 3 * h)).length,
  };
}
