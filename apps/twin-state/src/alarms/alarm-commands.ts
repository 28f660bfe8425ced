import type { TwinEvent } from '@twinline/contracts';
import { alarmsOf, type ShelveAlarm, type TwinState } from '@twinline/domain-twin';
import { commandEventId } from '../apply-readings/twin-append';
import { alarmViewOf, type AlarmView } from '../twin-view/twin-view';
import { countAlarms } from '../apply-readings/alarms.metrics';
import { runTwinCommand, type TwinCommandDeps, type TwinCommandMeta, type TwinCommandResult } from './twin-command';

/**
 * Ids of the events an alarm command decides: `<alarmId>:AlarmAcknowledged` for an acknowledgement
 * (an alarm is acknowledged once), else `<assetId>:<alarm id or cause>:<type>:<at>:<n>` — a command
 * time and its place among the events decided together, unique per twin.
 */
export function alarmCommandEventId(assetId: string, key: string, at: string) {
  return (event: TwinEvent, index: number): string =>
    event.type === 'AlarmAcknowledged' ? commandEventId(event) : `${assetId}:${key}:${event.type}:${at}:${index}`;
}

/** The alarm record with id `alarmId` in a twin, as the API shows it, or null when it is NORMAL. */
export function alarmById(state: TwinState, alarmId: string): AlarmView | null {
  const alarm = alarmsOf(state).find((a) => a.alarmId === alarmId);
  return alarm ? alarmViewOf(state, alarm) : null;
}

function counted(result: TwinCommandResult): TwinCommandResult {
  countAlarms([{ events: result.events }]);
  return result;
}

/** What a shelve needs: the domain command's data (its profile bounds the shelve by maxShelveSeconds). */
export type ShelveInput = ShelveAlarm['data'];

/** ShelveAlarm (ISA-18.2 shelving, at most the profile's maxShelveSeconds): the cause of `alarmId` stays quiet until `until`. */
export async function shelveAlarm(input: ShelveInput, deps: TwinCommandDeps, meta: TwinCommandMeta): Promise<TwinCommandResult> {
  return counted(await runTwinCommand({ type: 'ShelveAlarm', data: input }, deps, meta, alarmCommandEventId(input.assetId, input.alarmId, input.at)));
}

/** UnshelveAlarm: an operator lifts the shelve of the cause of `alarmId` before it expires. */
export async function unshelveAlarm(input: Omit<ShelveInput, 'until' | 'reason' | 'profile'>, deps: TwinCommandDeps, meta: TwinCommandMeta): Promise<TwinCommandResult> {
  return counted(await runTwinCommand({ type: 'UnshelveAlarm', data: input }, deps, meta, alarmCommandEventId(input.assetId, input.alarmId, input.at)));
}

/** RemoveAlarmFromService: no alarm is raised for `cause` until it returns to service. */
export async function removeAlarmFromService(
  input: { assetId: string; cause: string; by: string; at: string; reason: string },
  deps: TwinCommandDeps,
  meta: TwinCommandMeta,
): Promise<TwinCommandResult> {
  return counted(await runTwinCommand({ type: 'RemoveAlarmFromService', data: input }, deps, meta, alarmCommandEventId(input.assetId, input.cause, input.at)));
}

/** ReturnAlarmToService: `cause` alarms again. */
export async function returnAlarmToService(input: { assetId: string; cause: string; by: string; at: string }, deps: TwinCommandDeps, meta: TwinCommandMeta): Promise<TwinCommandResult> {
  return counted(await runTwinCommand({ type: 'ReturnAlarmToService', data: input }, deps, meta, alarmCommandEventId(input.assetId, input.cause, input.at)));
}
