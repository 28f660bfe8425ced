/** The twin events that stop (or lift a stop of) an alarm's escalations. */
export const ALARM_STOP_EVENT_TYPES = ['AlarmAcknowledged', 'AlarmCleared', 'AlarmShelved', 'AlarmUnshelved', 'AlarmRemovedFromService'] as const;
export type AlarmStopEventType = (typeof ALARM_STOP_EVENT_TYPES)[number];

/** The event as it arrives (type, asset, id and its data). */
export interface AlarmStopEvent {
  type: string;
  assetId: string;
  eventId: string;
  data: Readonly<Record<string, unknown>>;
}

/**
 * `stop`: the alarm's escalations stop. A liftable stop (a shelve) ends with its lift; any other
 * (acknowledged, cleared, out of service) is for good and replaces a liftable one.
 * `lift`: the shelve ended; escalations it stopped resume.
 */
export type AlarmStopOrLift =
  | { kind: 'stop'; assetId: string; alarmId: string; eventId: string; reason: string; liftable: boolean }
  | { kind: 'lift'; assetId: string; alarmId: string; eventId: string };

const byOf = (data: Readonly<Record<string, unknown>>) => (typeof data['by'] === 'string' ? data['by'] : 'someone');

/** What an event does to its alarm's escalations, or null for an event that does nothing to them. */
export function alarmStopOf(event: AlarmStopEvent): AlarmStopOrLift | null {
  const alarmId = event.data['alarmId'];
  if (typeof alarmId !== 'string' || alarmId === '') return null;
  const stop = (reason: string, liftable: boolean): AlarmStopOrLift => ({ kind: 'stop', assetId: event.assetId, alarmId, eventId: event.eventId, reason, liftable });
  switch (event.type) {
    case 'AlarmAcknowledged':
      return stop(`acknowledged by ${byOf(event.data)}`, false);
    case 'AlarmCleared':
      return stop('cleared', false);
    case 'AlarmRemovedFromService': {
      const reason = event.data['reason'];
      return stop(`out of service by ${byOf(event.data)}: ${typeof reason === 'string' ? reason : 'no reason given'}`, false);
    }
    // A shelved alarm is hidden from the operators on purpose (ISA-18.2): escalating it would defeat that, until the shelve ends.
    case 'AlarmShelved':
      return stop(`shelved by ${byOf(event.data)}`, true);
    case 'AlarmUnshelved':
      return { kind: 'lift', assetId: event.assetId, alarmId, eventId: event.eventId };
    default:
      return null;
  }
}
