import type { AlarmAcknowledgedData } from '@twinline/contracts';
import { decide, evolve, TwinError, twinErrorStatus, type AcknowledgeAlarm, type ActiveAlarm } from '@twinline/domain-twin';
import { DuplicateEventError, WrongExpectedVersionError, type EventStore } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { countAcknowledged } from '../apply-readings/alarms.metrics';
import { commandEventId, storedForm } from '../apply-readings/twin-append';
import type { TwinRepository } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';

export interface AcknowledgeAlarmDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  /** Appends tried before giving up while other writers keep moving the twin on (default 5). */
  readonly attempts?: number;
}

export interface Acknowledged {
  readonly acknowledged: AlarmAcknowledgedData;
  /** The alarm as the twin shows it now: still active, acknowledged. */
  readonly alarm: ActiveAlarm;
  /** The twin's stream version after the acknowledgement. */
  readonly version: number;
}

/**
 * Acknowledges the active alarm of a twin: the pure twin decides (only the active alarm, once), the
 * event is appended with the twin's expected version, and the outbox publishes it as
 * twin.<assetId>.AlarmAcknowledged. Other writers (the telemetry and maintenance consumers) append to
 * the same stream: on a conflict the twin is folded again and the command decided again, so an alarm
 * cleared meanwhile is refused, never acknowledged after the fact. A broken rule is a DomainError
 * with the twin's code and status (404 not the active alarm, 409 acknowledged already, 400 input).
 */
export async function acknowledgeAlarm(command: AcknowledgeAlarm['data'], deps: AcknowledgeAlarmDeps, meta: { correlationId: string; traceparent?: string }): Promise<Acknowledged> {
  const streamId = twinStreamId(command.assetId);
  const attempts = deps.attempts ?? 5;
  // No twin: refused before loading, so unknown asset ids are not cached as empty twins.
  if ((await deps.store.streamVersion(streamId)) === 0) throw new DomainError('TWIN.NOT_FOUND', `no twin for asset ${command.assetId}: it has not reported any reading`, 404);
  for (let attempt = 1; ; attempt++) {
    const twin = await deps.twins.load(streamId);
    let events;
    try {
      events = decide({ type: 'AcknowledgeAlarm', data: command }, twin.state);
    } catch (error) {
      if (error instanceof TwinError) throw new DomainError(error.code, error.message, twinErrorStatus(error.code), error.errors.length ? { errors: error.errors } : {});
      throw error;
    }
    const [event] = events;
    if (event?.type !== 'AlarmAcknowledged') throw new Error(`acknowledging ${command.alarmId} decided ${events.map((e) => e.type).join(', ') || 'nothing'}`);
    const metadata = { correlationId: meta.correlationId, causationId: null, actor: command.by, ...(meta.traceparent ? { traceparent: meta.traceparent } : {}) };
    try {
      await deps.store.append(streamId, [storedForm(event, commandEventId(event), metadata)], twin.version);
    } catch (error) {
      deps.twins.forget(streamId);
      // Another writer moved the twin on (or acknowledged this alarm first): decide again on the fresh twin.
      const conflict = error instanceof WrongExpectedVersionError || error instanceof DuplicateEventError;
      if (!conflict) throw error;
      if (attempt >= attempts) throw new DomainError('TWIN.CONCURRENT_CHANGE', `the twin of asset ${command.assetId} kept changing while alarm ${command.alarmId} was acknowledged (${attempts} attempts): retry`, 409);
      continue;
    }
    const state = evolve(twin.state, event);
    deps.twins.remember(streamId, { state, version: twin.version + 1 });
    countAcknowledged();
    return { acknowledged: event.data, alarm: state.activeAlarm!, version: twin.version + 1 };
  }
}
