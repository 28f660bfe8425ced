import type { TwinEvent } from '@twinline/contracts';
import { TwinError } from './twin.errors';
import { evolve } from './twin.evolve';
import { initialTwinState, timeMs, type TwinState } from './twin.state';

/**
 * The source time a twin event is stored with (`occurredAt`):
 * - `ReadingsApplied`: the latest `ts` among its readings (its last reading's, as readings come in order);
 * - `TwinStatusChanged` and `AlarmCleared`: `at`, `AlarmRaised`: `raisedAt` — all the ts
 *   of the reading that caused them (a change to SENSOR_FAULT: the receipt time, see below);
 * - `ReadingsQuarantined`: the latest `receivedAt` of its readings; `SensorFaultDetected`,
 *   `SensorFaultCleared`, `SecurityViolationDetected`: `at`. A quarantined reading's own ts is not
 *   trusted (it may be the very thing that is wrong), so these happen at receipt time.
 * - `AlarmAcknowledged`: `at` (when the operator acknowledged); `MaintenanceCompleted`:
 *   `completedAt` (when the work ended).
 * - the alarm lifecycle events: `at` (a reading's source time, an operator's time, or the alarm
 *   timer's time for expiry, re-alarm, stale data and off-delays ended without a reading).
 */
export function occurredAtOf(event: TwinEvent): string {
  switch (event.type) {
    case 'ReadingsApplied': {
      const [first, ...rest] = event.data.readings;
      if (first === undefined) throw new TwinError('TWIN.INVALID_TIME', 'a ReadingsApplied event holds at least one reading');
      return rest.reduce((latest, r) => (timeMs(r.ts) >= timeMs(latest) ? r.ts : latest), first.ts);
    }
    case 'TwinStatusChanged':
      return event.data.at;
    case 'AlarmRaised':
      return event.data.raisedAt;
    case 'AlarmCleared':
      return event.data.at;
    case 'ReadingsQuarantined': {
      const [first, ...rest] = event.data.readings;
      if (first === undefined) throw new TwinError('TWIN.INVALID_TIME', 'a ReadingsQuarantined event holds at least one reading');
      return rest.reduce((latest, r) => (timeMs(r.receivedAt) >= timeMs(latest) ? r.receivedAt : latest), first.receivedAt);
    }
    case 'SensorFaultDetected':
    case 'SensorFaultCleared':
    case 'SecurityViolationDetected':
    case 'AlarmAcknowledged':
    case 'AlarmSeverityChanged':
    case 'AlarmConditionChanged':
    case 'AlarmShelved':
    case 'AlarmUnshelved':
    case 'AlarmRemovedFromService':
    case 'AlarmReturnedToService':
    case 'AlarmReannounced':
    case 'FailurePredicted':
    case 'FailurePredictionWithdrawn':
    case 'RulEstimated':
    case 'AnomalyDetected':
    case 'AnomalyCleared':
    case 'PredictionConfigured':
      return event.data.at;
    case 'MaintenanceCompleted':
      return event.data.completedAt;
    default: {
      const unknown: never = event;
      throw new TwinError('TWIN.UNKNOWN_EVENT', `unknown twin event type ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}

/** A stored twin event as the event store returns it. */
export interface TimedTwinEvent {
  readonly type: string;
  readonly data: unknown;
  readonly occurredAt: string;
}

/**
 * The twin as of source time `at` (events in stream order): events with `occurredAt <= at`, and of a
 * `ReadingsApplied` event only the readings with `ts <= at` (a segment may straddle `at`). Times are
 * compared as instants, not as text. An `at` that is not a date-time throws `TWIN.INVALID_TIME`.
 */
export function twinAt(events: readonly TimedTwinEvent[], at: string): TwinState {
  const atMs = timeMs(at);
  if (Number.isNaN(atMs)) throw new TwinError('TWIN.INVALID_TIME', `"${at}" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z`);
  let state = initialTwinState;
  for (const stored of events) {
    const event = { type: stored.type, data: stored.data } as TwinEvent;
    if (event.type === 'ReadingsApplied') {
      const readings = event.data.readings.filter((r) => timeMs(r.ts) <= atMs);
      if (readings.length) state = evolve(state, { type: 'ReadingsApplied', data: { ...event.data, readings } });
    } else if (timeMs(stored.occurredAt) <= atMs) {
      state = evolve(state, event);
    }
  }
  return state;
}
