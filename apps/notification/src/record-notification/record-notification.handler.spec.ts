import { ROOT_CONTEXT } from '@opentelemetry/api';
import { publishedEvent } from './published-event.fixture';
import type { PublishedEvent } from '@twinline/contracts';
import { isPermanent, PermanentError, type Delivery } from '@twinline/messaging';
import type { DeliveryStore, NewDelivery } from '../deliveries/delivery-store';
import { notificationOf, parsePublishedEvent, recordNotifications } from './record-notification.handler';
import { parseRoutes } from '@twinline/domain-notification';

/** Captures what the handler records; like the real store, a delivery id is recorded once. */
class FakeDeliveryStore implements Pick<DeliveryStore, 'record'> {
  readonly calls: NewDelivery[][] = [];
  readonly rows = new Map<string, NewDelivery>();

  async record(deliveries: readonly NewDelivery[]): Promise<number> {
    this.calls.push([...deliveries]);
    let added = 0;
    for (const d of deliveries) {
      if (this.rows.has(d.deliveryId)) continue;
      this.rows.set(d.deliveryId, d);
      added++;
    }
    return added;
  }
}

const ALARM_DATA = {
  assetId: 'P-101',
  alarmId: 'ALM-R-4',
  cause: 'THRESHOLD_EXCEEDED',
  severity: 'HIGH',
  message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
  raisedAt: '2024-01-01T03:00:00Z',
  readingId: 'R-4',
  conditions: [{ metric: 'temperatureC', value: 82, limit: 80, comparator: '>' }],
  profile: 'pump',
};
const WORK_ORDER_DATA = {
  workOrderId: 'WO-P-101-0001',
  assetId: 'P-101',
  cause: 'THRESHOLD_EXCEEDED',
  priority: 'P2',
  title: 'P-101: Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
  alarmId: 'ALM-R-4',
  openedAt: '2024-01-01T03:00:00Z',
};

const event = (eventId: string, type: string, data: Record<string, unknown>, streamId = 'asset-P-101'): PublishedEvent => publishedEvent(eventId, type, 'P-101', data, streamId);

let seq = 0;
function delivery(e: PublishedEvent): Delivery<PublishedEvent> {
  return { data: parsePublishedEvent(JSON.parse(JSON.stringify(e))), subject: `twin.${e.assetId}.${e.type}`, streamSeq: ++seq, deliveryCount: 1, headers: undefined, traceContext: ROOT_CONTEXT };
}

const alarmRaised = delivery(event('asset-P-101:3', 'AlarmRaised', ALARM_DATA));
const SECURITY_DATA = { assetId: 'P-101', at: '2024-01-01T03:00:00Z', readingId: 'R-9', rules: ['signature'], deviceIds: ['P-101-edge'], count: 2 };
const SENSOR_FAULT_DATA = { assetId: 'P-101', at: '2024-01-01T03:00:00Z', readingId: 'R-12', violations: 5, rules: ['finite'] };
const securityViolation = delivery(event('R-9:quarantine:SecurityViolationDetected', 'SecurityViolationDetected', SECURITY_DATA));
const sensorFault = delivery(event('R-12:quarantine:SensorFaultDetected', 'SensorFaultDetected', SENSOR_FAULT_DATA));
const workOrderOpened = delivery(event('workorders-P-101:1', 'WorkOrderOpened', WORK_ORDER_DATA, 'workorders-P-101'));
const others = [
  delivery(event('E-RA', 'ReadingsApplied', { assetId: 'P-101', readings: [] })),
  delivery(event('E-TSC', 'TwinStatusChanged', { assetId: 'P-101', from: 'OPERATIONAL', to: 'ALARM' })),
  delivery(event('E-AC', 'AlarmCleared', { assetId: 'P-101', alarmId: 'ALM-R-4' })),
  delivery(event('E-ATT', 'AlarmAttachedToWorkOrder', { workOrderId: 'WO-P-101-0001', alarmId: 'ALM-R-8' })),
];

describe('recordNotifications', () => {
  const WEBHOOK = 'https://hooks.example.com/twinline';
  let store: FakeDeliveryStore;
  beforeEach(() => {
    store = new FakeDeliveryStore();
  });
  const record = (batch: Delivery<PublishedEvent>[], webhookUrl: string | undefined) => recordNotifications(batch, { store: store as unknown as DeliveryStore, webhookUrl });

  it('records one PENDING webhook delivery each for AlarmRaised and WorkOrderOpened, and none for other events', async () => {
    expect(await record([others[0]!, alarmRaised, others[1]!, workOrderOpened, ...others.slice(2)], WEBHOOK)).toBe(2);
    expect(store.calls).toHaveLength(1);
    expect(store.calls[0]).toEqual([
      {
        deliveryId: 'asset-P-101:3:webhook',
        eventId: 'asset-P-101:3',
        channel: 'webhook',
        kind: 'alarm.raised',
        assetId: 'P-101',
        subject: '[HIGH] P-101: Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
        body: { eventId: 'asset-P-101:3', eventType: 'AlarmRaised', ...ALARM_DATA, occurredAt: '2024-01-01T03:00:00.000Z', correlationId: 'C-1' },
        target: WEBHOOK,
        status: 'PENDING',
        traceparent: null,
      },
      {
        deliveryId: 'workorders-P-101:1:webhook',
        eventId: 'workorders-P-101:1',
        channel: 'webhook',
        kind: 'workorder.opened',
        assetId: 'P-101',
        subject: '[P2] Work order WO-P-101-0001 opened: P-101: Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
        body: { eventId: 'workorders-P-101:1', eventType: 'WorkOrderOpened', ...WORK_ORDER_DATA, occurredAt: '2024-01-01T03:00:00.000Z', correlationId: 'C-1' },
        target: WEBHOOK,
        status: 'PENDING',
        traceparent: null,
      },
    ]);
  });

  it('records a security-violation and a sensor-fault delivery for the twin events that call for them, once each', async () => {
    expect(await record([securityViolation, sensorFault, delivery(event('R-13:SensorFaultCleared', 'SensorFaultCleared', { assetId: 'P-101', at: '2024-01-01T04:00:00Z', readingId: 'R-13' }))], WEBHOOK)).toBe(2);
    expect(store.calls[0]!.map((d) => [d.deliveryId, d.kind, d.subject, d.status])).toEqual([
      ['R-9:quarantine:SecurityViolationDetected:webhook', 'security-violation', '[SECURITY] P-101: 2 readings broke security rules (signature) from device P-101-edge', 'PENDING'],
      ['R-12:quarantine:SensorFaultDetected:webhook', 'sensor-fault', '[SENSOR FAULT] P-101: the twin is blind, 5 readings in a row failed data checks (finite)', 'PENDING'],
    ]);
    expect(store.calls[0]![0]!.body).toEqual({ eventId: 'R-9:quarantine:SecurityViolationDetected', eventType: 'SecurityViolationDetected', ...SECURITY_DATA, occurredAt: '2024-01-01T03:00:00.000Z', correlationId: 'C-1' });
    expect(await record([securityViolation, sensorFault], WEBHOOK)).toBe(0);
  });

  it('records UNROUTED deliveries without a target when no webhook is configured', async () => {
    expect(await record([alarmRaised, workOrderOpened], undefined)).toBe(2);
    expect(store.calls[0]!.map((d) => [d.deliveryId, d.target, d.status])).toEqual([
      ['asset-P-101:3:webhook', null, 'UNROUTED'],
      ['workorders-P-101:1:webhook', null, 'UNROUTED'],
    ]);
  });

  it('records a second, e-mail delivery per notification when e-mail is configured, once per event and channel', async () => {
    const withEmail = (batch: Delivery<PublishedEvent>[]) => recordNotifications(batch, { store: store as unknown as DeliveryStore, webhookUrl: WEBHOOK, email: { to: ['ops@example.com', 'planner@example.com'] } });
    expect(await withEmail([alarmRaised, others[0]!])).toBe(2);
    const [webhook, email] = store.calls[0]!;
    expect(email).toEqual({ ...webhook, deliveryId: 'asset-P-101:3:email', channel: 'email', target: 'ops@example.com, planner@example.com', status: 'PENDING' });
    expect(await withEmail([alarmRaised])).toBe(0);
    // E-mail goes out even where no webhook is configured.
    expect(await recordNotifications([workOrderOpened], { store: store as unknown as DeliveryStore, webhookUrl: undefined, email: { to: ['ops@example.com'] } })).toBe(2);
    expect(store.calls[2]!.map((d) => [d.deliveryId, d.channel, d.target, d.status])).toEqual([
      ['workorders-P-101:1:webhook', 'webhook', null, 'UNROUTED'],
      ['workorders-P-101:1:email', 'email', 'ops@example.com', 'PENDING'],
    ]);
  });

  it('records nothing for a batch of events that call for no notification', async () => {
    expect(await record(others, WEBHOOK)).toBe(0);
    expect(store.calls.flat()).toEqual([]);
  });

  it('gives a redelivered event the same delivery id, so the store records it once', async () => {
    await record([alarmRaised], WEBHOOK);
    expect(await record([alarmRaised, workOrderOpened], WEBHOOK)).toBe(1);
    expect(store.calls[1]!.map((d) => d.deliveryId)).toEqual(['asset-P-101:3:webhook', 'workorders-P-101:1:webhook']);
    expect([...store.rows.keys()]).toEqual(['asset-P-101:3:webhook', 'workorders-P-101:1:webhook']);
  });
});

describe('recordNotifications: the alarm lifecycle (shelved raises, re-announcements)', () => {
  const WEBHOOK = 'https://hooks.example.com/twinline';
  const ROUTES = parseRoutes({
    recipients: [{ name: 'alice', webhook: 'https://hooks.example.com/alice', roles: ['operator'] }],
    rules: [{ name: 'all-alarms', kinds: ['alarm.raised'], notify: ['alice'], escalation: [{ afterSeconds: 60, notify: ['alice'] }] }],
  });
  const reannounced = delivery(event('ALM-R-4:AlarmReannounced:2024-01-01T03:30:00Z', 'AlarmReannounced', { assetId: 'P-101', alarmId: 'ALM-R-4', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', at: '2024-01-01T03:30:00Z' }));
  const shelvedRaise = delivery(event('asset-P-101:9', 'AlarmRaised', { ...ALARM_DATA, alarmId: 'ALM-R-9', shelved: true }));

  it('given an alarm raised while shelved, then nobody is told: no delivery', async () => {
    const store = new FakeDeliveryStore();
    expect(await recordNotifications([shelvedRaise], { store: store as unknown as DeliveryStore, webhookUrl: WEBHOOK })).toBe(0);
    expect(store.calls.flat()).toEqual([]);
    expect(notificationOf(shelvedRaise.data)).toBeNull();
  });

  it('given an alarm re-announced (still unacknowledged), then it is told like a raise, its subject saying so', async () => {
    const store = new FakeDeliveryStore();
    expect(await recordNotifications([reannounced], { store: store as unknown as DeliveryStore, webhookUrl: WEBHOOK })).toBe(1);
    expect(store.calls[0]).toEqual([
      expect.objectContaining({
        deliveryId: 'ALM-R-4:AlarmReannounced:2024-01-01T03:30:00Z:webhook',
        kind: 'alarm.raised',
        channel: 'webhook',
        status: 'PENDING',
        subject: '[HIGH] P-101: still unacknowledged, re-announced: ALM-R-4',
        body: expect.objectContaining({ eventType: 'AlarmReannounced', alarmId: 'ALM-R-4', severity: 'HIGH' }),
      }),
    ]);
  });

  it('given routes with an escalation, then a raise starts one and a re-announcement none (the raise\'s goes on)', async () => {
    const store = new FakeDeliveryStore();
    const started: unknown[] = [];
    const routing = { routes: ROUTES, escalations: { start: async (e: readonly unknown[]) => started.push(...e) } };
    const decided = Object.assign(store, { recordDecided: (d: readonly NewDelivery[]) => store.record(d) });
    await recordNotifications([alarmRaised, reannounced, shelvedRaise], { store: decided as unknown as DeliveryStore, webhookUrl: WEBHOOK, routing });
    expect(store.calls.flat().map((d) => [d.deliveryId, d.recipient])).toEqual([
      ['asset-P-101:3:alice:webhook', 'alice'],
      ['ALM-R-4:AlarmReannounced:2024-01-01T03:30:00Z:alice:webhook', 'alice'],
    ]);
    expect(started).toEqual([expect.objectContaining({ escalationId: 'asset-P-101:3:all-alarms', alarmId: 'ALM-R-4' })]);
  });
});

describe('parsePublishedEvent', () => {
  it('rejects a body that is not a published event with a PermanentError naming the fields', () => {
    let caught: unknown;
    try {
      parsePublishedEvent({ ...event('E-1', 'AlarmRaised', ALARM_DATA), occurredAt: 'yesterday', streamVersion: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(isPermanent(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^published event is invalid: /);
    expect((caught as Error).message).toContain('occurredAt: ');
    expect((caught as Error).message).toContain('streamVersion: ');
  });
});
