import { parseRoutes } from '@twinline/domain-notification';
import { runMigrations } from '@twinline/event-store';
import { StaticAssetDirectory } from '@twinline/service-kit';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { DeliveryStore } from '../deliveries/delivery-store';
import { NOTIFICATION_MIGRATIONS } from '../deliveries/migrations';
import { publishedDelivery, publishedEvent } from '../record-notification/published-event.fixture';
import { recordNotifications, type RoutingDeps } from '../record-notification/record-notification.handler';
import { EscalationStore } from './escalation-store';
import { escalateDue, recordAlarmStops } from './escalation.handler';

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
/** Quiet hours from an hour ago to an hour from now. */
const QUIET_NOW = `${hhmm(new Date(Date.now() - 3_600_000))}-${hhmm(new Date(Date.now() + 3_600_000))}`;
const ROUTES = parseRoutes({
  recipients: [
    { name: 'alice', email: 'alice@example.com', roles: ['operator'] },
    { name: 'bob', email: 'bob@example.com', webhook: 'https://hooks.example.com/bob', roles: ['operator'] },
    { name: 'erin', email: 'erin@example.com', roles: ['operator'] },
    { name: 'admins', webhook: 'https://hooks.example.com/admins', roles: ['admin'] },
    { name: 'planning', webhook: 'https://hooks.example.com/planning', roles: ['planner'], quietHours: QUIET_NOW },
    { name: 'carol', email: 'carol@example.com', roles: ['auditor'] },
  ],
  rules: [
    { name: 'north-pumps', sites: ['north-field'], assetClasses: ['pump'], minSeverity: 'HIGH', kinds: ['alarm.raised'], notify: ['alice', 'bob'] },
    { name: 'east', sites: ['east-field'], kinds: ['alarm.raised'], notify: ['alice'], escalation: [{ afterSeconds: 60, notify: ['erin'] }, { afterSeconds: 300, notifyRoles: ['admin'] }] },
    { name: 'work-orders', kinds: ['workorder.opened'], notifyRoles: ['planner'] },
  ],
});
const DIRECTORY = new StaticAssetDirectory([
  { assetId: 'P-101', assetClass: 'pump', site: 'north-field' },
  { assetId: 'E-201', assetClass: 'pump', site: 'east-field' },
  { assetId: 'C-301', assetClass: 'compressor', site: 'south-field' },
]);
const WEBHOOK = 'https://hooks.example.com/everything';
const THROTTLE = { limit: 3, windowMs: 600_000 };

const event = (eventId: string, type: string, assetId: string, data: Record<string, unknown>) => publishedDelivery(publishedEvent(eventId, type, assetId, { assetId, ...data }));
const alarm = (eventId: string, assetId: string, severity = 'HIGH', message = 'Temperature 90 °C > 80 °C') =>
  event(eventId, 'AlarmRaised', assetId, { alarmId: `ALM-${eventId}`, cause: 'THRESHOLD_EXCEEDED', severity, message, raisedAt: '2024-01-01T03:00:00Z', readingId: `R-${eventId}`, conditions: [], profile: 'pump' });
const workOrder = (eventId: string, assetId: string, priority: string) =>
  event(eventId, 'WorkOrderOpened', assetId, { workOrderId: `WO-${eventId}`, cause: 'THRESHOLD_EXCEEDED', priority, title: `${assetId}: hot`, openedAt: '2024-01-01T03:00:00Z' });

describe('routing, escalation and idempotency (Postgres)', () => {
  let db: TestSchema;
  let store: DeliveryStore;
  let escalations: EscalationStore;
  let deps: Parameters<typeof recordNotifications>[1];
  beforeEach(async () => {
    db = await createTestSchema('notify_routes');
    await runMigrations({ url: db.url, schema: db.schema, migrations: NOTIFICATION_MIGRATIONS });
    store = new DeliveryStore(db.pool, db.schema);
    escalations = new EscalationStore(db.pool, db.schema, store);
    const routing: RoutingDeps = { routes: ROUTES, directory: DIRECTORY, escalations };
    deps = { store, webhookUrl: WEBHOOK, throttle: THROTTLE, routing };
  });
  afterEach(() => db.drop());

  const rows = async () => (await store.list({ limit: 1000 })).map((d) => [d.deliveryId, d.recipient, d.channel, d.target, d.status]);
  /** Time passes for the escalations: everything started and due moves `seconds` into the past. */
  const passes = (seconds: number) => db.pool.query(`UPDATE "${db.schema}".escalations SET started_at = started_at - $1 * interval '1 second', next_at = next_at - $1 * interval '1 second'`, [seconds]);
  const tick = () => escalateDue({ escalations, routes: ROUTES, throttle: THROTTLE });

  it('given routes, then each recipient a matching rule chooses gets the notification on each of their channels; what no rule routes goes to the webhook of old', async () => {
    expect(await recordNotifications([alarm('A-1', 'P-101'), alarm('A-2', 'P-101', 'MEDIUM'), alarm('A-3', 'C-301'), alarm('A-4', 'X-999'), workOrder('W-1', 'P-101', 'P2')], deps)).toBe(7);
    expect(await rows()).toEqual([
      ['A-1:alice:email', 'alice', 'email', 'alice@example.com', 'PENDING'],
      ['A-1:bob:email', 'bob', 'email', 'bob@example.com', 'PENDING'],
      ['A-1:bob:webhook', 'bob', 'webhook', 'https://hooks.example.com/bob', 'PENDING'],
      // MEDIUM is below the north rule's HIGH; C-301 is on another site; X-999 is not in the directory.
      ['A-2:webhook', null, 'webhook', WEBHOOK, 'PENDING'],
      ['A-3:webhook', null, 'webhook', WEBHOOK, 'PENDING'],
      ['A-4:webhook', null, 'webhook', WEBHOOK, 'PENDING'],
      ['W-1:planning:webhook', 'planning', 'webhook', 'https://hooks.example.com/planning', 'PENDING'],
    ]);
    const [first] = await store.list({ recipient: 'alice', limit: 10 });
    expect(first!.body).toMatchObject({ recipient: 'alice', rules: ['north-pumps'], eventId: 'A-1', alarmId: 'ALM-A-1' });
  });

  it('given a redelivered event (twice in one batch, again in later batches), then no second delivery and no second escalation', async () => {
    const a = alarm('E-1', 'E-201');
    expect(await recordNotifications([a, a], deps)).toBe(1);
    expect(await recordNotifications([a], deps)).toBe(0);
    expect(await recordNotifications([alarm('E-2', 'E-201', 'HIGH', 'other'), a], deps)).toBe(1);
    expect((await store.list({ limit: 100 })).filter((d) => d.eventId === 'E-1')).toHaveLength(1);
    expect((await escalations.list({ limit: 10 })).map((e) => [e.escalationId, e.level])).toEqual([
      ['E-1:east', 0],
      ['E-2:east', 0],
    ]);
  });

  it('given an unacknowledged alarm, when its levels come due, then the alarm\'s recipients and each next level are told once; an acknowledgement stops the rest', async () => {
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    const [started] = await escalations.list({ limit: 10 });
    expect(started).toMatchObject({ escalationId: 'E-1:east', alarmId: 'ALM-E-1', level: 0, levels: [['alice'], ['erin'], ['admins']], afterMs: [60_000, 300_000], stoppedAt: null });
    expect(Date.parse(started!.nextAt!) - Date.parse(started!.startedAt)).toBe(60_000);

    // Not due yet: nothing.
    expect(await tick()).toBe(0);
    await passes(61);
    expect(await tick()).toBe(2);
    // Due once: a second look (or a second instance) records nothing more.
    expect(await tick()).toBe(0);
    const escalated = await store.list({ kind: 'alarm.escalated', limit: 10 });
    expect(escalated.map((d) => [d.deliveryId, d.recipient, d.subject])).toEqual([
      ['E-1:east:1:alice:email', 'alice', '[ESCALATED 1/2] [HIGH] E-201: Temperature 90 °C > 80 °C'],
      ['E-1:east:1:erin:email', 'erin', '[ESCALATED 1/2] [HIGH] E-201: Temperature 90 °C > 80 °C'],
    ]);
    expect(escalated[0]!.body).toMatchObject({ eventId: 'E-1:east:1', alarmEventId: 'E-1', escalation: { rule: 'east', level: 1, of: 2, added: ['erin'] } });
    expect((await escalations.list({ limit: 10 }))[0]).toMatchObject({ level: 1, escalatedAt: expect.any(String) });

    // An operator acknowledges (redelivered, and cleared later: the first stop counts).
    const ack = event('E-1:ack', 'AlarmAcknowledged', 'E-201', { alarmId: 'ALM-E-1', by: 'user:operator', at: '2024-01-01T03:05:00Z' });
    expect(await recordAlarmStops([ack, ack], escalations)).toBe(1);
    expect(await recordAlarmStops([ack, event('E-1:clear', 'AlarmCleared', 'E-201', { alarmId: 'ALM-E-1', cause: 'x', at: '2024-01-01T03:09:00Z', readingId: 'R-9' })], escalations)).toBe(0);
    await passes(3600);
    expect(await tick()).toBe(0);
    expect(await store.list({ kind: 'alarm.escalated', limit: 10 })).toHaveLength(2);
    expect((await escalations.list({ limit: 10 }))[0]).toMatchObject({ level: 1, nextAt: null, stoppedAt: expect.any(String), stopReason: 'acknowledged by user:operator' });
  });

  it('given the service was down past every level, then one message: the last level, to everyone', async () => {
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    await passes(3600);
    expect(await tick()).toBe(3);
    expect((await store.list({ kind: 'alarm.escalated', limit: 10 })).map((d) => [d.recipient, d.subject.slice(0, 16)])).toEqual([
      ['alice', '[ESCALATED 2/2] '],
      ['erin', '[ESCALATED 2/2] '],
      ['admins', '[ESCALATED 2/2] '],
    ]);
    expect((await escalations.list({ active: true, limit: 10 })).length).toBe(0);
  });

  it('given an acknowledgement or clearing that arrives before its alarm, then the escalation starts stopped; one for an alarm nobody escalates is harmless', async () => {
    expect(await recordAlarmStops([event('X:clear', 'AlarmCleared', 'E-201', { alarmId: 'ALM-E-1', cause: 'x', at: '2024-01-01T03:09:00Z', readingId: 'R-9' }), event('Y:ack', 'AlarmAcknowledged', 'Q-1', { alarmId: 'ALM-unknown', by: 'user:operator', at: '2024-01-01T03:05:00Z' })], escalations)).toBe(0);
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    expect((await escalations.list({ limit: 10 }))[0]).toMatchObject({ nextAt: null, stopReason: 'cleared' });
    await passes(3600);
    expect(await tick()).toBe(0);
  });

  const shelve = (id: string) => event(id, 'AlarmShelved', 'E-201', { alarmId: 'ALM-E-1', cause: 'x', by: 'user:operator', at: '2024-01-01T03:02:00Z', until: '2024-01-01T04:02:00Z', reason: 'nuisance' });
  const unshelve = (id: string) => event(id, 'AlarmUnshelved', 'E-201', { alarmId: 'ALM-E-1', cause: 'x', at: '2024-01-01T04:02:00Z', reason: 'EXPIRED' });
  const escalation = async () => (await escalations.list({ limit: 10 }))[0]!;

  it('given a running escalation, when its alarm is taken out of service, then it stops for good', async () => {
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    const out = event('E-1:oos', 'AlarmRemovedFromService', 'E-201', { alarmId: 'ALM-E-1', cause: 'x', by: 'user:tech', at: '2024-01-01T03:02:00Z', reason: 'sensor replaced' });
    expect(await recordAlarmStops([out, out], escalations)).toBe(1);
    // A cause without an open alarm stops nothing.
    expect(await recordAlarmStops([event('E-2:oos', 'AlarmRemovedFromService', 'E-201', { alarmId: null, cause: 'y', by: 'user:tech', at: '2024-01-01T03:02:00Z', reason: 'r' })], escalations)).toBe(0);
    expect(await escalation()).toMatchObject({ nextAt: null, stoppedAt: expect.any(String), stopReason: 'out of service by user:tech: sensor replaced' });
    // Not liftable: an unshelve (or a shelve before it) changes nothing.
    expect(await recordAlarmStops([shelve('E-1:shelve'), unshelve('E-1:unshelve')], escalations)).toBe(0);
    await passes(3600);
    expect(await tick()).toBe(0);
    expect(await escalation()).toMatchObject({ nextAt: null, stopReason: 'out of service by user:tech: sensor replaced' });
  });

  it('given a running escalation, when its alarm is shelved, then it stops; when the shelve ends, then it resumes with the level due', async () => {
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    expect(await recordAlarmStops([shelve('E-1:shelve'), shelve('E-1:shelve')], escalations)).toBe(1);
    expect(await escalation()).toMatchObject({ level: 0, nextAt: null, stoppedAt: expect.any(String), stopReason: 'shelved by user:operator' });
    await passes(61);
    expect(await tick()).toBe(0);

    // Unshelved (redelivered: resumed once).
    expect(await recordAlarmStops([unshelve('E-1:unshelve'), unshelve('E-1:unshelve')], escalations)).toBe(1);
    expect(await recordAlarmStops([unshelve('E-1:unshelve')], escalations)).toBe(0);
    expect(await escalation()).toMatchObject({ level: 0, nextAt: expect.any(String), stoppedAt: null, stopReason: null });
    // The first level came due while shelved: it goes out at the next round.
    expect(await tick()).toBe(2);
    expect((await store.list({ kind: 'alarm.escalated', limit: 10 })).map((d) => d.recipient)).toEqual(['alice', 'erin']);
    expect(await escalation()).toMatchObject({ level: 1, nextAt: expect.any(String), stoppedAt: null });
  });

  it('given a shelved alarm, when it is acknowledged and then unshelved, then its escalation stays stopped, by the acknowledgement', async () => {
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    expect(await recordAlarmStops([shelve('E-1:shelve')], escalations)).toBe(1);
    const ack = event('E-1:ack', 'AlarmAcknowledged', 'E-201', { alarmId: 'ALM-E-1', by: 'user:operator', at: '2024-01-01T03:05:00Z' });
    expect(await recordAlarmStops([ack, ack], escalations)).toBe(0);
    expect(await escalation()).toMatchObject({ nextAt: null, stopReason: 'acknowledged by user:operator' });
    expect(await recordAlarmStops([unshelve('E-1:unshelve')], escalations)).toBe(0);
    // A shelve redelivered after the acknowledgement does not make the stop liftable again.
    expect(await recordAlarmStops([shelve('E-1:shelve'), unshelve('E-1:unshelve')], escalations)).toBe(0);
    await passes(3600);
    expect(await tick()).toBe(0);
    expect(await escalation()).toMatchObject({ nextAt: null, stoppedAt: expect.any(String), stopReason: 'acknowledged by user:operator' });
  });

  it('given a shelve that arrives before its alarm, then the escalation starts stopped and its unshelve resumes it', async () => {
    await recordAlarmStops([shelve('E-1:shelve')], escalations);
    await recordNotifications([alarm('E-1', 'E-201')], deps);
    expect(await escalation()).toMatchObject({ nextAt: null, stopReason: 'shelved by user:operator' });
    expect(await recordAlarmStops([unshelve('E-1:unshelve')], escalations)).toBe(1);
    expect(await escalation()).toMatchObject({ nextAt: expect.any(String), stoppedAt: null });
  });

  it('given a burst of 100 alarms on one asset, then each recipient and channel gets at most the limit, the rest held back for a digest of their own', async () => {
    const burst = Array.from({ length: 100 }, (_, i) => alarm(`B-${i}`, 'P-101', 'HIGH', `Temperature ${81 + i} °C > 80 °C`));
    await Promise.all([0, 1, 2, 3].map((b) => recordNotifications(burst.slice(b * 25, b * 25 + 25), deps)));
    const counts = (await db.pool.query<{ recipient: string; channel: string; status: string; n: number }>(`SELECT recipient, channel, status, count(*)::int AS n FROM "${db.schema}".deliveries GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`)).rows;
    expect(counts).toEqual([
      { recipient: 'alice', channel: 'email', status: 'PENDING', n: 3 },
      { recipient: 'alice', channel: 'email', status: 'SUPPRESSED', n: 97 },
      { recipient: 'bob', channel: 'email', status: 'PENDING', n: 3 },
      { recipient: 'bob', channel: 'email', status: 'SUPPRESSED', n: 97 },
      { recipient: 'bob', channel: 'webhook', status: 'PENDING', n: 3 },
      { recipient: 'bob', channel: 'webhook', status: 'SUPPRESSED', n: 97 },
    ]);
    await db.pool.query(`UPDATE "${db.schema}".deliveries SET created_at = created_at - interval '600 seconds', held_until = held_until - interval '600 seconds'`);
    expect(await store.releaseDigests()).toBe(3);
    const digests = await store.list({ kind: 'digest', limit: 10 });
    expect(digests.map((d) => [d.recipient, d.channel, d.target, d.body['heldBack']]).sort()).toEqual([
      ['alice', 'email', 'alice@example.com', 97],
      ['bob', 'email', 'bob@example.com', 97],
      ['bob', 'webhook', 'https://hooks.example.com/bob', 97],
    ]);
    expect(digests.every((d) => d.deliveryId.endsWith(`:${d.recipient}:${d.channel}`))).toBe(true);
  });

  it('given a recipient with quiet hours, then a P3 work order waits for their end and a P1 goes out at once', async () => {
    await recordNotifications([workOrder('W-3', 'P-101', 'P3'), workOrder('W-1', 'P-101', 'P1')], deps);
    const low = await store.get('W-3:planning:webhook');
    const urgent = await store.get('W-1:planning:webhook');
    expect(Date.parse(low!.nextAttemptAt)).toBeGreaterThan(Date.now());
    expect(Date.parse(urgent!.nextAttemptAt)).toBeLessThanOrEqual(Date.now() + 1000);
  });
});
