import { parseContract, validatedTelemetryV1, type ValidatedTelemetry } from '@twinline/contracts';
import { accumulateRunningHours, type RunningHoursState } from '@twinline/domain-maintenance';
import { messageParser, type Delivery } from '@twinline/messaging';
import type { PreventiveStore } from './preventive.store';

export const parseValidatedTelemetry = messageParser((body) => parseContract(validatedTelemetryV1, body, 'telemetry.validated message') as ValidatedTelemetry);

const earliest = (times: readonly string[]): string | null => times.reduce<string | null>((min, t) => (min === null || Date.parse(t) < Date.parse(min) ? t : min), null);

const NONE: RunningHoursState = { hours: 0, lastTs: null };

/**
 * A consumer's batch of validated telemetry, folded into each asset's running hours by the domain's
 * accumulateRunningHours, in one transaction. Idempotent: the stored state remembers the time of the
 * last reading counted, and a reading at or before it adds nothing, so a redelivered batch adds no hours.
 */
export async function accumulateReadings(batch: readonly Delivery<ValidatedTelemetry>[], store: PreventiveStore): Promise<number> {
  const byAsset = new Map<string, string[]>();
  for (const { data } of batch) {
    const times = byAsset.get(data.assetId) ?? [];
    for (const reading of data.readings) times.push(reading.ts);
    byAsset.set(data.assetId, times);
  }
  return store.accumulate<RunningHoursState>([...byAsset.keys()], (assetId, current) => {
    const times = [...(byAsset.get(assetId) ?? [])].sort((a, b) => Date.parse(a) - Date.parse(b));
    const state = current?.state ?? NONE;
    const next = accumulateRunningHours(state, times);
    if (current && next.hours === state.hours && next.lastTs === state.lastTs) return null;
    return { assetId, runningHours: next.hours, lastReadingAt: next.lastTs, state: next };
  }, (assetId) => earliest(byAsset.get(assetId) ?? []));
}
