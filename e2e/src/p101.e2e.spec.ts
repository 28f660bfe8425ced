import mqtt from 'mqtt';
import { p101Readings, sendReadings, P101_TABLE } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface AssetView {
  status: string;
  label: string;
  readingsApplied: number;
  version: number;
  metrics: Record<string, { value: number }>;
  activeAlarms: unknown[];
}

/**
 * The foundation end to end: the source study's P-101 table sent over MQTT travels through all five
 * services (separate processes, real NATS JetStream, Postgres and Mosquitto) and is checked only
 * through the HTTP APIs and the webhook receiver, like a user would.
 */
describe('P-101 through the whole platform', () => {
  let h: Harness;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);
  const readings = registry.sign(p101Readings({ seqBase: 0 }));

  beforeAll(async () => {
    h = await startHarness('e2e_p101', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  const twin = () => getJson<AssetView>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator });

  it('gives the study Table 1 statuses; the pump profile raises two alarms per episode (limits, vibration), one work order per cause and six notifications', async () => {
    await sendReadings(readings, { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    await waitFor(twin, { accept: (r) => r.status === 200 && r.body.readingsApplied === 10, what: 'ten readings applied to P-101', timeoutMs: 30_000 });

    const statuses: string[] = [];
    for (const r of readings) statuses.push((await getJson<AssetView>(`${h.platform.urls['twin-state']}/v1/assets/P-101?at=${encodeURIComponent(r.ts)}`, { token: h.tokens.operator })).body.label);
    expect(statuses).toEqual(P101_TABLE.map((row) => (row.status === 'ALARM' ? 'ALARM: Predictive Maintenance Required' : 'Operational')));

    // P-101 is registered as a pump (no TWIN_ASSET_CLASSES): twin-state takes the class from the asset
    // directory, so the pump profile decides: the study's limits and ISO 10816-3 (group 2 rigid, ALARM
    // from 4.5 mm/s). Each ALARM episode of Table 1 (vibration 5.8/6.2 and 8.5/9.1 mm/s) raises both causes.
    type AlarmEvent = { type: string; data: { alarmId: string; cause: string; raisedAt: string; profile: string }; metadata: { rules?: { profile?: string } } };
    const events = (await getJson<{ items: AlarmEvent[] }>(`${h.platform.urls['twin-state']}/v1/assets/P-101/events?limit=1000`, { token: h.tokens.operator })).body.items;
    const raised = events.filter((e) => e.type === 'AlarmRaised');
    const cleared = events.filter((e) => e.type === 'AlarmCleared');
    // Table 1's ALARM rows are rows 4-5 and 8-9: each episode is raised at its first row.
    const alarmTs = readings.filter((_, i) => P101_TABLE[i]!.status === 'ALARM').map((r) => Date.parse(r.ts));
    expect(raised.map((e) => [e.data.cause, Date.parse(e.data.raisedAt)])).toEqual([
      ['THRESHOLD_EXCEEDED', alarmTs[0]],
      ['VIBRATION_HIGH', alarmTs[0]],
      ['THRESHOLD_EXCEEDED', alarmTs[2]],
      ['VIBRATION_HIGH', alarmTs[2]],
    ]);
    expect(cleared.map((e) => e.data.cause)).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']);
    // Every decision names the profile it was decided by (the audit re-derives by it).
    expect(new Set(events.filter((e) => e.type !== 'ReadingsApplied').map((e) => e.metadata.rules?.profile))).toEqual(new Set(['pump']));
    expect(new Set(raised.map((e) => e.data.profile))).toEqual(new Set(['pump']));

    // One corrective work order per asset and cause, each holding that cause's two alarms.
    const alarmIdsOf = (cause: string) => raised.filter((e) => e.data.cause === cause).map((e) => e.data.alarmId);
    const orders = await waitFor(() => getJson<{ items: Array<{ alarmIds: string[]; status: string; assetId: string; cause: string; type: string }> }>(`${h.platform.urls['maintenance-scheduler']}/v1/work-orders?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 2),
      what: 'two work orders (one per cause), each holding its two alarms',
    });
    const byCause = Object.fromEntries(orders.body.items.map((o) => [o.cause, o]));
    expect(Object.keys(byCause).sort()).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']);
    for (const cause of ['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']) {
      expect(byCause[cause]).toMatchObject({ assetId: 'P-101', status: 'REQUESTED', type: 'corrective', cause, alarmIds: alarmIdsOf(cause) });
    }

    // Notifications: one per raised alarm and one per opened work order.
    const kinds = ['alarm.raised', 'alarm.raised', 'alarm.raised', 'alarm.raised', 'workorder.opened', 'workorder.opened'];
    await waitFor(() => h.webhook.received.length >= kinds.length, { what: 'six webhook deliveries' });
    const log = await waitFor(() => getJson<{ items: Array<{ status: string; kind: string }> }>(`${h.platform.urls.notification}/v1/deliveries?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === kinds.length && r.body.items.every((d) => d.status === 'DELIVERED'),
      what: 'six delivered notifications in the log',
    });
    expect(log.body.items.map((d) => d.kind).sort()).toEqual(kinds);
    expect(h.webhook.received.map((r) => (r.body as { kind: string }).kind).sort()).toEqual(kinds);
  });

  it('quarantines impossible readings with reasons and leaves the twin untouched', async () => {
    const before = (await twin()).body;
    const base = { deviceId: 'P-101-edge', assetId: 'P-101', ts: '2024-01-01T10:00:00Z' };
    const [hotReading, negativeReading, good] = registry.sign([
      { ...base, seq: 11, metrics: { temperatureC: 250, pressurePsi: 1100 } },
      { ...base, seq: 12, metrics: { temperatureC: 50, pressurePsi: -50 } },
      { ...base, seq: 13, ts: '2024-01-01T11:00:00Z', metrics: { temperatureC: 51 } },
    ]);
    const hot = await postJson<{ readingIds: string[] }>(`${h.platform.urls.ingestion}/v1/telemetry`, hotReading);
    const negative = await postJson<{ readingIds: string[] }>(`${h.platform.urls.ingestion}/v1/telemetry`, negativeReading);
    expect([hot.status, negative.status]).toEqual([202, 202]);

    const q = await waitFor(() => getJson<{ items: Array<{ readingId: string; reasons: Array<{ rule: string; field: string; message: string }> }> }>(`${h.platform.urls.integrity}/v1/quarantine?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === 2,
      what: 'two quarantined readings',
    });
    const byId = new Map(q.body.items.map((i) => [i.readingId, i.reasons]));
    expect(byId.get(hot.body.readingIds[0]!)).toEqual([expect.objectContaining({ rule: 'range', field: 'metrics.temperatureC' })]);
    expect(byId.get(negative.body.readingIds[0]!)).toEqual([expect.objectContaining({ rule: 'range', field: 'metrics.pressurePsi' })]);
    expect(byId.get(hot.body.readingIds[0]!)![0]!.message).toMatch(/sensor tampering or failure suspected/);

    // A later good reading proves the pipeline moved past the rejected ones; the twin saw none of them.
    await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, good);
    const after = await waitFor(twin, { accept: (r) => r.body.readingsApplied === before.readingsApplied + 1, what: 'the good reading applied' });
    expect(after.body.metrics.pressurePsi!.value).toBe(before.metrics.pressurePsi!.value);
    expect(after.body.metrics.temperatureC!.value).toBe(51);
  });

  it('quarantines a broken MQTT payload instead of dropping it', async () => {
    const client = await mqtt.connectAsync(MQTT_URL, { clientId: `${h.topicRoot}-garbage` });
    await client.publishAsync(`${h.topicRoot}/north-field/P-101/telemetry`, '{"deviceId": "P-101-edge", "seq": 14, "metr', { qos: 1 });
    await client.endAsync();
    const q = await waitFor(() => getJson<{ items: Array<{ reasons: Array<{ rule: string; message: string }>; payload: { unparsed?: string } }> }>(`${h.platform.urls.integrity}/v1/quarantine?assetId=P-101&rule=json`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === 1,
      what: 'the broken payload in quarantine',
    });
    expect(q.body.items[0]!.reasons[0]!.message).toMatch(/not (valid )?JSON/);
    expect(q.body.items[0]!.payload.unparsed).toContain('"seq": 14');
  });

  it('answers a malformed body with 400 problem details naming the field', async () => {
    const bad = await postJson<{ status: number; errors: Array<{ field: string; message: string }> }>(`${h.platform.urls.ingestion}/v1/telemetry`, {
      deviceId: 'P-101-edge',
      assetId: 'P-101',
      seq: 'fourteen',
      ts: '2024-01-01T12:00:00Z',
      metrics: { temperatureC: 50 },
    });
    expect(bad.status).toBe(400);
    expect(bad.contentType).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([expect.objectContaining({ field: 'seq' })]);
    const broken = await postJson<{ status: number }>(`${h.platform.urls.ingestion}/v1/telemetry`, '{"deviceId": "P-1', { raw: true });
    expect(broken.status).toBe(400);
  });

  it('keeps every accepted reading: applied to the twin or quarantined', async () => {
    const accepted = readings.length + 3 + 1; // ten and one broken over MQTT, three over HTTP (400s were not accepted)
    const applied = (await twin()).body.readingsApplied;
    const quarantined = (await getJson<{ items: unknown[] }>(`${h.platform.urls.integrity}/v1/quarantine?assetId=P-101`, { token: h.tokens.operator })).body.items.length;
    expect(applied + quarantined).toBe(accepted);
  });
});
