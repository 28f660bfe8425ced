import { metrics } from '@twinline/observability';

const raised = metrics.counter('twinline_alarms_raised_total', 'AlarmRaised events appended to the twins.');
const cleared = metrics.counter('twinline_alarms_cleared_total', 'AlarmCleared events appended to the twins.');
const acknowledged = metrics.counter('twinline_alarms_acknowledged_total', 'AlarmAcknowledged events appended to the twins (operators acknowledging active alarms).');
const lifecycle = metrics.counter('twinline_alarm_lifecycle_events_total', 'ISA-18.2 alarm lifecycle events appended to the twins, by type (shelved, unshelved, re-announced, out of / back in service, severity changed).', ['type']);
const LIFECYCLE_TYPES = ['AlarmShelved', 'AlarmUnshelved', 'AlarmReannounced', 'AlarmRemovedFromService', 'AlarmReturnedToService', 'AlarmSeverityChanged'] as const;
for (const type of LIFECYCLE_TYPES) lifecycle.inc({ type }, 0);
raised.inc(0);
cleared.inc(0);
acknowledged.inc(0);

/** Counts the alarm events of an append that committed. */
export function countAlarms(requests: ReadonlyArray<{ readonly events: ReadonlyArray<{ readonly type: string }> }>): void {
  for (const { events } of requests)
    for (const { type } of events) {
      if (type === 'AlarmRaised') raised.inc();
      else if (type === 'AlarmCleared') cleared.inc();
      else if ((LIFECYCLE_TYPES as readonly string[]).includes(type)) lifecycle.inc({ type });
    }
}

/** Counts an acknowledgement that committed. */
export function countAcknowledged(): void {
  acknowledged.inc();
}
