import { createTransport } from 'nodemailer';
import { verifyWebhookSignature } from '@twinline/contracts';
import type { Logger } from '@twinline/observability';
import { freePort, startRecordingServer, startSmtpServer, waitFor } from '@twinline/testing';
import type { DeliveryRow, DeliveryStatus, DeliveryStore } from '../deliveries/delivery-store';
import { Dispatcher, type DispatcherOptions } from './dispatcher';

type Attempt = Parameters<DeliveryStore['recordAttempt']>[1];
type Next = Parameters<DeliveryStore['recordAttempt']>[2];

interface Recorded {
  readonly attempt: Attempt;
  readonly next: Next;
  /** When the row was claimed for this attempt, and when the attempt was recorded (epoch ms). */
  readonly claimedAt: number;
  readonly recordedAt: number;
}

/** The part of the delivery log the dispatcher uses, in memory: due PENDING rows are claimed as SENDING. */
class FakeDeliveryStore implements Pick<DeliveryStore, 'claimDue' | 'recordAttempt'> {
  private readonly rows = new Map<string, { row: DeliveryRow; status: DeliveryStatus; nextAttemptAt: number; claimedAt: number }>();
  readonly recorded = new Map<string, Recorded[]>();
  readonly claims: Array<{ limit: number; leaseMs: number }> = [];

  add(row: DeliveryRow): void {
    this.rows.set(row.deliveryId, { row, status: row.status, nextAttemptAt: Date.parse(row.nextAttemptAt), claimedAt: 0 });
  }

  statusOf(deliveryId: string): DeliveryStatus | undefined {
    return this.rows.get(deliveryId)?.status;
  }

  attemptsOf(deliveryId: string): Recorded[] {
    return this.recorded.get(deliveryId) ?? [];
  }

  async claimDue(limit: number, leaseMs: number): Promise<DeliveryRow[]> {
    this.claims.push({ limit, leaseMs });
    const now = Date.now();
    const due = [...this.rows.values()].filter((r) => r.status === 'PENDING' && r.nextAttemptAt <= now).slice(0, limit);
    for (const r of due) {
      r.status = 'SENDING';
      r.claimedAt = now;
    }
    return due.map((r) => ({ ...r.row, nextAttemptAt: new Date(r.nextAttemptAt).toISOString() }));
  }

  async recordAttempt(deliveryId: string, attempt: Attempt, next: Next): Promise<void> {
    const r = this.rows.get(deliveryId);
    if (!r) throw new Error(`no delivery ${deliveryId}`);
    this.recorded.set(deliveryId, [...this.attemptsOf(deliveryId), { attempt, next, claimedAt: r.claimedAt, recordedAt: Date.now() }]);
    r.status = next.status;
    r.row = { ...r.row, attempts: attempt.attempt, lastError: attempt.error };
    if (next.nextAttemptAt) r.nextAttemptAt = next.nextAttemptAt.getTime();
  }
}

function row(deliveryId: string, target: string, channel = 'webhook'): DeliveryRow {
  return {
    deliveryId,
    eventId: `${deliveryId}-event`,
    channel,
    kind: 'alarm.raised',
    assetId: 'P-101',
    subject: '[HIGH] P-101: Temperature 82 °C > 80 °C',
    body: { eventId: `${deliveryId}-event`, eventType: 'AlarmRaised', assetId: 'P-101', alarmId: 'ALM-R-4', severity: 'HIGH' },
    target,
    status: 'PENDING',
    attempts: 0,
    nextAttemptAt: new Date(Date.now() - 1000).toISOString(),
    lastError: null,
    createdAt: new Date().toISOString(),
    deliveredAt: null,
    position: '1',
    retriedBy: null,
    retriedAt: null,
    retryBaseAttempts: 0,
  };
}

/** Keeps warnings (what an operator sees when a delivery gives up); other levels are counted. */
class RecordingLogger implements Logger {
  readonly warnings: Array<{ msg: string; fields?: Record<string, unknown> }> = [];
  other = 0;
  debug(): void {
    this.other++;
  }
  info(): void {
    this.other++;
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.warnings.push({ msg, ...(fields ? { fields } : {}) });
  }
  error(): void {
    this.other++;
  }
  child(): Logger {
    return this;
  }
}

describe('Dispatcher', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function receiver(respond?: Parameters<typeof startRecordingServer>[0]) {
    const server = await startRecordingServer(respond);
    cleanups.push(() => server.close());
    return server;
  }

  function start(store: FakeDeliveryStore, options: Partial<DispatcherOptions> = {}): { dispatcher: Dispatcher; log: RecordingLogger } {
    const log = new RecordingLogger();
    const dispatcher = new Dispatcher({
      store: store as unknown as DeliveryStore,
      policy: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
      timeoutMs: 2000,
      pollMs: 5,
      log,
      ...options,
    });
    dispatcher.start();
    cleanups.push(() => dispatcher.stop());
    return { dispatcher, log };
  }

  const settled = (store: FakeDeliveryStore, deliveryId: string, status: DeliveryStatus) =>
    waitFor(() => store.statusOf(deliveryId), { accept: (s) => s === status, timeoutMs: 5000, what: `${deliveryId} ${status}` });

  it('marks a delivery DELIVERED after one attempt when the webhook answers 204, posting the notification with its headers', async () => {
    const server = await receiver(() => 204);
    const store = new FakeDeliveryStore();
    store.add(row('D-1', `${server.url}/hooks/twinline`));
    start(store);

    await settled(store, 'D-1', 'DELIVERED');
    expect(store.attemptsOf('D-1').map((r) => [r.attempt, r.next])).toEqual([
      [{ attempt: 1, ok: true, statusCode: 204, error: null, durationMs: expect.any(Number) }, { status: 'DELIVERED' }],
    ]);
    expect(server.received).toHaveLength(1);
    const [request] = server.received;
    expect(request).toMatchObject({ method: 'POST', url: '/hooks/twinline' });
    expect(request!.headers).toMatchObject({ 'content-type': 'application/json', 'x-twinline-delivery-id': 'D-1', 'x-twinline-event-id': 'D-1-event', 'x-twinline-attempt': '1' });
    expect(request!.body).toEqual({
      deliveryId: 'D-1',
      kind: 'alarm.raised',
      subject: '[HIGH] P-101: Temperature 82 °C > 80 °C',
      eventId: 'D-1-event',
      eventType: 'AlarmRaised',
      assetId: 'P-101',
      alarmId: 'ALM-R-4',
      severity: 'HIGH',
    });
  });

  it('retries a 500 with backoff, then gives up as DEAD after maxAttempts', async () => {
    const server = await receiver(() => 500);
    const store = new FakeDeliveryStore();
    store.add(row('D-2', server.url));
    const { log } = start(store);

    await settled(store, 'D-2', 'DEAD');
    const attempts = store.attemptsOf('D-2');
    expect(attempts.map((r) => r.attempt)).toEqual([1, 2, 3].map((attempt) => ({ attempt, ok: false, statusCode: 500, error: 'HTTP 500', durationMs: expect.any(Number) })));
    expect(attempts.map((r) => r.next.status)).toEqual(['PENDING', 'PENDING', 'DEAD']);
    // Each retry waits at most base·2^(n−1) (1 ms, then 2 ms) after the failed attempt, with jitter.
    attempts.slice(0, 2).forEach((r, i) => {
      const at = r.next.nextAttemptAt!.getTime();
      expect(at).toBeGreaterThanOrEqual(r.claimedAt);
      expect(at).toBeLessThan(r.recordedAt + 2 ** i);
    });
    expect(attempts[2]!.next.nextAttemptAt).toBeUndefined();
    expect(server.received.map((r) => r.headers['x-twinline-attempt'])).toEqual(['1', '2', '3']);
    expect(log.warnings).toContainEqual({ msg: 'delivery gave up: dead letter', fields: { deliveryId: 'D-2', attempts: 3, error: 'HTTP 500' } });
  });

  it('delivers on a retry once the webhook recovers', async () => {
    let calls = 0;
    const server = await receiver(() => (++calls === 1 ? 503 : 200));
    const store = new FakeDeliveryStore();
    store.add(row('D-3', server.url));
    start(store);

    await settled(store, 'D-3', 'DELIVERED');
    expect(store.attemptsOf('D-3').map((r) => [r.attempt.statusCode, r.next.status])).toEqual([
      [503, 'PENDING'],
      [200, 'DELIVERED'],
    ]);
    expect(server.received).toHaveLength(2);
  });

  it('gives up at once on a 400: the same request would fail again', async () => {
    const server = await receiver(() => 400);
    const store = new FakeDeliveryStore();
    store.add(row('D-4', server.url));
    const { log } = start(store);

    await settled(store, 'D-4', 'DEAD');
    expect(store.attemptsOf('D-4').map((r) => [r.attempt, r.next])).toEqual([
      [{ attempt: 1, ok: false, statusCode: 400, error: 'HTTP 400', durationMs: expect.any(Number) }, { status: 'DEAD' }],
    ]);
    expect(server.received).toHaveLength(1);
    expect(log.warnings).toContainEqual({ msg: 'delivery gave up: dead letter', fields: { deliveryId: 'D-4', attempts: 1, error: 'HTTP 400' } });
  });

  it('retries a webhook nobody listens on, recording the network error without a status', async () => {
    const port = await freePort();
    const store = new FakeDeliveryStore();
    store.add(row('D-5', `http://127.0.0.1:${port}/hooks`));
    start(store, { policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });

    await settled(store, 'D-5', 'DEAD');
    const attempts = store.attemptsOf('D-5');
    expect(attempts.map((r) => [r.attempt.attempt, r.attempt.ok, r.attempt.statusCode, r.next.status])).toEqual([
      [1, false, null, 'PENDING'],
      [2, false, null, 'DEAD'],
    ]);
    for (const r of attempts) expect(r.attempt.error).toEqual(expect.any(String));
  });

  it('sends every due delivery, claiming with a lease of three send timeouts', async () => {
    const server = await receiver(() => 204);
    const store = new FakeDeliveryStore();
    const ids = ['D-6', 'D-7', 'D-8'];
    for (const id of ids) store.add(row(id, server.url));
    start(store, { concurrency: 2, timeoutMs: 1000 });

    for (const id of ids) await settled(store, id, 'DELIVERED');
    expect(server.received.map((r) => r.headers['x-twinline-delivery-id']).sort()).toEqual(ids);
    expect(store.claims[0]).toEqual({ limit: 2, leaseMs: 3000 });
  });

  it('stop wakes a loop that waits for its next poll, and nothing is claimed after it', async () => {
    const store = new FakeDeliveryStore();
    // A poll interval far beyond the test timeout: stop() only returns in time if it wakes the loop.
    const { dispatcher } = start(store, { pollMs: 600_000 });
    await waitFor(() => store.claims.length === 1, { what: 'the first poll' });
    await dispatcher.stop();
    store.add(row('D-9', 'http://127.0.0.1:9/never'));
    dispatcher.wake();
    expect(store.claims).toHaveLength(1);
    expect(store.statusOf('D-9')).toBe('PENDING');
  });
  it('signs every webhook body when a secret is configured: X-Twinline-Signature verifies against the raw body', async () => {
    const secret = 'whsec_0123456789abcdef0123456789abcdef';
    let calls = 0;
    const server = await receiver(() => (++calls === 1 ? 503 : 204));
    const store = new FakeDeliveryStore();
    store.add(row('D-10', server.url));
    start(store, { webhookSecret: secret });

    await settled(store, 'D-10', 'DELIVERED');
    expect(server.received).toHaveLength(2);
    for (const request of server.received) {
      const header = request.headers['x-twinline-signature'] as string;
      expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
      expect(verifyWebhookSignature(header, request.raw, secret, new Date())).toEqual({ ok: true, t: expect.any(Number) });
      expect(verifyWebhookSignature(header, request.raw, `${secret}-other`, new Date())).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('sends no signature header without a secret', async () => {
    const server = await receiver(() => 204);
    const store = new FakeDeliveryStore();
    store.add(row('D-11', server.url));
    start(store);
    await settled(store, 'D-11', 'DELIVERED');
    expect(server.received[0]!.headers).not.toHaveProperty('x-twinline-signature');
  });

  it('after an admin retry of a dead letter, numbers attempts on and gives the policy a fresh budget', async () => {
    const server = await receiver(() => 500);
    const store = new FakeDeliveryStore();
    // Three attempts made, dead, then retried by an admin: with maxAttempts 3 it may fail twice more before it is dead again.
    store.add({ ...row('D-12', server.url), attempts: 3, retryBaseAttempts: 3, retriedBy: 'user:admin', retriedAt: new Date().toISOString() });
    start(store);

    await settled(store, 'D-12', 'DEAD');
    expect(store.attemptsOf('D-12').map((r) => [r.attempt.attempt, r.next.status])).toEqual([
      [4, 'PENDING'],
      [5, 'PENDING'],
      [6, 'DEAD'],
    ]);
    expect(server.received.map((r) => r.headers['x-twinline-attempt'])).toEqual(['4', '5', '6']);
  });

  describe('e-mail over SMTP (a real SMTP server)', () => {
    async function smtp(respond?: Parameters<typeof startSmtpServer>[0]) {
      const server = await startSmtpServer(respond);
      cleanups.push(() => server.close());
      const transport = createTransport({ url: server.url, connectionTimeout: 2000, greetingTimeout: 2000, socketTimeout: 2000 });
      cleanups.push(async () => transport.close());
      return { server, email: { transport, from: 'twinline@example.com' } };
    }

    it('mails the notification to every recipient: subject, plain text with its fields, the JSON attached', async () => {
      const { server, email } = await smtp();
      const store = new FakeDeliveryStore();
      store.add(row('D-20', 'ops@example.com, planner@example.com', 'email'));
      start(store, { email });

      await settled(store, 'D-20', 'DELIVERED');
      expect(store.attemptsOf('D-20').map((r) => [r.attempt.attempt, r.attempt.ok, r.attempt.statusCode, r.attempt.error, r.next.status])).toEqual([[1, true, 250, null, 'DELIVERED']]);
      expect(server.received).toHaveLength(1);
      const [{ envelope, mail }] = server.received as [(typeof server.received)[number]];
      expect(envelope).toEqual({ from: 'twinline@example.com', to: ['ops@example.com', 'planner@example.com'] });
      expect(mail.subject).toBe('[HIGH] P-101: Temperature 82 °C > 80 °C');
      expect(mail.from?.text).toBe('twinline@example.com');
      expect(mail.headers.get('x-twinline-delivery-id')).toBe('D-20');
      expect(mail.headers.get('x-twinline-attempt')).toBe('1');
      expect(mail.text).toContain('[HIGH] P-101: Temperature 82 °C > 80 °C');
      expect(mail.text).toContain('alarmId: ALM-R-4');
      expect(mail.text).toContain('severity: HIGH');
      expect(mail.attachments.map((a) => [a.filename, a.contentType])).toEqual([['notification.json', 'application/json']]);
      expect(JSON.parse(mail.attachments[0]!.content.toString('utf8'))).toEqual({
        deliveryId: 'D-20',
        kind: 'alarm.raised',
        subject: '[HIGH] P-101: Temperature 82 °C > 80 °C',
        eventId: 'D-20-event',
        eventType: 'AlarmRaised',
        assetId: 'P-101',
        alarmId: 'ALM-R-4',
        severity: 'HIGH',
      });
    });

    it('retries a message the server refuses (even a 5xx reply: SMTP codes are not HTTP statuses), logging the SMTP reply', async () => {
      let refusals = 0;
      const { server, email } = await smtp(() => (++refusals <= 2 ? { code: refusals === 1 ? 451 : 554, message: 'mailbox busy' } : undefined));
      const store = new FakeDeliveryStore();
      store.add(row('D-21', 'ops@example.com', 'email'));
      start(store, { email });

      await settled(store, 'D-21', 'DELIVERED');
      const attempts = store.attemptsOf('D-21');
      expect(attempts.map((r) => [r.attempt.attempt, r.attempt.ok, r.attempt.statusCode, r.next.status])).toEqual([
        [1, false, 451, 'PENDING'],
        [2, false, 554, 'PENDING'],
        [3, true, 250, 'DELIVERED'],
      ]);
      expect(attempts[0]!.attempt.error).toMatch(/^SMTP .*451.*mailbox busy/);
      expect(server.received.map((m) => m.mail.headers.get('x-twinline-attempt'))).toEqual(['3']);
    });

    it('ends in a dead letter when no SMTP server answers', async () => {
      const port = await freePort();
      const transport = createTransport({ url: `smtp://127.0.0.1:${port}`, connectionTimeout: 2000 });
      cleanups.push(async () => transport.close());
      const store = new FakeDeliveryStore();
      store.add(row('D-22', 'ops@example.com', 'email'));
      const { log } = start(store, { email: { transport, from: 'twinline@example.com' }, policy: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 } });

      await settled(store, 'D-22', 'DEAD');
      expect(store.attemptsOf('D-22').map((r) => [r.attempt.attempt, r.attempt.ok, r.attempt.statusCode, r.next.status])).toEqual([
        [1, false, null, 'PENDING'],
        [2, false, null, 'DEAD'],
      ]);
      expect(log.warnings).toContainEqual({ msg: 'delivery gave up: dead letter', fields: { deliveryId: 'D-22', attempts: 2, error: expect.stringMatching(/^SMTP .*ECONNREFUSED/) } });
    });
  });
});
