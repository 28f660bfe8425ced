import { randomBytes } from 'node:crypto';
import { p101Readings, sendReadings } from '@twinline/cli';
import { verifyWebhookSignature, WEBHOOK_SIGNATURE_TOLERANCE_SECONDS } from '@twinline/contracts';
import { startRecordingServer, startSmtpServer, waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface DeliveryView {
  deliveryId: string;
  channel: string;
  kind: string;
  status: string;
  subject: string;
  attempts: number;
  retriedBy: string | null;
  retriedAt: string | null;
  attemptLog: Array<{ attempt: number; ok: boolean; statusCode: number | null; error: string | null }>;
  retries: Array<{ afterAttempt: number; by: string; at: string }>;
}

/**
 * The notification channels end to end: the P-101 table raises four alarms (P-101 is registered as a
 * pump: a limit and a vibration alarm per episode) and opens two work orders (one per cause); each
 * notification goes out by e-mail (to a real SMTP server) and by signed webhook. The webhook receiver
 * fails at first, so its deliveries end as dead letters; once it works, an admin (and only an admin)
 * retries one, and the delivery log shows every attempt and who retried.
 */
describe('notification channels: e-mail, signed webhooks, dead letters an admin retries', () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startRecordingServer>>;
  let receiverWorks = false;
  const secret = randomBytes(32).toString('base64url');
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startRecordingServer(() => (receiverWorks ? 204 : 500));
    h = await startHarness('e2e_notify', {
      ...registry.env,
      NOTIFY_WEBHOOK_URL: `${receiver.url}/twinline`,
      NOTIFY_WEBHOOK_SECRET: secret,
      NOTIFY_SMTP_URL: smtp.url,
      NOTIFY_EMAIL_FROM: 'twinline@example.com',
      NOTIFY_EMAIL_TO: 'ops@example.com, planner@example.com',
      NOTIFY_MAX_ATTEMPTS: '2',
    });
  });
  afterAll(async () => {
    await h?.teardown();
    await receiver?.close();
    await smtp?.close();
  });

  const deliveries = () => getJson<{ items: DeliveryView[] }>(`${h.platform.urls.notification}/v1/deliveries?assetId=P-101`, { token: h.tokens.auditor });
  const retry = (deliveryId: string, token: string) => postJson<DeliveryView & { code?: string; detail?: string; deliveryStatus?: string }>(`${h.platform.urls.notification}/v1/deliveries/${encodeURIComponent(deliveryId)}/retry`, {}, { token });

  it('mails every notification and signs every webhook; failing webhooks end as dead letters', async () => {
    await sendReadings(registry.sign(p101Readings({ seqBase: 0 })), { via: 'http', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });

    // Four alarms (two causes, two episodes) and two work orders (one per cause): six notifications, each on both channels.
    const log = await waitFor(deliveries, {
      accept: (r) => r.body.items.length === 12 && r.body.items.every((d) => (d.channel === 'email' ? d.status === 'DELIVERED' : d.status === 'DEAD')),
      what: 'six e-mails delivered and six webhooks dead',
      timeoutMs: 60_000,
    });
    const byChannel = (channel: string) => log.body.items.filter((d) => d.channel === channel);
    const kinds = ['alarm.raised', 'alarm.raised', 'alarm.raised', 'alarm.raised', 'workorder.opened', 'workorder.opened'];
    expect(byChannel('email').map((d) => d.kind).sort()).toEqual(kinds);
    expect(byChannel('webhook').map((d) => d.kind).sort()).toEqual(kinds);
    for (const d of byChannel('webhook')) {
      expect(d.attemptLog.map((a) => [a.attempt, a.ok, a.statusCode, a.error])).toEqual([
        [1, false, 500, 'HTTP 500'],
        [2, false, 500, 'HTTP 500'],
      ]);
    }

    // The e-mails, as the SMTP server received and mailparser read them.
    await waitFor(() => smtp.received.length, { accept: (n) => n === 6, what: 'six e-mails at the SMTP server' });
    expect(smtp.received.map((m) => m.mail.subject).sort()).toEqual(byChannel('email').map((d) => d.subject).sort());
    for (const { envelope, mail } of smtp.received) {
      expect(envelope).toEqual({ from: 'twinline@example.com', to: ['ops@example.com', 'planner@example.com'] });
      expect(mail.from?.text).toBe('twinline@example.com');
      expect(mail.subject).toMatch(/P-101/);
      expect(mail.text).toContain('assetId: P-101');
      const json = JSON.parse(mail.attachments.find((a) => a.filename === 'notification.json')!.content.toString('utf8')) as { assetId: string; kind: string; deliveryId: string };
      expect(json).toMatchObject({ assetId: 'P-101', deliveryId: mail.headers.get('x-twinline-delivery-id') });
    }
    const alarmEmail = byChannel('email').find((d) => d.kind === 'alarm.raised')!;
    const alarmMail = smtp.received.find((m) => m.mail.headers.get('x-twinline-delivery-id') === alarmEmail.deliveryId)!;
    expect(alarmMail.mail.subject).toBe(alarmEmail.subject);
    expect(alarmMail.mail.text).toContain('alarmId: ALM-');

    // Every webhook request (failed ones too) carries a signature a receiver verifies with the shared secret.
    expect(receiver.received).toHaveLength(12); // six webhooks, two attempts each
    for (const request of receiver.received) {
      const header = request.headers['x-twinline-signature'] as string;
      expect(verifyWebhookSignature(header, request.raw, secret, new Date(), WEBHOOK_SIGNATURE_TOLERANCE_SECONDS)).toEqual({ ok: true, t: expect.any(Number) });
      expect(verifyWebhookSignature(header, request.raw.replace('P-101', 'P-102'), secret, new Date())).toMatchObject({ ok: false, reason: 'mismatch' });
    }
  });

  it('lets only an admin retry, and only a dead letter: 403 for auditor and operator, 404 unknown, 409 naming the status', async () => {
    const items = (await deliveries()).body.items;
    const dead = items.find((d) => d.channel === 'webhook' && d.kind === 'alarm.raised')!;
    const delivered = items.find((d) => d.channel === 'email')!;

    for (const role of ['auditor', 'operator', 'planner'] as const) {
      const refused = await retry(dead.deliveryId, h.tokens[role]);
      expect([role, refused.status]).toEqual([role, 403]);
    }
    const unknown = await retry('no-such-event:webhook', h.tokens.admin);
    expect(unknown.status).toBe(404);
    expect(unknown.contentType).toContain('application/problem+json');
    const conflict = await retry(delivered.deliveryId, h.tokens.admin);
    expect(conflict.status).toBe(409);
    expect(conflict.contentType).toContain('application/problem+json');
    expect(conflict.body).toMatchObject({ code: 'DELIVERY.NOT_DEAD_LETTER', deliveryStatus: 'DELIVERED' });
    expect(conflict.body.detail).toContain('is DELIVERED');

    // Nothing changed: still dead, still two attempts.
    const still = (await deliveries()).body.items.find((d) => d.deliveryId === dead.deliveryId)!;
    expect([still.status, still.attempts, still.retries]).toEqual(['DEAD', 2, []]);
  });

  it("delivers a dead letter an admin retries once the receiver works, and the log shows every attempt and who retried", async () => {
    const dead = (await deliveries()).body.items.find((d) => d.channel === 'webhook' && d.kind === 'alarm.raised')!;
    receiverWorks = true;
    const before = receiver.received.length;

    const retried = await retry(dead.deliveryId, h.tokens.admin);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ deliveryId: dead.deliveryId, retriedBy: 'user:admin', retries: [{ afterAttempt: 2, by: 'user:admin' }] });

    const done = await waitFor(deliveries, { accept: (r) => r.body.items.find((d) => d.deliveryId === dead.deliveryId)?.status === 'DELIVERED', what: 'the retried delivery DELIVERED' });
    const d = done.body.items.find((x) => x.deliveryId === dead.deliveryId)!;
    expect(d.attemptLog.map((a) => [a.attempt, a.ok, a.statusCode])).toEqual([
      [1, false, 500],
      [2, false, 500],
      [3, true, 204],
    ]);
    expect(d).toMatchObject({ attempts: 3, retriedBy: 'user:admin', retriedAt: expect.any(String), retries: [{ afterAttempt: 2, by: 'user:admin', at: expect.any(String) }] });

    // The receiver got exactly the one retried request, numbered on and signed.
    expect(receiver.received.slice(before)).toHaveLength(1);
    const request = receiver.received[before]!;
    expect(request.headers).toMatchObject({ 'x-twinline-delivery-id': dead.deliveryId, 'x-twinline-attempt': '3' });
    expect(verifyWebhookSignature(request.headers['x-twinline-signature'] as string, request.raw, secret, new Date())).toMatchObject({ ok: true });

    // The other dead letters stay dead until someone retries them; a delivered one cannot be retried again.
    expect(done.body.items.filter((x) => x.channel === 'webhook' && x.deliveryId !== dead.deliveryId).map((x) => x.status)).toEqual(['DEAD', 'DEAD', 'DEAD', 'DEAD', 'DEAD']);
    expect((await retry(dead.deliveryId, h.tokens.admin)).body).toMatchObject({ status: 409, deliveryStatus: 'DELIVERED' });
  });
});
