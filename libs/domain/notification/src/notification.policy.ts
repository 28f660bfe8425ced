/** What a subscriber is told, independent of the channel (webhook, e-mail). */
export type NotificationKind = 'alarm.raised' | 'workorder.opened';

export interface Notification {
  readonly kind: NotificationKind;
  readonly subject: string;
  readonly body: Record<string, unknown>;
}

/** The part of a published event the policy reads. */
export interface NotifiableEvent {
  readonly type: string;
  readonly eventId: string;
  readonly assetId: string;
  readonly data: Readonly<Record<string, unknown>>;
}

const text = (value: unknown, fallback: string): string => (typeof value === 'string' && value.length > 0 ? value : fallback);

/** Copies the named fields that are present, in this order. */
function pick(data: Readonly<Record<string, unknown>>, fields: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) if (data[f] !== undefined) out[f] = data[f];
  return out;
}

const ALARM_FIELDS = ['alarmId', 'cause', 'severity', 'message', 'raisedAt', 'readingId', 'conditions', 'profile'] as const;
const WORK_ORDER_FIELDS = ['workOrderId', 'priority', 'cause', 'title', 'alarmId', 'openedAt'] as const;

/**
 * The notification an event calls for: an alarm raised or a work order opened; any other event
 * calls for none (null). The event id travels in the body, so a receiver can de-duplicate.
 */
export function notificationFor(event: NotifiableEvent): Notification | null {
  const header = { eventId: event.eventId, eventType: event.type, assetId: event.assetId };
  switch (event.type) {
    case 'AlarmRaised': {
      const severity = text(event.data['severity'], 'UNKNOWN');
      return {
        kind: 'alarm.raised',
        subject: `[${severity}] ${event.assetId}: ${text(event.data['message'], 'alarm raised')}`,
        body: { ...header, ...pick(event.data, ALARM_FIELDS) },
      };
    }
    case 'WorkOrderOpened': {
      const priority = text(event.data['priority'], 'P?');
      const id = text(event.data['workOrderId'], '(no id)');
      return {
        kind: 'workorder.opened',
        subject: `[${priority}] Work order ${id} opened: ${text(event.data['title'], event.assetId)}`,
        body: { ...header, ...pick(event.data, WORK_ORDER_FIELDS) },
      };
    }
    default:
      return null;
  }
}
