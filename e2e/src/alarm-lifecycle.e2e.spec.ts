import { sendReadings } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface AlarmView {
  alarmId: string;
  cause: string;
  state: 'ACTIVE_UNACKED' | 'ACTIVE_ACKED' | 'RETURNED_UNACKED';
  acknowledgedBy: string | null;
  shelved: { by: string; until: string; reason: string } | null;
}
interface AssetView {
  status: string;
  readingsApplied: number;
  activeAlarms: AlarmView[];
  alarms: AlarmView[];
  shelves: Record<string, { alarmId: string; until: string }>;
}
interface Problem {
  status: number;
  code: string;
  errors: Array<{ field: string; message: string }>;
}
interface Kpis {
  from: string;
  to: string;
  sites: Array<{ site: string | null; alarms: number; shelvedRaises: number; reannouncements: number; floodPeriods: Array<{ start: string; end: string; alarms: number }>; percentTimeInFlood: number; topTenSharePercent: number }>;
  targets: Record<string, number>;
}

const SITE = 'north-field';
const TEN_MINUTES = 600_000;
/** The flood's period: a 10-minute period starting 1 h 10 min ago at the latest (readings that old are a backfill). */
const FLOOD_FROM = Math.floor((Date.now() - 70 * 60_000) / TEN_MINUTES) * TEN_MINUTES;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The ISA-18.2 alarm lifecycle end to end, like an operator and a reliability manager use it over
 * HTTP: readings over HTTP ingestion raise alarms; the operator acknowledges one and shelves another
 * (a shelve longer than the profile allows is refused naming the field, an auditor may not shelve);
 * the shelve expires by the alarm timer; an alarm left unacknowledged is re-announced and notified
 * (a per-asset profile override); a burst of alarm episodes on one site makes the KPI endpoint
 * report a flood period.
 */
describe('alarm lifecycle: acknowledge, shelve, expiry, re-alarm, KPIs', () => {
  let h: Harness;
  const assets = ['A-301', 'A-302', 'A-304', 'F-301'];
  const registry = testRegistry(assets.map((assetId) => ({ assetId, registration: P101_REGISTRATION })));
  const seqs = new Map<string, number>();
  /** Signed readings of one asset (temperature per reading) at the given times. */
  const readings = (assetId: string, points: Array<[number, number]>) =>
    registry.sign(
      points.map(([ts, temperatureC]) => {
        const seq = (seqs.get(assetId) ?? 0) + 1;
        seqs.set(assetId, seq);
        return { deviceId: `${assetId}-edge`, assetId, seq, ts: iso(ts), metrics: { temperatureC, pressurePsi: 1000 } };
      }),
    );
  const send = (list: ReturnType<typeof readings>) => sendReadings(list, { via: 'http', ingestionUrl: h.platform.urls.ingestion, site: SITE, mqttUrl: '', topicRoot: h.topicRoot });

  beforeAll(async () => {
    h = await startHarness('e2e_alarms', {
      ...registry.env,
      // Shelves of at most 10 minutes for every twin (the assets are registered as pumps: twin-state takes
      // their class, and so the pump profile, from the asset directory); A-304 re-announces an alarm left unacknowledged for 2 s.
      TWIN_PROFILES: JSON.stringify({ default: { alarmPolicy: { maxShelveSeconds: 600 } }, pump: { alarmPolicy: { maxShelveSeconds: 600 } } }),
      TWIN_ASSET_PROFILES: JSON.stringify({ 'A-304': { alarmPolicy: { reAlarmAfterSeconds: 2 } } }),
      ALARM_CHECK_INTERVAL_MS: '300',
    });
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const twinUrl = () => h.platform.urls['twin-state'];
  const twin = (assetId: string) => getJson<AssetView>(`${twinUrl()}/v1/assets/${assetId}`, { token: h.tokens.operator });
  const alarmOf = async (assetId: string) =>
    (await waitFor(() => twin(assetId), { accept: (r) => r.status === 200 && r.body.alarms.length === 1, what: `an alarm on ${assetId}`, timeoutMs: 30_000 })).body.alarms[0]!;

  it('raises alarms from readings; the operator acknowledges one, shelves another; a too-long shelve and an auditor are refused; the shelve expires', async () => {
    const now = Date.now();
    await send([...readings('A-301', [[now - 60_000, 91]]), ...readings('A-302', [[now - 60_000, 92]])]);
    const first = await alarmOf('A-301');
    expect(first).toMatchObject({ cause: 'THRESHOLD_EXCEEDED', state: 'ACTIVE_UNACKED', acknowledgedBy: null, shelved: null });

    // Acknowledge: ACTIVE_UNACKED → ACTIVE_ACKED, attributed to the operator.
    const ack = await postJson<{ alarm: AlarmView }>(`${twinUrl()}/v1/assets/A-301/alarms/${first.alarmId}/acknowledge`, { note: 'seen' }, { token: h.tokens.operator });
    expect(ack.status).toBe(200);
    expect(ack.body.alarm).toMatchObject({ alarmId: first.alarmId, state: 'ACTIVE_ACKED', acknowledgedBy: 'user:operator' });
    await waitFor(() => getJson<{ items: Array<{ assetId: string; alarmId: string }> }>(`${twinUrl()}/v1/alarms?state=ACTIVE_ACKED`, { token: h.tokens.auditor }), {
      accept: (r) => r.status === 200 && r.body.items.some((a) => a.alarmId === first.alarmId),
      what: 'the acknowledged alarm in GET /v1/alarms?state=ACTIVE_ACKED',
    });

    // Shelve: refused longer than the profile's 10 minutes (naming the field), and for an auditor.
    const second = await alarmOf('A-302');
    const shelveUrl = `${twinUrl()}/v1/assets/A-302/alarms/${second.alarmId}/shelve`;
    const tooLong = await postJson<Problem>(shelveUrl, { durationMinutes: 11, reason: 'sensor swap' }, { token: h.tokens.operator });
    expect(tooLong.status).toBe(400);
    expect(tooLong.contentType).toContain('application/problem+json');
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ field: 'durationMinutes', message: expect.stringContaining('at most 10 minutes') })]);
    const tooLate = await postJson<Problem>(shelveUrl, { until: iso(Date.now() + 3_600_000), reason: 'sensor swap' }, { token: h.tokens.operator });
    expect(tooLate.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'until' })] });
    const auditor = await postJson<Problem>(shelveUrl, { durationMinutes: 5, reason: 'sensor swap' }, { token: h.tokens.auditor });
    expect(auditor.status).toBe(403);
    expect(auditor.body.code).toBe('AUTH.FORBIDDEN');

    // Shelved for a few seconds: the twin shows it shelved, then the alarm timer lets it expire.
    const until = iso(Date.now() + 4000);
    const shelved = await postJson<{ shelved: { until: string; by: string } }>(shelveUrl, { until, reason: 'sensor swap' }, { token: h.tokens.operator });
    expect(shelved.status).toBe(200);
    expect(shelved.body.shelved).toMatchObject({ by: 'user:operator', until });
    await waitFor(() => twin('A-302'), { accept: (r) => r.body.shelves['THRESHOLD_EXCEEDED']?.alarmId === second.alarmId, what: 'A-302 shown shelved' });
    const expired = await waitFor(() => twin('A-302'), { accept: (r) => Object.keys(r.body.shelves).length === 0, what: 'the shelve of A-302 expired by the alarm timer', timeoutMs: 30_000 });
    expect(expired.body.alarms[0]).toMatchObject({ alarmId: second.alarmId, shelved: null });
    const events = await getJson<{ items: Array<{ type: string; data: Record<string, unknown>; metadata?: Record<string, unknown> }> }>(`${twinUrl()}/v1/assets/A-302/events?limit=100`, { token: h.tokens.auditor });
    expect(events.body.items.map((e) => e.type)).toEqual(expect.arrayContaining(['AlarmRaised', 'AlarmShelved', 'AlarmUnshelved']));
    expect(events.body.items.find((e) => e.type === 'AlarmUnshelved')!.data).toMatchObject({ alarmId: second.alarmId, reason: 'EXPIRED' });
  });

  it('re-announces an alarm left unacknowledged (A-304: re-alarm after 2 s, its own profile override) and notifies it', async () => {
    await send(readings('A-304', [[Date.now() - 30_000, 93]]));
    const alarm = await alarmOf('A-304');
    await waitFor(() => getJson<{ items: Array<{ type: string; data: { alarmId?: string; reason?: string } }> }>(`${twinUrl()}/v1/assets/A-304/events?type=AlarmReannounced&limit=10`, { token: h.tokens.auditor }), {
      accept: (r) => r.status === 200 && r.body.items.some((e) => e.data.alarmId === alarm.alarmId && e.data.reason === 'UNACKNOWLEDGED'),
      what: 'AlarmReannounced of the A-304 alarm',
      timeoutMs: 30_000,
    });
    await waitFor(() => h.webhook.received.some((r) => JSON.stringify(r.body).includes('AlarmReannounced') && JSON.stringify(r.body).includes(alarm.alarmId)), {
      what: 'the re-announcement notified on the webhook',
      timeoutMs: 30_000,
    });
  });

  it('counts a flood period when more than 10 alarm episodes come within 10 minutes on one site', async () => {
    // F-301 trips and returns 12 times within 8 minutes (20 s apart): 12 alarm episodes.
    const points: Array<[number, number]> = [];
    for (let i = 0; i < 24; i++) points.push([FLOOD_FROM + 10_000 + i * 20_000, i % 2 === 0 ? 95 : 50]);
    await send(readings('F-301', points));
    const url = `${twinUrl()}/v1/alarm-kpis?site=${SITE}&from=${iso(FLOOD_FROM)}&to=${iso(FLOOD_FROM + 60 * 60_000)}`;
    const kpis = await waitFor(() => getJson<Kpis>(url, { token: h.tokens.planner }), {
      accept: (r) => r.status === 200 && r.body.sites.some((s) => s.site === SITE && s.floodPeriods.length > 0 && s.alarms >= 12),
      what: 'a flood period in the alarm KPIs of north-field',
      timeoutMs: 30_000,
    });
    const site = kpis.body.sites.find((s) => s.site === SITE)!;
    expect(site.floodPeriods[0]).toEqual({ start: iso(FLOOD_FROM), end: iso(FLOOD_FROM + TEN_MINUTES), alarms: 12 });
    expect(site.percentTimeInFlood).toBeCloseTo(16.67, 2);
    expect(kpis.body.targets).toMatchObject({ floodThresholdPer10Minutes: 10, percentTimeInFloodMax: 1 });
    // An auditor reads them too; a bad window is refused naming the field.
    expect((await getJson<Kpis>(url, { token: h.tokens.auditor })).status).toBe(200);
    const bad = await getJson<Problem>(`${twinUrl()}/v1/alarm-kpis?from=${iso(FLOOD_FROM)}&to=${iso(FLOOD_FROM - 1)}`, { token: h.tokens.planner });
    expect(bad.body).toMatchObject({ status: 400, errors: [expect.objectContaining({ field: 'from' })] });
  });
});
