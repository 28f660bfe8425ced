import type { MaintenanceError } from './maintenance.errors';
import { reliabilityOf, type ReliabilityRecord } from './maintenance.reliability';

/** Hours after the window start, 2024-01-01T00:00Z. */
const h = (hours: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + hours * 3_600_000).toISOString();
const WINDOW = { from: h(0), to: h(240) }; // 10 days

let n = 0;
function record(assetId: string, assetClass: string, failedAt: number | null, completedAt: number, over: Partial<ReliabilityRecord> = {}): ReliabilityRecord {
  n += 1;
  return {
    assetId,
    assetClass,
    workOrderId: `WO-${assetId}-${String(n).padStart(4, '0')}`,
    type: 'corrective',
    openedAt: h((failedAt ?? completedAt) - 1),
    startedAt: null,
    completedAt: h(completedAt),
    failure: failedAt === null ? null : { mode: 'bearing wear', failedAt: h(failedAt) },
    firstWarningAt: null,
    predictedFailureAt: null,
    ...over,
  };
}

// P-101 (pump): fails at 48 h (warned at 24 h, predicted for 54 h), repaired by 60 h; fails at 144 h
// (the alarm came 2 h after it), repaired by 150 h; one preventive order without a failure.
const p101 = [
  record('P-101', 'pump', 48, 60, { firstWarningAt: h(24), predictedFailureAt: h(54) }),
  record('P-101', 'pump', 144, 150, { firstWarningAt: h(146) }),
  record('P-101', 'pump', null, 100, { type: 'preventive' }),
];
// P-102 (pump), in service since 24 h: fails at 236 h (warned at 216 h, predicted for 232 h), repaired at 244 h (after the window).
const p102 = [record('P-102', 'pump', 236, 244, { type: 'predictive', firstWarningAt: h(216), predictedFailureAt: h(232) })];
// C-201 (compressor): a failure before the window repaired at 2 h; fails at 122 h (no warning), repaired by
// 125 h, and a second failure inside that outage (123 h → 124 h).
const c201 = [record('C-201', 'compressor', -4, 2), record('C-201', 'compressor', 122, 125), record('C-201', 'compressor', 123, 124)];

describe('reliabilityOf', () => {
  const report = reliabilityOf([...p101, ...p102, ...c201], WINDOW, { 'P-102': h(24) }, [{ assetId: 'C-202', assetClass: 'compressor' }]);

  it('given two failures of a pump, one warned before and one only after, then its MTBF, MTTR, MTTF, availability and warning figures', () => {
    expect(report.assets.find((a) => a.assetId === 'P-101')).toEqual({
      assetId: 'P-101',
      assetClass: 'pump',
      failures: 2,
      observedHours: 240,
      downtimeHours: 18, // 48→60 and 144→150
      operatingHours: 222,
      mtbfHours: 111, // 222 / 2
      mttrHours: 9, // (12 + 6) / 2
      mttfHours: 66, // (48 − 0 [window start] + 144 − 60 [restored]) / 2
      availability: 0.925, // 222 / 240
      predictedFailures: 1,
      unpredictedFailures: 1, // warned at 146 h, after failing at 144 h
      meanWarningHours: 24, // 48 − 24
      mttfEstimate: { count: 1, meanAbsoluteErrorHours: 6, meanErrorHours: 6 }, // predicted 54 h, failed 48 h
    });
  });

  it('given a pump in service since 24 h whose repair ends after the window, then the window starts at its service and the outage is clipped', () => {
    expect(report.assets.find((a) => a.assetId === 'P-102')).toEqual({
      assetId: 'P-102',
      assetClass: 'pump',
      failures: 1,
      observedHours: 216, // 240 − 24
      downtimeHours: 4, // 236 → 240 (the window end)
      operatingHours: 212,
      mtbfHours: 212,
      mttrHours: 8, // 236 → 244
      mttfHours: 212, // 236 − 24 (in service)
      availability: 0.981481, // 212 / 216
      predictedFailures: 1,
      unpredictedFailures: 0,
      meanWarningHours: 20, // 236 − 216
      mttfEstimate: { count: 1, meanAbsoluteErrorHours: 4, meanErrorHours: -4 }, // predicted 4 h early
    });
  });

  it('given a failure before the window and two overlapping failures, then the earlier outage counts as downtime only and the overlap once', () => {
    expect(report.assets.find((a) => a.assetId === 'C-201')).toEqual({
      assetId: 'C-201',
      assetClass: 'compressor',
      failures: 2,
      observedHours: 240,
      downtimeHours: 5, // 0 → 2 and 122 → 125 (123 → 124 inside it)
      operatingHours: 235,
      mtbfHours: 117.5,
      mttrHours: 2, // (3 + 1) / 2
      mttfHours: 60, // (122 − 2 [restored before the window] + 0 [failed during the outage]) / 2
      availability: 0.979167, // 235 / 240
      predictedFailures: 0,
      unpredictedFailures: 2,
      meanWarningHours: null,
      mttfEstimate: { count: 0, meanAbsoluteErrorHours: null, meanErrorHours: null },
    });
  });

  it('given an asset without any completed order, then it counts a whole window of operation and no failure', () => {
    expect(report.assets.find((a) => a.assetId === 'C-202')).toMatchObject({ failures: 0, observedHours: 240, operatingHours: 240, availability: 1, mtbfHours: null, mttrHours: null, mttfHours: null, meanWarningHours: null });
    expect(report.assets.map((a) => a.assetId)).toEqual(['C-201', 'C-202', 'P-101', 'P-102']);
  });

  it('pools a class: summed times and failures, means over all its failures', () => {
    expect(report.classes).toEqual([
      {
        assetClass: 'compressor',
        assets: 2,
        failures: 2,
        observedHours: 480,
        downtimeHours: 5,
        operatingHours: 475,
        mtbfHours: 237.5,
        mttrHours: 2,
        mttfHours: 60,
        availability: 0.989583, // 475 / 480
        predictedFailures: 0,
        unpredictedFailures: 2,
        meanWarningHours: null,
        mttfEstimate: { count: 0, meanAbsoluteErrorHours: null, meanErrorHours: null },
      },
      {
        assetClass: 'pump',
        assets: 2,
        failures: 3,
        observedHours: 456,
        downtimeHours: 22,
        operatingHours: 434,
        mtbfHours: 144.667, // 434 / 3
        mttrHours: 8.667, // (12 + 6 + 8) / 3
        mttfHours: 114.667, // (48 + 84 + 212) / 3
        availability: 0.951754, // 434 / 456
        predictedFailures: 2,
        unpredictedFailures: 1,
        meanWarningHours: 22, // (24 + 20) / 2
        mttfEstimate: { count: 2, meanAbsoluteErrorHours: 5, meanErrorHours: 1 }, // (6, −4)
      },
    ]);
  });

  it('pools the whole fleet the same way', () => {
    expect(report.overall).toEqual({
      assets: 4,
      failures: 5,
      observedHours: 936,
      downtimeHours: 27,
      operatingHours: 909,
      mtbfHours: 181.8, // 909 / 5
      mttrHours: 6, // (12 + 6 + 8 + 3 + 1) / 5
      mttfHours: 92.8, // (48 + 84 + 212 + 120 + 0) / 5
      availability: 0.971154, // 909 / 936
      predictedFailures: 2,
      unpredictedFailures: 3,
      meanWarningHours: 22,
      mttfEstimate: { count: 2, meanAbsoluteErrorHours: 5, meanErrorHours: 1 },
    });
    expect(report.window).toEqual(WINDOW);
  });

  it('counts a failure at the window start, not one at its end (from ≤ failedAt < to)', () => {
    const r = reliabilityOf([record('P-9', 'pump', 0, 1), record('P-9', 'pump', 240, 241)], WINDOW);
    expect(r.overall).toMatchObject({ failures: 1, downtimeHours: 1, mttfHours: 0 });
  });

  it('given no records, then empty assets and classes and an overall of nothing observed', () => {
    expect(reliabilityOf([], WINDOW)).toEqual({
      window: WINDOW,
      assets: [],
      classes: [],
      overall: { assets: 0, failures: 0, observedHours: 0, downtimeHours: 0, operatingHours: 0, mtbfHours: null, mttrHours: null, mttfHours: null, availability: null, predictedFailures: 0, unpredictedFailures: 0, meanWarningHours: null, mttfEstimate: { count: 0, meanAbsoluteErrorHours: null, meanErrorHours: null } },
    });
  });

  it('rejects a window it cannot read or that does not end after it starts, naming the field', () => {
    const errorOf = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as MaintenanceError;
      }
      throw new Error('expected an error');
    };
    expect(errorOf(() => reliabilityOf([], { from: 'last week', to: h(1) }))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: expect.stringMatching(/^window\.from: /) });
    expect(errorOf(() => reliabilityOf([], { from: h(1), to: h(1) }))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: expect.stringMatching(/^window\.to: /) });
  });
});
