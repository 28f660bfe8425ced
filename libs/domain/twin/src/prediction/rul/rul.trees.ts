import type { RulRandom } from './rul.random';

/**
 * One regression tree as plain arrays (JSON-serialisable). Node 0 is the root; a node with
 * `feature[i] === -1` is a leaf predicting `value[i]` (already scaled by the learning rate); an inner
 * node sends a row left when `row[feature[i]] <= threshold[i]`, else right.
 */
export interface RegressionTree {
  readonly feature: readonly number[];
  readonly threshold: readonly number[];
  readonly left: readonly number[];
  readonly right: readonly number[];
  readonly value: readonly number[];
}

/** Gradient-boosted regression trees (squared loss): prediction = base + Σ tree(row). */
export interface BoostedTrees {
  readonly base: number;
  readonly trees: readonly RegressionTree[];
}

export interface BoostingOptions {
  /** Number of trees. */
  readonly trees: number;
  /** Maximum depth of each tree (root = depth 0). */
  readonly depth: number;
  /** Shrinkage applied to each tree's leaf values. */
  readonly learningRate: number;
  /** Minimum rows in a leaf. */
  readonly minLeaf: number;
  /** Share of rows (without replacement) each tree is grown on (stochastic gradient boosting). */
  readonly subsample: number;
  /** Candidate split points per feature (quantiles of the training values), at most 255. */
  readonly bins: number;
  /** L2 regularisation of leaf values. */
  readonly lambda: number;
}

/** A dense row-major matrix of features. */
export interface FeatureMatrix {
  readonly rows: number;
  readonly columns: number;
  readonly data: Float64Array;
}

/** Quantile split points per feature: `x <= edges[f][k]` puts x in bin ≤ k. */
function splitEdges(x: FeatureMatrix, bins: number): number[][] {
  const edges: number[][] = [];
  const column = new Float64Array(x.rows);
  for (let f = 0; f < x.columns; f++) {
    for (let i = 0; i < x.rows; i++) column[i] = x.data[i * x.columns + f]!;
    column.sort();
    const e: number[] = [];
    for (let k = 1; k < bins; k++) {
      const v = column[Math.min(x.rows - 1, Math.floor((k * x.rows) / bins))]!;
      // The split must leave something to the right: never the maximum.
      if (v < column[x.rows - 1]! && (e.length === 0 || v > e[e.length - 1]!)) e.push(v);
    }
    edges.push(e);
  }
  return edges;
}

function binOf(edges: readonly number[], v: number): number {
  let lo = 0;
  let hi = edges.length; // bin = first k with v <= edges[k], or edges.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (v <= edges[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function predictTree(tree: RegressionTree, data: ArrayLike<number>, offset: number): number {
  let node = 0;
  while (tree.feature[node] !== -1) {
    node = data[offset + tree.feature[node]!]! <= tree.threshold[node]! ? tree.left[node]! : tree.right[node]!;
  }
  return tree.value[node]!;
}

export function predictBoosted(model: BoostedTrees, row: ArrayLike<number>): number {
  let sum = model.base;
  for (const tree of model.trees) sum += predictTree(tree, row, 0);
  return sum;
}

/**
 * Fits gradient-boosted regression trees to `y` by least squares: histogram split finding on
 * quantile bins, depth-wise growth, row subsampling drawn from `random`.
 */
export function fitBoostedTrees(x: FeatureMatrix, y: ArrayLike<number>, o: BoostingOptions, random: RulRandom): BoostedTrees {
  const n = x.rows;
  const nf = x.columns;
  if (n === 0) throw new Error('cannot fit boosted trees on zero rows');
  const bins = Math.max(2, Math.min(255, Math.floor(o.bins)));
  const edges = splitEdges(x, bins);
  const codes = new Uint8Array(n * nf); // feature-major
  for (let f = 0; f < nf; f++) {
    const e = edges[f]!;
    for (let i = 0; i < n; i++) codes[f * n + i] = binOf(e, x.data[i * nf + f]!);
  }
  let base = 0;
  for (let i = 0; i < n; i++) base += y[i]!;
  base /= n;
  const prediction = new Float64Array(n).fill(base);
  const residual = new Float64Array(n);
  const all = new Uint32Array(n);
  for (let i = 0; i < n; i++) all[i] = i;
  const sampleSize = Math.max(1, Math.min(n, Math.round(o.subsample * n)));
  const gradSum = new Float64Array(256);
  const count = new Float64Array(256);
  const trees: RegressionTree[] = [];

  for (let t = 0; t < o.trees; t++) {
    for (let i = 0; i < n; i++) residual[i] = y[i]! - prediction[i]!;
    // Partial Fisher–Yates: the first sampleSize entries are a uniform subsample.
    const idx = all.slice();
    if (sampleSize < n) {
      for (let i = 0; i < sampleSize; i++) {
        const j = i + random.below(n - i);
        const tmp = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = tmp;
      }
    }
    const feature: number[] = [];
    const threshold: number[] = [];
    const splitBin: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const newNode = () => {
      feature.push(-1);
      threshold.push(0);
      splitBin.push(0);
      left.push(-1);
      right.push(-1);
      value.push(0);
      return feature.length - 1;
    };
    const stack: Array<{ node: number; start: number; end: number; depth: number }> = [{ node: newNode(), start: 0, end: sampleSize, depth: 0 }];
    while (stack.length > 0) {
      const { node, start, end, depth } = stack.pop()!;
      const size = end - start;
      let g = 0;
      for (let i = start; i < end; i++) g += residual[idx[i]!]!;
      value[node] = (o.learningRate * g) / (size + o.lambda);
      if (depth >= o.depth || size < 2 * o.minLeaf) continue;
      const parentScore = (g * g) / (size + o.lambda);
      let bestGain = 1e-12;
      let bestF = -1;
      let bestK = -1;
      for (let f = 0; f < nf; f++) {
        const nb = edges[f]!.length;
        if (nb === 0) continue;
        gradSum.fill(0, 0, nb + 1);
        count.fill(0, 0, nb + 1);
        const off = f * n;
        for (let i = start; i < end; i++) {
          const r = idx[i]!;
          const b = codes[off + r]!;
          gradSum[b] = gradSum[b]! + residual[r]!;
          count[b] = count[b]! + 1;
        }
        let gl = 0;
        let cl = 0;
        for (let k = 0; k < nb; k++) {
          gl += gradSum[k]!;
          cl += count[k]!;
          if (cl < o.minLeaf) continue;
          const cr = size - cl;
          if (cr < o.minLeaf) break;
          const gr = g - gl;
          const gain = (gl * gl) / (cl + o.lambda) + (gr * gr) / (cr + o.lambda) - parentScore;
          if (gain > bestGain) {
            bestGain = gain;
            bestF = f;
            bestK = k;
          }
        }
      }
      if (bestF < 0) continue;
      // Partition idx[start, end) so that rows going left come first.
      const off = bestF * n;
      let mid = start;
      for (let i = start; i < end; i++) {
        const r = idx[i]!;
        if (codes[off + r]! <= bestK) {
          idx[i] = idx[mid]!;
          idx[mid] = r;
          mid++;
        }
      }
      feature[node] = bestF;
      threshold[node] = edges[bestF]![bestK]!;
      splitBin[node] = bestK;
      const l = newNode();
      const rgt = newNode();
      left[node] = l;
      right[node] = rgt;
      stack.push({ node: l, start, end: mid, depth: depth + 1 }, { node: rgt, start: mid, end, depth: depth + 1 });
    }
    for (let i = 0; i < n; i++) {
      let node = 0;
      while (feature[node] !== -1) node = codes[feature[node]! * n + i]! <= splitBin[node]! ? left[node]! : right[node]!;
      prediction[i] = prediction[i]! + value[node]!;
    }
    trees.push({ feature, threshold, left, right, value });
  }
  return { base, trees };
}
