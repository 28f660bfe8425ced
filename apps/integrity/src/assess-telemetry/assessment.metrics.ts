import type { QuarantinedItem } from '@twinline/contracts';
import { metrics } from '@twinline/observability';

const accepted = metrics.counter('twinline_readings_accepted_total', 'Readings that passed every integrity rule (published to telemetry.validated).');
const quarantined = metrics.counter('twinline_readings_quarantined_total', 'Quarantined readings by rule: one increment per distinct rule a reading broke, so a reading that broke two rules counts under both.', ['rule']);
accepted.inc(0);

/** Counts a committed assessment: accepted readings, and each quarantined reading once per distinct rule it broke. */
export function countAssessment(acceptedReadings: number, items: readonly QuarantinedItem[]): void {
  accepted.inc(acceptedReadings);
  for (const item of items) for (const rule of new Set(item.reasons.map((r) => r.rule))) quarantined.inc({ rule });
}
