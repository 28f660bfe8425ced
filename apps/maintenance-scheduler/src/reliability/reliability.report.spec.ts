import { ContractViolation } from '@twinline/contracts';
import { StaticAssetDirectory } from '@twinline/service-kit';
import type { CompletedWorkOrder, ReliabilityRows } from './reliability.projection';
import { predictionBefore } from './reliability.projection';
import { reliabilityReport, UNKNOWN_ASSET_CLASS } from './reliability.report';

const at = (h: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + h * 3_600_000).toISOString();
const record = (assetId: string, failedAt: number, completedAt: number): CompletedWorkOrder => ({
  assetId,
  workOrderId: `WO-${assetId}-${failedAt}`,
  type: 'corrective',
  openedAt: at(failedAt),
  startedAt: at(failedAt),
  completedAt: at(completedAt),
  failure: { mode: 'wear', failedAt: at(failedAt) },
  firstWarningAt: null,
  predictedFailureAt: null,
});

/** A read model holding `records`, each asset in service since `since`. */
function view(records: CompletedWorkOrder[], since: Record<string, string>) {
  return {
    read: async (assetIds?: readonly string[]): Promise<ReliabilityRows> => ({
      records: records.filter((r) => !assetIds || assetIds.includes(r.assetId)),
      inServiceSince: new Map(Object.entries(since).filter(([id]) => !assetIds || assetIds.includes(id))),
    }),
    assetIds: async () => Object.keys(since).sort(),
  };
}

describe('reliabilityReport', () => {
  const history = view([record('P-1', 10, 12), record('C-1', 50, 60)], { 'P-1': at(0), 'C-1': at(0) });

  it('given no asset directory, then every asset is of class unknown', async () => {
    const report = await reliabilityReport(history, null, { to: at(100) });
    expect(report.window).toEqual({ from: at(0), to: at(100) });
    expect(report.assets.map((a) => [a.assetId, a.assetClass])).toEqual([
      ['C-1', UNKNOWN_ASSET_CLASS],
      ['P-1', UNKNOWN_ASSET_CLASS],
    ]);
    expect(report.classes).toEqual([expect.objectContaining({ assetClass: UNKNOWN_ASSET_CLASS, assets: 2, failures: 2 })]);
  });

  it('given a directory, then the classes are its classes and assetClass scopes the report', async () => {
    const directory = new StaticAssetDirectory([
      { assetId: 'P-1', assetClass: 'pump', site: null },
      { assetId: 'C-1', assetClass: 'compressor', site: null },
    ]);
    const report = await reliabilityReport(history, directory, { assetClass: 'compressor', to: at(100) });
    expect(report.assets).toEqual([expect.objectContaining({ assetId: 'C-1', assetClass: 'compressor', failures: 1, mttrHours: 10 })]);
  });

  it('given from after the default to (now), then a 400 naming from', async () => {
    await expect(reliabilityReport(history, null, { from: at(100) }, new Date(at(50)))).rejects.toMatchObject({ status: 400, details: { errors: [{ field: 'from' }] } });
    await expect(reliabilityReport(history, null, { to: 'soon' })).rejects.toBeInstanceOf(ContractViolation);
  });
});

describe('predictionBefore', () => {
  const predictions = [
    { predictionId: 'a', at: at(1), predictedFailureAt: at(30) },
    { predictionId: 'b', at: at(5), predictedFailureAt: at(20) },
    { predictionId: 'c', at: at(12), predictedFailureAt: at(40) },
  ];
  it('given a failure, then the latest prediction made at or before it counts', () => {
    expect(predictionBefore(predictions, { mode: 'wear', failedAt: at(10) })).toBe(at(20));
    expect(predictionBefore(predictions, { mode: 'wear', failedAt: at(0) })).toBeNull();
  });
  it('given no failure, then the latest prediction counts', () => {
    expect(predictionBefore(predictions, null)).toBe(at(40));
  });
});
