import type { PublishedEvent } from '@twinline/contracts';
import { alarmStopOf, channelsOf, dueEscalation, escalationNotification, nextEscalationAt, type EscalationState, type QuietHours, type Routes, type ThrottlePolicy } from '@twinline/domain-notification';
import type { Delivery } from '@twinline/messaging';
import type { NewDelivery } from '../deliveries/delivery-store';
import { deliveryDecider } from '../record-notification/record-notification.handler';
import type { AlarmLift, AlarmStop, EscalationRow, EscalationStep, EscalationStore } from './escalation-store';

/**
 * AlarmAcknowledged, AlarmCleared and AlarmRemovedFromService stop the alarm's escalations for good;
 * AlarmShelved stops them until its AlarmUnshelved (the pure alarmStopOf decides). A stop is
 * remembered, so one that comes before its alarm's escalation started still stops it; one for an
 * alarm nobody escalates is harmless. Stops and lifts apply in the batch's order; redelivered, they
 * change nothing. Returns how many escalations stopped or resumed.
 */
export async function recordAlarmStops(batch: readonly Delivery<PublishedEvent>[], escalations: Pick<EscalationStore, 'stop' | 'lift'>): Promise<number> {
  let changed = 0;
  let stops: AlarmStop[] = [];
  let lifts: AlarmLift[] = [];
  const flush = async () => {
    if (stops.length) changed += await escalations.stop(stops);
    if (lifts.length) changed += await escalations.lift(lifts);
    stops = [];
    lifts = [];
  };
  for (const d of batch) {
    const s = alarmStopOf(d.data);
    if (!s) continue;
    if (s.kind === 'stop') {
      if (lifts.length) await flush();
      stops.push({ assetId: s.assetId, alarmId: s.alarmId, eventId: s.eventId, reason: s.reason, liftable: s.liftable });
    } else {
      if (stops.length) await flush();
      lifts.push({ assetId: s.assetId, alarmId: s.alarmId, eventId: s.eventId });
    }
  }
  await flush();
  return changed;
}

/**
 * What an escalation has due at `now` (the pure dueEscalation decides): an `alarm.escalated`
 * delivery per recipient and channel of everyone the level tells (recipients since removed from the
 * routes are left out), the level reached and when the next is due.
 */
export function escalationStep(row: EscalationRow, now: number, routes: Routes): EscalationStep {
  const state: EscalationState = { startedAt: Date.parse(row.startedAt), afterMs: row.afterMs, levels: row.levels, level: row.level, stopped: null };
  const due = dueEscalation(state, now);
  if (!due) return { deliveries: [], level: row.level, nextAt: nextEscalationAt(state) };
  const n = escalationNotification({ subject: row.subject, body: row.body }, due, { escalationId: row.escalationId, rule: row.rule, startedAt: state.startedAt });
  const eventId = n.body['eventId'] as string;
  const deliveries: NewDelivery[] = [];
  for (const name of due.notify) {
    const recipient = routes.recipients.find((r) => r.name === name);
    if (!recipient) continue;
    for (const { channel, target } of channelsOf(recipient)) {
      deliveries.push({
        deliveryId: `${eventId}:${name}:${channel}`,
        eventId,
        channel,
        kind: n.kind,
        assetId: row.assetId,
        subject: n.subject,
        body: { ...n.body, recipient: name, rules: [row.rule] },
        target,
        recipient: name,
        status: 'PENDING',
        traceparent: row.traceparent,
      });
    }
  }
  return { deliveries, level: due.level, nextAt: due.nextAt };
}

/** Sends every escalation level due now (rate limit and quiet hours apply as to any delivery). Returns how many deliveries were recorded. */
export async function escalateDue(deps: {
  escalations: Pick<EscalationStore, 'dueIds' | 'escalate'>;
  routes: Routes;
  throttle?: ThrottlePolicy | undefined;
  quietHours?: QuietHours | undefined;
  batch?: number;
}): Promise<number> {
  const decide = deliveryDecider({ throttle: deps.throttle, quietHours: deps.quietHours, routes: deps.routes });
  let recorded = 0;
  for (const id of await deps.escalations.dueIds(deps.batch ?? 50)) {
    recorded += await deps.escalations.escalate(id, (row, now) => escalationStep(row, now, deps.routes), deps.throttle?.windowMs ?? 0, decide);
  }
  return recorded;
}
