/** The remaining useful life the twin estimated last (RulEstimated), with its interval when it has one. */
export interface RulView {
  readonly cause: string | null;
  readonly hours: number;
  readonly lowerHours: number | null;
  readonly upperHours: number | null;
  readonly metric: string | null;
  readonly at: string | null;
}

/** What the console shows of a twin's prediction slice (issue 5): the fleet's "Predicted breach" column and the asset view. */
export interface PredictionView {
  /** Whether twin-state answered a prediction slice for the twin at all (false: an older twin-state, or none yet). */
  readonly available: boolean;
  /** The predicted breach time of the earliest FailurePredicted in force, else null. */
  readonly predictedBreachAt: string | null;
  /** Its lower bound (the earliest it may come), when the prediction gives one. */
  readonly earliestAt: string | null;
  readonly cause: string | null;
  readonly metric: string | null;
  /** Failure predictions in force: one per cause. */
  readonly failures: number;
  readonly rul: RulView | null;
  /** The anomalous episode in force (AnomalyDetected until AnomalyCleared), else null. */
  readonly anomaly: { readonly since: string; readonly score: number | null } | null;
}

export const NO_PREDICTION: PredictionView = Object.freeze({ available: false, predictedBreachAt: null, earliestAt: null, cause: null, metric: null, failures: 0, rul: null, anomaly: null });

const record = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
const number = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const time = (v: unknown): number => {
  const s = text(v);
  const t = s === null ? NaN : Date.parse(s);
  return Number.isNaN(t) ? Infinity : t;
};

/**
 * The prediction of a twin as twin-state answers it (`prediction: { failures: {cause: {predictedFailureAt,
 * earliestAt, cause, metric}}, rul: {rulHours, lowerHours, upperHours, cause, metric, at}, anomaly:
 * {active: {since, score}} }`, failures also as a list); NO_PREDICTION when the twin has none.
 */
export function predictionOf(twin: unknown): PredictionView {
  const p = record(record(twin)?.prediction);
  if (p === null) return NO_PREDICTION;
  const failuresRaw = p.failures;
  const failures = (Array.isArray(failuresRaw) ? failuresRaw : Object.values(record(failuresRaw) ?? {})).map(record).filter((f): f is Record<string, unknown> => f !== null && time(f.predictedFailureAt) !== Infinity);
  failures.sort((a, b) => time(a.predictedFailureAt) - time(b.predictedFailureAt));
  const first = failures[0];
  const r = record(p.rul);
  const hours = r === null ? null : number(r.rulHours ?? r.hours);
  const rul: RulView | null =
    r === null || hours === null ? null : { cause: text(r.cause), hours, lowerHours: number(r.lowerHours), upperHours: number(r.upperHours), metric: text(r.metric), at: text(r.at) };
  const active = record(record(p.anomaly)?.active);
  const since = text(active?.since);
  return {
    available: true,
    predictedBreachAt: first ? text(first.predictedFailureAt) : null,
    earliestAt: first ? text(first.earliestAt) : null,
    cause: first ? text(first.cause) : null,
    metric: first ? text(first.metric) : null,
    failures: failures.length,
    rul,
    anomaly: since === null ? null : { since, score: number(active?.score) },
  };
}
