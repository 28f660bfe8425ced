import type { ReliabilityMetrics, ReliabilityReport } from '@twinline/domain-maintenance';
import { metrics } from '@twinline/observability';
import type { AssetDirectory } from '@twinline/service-kit';
import type { ReliabilityProjection } from './reliability.projection';
import { reliabilityReport } from './reliability.report';

/** How long one computed report serves the gauges (they are scraped together). */
const MAX_AGE_MS = 5_000;

/**
 * twinline_reliability_{availability,mtbf_hours,mttr_hours,failures}{asset_class}: the figures of each
 * asset class since the earliest in-service time (GET /v1/reliability without parameters), computed
 * when scraped, at most every 5 s. A figure that is undefined (no failures: no MTBF) is left out.
 * Returns the remover of all four.
 */
export function reliabilityGauges(view: Pick<ReliabilityProjection, 'read' | 'assetIds'>, directory: AssetDirectory | null): () => void {
  let cached: { at: number; report: Promise<ReliabilityReport> } | undefined;
  const report = () => {
    if (!cached || performance.now() - cached.at > MAX_AGE_MS) {
      const entry = { at: performance.now(), report: reliabilityReport(view, directory, {}) };
      entry.report.catch(() => {
        if (cached === entry) cached = undefined;
      });
      cached = entry;
    }
    return cached.report;
  };
  const gauge = (name: string, help: string, pick: (m: ReliabilityMetrics) => number | null) =>
    metrics.sampledGauge({ name, help, labelNames: ['asset_class'] }, async () =>
      (await report()).classes.flatMap((c) => {
        const value = pick(c);
        return value === null ? [] : [{ labels: { asset_class: c.assetClass }, value }];
      }),
    );
  const removers = [
    gauge('twinline_reliability_availability', 'Availability (uptime / observed time) per asset class since the earliest in-service time, from completed work orders.', (m) => m.availability),
    gauge('twinline_reliability_mtbf_hours', 'Mean time between failures (operating hours / failures) per asset class since the earliest in-service time.', (m) => m.mtbfHours),
    gauge('twinline_reliability_mttr_hours', 'Mean time to repair (failure to completion of its order) per asset class since the earliest in-service time.', (m) => m.mttrHours),
    gauge('twinline_reliability_failures', 'Failures found by completed work orders per asset class since the earliest in-service time.', (m) => m.failures),
  ];
  return () => removers.forEach((remove) => remove());
}
