import type { Failure, WorkOrderType } from '@twinline/contracts';
import { MaintenanceError } from './maintenance.errors';

const HOUR_MS = 3_600_000;

/** One completed work order, as the reliability figures read it (from the work-order view and the asset directory). */
export interface ReliabilityRecord {
  readonly assetId: string;
  readonly assetClass: string;
  readonly workOrderId: string;
  readonly type: WorkOrderType;
  readonly openedAt: string;
  readonly startedAt: string | null;
  /** When the work ended: the asset back in service. */
  readonly completedAt: string;
  /** The failure the crew found; null when none. Only failures count. */
  readonly failure: Failure | null;
  /** The earliest alarm or prediction the order saw. */
  readonly firstWarningAt: string | null;
  /** The failure time of the latest prediction the order saw. */
  readonly predictedFailureAt: string | null;
}

export interface ReliabilityWindow {
  readonly from: string;
  readonly to: string;
}

/** How well predicted failure times matched the failures (hours; positive error = predicted too late). */
export interface MttfEstimateAccuracy {
  readonly count: number;
  readonly meanAbsoluteErrorHours: number | null;
  readonly meanErrorHours: number | null;
}

export interface ReliabilityMetrics {
  /** Failures with `failedAt` in the window. */
  readonly failures: number;
  /** Time observed: the window, from the in-service start when that is later. */
  readonly observedHours: number;
  /** Time down: from each failure to its repair's completion, overlaps counted once, clipped to the observed time. */
  readonly downtimeHours: number;
  /** Operating time: observed − down. */
  readonly operatingHours: number;
  readonly mtbfHours: number | null;
  readonly mttrHours: number | null;
  readonly mttfHours: number | null;
  readonly availability: number | null;
  readonly predictedFailures: number;
  readonly unpredictedFailures: number;
  readonly meanWarningHours: number | null;
  readonly mttfEstimate: MttfEstimateAccuracy;
}

export interface AssetReliability extends ReliabilityMetrics {
  readonly assetId: string;
  readonly assetClass: string;
}

export interface ClassReliability extends ReliabilityMetrics {
  readonly assetClass: string;
  readonly assets: number;
}

export interface OverallReliability extends ReliabilityMetrics {
  readonly assets: number;
}

export interface ReliabilityReport {
  readonly window: ReliabilityWindow;
  readonly assets: AssetReliability[];
  readonly classes: ClassReliability[];
  readonly overall: OverallReliability;
}

/** What one asset contributes; classes and the overall figures pool these (sums, and means over all failures). */
interface Sample {
  readonly assetId: string;
  readonly assetClass: string;
  readonly observedMs: number;
  readonly downtimeMs: number;
  readonly failures: number;
  readonly repairMs: number[];
  readonly timeToFailureMs: number[];
  readonly warningMs: number[];
  readonly estimateErrorMs: number[];
}

const round = (value: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
};
const hours = (ms: number): number => round(ms / HOUR_MS, 3);
const mean = (values: readonly number[]): number | null => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);
const meanHours = (values: readonly number[]): number | null => {
  const m = mean(values);
  return m === null ? null : hours(m);
};

function instant(field: string, value: string): number {
  const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `${field}: "${String(value)}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  return ms;
}

/** Total length of the union of intervals, each clipped to [from, to]. */
function unionLength(intervals: ReadonlyArray<readonly [number, number]>, from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (b <= end) continue;
    total += b - Math.max(a, end);
    end = b;
  }
  return total;
}

function metrics(samples: readonly Sample[]): ReliabilityMetrics {
  const observedMs = samples.reduce((n, s) => n + s.observedMs, 0);
  const downtimeMs = samples.reduce((n, s) => n + s.downtimeMs, 0);
  const operatingMs = observedMs - downtimeMs;
  const failures = samples.reduce((n, s) => n + s.failures, 0);
  const all = <K extends 'repairMs' | 'timeToFailureMs' | 'warningMs' | 'estimateErrorMs'>(key: K) => samples.flatMap((s) => s[key]);
  const errors = all('estimateErrorMs');
  const predicted = all('warningMs').length;
  return {
    failures,
    observedHours: hours(observedMs),
    downtimeHours: hours(downtimeMs),
    operatingHours: hours(operatingMs),
    mtbfHours: failures ? hours(operatingMs / failures) : null,
    mttrHours: meanHours(all('repairMs')),
    mttfHours: meanHours(all('timeToFailureMs')),
    availability: observedMs > 0 ? round(operatingMs / observedMs, 6) : null,
    predictedFailures: predicted,
    unpredictedFailures: failures - predicted,
    meanWarningHours: meanHours(all('warningMs')),
    mttfEstimate: { count: errors.length, meanAbsoluteErrorHours: meanHours(errors.map(Math.abs)), meanErrorHours: meanHours(errors) },
  };
}

/**
 * Reliability of assets, their classes and the whole fleet over a window, from the completed work
 * orders (pure). A failure counts in the window when from ≤ failedAt < to. Per asset:
 *
 * - observed time = to − max(from, in-service start) (the asset is taken as in service since the
 *   window start when `inServiceSince` does not say otherwise); 0 when it entered service after `to`.
 * - downtime = the union of [failure.failedAt, completedAt] over the asset's failures (any failure,
 *   also one before the window whose repair ended in it), clipped to the observed time.
 * - operating time (uptime) = observed − downtime; availability = uptime / observed (null when nothing
 *   was observed).
 * - MTBF (mean time between failures) = operating time / failures in the window; null without failures.
 * - MTTR (mean time to repair) = mean of completedAt − failedAt over the failures in the window.
 * - MTTF (mean time to failure) = mean, over the failures in the window, of the time from the previous
 *   restoration (the completion of the asset's previous failure, also one before the window) or, for
 *   its first failure, from the in-service start (else the window start) to the failure; never negative.
 * - predicted failures: those whose order had a warning (alarm or prediction) at or before the failure,
 *   firstWarningAt ≤ failedAt; unpredicted: the others (no warning, or a warning only after the asset
 *   had failed). Mean warning = mean of failedAt − firstWarningAt over the predicted failures.
 * - MTTF estimate: over the failures whose order had a predicted failure time, the error
 *   predictedFailureAt − failedAt (positive: predicted too late); mean error and mean absolute error.
 *
 * Classes and the overall figures pool their assets: times and failures are summed (MTBF = summed
 * operating time / summed failures, availability = summed uptime / summed observed time) and means
 * are taken over all their failures, not over the assets' means. Hours are rounded to 3 decimals,
 * availability to 6. `assets` adds assets without any completed order (they count operating time).
 * Throws MAINTENANCE.INVALID_TIME naming `window.from`/`window.to` for a window it cannot read or that
 * does not end after it starts.
 */
export function reliabilityOf(
  records: readonly ReliabilityRecord[],
  window: ReliabilityWindow,
  inServiceSince: Readonly<Record<string, string>> = {},
  assets: ReadonlyArray<{ readonly assetId: string; readonly assetClass: string }> = [],
): ReliabilityReport {
  const from = instant('window.from', window.from);
  const to = instant('window.to', window.to);
  if (to <= from) throw new MaintenanceError('MAINTENANCE.INVALID_TIME', `window.to: ${window.to} must be after window.from (${window.from})`);

  const byAsset = new Map<string, { assetClass: string; records: ReliabilityRecord[] }>();
  for (const a of assets) if (!byAsset.has(a.assetId)) byAsset.set(a.assetId, { assetClass: a.assetClass, records: [] });
  for (const r of records) {
    const entry = byAsset.get(r.assetId) ?? { assetClass: r.assetClass, records: [] };
    entry.records.push(r);
    byAsset.set(r.assetId, entry);
  }

  const samples: Sample[] = [...byAsset.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([assetId, { assetClass, records: own }]) => {
      const since = Object.prototype.hasOwnProperty.call(inServiceSince, assetId) ? instant(`inServiceSince.${assetId}`, inServiceSince[assetId]!) : null;
      const start = Math.max(from, since ?? from);
      const observedMs = Math.max(0, to - start);
      const failed = own
        .filter((r): r is ReliabilityRecord & { failure: Failure } => r.failure !== null)
        .map((r) => ({ record: r, failedAt: Date.parse(r.failure.failedAt), completedAt: Date.parse(r.completedAt) }))
        .sort((a, b) => a.failedAt - b.failedAt || a.completedAt - b.completedAt);
      const downtimeMs = unionLength(
        failed.map((f) => [f.failedAt, f.completedAt] as const),
        start,
        to,
      );
      const repairMs: number[] = [];
      const timeToFailureMs: number[] = [];
      const warningMs: number[] = [];
      const estimateErrorMs: number[] = [];
      let restoredAt = since ?? from;
      let failures = 0;
      for (const f of failed) {
        if (f.failedAt >= from && f.failedAt < to) {
          failures += 1;
          repairMs.push(f.completedAt - f.failedAt);
          timeToFailureMs.push(Math.max(0, f.failedAt - restoredAt));
          const warning = f.record.firstWarningAt === null ? Number.NaN : Date.parse(f.record.firstWarningAt);
          if (warning <= f.failedAt) warningMs.push(f.failedAt - warning);
          if (f.record.predictedFailureAt !== null) estimateErrorMs.push(Date.parse(f.record.predictedFailureAt) - f.failedAt);
        }
        restoredAt = Math.max(restoredAt, f.completedAt);
      }
      return { assetId, assetClass, observedMs, downtimeMs, failures, repairMs, timeToFailureMs, warningMs, estimateErrorMs };
    });

  const classes = [...new Set(samples.map((s) => s.assetClass))].sort().map((assetClass) => {
    const own = samples.filter((s) => s.assetClass === assetClass);
    return { assetClass, assets: own.length, ...metrics(own) };
  });
  return {
    window: { from: window.from, to: window.to },
    assets: samples.map((s) => ({ assetId: s.assetId, assetClass: s.assetClass, ...metrics([s]) })),
    classes,
    overall: { assets: samples.length, ...metrics(samples) },
  };
}
