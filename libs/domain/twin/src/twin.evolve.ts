import type { AppliedReading, TwinEvent } from '@twinline/contracts';
import { TwinError } from './twin.errors';
import { timeMs, type MetricValue, type TwinState } from './twin.state';

/**
 * Folds one reading into the latest values: a metric takes the reading's value unless the twin
 * already holds a value of a later source time (a late reading of another device does not roll the
 * twin back). Equal times: the later-applied reading wins.
 */
export function mergeReadingMetrics(
  metrics: Readonly<Record<string, MetricValue>>,
  reading: Pick<AppliedReading, 'readingId' | 'ts' | 'metrics'>,
): Readonly<Record<string, MetricValue>> {
  const at = timeMs(reading.ts);
  let next: Record<string, MetricValue> | null = null;
  for (const [metric, value] of Object.entries(reading.metrics)) {
    const known = metrics[metric];
    if (known !== undefined && timeMs(known.ts) > at) continue;
    next ??= { ...metrics };
    next[metric] = { value, ts: reading.ts, readingId: reading.readingId };
  }
  return next ?? metrics;
}

function laterOf(a: string | null, b: string): string {
  return a === null || timeMs(b) > timeMs(a) ? b : a;
}

function applyReadings(state: TwinState, assetId: string, readings: readonly AppliedReading[]): TwinState {
  let metrics = state.metrics;
  const lastSeqByDevice: Record<string, number> = { ...state.lastSeqByDevice };
  let lastReadingTs = state.lastReadingTs;
  for (const reading of readings) {
    metrics = mergeReadingMetrics(metrics, reading);
    const last = lastSeqByDevice[reading.deviceId];
    if (last === undefined || reading.seq > last) lastSeqByDevice[reading.deviceId] = reading.seq;
    lastReadingTs = laterOf(lastReadingTs, reading.ts);
  }
  return { ...state, assetId, metrics, lastSeqByDevice, lastReadingTs, readingsApplied: state.readingsApplied + readings.length };
}

/** Pure: the twin after one event. The same function serves live handling, replay and audit. */
export function evolve(state: TwinState, event: TwinEvent): TwinState {
  switch (event.type) {
    case 'ReadingsApplied':
      return applyReadings(state, event.data.assetId, event.data.readings);
    case 'TwinStatusChanged':
      return { ...state, assetId: event.data.assetId, status: event.data.to, label: event.data.label, profile: event.data.profile };
    case 'AlarmRaised':
      return {
        ...state,
        assetId: event.data.assetId,
        activeAlarm: {
          alarmId: event.data.alarmId,
          cause: event.data.cause,
          severity: event.data.severity,
          raisedAt: event.data.raisedAt,
          conditions: event.data.conditions,
        },
        alarmsRaised: state.alarmsRaised + 1,
      };
    case 'AlarmCleared':
      return { ...state, assetId: event.data.assetId, activeAlarm: state.activeAlarm?.alarmId === event.data.alarmId ? null : state.activeAlarm };
    default: {
      const unknown: never = event;
      throw new TwinError('TWIN.UNKNOWN_EVENT', `unknown twin event type ${JSON.stringify((unknown as { type?: unknown }).type)}: add it to evolve or an upcaster`);
    }
  }
}
