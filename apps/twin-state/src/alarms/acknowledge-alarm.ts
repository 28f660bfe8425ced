import type { AlarmAcknowledgedData } from '@twinline/contracts';
import type { AcknowledgeAlarm } from '@twinline/domain-twin';
import { countAcknowledged } from '../apply-readings/alarms.metrics';
import type { AlarmView } from '../twin-view/twin-view';
import { alarmById, alarmCommandEventId } from './alarm-commands';
import { runTwinCommand, type TwinCommandDeps } from './twin-command';

export type AcknowledgeAlarmDeps = TwinCommandDeps;

export interface Acknowledged {
  readonly acknowledged: AlarmAcknowledgedData;
  /**
   * The alarm as the twin shows it now: ACTIVE_ACKED (still active, acknowledged), or null when it
   * had returned to normal (RETURNED_UNACKED): acknowledged, it is NORMAL and leaves the twin.
   */
  readonly alarm: AlarmView | null;
  /** The twin's stream version after the acknowledgement. */
  readonly version: number;
}

/**
 * Acknowledges an alarm of a twin (ISA-18.2: ACTIVE_UNACKED → ACTIVE_ACKED, RETURNED_UNACKED →
 * NORMAL): the pure twin decides (an alarm that needs acknowledging, once), the event is appended
 * with the twin's expected version, and the outbox publishes it as twin.<assetId>.AlarmAcknowledged.
 * Other writers append to the same stream: on a conflict the twin is folded again and the command
 * decided again, so an alarm gone meanwhile is refused, never acknowledged after the fact. A broken
 * rule is a DomainError with the twin's code and status (404 not an alarm of the asset, 409
 * acknowledged already, 400 input).
 */
export async function acknowledgeAlarm(command: AcknowledgeAlarm['data'], deps: AcknowledgeAlarmDeps, meta: { correlationId: string; traceparent?: string }): Promise<Acknowledged> {
  const result = await runTwinCommand({ type: 'AcknowledgeAlarm', data: command }, deps, { ...meta, actor: command.by }, alarmCommandEventId(command.assetId, command.alarmId, command.at));
  const event = result.events.find((e) => e.type === 'AlarmAcknowledged');
  if (event?.type !== 'AlarmAcknowledged') throw new Error(`acknowledging ${command.alarmId} decided ${result.events.map((e) => e.type).join(', ') || 'nothing'}`);
  countAcknowledged();
  return { acknowledged: event.data, alarm: alarmById(result.state, command.alarmId), version: result.version };
}
