import { randomBytes } from 'node:crypto';
import { sendReadings } from '@twinline/cli';
import { verifyWebhookSignature } from '@twinline/contracts';
import { startRecordingServer, startSmtpServer, waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface DeliveryView {
  deliveryId: string;
  eventId: string;
  channel: string;
  kind: string;
  assetId: string;
  recipient: string | null;
  target: string | null;
  status: string;
  subject: string;
  createdAt: string;
  digestId: string | null;
  suppressedReason: string | null;
  body: Record<string, unknown>;
}

interface EscalationView {
  escalationId: string;
  alarmId: string;
  rule: string;
  level: number;
  nextAt: string | null;
  stoppedAt: string | null;
  stopReason: string | null;
}

const RATE_LIMIT = 3;
const WINDOW_SECONDS = 10;

/**
 * Routing rules, recipients and escalation end to end (five services as processes, a real SMTP server,
 * a webhook receiver). Recipients: alice (e-mail, operator), planning (webhook, planner), carol
 * (e-mail and webhook, auditor: no rule names her), dave, erin (e-mail, operators) and frank (e-mail,
 * admin). Rules: HIGH+ alarms of north-field pumps to alice; work orders to every planner; alarms in
 * east-field to dave, escalated to erin after 2 s and to frank after 12 s while unacknowledged.
 */
describe('notification routing: rules, recipients, per-recipient rate limits, escalation', () => {
  let h: Harness;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let receiver: Awaited<ReturnType<typeof startRecordingServer>>;
  const secret = randomBytes(32).toString('base64url');
  const registry = testRegistry([
    { assetId: 'P-101', registration: P101_REGISTRATION },
    { assetId: 'E-201', registration: { ...P101_REGISTRATION, site: 'east-field' } },
    { assetId: 'E-202', registration: { ...P101_REGISTRATION, site: 'east-field' } },
    { assetId: 'C-301', registration: { ...P101_REGISTRATION, site: 'south-field', assetClass: 'compressor' } },
  ]);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    receiver = await startRecordingServer(() => 204);
    const routes = {
      recipients: [
        { name: 'alice', email: 'alice@example.com', roles: ['operator'] },
        { name: 'planning', webhook: `${receiver.url}/planning`, roles: ['planner'] },
        { name: 'carol', email: 'carol@example.com', webhook: `${receiver.url}/carol`, roles: ['auditor'] },
        { name: 'dave', email: 'dave@example.com', roles: ['operator'] },
        { name: 'erin', email: 'erin@example.com', roles: ['operator'] },
        { name: 'frank', email: 'frank@example.com', roles: ['admin'] },
      ],
      rules: [
        { name: 'north-pumps', sites: ['north-field'], assetClasses: ['pump'], minSeverity: 'HIGH', kinds: ['alarm.raised'], notify: ['alice'] },
        { name: 'work-orders', kinds: ['workorder.opened'], notifyRoles: ['planner'] },
        { name: 'east', sites: ['east-field'], kinds: ['alarm.raised'], notify: ['dave'], escalation: [{ afterSeconds: 2, notify: ['erin'] }, { afterSeconds: 12, notifyRoles: ['admin'] }] },
      ],
    };
    h = await startHarness('e2e_routes', {
      ...registry.env,
      NOTIFY_ROUTES: JSON.stringify(routes),
      NOTIFY_WEBHOOK_SECRET: secret,
      NOTIFY_SMTP_URL: smtp.url,
      NOTIFY_EMAIL_FROM: 'twinline@example.com',
      NOTIFY_RATE_LIMIT: String(RATE_LIMIT),
      NOTIFY_RATE_WINDOW_SECONDS: String(WINDOW_SECONDS),
      NOTIFY_ESCALATION_POLL_MS: '200',
    });
  });
  afterAll(async () => {
    await h?.teardown();
    await receiver?.close();
    await smtp?.close();
  });

  const deliveries = async (query: string) => {
    const items: DeliveryView[] = [];
    for (let after = '0'; ; ) {
      const page = await getJson<{ items: DeliveryView[]; nextAfter: string | null }>(`${h.platform.urls.notification}/v1/deliveries?${query}&limit=1000&after=${after}`, { token: h.tokens.auditor });
      items.push(...page.body.items);
      if (!page.body.nextAfter) return items;
      after = page.body.nextAfter;
    }
  };
  const twinEvents = (assetId: string, type: string) =>
    getJson<{ items: Array<{ type: string; data: { alarmId: string } }> }>(`${h.platform.urls['twin-state']}/v1/assets/${assetId}/events?type=${type}&limit=1000`, { token: h.tokens.operator });
  const mailsTo = (address: string) => smtp.received.filter((m) => m.envelope.to.includes(address));
  const send = (readings: Array<{ deviceId: string; assetId: string; seq: number; ts: string; metrics: Record<string, number> }>) =>
    sendReadings(registry.sign(readings), { via: 'http', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field' });
  const hot = (assetId: string, seq: number, ts: number, temperatureC = 90) => ({ deviceId: `${assetId}-edge`, assetId, seq, ts: new Date(ts).toISOString(), metrics: { temperatureC } });

  it('(a) a burst of alarms on one asset reaches its recipient as at most the rate limit per window, plus digests naming every one held back', async () => {
    // Above and below the pump's 80 °C limit in turn: every crossing upwards raises a new alarm episode.
    const start = Date.now() - 3 * 3600_000;
    const burst = Array.from({ length: 200 }, (_, i) => hot('P-101', i + 1, start + i * 10_000, i % 2 === 0 ? 81 + ((i / 2) % 15) : 70));
    await send(burst);
    await waitFor(() => getJson<{ readingsApplied: number }>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.body.readingsApplied === 200,
      what: '200 readings applied to P-101',
      timeoutMs: 60_000,
    });
    const raised = (await twinEvents('P-101', 'AlarmRaised')).body.items;
    // 100 crossings upwards: 100 alarm episodes.
    expect(raised).toHaveLength(100);

    // Every alarm is in alice's log: sent, or held back and named in a digest that went out.
    const settled = await waitFor(() => deliveries('assetId=P-101&recipient=alice'), {
      accept: (items) => {
        const alarms = items.filter((d) => d.kind === 'alarm.raised');
        const digests = items.filter((d) => d.kind === 'digest');
        return alarms.length === raised.length && alarms.every((d) => d.status === 'DELIVERED' || (d.status === 'SUPPRESSED' && d.digestId !== null)) && digests.length > 0 && digests.every((d) => d.status === 'DELIVERED');
      },
      what: `all ${raised.length} alarms delivered or named in a delivered digest`,
      timeoutMs: 90_000,
      intervalMs: 250,
    });
    const alarms = settled.filter((d) => d.kind === 'alarm.raised');
    const sent = alarms.filter((d) => d.status === 'DELIVERED');
    const held = alarms.filter((d) => d.status === 'SUPPRESSED');
    const digests = settled.filter((d) => d.kind === 'digest');
    expect(new Set(alarms.map((d) => d.body['alarmId']))).toEqual(new Set(raised.map((e) => e.data.alarmId)));
    expect(held.length).toBeGreaterThan(0);
    // The limit holds in every window: at most RATE_LIMIT sent within any WINDOW_SECONDS.
    for (const d of sent) {
      const t = Date.parse(d.createdAt);
      expect(sent.filter((x) => Date.parse(x.createdAt) > t - WINDOW_SECONDS * 1000 && Date.parse(x.createdAt) <= t).length).toBeLessThanOrEqual(RATE_LIMIT);
    }
    const span = Math.max(...alarms.map((d) => Date.parse(d.createdAt))) - Math.min(...alarms.map((d) => Date.parse(d.createdAt)));
    expect(sent.length).toBeLessThanOrEqual(RATE_LIMIT * (Math.floor(span / (WINDOW_SECONDS * 1000)) + 1));
    expect(held.every((d) => d.suppressedReason !== null)).toBe(true);
    // Nothing lost: each one held back is named by exactly one digest, and the digests name no other.
    const named = digests.flatMap((d) => d.body['deliveryIds'] as string[]);
    expect([...named].sort()).toEqual(held.map((d) => d.deliveryId).sort());
    for (const d of held) expect(digests.find((g) => g.deliveryId === d.digestId)?.body['deliveryIds']).toContain(d.deliveryId);

    // What alice's mailbox got: the alarms sent and the digests, nothing else about P-101.
    await waitFor(() => mailsTo('alice@example.com').length, { accept: (n) => n >= sent.length + digests.length, what: "alice's e-mails at the SMTP server" });
    const mails = mailsTo('alice@example.com');
    expect(mails).toHaveLength(sent.length + digests.length);
    expect(mails.every((m) => m.envelope.to.length === 1)).toBe(true);
    expect(mails.filter((m) => /held back/.test(m.mail.subject ?? '')).map((m) => m.mail.subject).sort()).toEqual(digests.map((d) => d.subject).sort());
  });

  it('(b) routes by site, class, severity and kind: alice gets north-field pump alarms by e-mail, planners work orders by webhook, carol nothing; an unrouted alarm goes the old way', async () => {
    // A compressor in south-field: no rule matches, so it goes to NOTIFY_WEBHOOK_URL as without routes.
    await send([hot('C-301', 1, Date.now() - 60_000)]);
    const fallback = await waitFor(() => deliveries('assetId=C-301'), { accept: (items) => items.some((d) => d.kind === 'alarm.raised' && d.status === 'DELIVERED'), what: 'the C-301 alarm delivered' });
    expect(fallback.filter((d) => d.kind === 'alarm.raised').map((d) => [d.recipient, d.channel, d.target])).toEqual([[null, 'webhook', `${h.webhook.url}/notify`]]);
    expect(h.webhook.received.filter((r) => (r.body as { assetId?: string }).assetId === 'C-301' && (r.body as { kind?: string }).kind === 'alarm.raised')).toHaveLength(1);

    // Alice: only alarms, only by e-mail, only for P-101 (the north-field pump).
    const alice = await deliveries('recipient=alice');
    expect(new Set(alice.map((d) => `${d.channel} ${d.assetId} ${d.kind}`))).toEqual(new Set(['email P-101 alarm.raised', 'email P-101 digest']));

    // Planners: the work orders (P-101's and C-301's), by signed webhook.
    const planning = await waitFor(() => deliveries('recipient=planning'), {
      accept: (items) => ['P-101', 'C-301'].every((a) => items.some((d) => d.assetId === a && d.kind === 'workorder.opened' && d.status === 'DELIVERED')),
      what: 'work orders of P-101 and C-301 delivered to planning',
    });
    expect(new Set(planning.map((d) => `${d.channel} ${d.kind}`))).toEqual(new Set(['webhook workorder.opened']));
    const toPlanning = receiver.received.filter((r) => r.url === '/planning');
    expect(toPlanning.length).toBeGreaterThanOrEqual(2);
    for (const r of toPlanning) {
      expect(r.body).toMatchObject({ kind: 'workorder.opened', recipient: 'planning', rules: ['work-orders'] });
      expect(verifyWebhookSignature(r.headers['x-twinline-signature'] as string, r.raw, secret, new Date())).toMatchObject({ ok: true });
    }

    // Carol matches no rule: nothing in the log, no request, no e-mail.
    expect(await deliveries('recipient=carol')).toEqual([]);
    expect(receiver.received.filter((r) => r.url === '/carol')).toEqual([]);
    expect(mailsTo('carol@example.com')).toEqual([]);
  });

  it('(c) escalates an unacknowledged alarm to the next recipient, and stops once an operator acknowledges it', async () => {
    await send([hot('E-201', 1, Date.now() - 60_000)]);
    const [alarm] = (await waitFor(() => twinEvents('E-201', 'AlarmRaised'), { accept: (r) => r.status === 200 && r.body.items.length === 1, what: 'the E-201 alarm', timeoutMs: 30_000 })).body.items;
    const alarmId = alarm!.data.alarmId;

    // Level 1 after 2 s: dave (told at once) again, and erin.
    const first = await waitFor(() => deliveries('assetId=E-201&kind=alarm.escalated'), {
      accept: (items) => items.filter((d) => d.status === 'DELIVERED').length === 2,
      what: 'level 1 of the E-201 escalation delivered',
      timeoutMs: 30_000,
    });
    expect(first.map((d) => [d.recipient, d.subject.slice(0, 16)]).sort()).toEqual([
      ['dave', '[ESCALATED 1/2] '],
      ['erin', '[ESCALATED 1/2] '],
    ]);
    expect(mailsTo('erin@example.com').map((m) => m.mail.subject)).toEqual([first.find((d) => d.recipient === 'erin')!.subject]);
    expect((await deliveries('assetId=E-201&recipient=dave&kind=alarm.raised')).map((d) => d.status)).toEqual(['DELIVERED']);

    // An operator acknowledges (the twin's route, built alongside: poll until it answers).
    const ack = await waitFor(() => postJson(`${h.platform.urls['twin-state']}/v1/assets/E-201/alarms/${encodeURIComponent(alarmId)}/acknowledge`, { note: 'on my way' }, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200,
      what: 'the acknowledgement accepted',
    });
    expect(ack.status).toBe(200);
    const stopped = await waitFor(
      () => getJson<{ items: EscalationView[] }>(`${h.platform.urls.notification}/v1/escalations?assetId=E-201`, { token: h.tokens.operator }),
      { accept: (r) => r.body.items.length === 1 && r.body.items[0]!.stoppedAt !== null, what: 'the E-201 escalation stopped' },
    );
    expect(stopped.body.items[0]).toMatchObject({ alarmId, rule: 'east', level: 1, nextAt: null, stopReason: 'acknowledged by user:operator' });

    // A later alarm on E-202, left unacknowledged, runs through both levels: once frank has its level 2,
    // E-201's level 2 (due earlier) would have gone out too, had the acknowledgement not stopped it.
    await send([hot('E-202', 1, Date.now() - 60_000)]);
    await waitFor(() => deliveries('assetId=E-202&kind=alarm.escalated&recipient=frank'), {
      accept: (items) => items.some((d) => d.subject.startsWith('[ESCALATED 2/2] ') && d.status === 'DELIVERED'),
      what: 'level 2 of the E-202 escalation delivered to frank',
      timeoutMs: 60_000,
    });
    expect((await deliveries('assetId=E-201&kind=alarm.escalated')).map((d) => d.subject.slice(0, 16))).toEqual(['[ESCALATED 1/2] ', '[ESCALATED 1/2] ']);
    expect(mailsTo('frank@example.com').every((m) => (m.mail.subject ?? '').includes('E-202'))).toBe(true);
  });
});
