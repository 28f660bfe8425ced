import { binaryScores, changepointsFromOutliers, nabCounts, nabScale, nabScores, NAB_PROFILES, type NabFile } from './skab.metrics';

describe('SKAB metrics', () => {
  describe('binary (pooled F1 / FAR / MAR)', () => {
    it('given one TP, FN, FP and TN, then F1 = 1 / (1 + (1 + 1) / 2) = 0.5, FAR = MAR = 50 %', () => {
      expect(binaryScores([{ truth: [1, 1, 0, 0], predicted: [1, 0, 1, 0] }])).toEqual({ tp: 1, fn: 1, fp: 1, tn: 1, f1: 0.5, far: 50, mar: 50 });
    });

    it('pools rows over files before the ratios: TP 3, FN 1, FP 1, TN 5 → F1 3/4, FAR 1/6, MAR 1/4', () => {
      const s = binaryScores([
        { truth: [1, 1, 0, 0, 0], predicted: [1, 1, 1, 0, 0] },
        { truth: [1, 1, 0, 0, 0], predicted: [1, 0, 0, 0, 0] },
      ]);
      expect(s).toMatchObject({ tp: 3, fn: 1, fp: 1, tn: 5 });
      expect(s.f1).toBeCloseTo(0.75, 12);
      expect(s.far).toBeCloseTo(100 / 6, 12);
      expect(s.mar).toBeCloseTo(25, 12);
    });

    it('refuses predictions of another length than the labels', () => {
      expect(() => binaryScores([{ truth: [1, 0], predicted: [1] }])).toThrow('differ in length');
    });
  });

  describe('changepoints from outliers', () => {
    it('marks every rising and falling edge, and the first row when it is predicted anomalous', () => {
      expect(changepointsFromOutliers([0, 0, 1, 1, 0, 1])).toEqual([0, 0, 1, 0, 1, 1]);
      expect(changepointsFromOutliers([1, 1, 0])).toEqual([1, 0, 1]);
      expect(changepointsFromOutliers([])).toEqual([]);
    });
  });

  describe('NAB', () => {
    // 300 rows one second apart; one true changepoint at t = 100 s → window [100 s, 160 s].
    const times = Array.from({ length: 300 }, (_, i) => i * 1000);
    const file = (cps: number[], detections: number[]): NabFile => ({
      times,
      trueChangepoints: times.map((_, i) => (cps.includes(i) ? 1 : 0)),
      predictedChangepoints: times.map((_, i) => (detections.includes(i) ? 1 : 0)),
    });

    it('scales a detection from A_tp at the window start to A_fp at its end (tanh), 0.444 in the middle', () => {
      expect(nabScale(0, NAB_PROFILES.standard)).toBeCloseTo(1, 12);
      expect(nabScale(1, NAB_PROFILES.standard)).toBeCloseTo(-0.11, 12);
      // x = −π/2 + 500·π/999 = π/1998; y = 0.555 · (−tanh(x) / tanh(π/2)) + 0.555 − 0.11
      expect(nabScale(0.5, NAB_PROFILES.standard)).toBeCloseTo(0.555 * (-Math.tanh(Math.PI / 1998) / Math.tanh(Math.PI / 2)) + 0.445, 12);
      expect(nabScale(0.5, NAB_PROFILES.standard)).toBeCloseTo(0.444049, 6);
    });

    it('given one detection at the start of the only window, then every profile scores 100', () => {
      expect(nabScores([file([100], [100])])).toMatchObject({ standard: 100, lowFp: 100, lowFn: 100, windows: 1, detected: 1, falsePositives: 0 });
    });

    it('given one detection 30 s late in a 60 s window, then standard = 100 · (0.44405 + 1) / 2 = 72.20', () => {
      expect(nabScores([file([100], [130])]).standard).toBeCloseTo(72.2024, 3);
    });

    it('given one detection at the last second of the window, then it scores A_fp: standard 100 · (−0.11 + 1) / 2 = 44.5', () => {
      expect(nabScores([file([100], [160])]).standard).toBeCloseTo(44.5, 10);
    });

    it('counts only the first detection in a window; a detection before or after the window is a false positive', () => {
      const s = nabScores([file([100], [50, 100, 110, 161])]);
      expect(s).toMatchObject({ detected: 1, falsePositives: 2 });
      // standard: S = 1 − 2 · 0.11 = 0.78 → 100 · (0.78 + 1) / 2 = 89; LowFP: 1 − 0.44 → 78; LowFN: (0.78 + 2) / 3 → 92.67
      expect(s.standard).toBeCloseTo(89, 10);
      expect(s.lowFp).toBeCloseTo(78, 10);
      expect(s.lowFn).toBeCloseTo(92.6667, 3);
    });

    it('given a missed window and one false positive, then standard −5.5, LowFP −11, LowFN −3.67', () => {
      const s = nabScores([file([100], [20])]);
      expect(s).toMatchObject({ detected: 0, falsePositives: 1 });
      expect(s.standard).toBeCloseTo(-5.5, 10);
      expect(s.lowFp).toBeCloseTo(-11, 10);
      expect(s.lowFn).toBeCloseTo((100 * (-2.11 + 2)) / 3, 10);
    });

    it('given no detection at all, then the score is the null detector: 0', () => {
      expect(nabScores([file([100], [])]).standard).toBeCloseTo(0, 12);
    });

    it('cuts overlapping windows SKAB\'s way: the next window starts where the previous one ends', () => {
      // changepoints at 100 s and 130 s: windows [100, 160] and [160, 190]; a detection at 165 s is
      // 5/30 into the second window and the first window is missed.
      const c = nabCounts(file([100, 130], [165]), 60_000);
      expect(c).toMatchObject({ windows: 2, detected: 1, falsePositives: 0 });
      expect(c.positions[0]).toBeCloseTo(5 / 30, 12);
      const s = nabScores([file([100, 130], [165])]);
      // S = nabScale(1/6) − 1; null −2, perfect 2 → 100 · (S + 2) / 4
      expect(s.standard).toBeCloseTo((100 * (nabScale(5 / 30, NAB_PROFILES.standard) - 1 + 2)) / 4, 10);
    });

    it('given a file without changepoints, then all its detections are false positives', () => {
      expect(nabCounts(file([], [10, 20]), 60_000)).toEqual({ windows: 0, detected: 0, falsePositives: 2, positions: [] });
    });

    it('sums scores over files before the ratio', () => {
      // file 1: perfect (S = 1); file 2: missed (S = −1) → S = 0, null −2, perfect 2 → 50
      expect(nabScores([file([100], [100]), file([100], [])]).standard).toBeCloseTo(50, 12);
    });
  });
});
