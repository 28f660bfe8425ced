/** What a subscriber is told, independent of the channel (webhook, e-mail). */
export const NOTIFICATION_KINDS = ['alarm.raised', 'workorder.opened', 'security-violation', 'sensor-fault', 'digest', 'alarm.escalated'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

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

const texts = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.length > 0) : []);
const count = (value: unknown): number | null => (typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null);
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

const ALARM_FIELDS = ['alarmId', 'cause', 'severity', 'message', 'raisedAt', 'readingId', 'conditions', 'profile'] as const;
const WORK_ORDER_FIELDS = ['workOrderId', 'priority', 'cause', 'title', 'alarmId', 'openedAt'] as const;
const SECURITY_FIELDS = ['at', 'readingId', 'rules', 'deviceIds', 'count'] as const;
const SENSOR_FAULT_FIELDS = ['at', 'readingId', 'violations', 'rules'] as const;

/** '[SECURITY] P-101: 3 readings broke security rules (signature, replay) from devices P-101-edge, X-1' */
function securitySubject(assetId: string, data: Readonly<Record<string, unknown>>): string {
  const n = count(data['count']);
  const rules = texts(data['rules']);
  const devices = texts(data['deviceIds']);
  const what = n === null ? 'readings broke security rules' : `${plural(n, 'reading', 'readings')} broke security rules`;
  const which = rules.length ? ` (${rules.join(', ')})` : '';
  const named = devices.length > 5 ? `${devices.slice(0, 5).join(', ')} and ${devices.length - 5} more` : devices.join(', ');
  const from = devices.length ? ` from ${devices.length === 1 ? 'device' : 'devices'} ${named}` : ' from no registered device';
  return `[SECURITY] ${assetId}: ${what}${which}${from}`;
}

/** '[SENSOR FAULT] P-101: the twin is blind, 5 readings in a row failed data checks (finite, range)' */
function sensorFaultSubject(assetId: string, data: Readonly<Record<string, unknown>>): string {
  const n = count(data['violations']);
  const rules = texts(data['rules']);
  const run = n === null ? 'readings keep failing data checks' : `${plural(n, 'reading', 'readings')} in a row failed data checks`;
  return `[SENSOR FAULT] ${assetId}: the twin is blind, ${run}${rules.length ? ` (${rules.join(', ')})` : ''}`;
}

/**
 * The notification an event calls for: an alarm raised, a work order opened, readings breaking
 * security rules (`security-violation`), or a twin gone blind (`sensor-fault`); any other event
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
    case 'SecurityViolationDetected':
      return { kind: 'security-violation', subject: securitySubject(event.assetId, event.data), body: { ...header, ...pick(event.data, SECURITY_FIELDS) } };
    case 'SensorFaultDetected':
      return { kind: 'sensor-fault', subject: sensorFaultSubject(event.assetId, event.data), body: { ...header, ...pick(event.data, SENSOR_FAULT_FIELDS) } };
    default:
      return null;
  }
}
