/**
 * Preprocessing shared by fitting and estimation, so that a model sees exactly the same features
 * in evaluation, replay and the live twin: z-normalisation, the linear health index, window features.
 */

/** One cycle (flight, shift, day …) of an asset: its index and the sensor values measured in it. */
export interface RulCycle {
  readonly cycle: number;
  readonly values: Readonly<Record<string, number>>;
}

export interface RulPreprocessing {
  /** Sensors used, in feature order. */
  readonly sensors: readonly string[];
  /** Training mean and standard deviation per sensor (z-normalisation). */
  readonly mean: readonly number[];
  readonly std: readonly number[];
  /** Linear health index on the normalised sensors: hi = bias + Σ weights·z (≈ 1 healthy, ≈ 0 at failure). */
  readonly healthIndex: { readonly bias: number; readonly weights: readonly number[] };
  /** Rolling-mean window (cycles). */
  readonly shortWindow: number;
  /** Long window for means and least-squares slopes (cycles); the history an estimate needs. */
  readonly longWindow: number;
  /** Whether the cycle index (age since the start of life) is a feature. */
  readonly useAge: boolean;
}

/** Names of the features, in the order `windowFeatures` writes them. */
export function featureNames(p: Pick<RulPreprocessing, 'sensors' | 'useAge'>): string[] {
  return [
    ...p.sensors.map((s) => `${s}.mean.short`),
    ...p.sensors.map((s) => `${s}.mean.long`),
    ...p.sensors.map((s) => `${s}.slope.long`),
    'hi.mean.short',
    'hi.mean.long',
    'hi.slope.long',
    ...(p.useAge ? ['age'] : []),
  ];
}

export function featureCount(p: Pick<RulPreprocessing, 'sensors' | 'useAge'>): number {
  return 3 * p.sensors.length + 3 + (p.useAge ? 1 : 0);
}

/** The normalised sensor row of one cycle (throws when a sensor is missing or not finite). */
export function normalisedRow(p: RulPreprocessing, c: RulCycle): number[] {
  return p.sensors.map((s, j) => {
    const v = c.values[s];
    if (v === undefined || !Number.isFinite(v)) throw new Error(`RUL model: cycle ${c.cycle} has no finite value for sensor "${s}"`);
    return (v - p.mean[j]!) / p.std[j]!;
  });
}

export function healthIndexOf(p: RulPreprocessing, z: readonly number[]): number {
  let h = p.healthIndex.bias;
  for (let j = 0; j < z.length; j++) h += p.healthIndex.weights[j]! * z[j]!;
  return h;
}

/** Least-squares slope of ys against 0..n−1 (0 for fewer than two points). */
function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xMean = (n - 1) / 2;
  let yMean = 0;
  for (const y of ys) yMean += y;
  yMean /= n;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (i - xMean) * (ys[i]! - yMean);
    den += (i - xMean) * (i - xMean);
  }
  return num / den;
}

function mean(ys: readonly number[]): number {
  let s = 0;
  for (const y of ys) s += y;
  return s / ys.length;
}

/**
 * The feature vector at the end of a normalised history (rows oldest first, each with its health
 * index), written into `out` at `offset`. Only the last `longWindow` rows are read; a shorter
 * history uses what it has.
 */
export function windowFeatures(p: RulPreprocessing, z: ReadonlyArray<readonly number[]>, hi: readonly number[], end: number, age: number, out: Float64Array, offset: number): void {
  const longStart = Math.max(0, end - p.longWindow + 1);
  const shortStart = Math.max(0, end - p.shortWindow + 1);
  const m = p.sensors.length;
  let k = offset;
  const column = (j: number, from: number) => {
    const ys: number[] = [];
    for (let t = from; t <= end; t++) ys.push(z[t]![j]!);
    return ys;
  };
  for (let j = 0; j < m; j++) out[k++] = mean(column(j, shortStart));
  const longColumns: number[][] = [];
  for (let j = 0; j < m; j++) {
    const ys = column(j, longStart);
    longColumns.push(ys);
    out[k++] = mean(ys);
  }
  for (let j = 0; j < m; j++) out[k++] = slope(longColumns[j]!);
  const hiLong = hi.slice(longStart, end + 1);
  out[k++] = mean(hi.slice(shortStart, end + 1));
  out[k++] = mean(hiLong);
  out[k++] = slope(hiLong);
  if (p.useAge) out[k++] = age;
}

/** Solves A·x = b (A n×n, symmetric positive definite after ridge) by Gaussian elimination with pivoting. */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const d = m[c]![c]!;
    if (Math.abs(d) < 1e-12) throw new Error('RUL model: singular system while fitting the health index');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / d;
      if (f === 0) continue;
      const row = m[r]!;
      const top = m[c]!;
      for (let k = c; k <= n; k++) row[k] = row[k]! - f * top[k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}
