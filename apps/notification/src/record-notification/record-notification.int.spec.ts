import type { PublishedEvent } from '@twinline/contracts';
import { parseQuietHours } from '@twinline/domain-notification';
import { runMigrations } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { DeliveryStore } from '../deliveries/delivery-store';
import { NOTIFICATION_MIGRATIONS } from '../deliveries/migrations';
import { publishedDelivery, publishedEvent } from './published-event.fixture';
import { deliveryDecider, recordNotifications } from './record-notification.handler';

const WEBHOOK = 'https://hooks.example.com/twinline';
const EMAIL = { to: ['ops@example.com'] };
const THROTTLE = { limit: 10, windowMs: 600_000 };

function alarm(eventId: string, severity: string, message: string, assetId = 'P-101'): Delivery<PublishedEvent> {
  return publishedDelivery(publishedEvent(eventId, 'AlarmRaised', assetId, { assetId, alarmId: `ALM-${eventId}`, cause: 'THRESHOLD_EXCEEDED', severity, message, raisedAt: '2024-01-01T03:00:00Z', readingId: `R-${eventId}` }));
}

describe('recordNotifications with rate limit, de-duplication and quiet hours (Postgres)', () => {
  let db: TestSchema;
  let store: DeliveryStore;
  beforeEach(async () => {
    db = await createTestSchema('notify_throttle');
    await runMigrations({ url: db.url, schema: db.schema, migrations: NOTIFICATION_MIGRATIONS });
    store = new DeliveryStore(db.pool, db.schema);
  });
  afterEach(() => db.drop());

  const statuses = async (channel: string) =>
    (await db.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM "${db.schema}".deliveries WHERE channel = $1 AND kind <> 'digest' GROUP BY status ORDER BY status`, [channel])).rows;
  /** The window passes: everything recorded so far moves 600 s into the past. */
  const windowPasses = () => db.pool.query(`UPDATE "${db.schema}".deliveries SET created_at = created_at - interval '600 seconds', held_until = held_until - interval '600 seconds'`);

  it('given a consumer whose transaction began before another recorded 10, when it gets the lock after it, then it counts those 10 and sends nothing more', async () => {
    // The later holder of the lock began first: its transaction start is older than the rows it must count.
    const early = await db.pool.connect();
    try {
      await early.query('BEGIN');
      await early.query('SELECT now()');
      const deps = { store, webhookUrl: WEBHOOK, throttle: THROTTLE };
      expect(await recordNotifications(Array.from({ length: 10 }, (_, i) => alarm(`F-${i}`, 'HIGH', `Temperature ${90 + i} °C > 80 °C`)), deps)).toBe(10);
      const late = Array.from({ length: 5 }, (_, i) => alarm(`G-${i}`, 'HIGH', `Pressure ${1600 + i} psi > 1500 psi`)).map(({ data }) => ({
        eventId: data.eventId,
        kind: 'alarm.raised' as const,
        assetId: data.assetId,
        subject: `[HIGH] ${data.assetId}: ${String(data.data['message'])}`,
        body: {},
        traceparent: null,
        deliveryId: `${data.eventId}:webhook`,
        channel: 'webhook' as const,
        target: WEBHOOK,
        status: 'PENDING' as const,
      }));
      expect(await store.recordDecidedIn(early, late, THROTTLE.windowMs, deliveryDecider({ throttle: THROTTLE }))).toBe(5);
      await early.query('COMMIT');
    } finally {
      early.release();
    }
    expect(await statuses('webhook')).toEqual([{ status: 'PENDING', n: 10 }, { status: 'SUPPRESSED', n: 5 }]);
  });

  it('given a burst of 100 alarms on one asset from concurrent consumers, then 10 per channel go out, 90 are SUPPRESSED with a reason, and one digest per channel when the window ends', async () => {
    // Every fourth alarm repeats the subject of the one before (a duplicate); the rest differ.
    const burst = Array.from({ length: 100 }, (_, i) => alarm(`E-${i}`, 'HIGH', `Temperature ${80 + i - (i % 4 === 3 ? 1 : 0)} °C > 80 °C`));
    const deps = { store, webhookUrl: WEBHOOK, email: EMAIL, throttle: THROTTLE };
    const batches = Array.from({ length: 5 }, (_, b) => burst.slice(b * 20, b * 20 + 20));
    const recorded = await Promise.all(batches.map((batch) => recordNotifications(batch, deps)));
    expect(recorded.reduce((a, b) => a + b, 0)).toBe(200);
    for (const channel of ['webhook', 'email']) expect(await statuses(channel)).toEqual([{ status: 'PENDING', n: 10 }, { status: 'SUPPRESSED', n: 90 }]);

    const listed = await store.list({ status: 'SUPPRESSED', assetId: 'P-101', limit: 1000 });
    expect(listed).toHaveLength(180);
    // Within the first ten of whichever batch came first, a repeated subject was held back as a duplicate; the rest by the rate limit.
    expect(new Set(listed.map((d) => d.suppressedReason?.split(':')[0]))).toEqual(new Set(['duplicate', 'rate limit']));
    expect(listed.every((d) => d.heldUntil !== null && d.digestId === null)).toBe(true);

    // A redelivered burst records nothing and decides nothing again.
    expect(await recordNotifications(burst, deps)).toBe(0);
    // The window has not ended: no digest yet.
    expect(await store.releaseDigests()).toBe(0);

    await windowPasses();
    expect(await store.releaseDigests()).toBe(2);
    expect(await store.releaseDigests()).toBe(0);
    const digests = await store.list({ kind: 'digest', limit: 10 });
    expect(digests.map((d) => [d.channel, d.status, d.target, d.assetId]).sort()).toEqual([
      ['email', 'PENDING', 'ops@example.com', 'P-101'],
      ['webhook', 'PENDING', WEBHOOK, 'P-101'],
    ]);
    for (const d of digests) {
      expect(d.subject).toMatch(/^90 more notifications for P-101 were held back: \[HIGH\] P-101: Temperature \d+ °C > 80 °C/);
      expect(d.body['heldBack']).toBe(90);
      expect(d.body['deliveryIds']).toHaveLength(90);
    }
    expect((await store.list({ status: 'SUPPRESSED', limit: 1000 })).every((d) => d.digestId !== null)).toBe(true);
    // In all, per channel: 10 messages and one digest for a burst of 100.
    expect((await store.list({ limit: 1000 })).filter((d) => d.channel === 'webhook' && d.status !== 'SUPPRESSED')).toHaveLength(11);

    // A new window: the next alarm goes out again.
    await recordNotifications([alarm('E-NEXT', 'HIGH', 'Temperature 95 °C > 80 °C')], deps);
    expect((await store.get('E-NEXT:webhook'))?.status).toBe('PENDING');
  });

  it('given an identical subject within the window, then it is SUPPRESSED as a duplicate; other assets are limited on their own', async () => {
    const deps = { store, webhookUrl: WEBHOOK, throttle: THROTTLE };
    await recordNotifications([alarm('D-1', 'HIGH', 'hot'), alarm('D-2', 'HIGH', 'hot'), alarm('D-3', 'HIGH', 'hot', 'P-102')], deps);
    const rows = await store.list({ limit: 10 });
    expect(rows.map((d) => [d.deliveryId, d.status])).toEqual([
      ['D-1:webhook', 'PENDING'],
      ['D-2:webhook', 'SUPPRESSED'],
      ['D-3:webhook', 'PENDING'],
    ]);
    expect(rows[1]!.suppressedReason).toMatch(/^duplicate: the same subject was sent 0 s ago, within the 600 s window$/);
  });

  it('given quiet hours around now, then a LOW alarm is due at their end and a HIGH one at once', async () => {
    const now = new Date();
    const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
    const quietHours = parseQuietHours(`${hhmm(new Date(now.getTime() - 3_600_000))}-${hhmm(new Date(now.getTime() + 3_600_000))}`, 'UTC');
    await recordNotifications([alarm('Q-1', 'LOW', 'warm'), alarm('Q-2', 'HIGH', 'hot')], { store, webhookUrl: WEBHOOK, throttle: THROTTLE, quietHours });
    const low = await store.get('Q-1:webhook');
    const high = await store.get('Q-2:webhook');
    expect(low?.status).toBe('PENDING');
    expect(Date.parse(low!.nextAttemptAt)).toBeGreaterThan(Date.parse(high!.nextAttemptAt) + 30 * 60_000);
    expect(await store.claimDue(10, 1000)).toEqual([expect.objectContaining({ deliveryId: 'Q-2:webhook' })]);
  });
});
