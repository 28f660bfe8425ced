import mqtt from 'mqtt';
import { signReading } from '@twinline/contracts';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, putJson, startHarness, MQTT_URL, type Harness } from './harness';
import { testRegistry } from './registry';

interface Quarantined {
  readingId: string;
  assetId: string;
  status: string;
  reasons: Array<{ rule: string; field: string; message: string }>;
  review: { by: string; note: string } | null;
}
interface AssetView {
  status: string;
  readingsApplied: number;
  sensorFault: unknown;
}

/**
 * Issue 3 end to end: every reading is trusted and applied, or quarantined with reasons — each
 * rejection class, the admin's release reaching the twin, SENSOR_FAULT, and the security
 * notification, through the APIs of separate service processes on real NATS, Postgres and Mosquitto.
 */
describe('trusted telemetry', () => {
  const registry = testRegistry([{ assetId: 'P-201' }, { assetId: 'P-202' }, { assetId: 'DEV-9', registration: { acceptUnsigned: true } }]);
  const secretOf = (deviceId: string) => registry.devices[deviceId]!.secret;
  let h: Harness;
  const base = Date.now() - 120_000;
  const at = (second: number) => new Date(base + second * 1000).toISOString();
  const reading = (seq: number, metrics: Record<string, number | string>, over: Partial<{ deviceId: string; assetId: string; ts: string }> = {}) => ({
    deviceId: 'P-201-edge',
    assetId: 'P-201',
    seq,
    ts: at(seq),
    metrics,
    ...over,
  });
  const signed = <R extends ReturnType<typeof reading>>(r: R, secret = secretOf(r.deviceId)) => signReading(r, secret);
  const urls = () => h.platform.urls;
  const quarantine = async (query: string) => {
    const items: Quarantined[] = [];
    let after: string | null = '0';
    while (after !== null) {
      const page: { status: number; body: { items: Quarantined[]; nextAfter: string | null } } = await getJson(`${urls().integrity}/v1/quarantine?${query}&limit=1000&after=${after}`, { token: h.tokens.auditor });
      items.push(...page.body.items);
      after = page.body.nextAfter;
    }
    return items;
  };
  const twin = (assetId: string) => getJson<AssetView>(`${urls()['twin-state']}/v1/assets/${assetId}`, { token: h.tokens.operator });

  beforeAll(async () => {
    h = await startHarness('e2e_trust', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  // One device's timeline, sent as one HTTP batch: each reading breaks exactly the rule named.
  const first = signed(reading(1, { temperatureC: 45, pressurePsi: 1100, vibrationMmS: 2.1 }));
  const second = signed(reading(2, { temperatureC: 45.5, pressurePsi: 1105, vibrationMmS: 2.2 }));
  const timeline: Array<[expected: string | null, payload: unknown]> = [
    [null, first],
    [null, second],
    ['replay', first],
    ['duplicate', second],
    ['signature', signed(reading(3, { temperatureC: 46 }), 'not-the-device-secret-0123')],
    ['device', signed(reading(3, { temperatureC: 46 }, { deviceId: 'P-999-edge' }), 'unknown-device-secret-0123')],
    ['asset', signed(reading(3, { temperatureC: 46 }, { deviceId: 'P-202-edge' }))],
    ['signature', reading(4, { temperatureC: 46 })],
    ['range', signed(reading(5, { temperatureC: 250 }))],
    ['finite', signed(reading(6, { temperatureC: 'NaN' }))],
    ['unit', signed(reading(7, { temperatureF: 113 }))],
    ['rate', signed(reading(8, { temperatureC: 95 }))],
    ['timestamp', signed(reading(9, { temperatureC: 46 }, { ts: new Date(Date.now() + 3_600_000).toISOString() }))],
    ['order', signed(reading(10, { temperatureC: 46 }, { ts: at(1.5) }))],
    [null, signed(reading(11, { temperatureC: 46, vibrationG: 0.2 }))],
    [null, signed(reading(12, { temperatureC: 46.2, vibrationG: 0.2 }))],
    ['stuck', signed(reading(13, { temperatureC: 46.1, vibrationG: 0.2 }))],
  ];
  let readingIds: string[] = [];

  it('quarantines each rejection class with its rule, applies the rest, and loses nothing', async () => {
    const response = await postJson<{ readingIds: string[] }>(`${urls().ingestion}/v1/telemetry`, { readings: timeline.map(([, p]) => p) });
    expect(response.status).toBe(202);
    readingIds = response.body.readingIds;

    // MQTT: unreadable payloads and a reading sent on another asset's topic.
    const client = await mqtt.connectAsync(MQTT_URL, { clientId: `${h.topicRoot}-device` });
    const topic = `${h.topicRoot}/north-field/P-201/telemetry`;
    await client.publishAsync(topic, '{"deviceId": "P-201-edge", "assetId"', { qos: 1 });
    await client.publishAsync(topic, JSON.stringify({ deviceId: 'P-201-edge', assetId: 'P-201', seq: 'fourteen' }), { qos: 1 });
    await client.publishAsync(topic, JSON.stringify(signed(reading(1, { temperatureC: 40 }, { deviceId: 'P-202-edge', assetId: 'P-202' }))), { qos: 1 });
    await client.endAsync();
    const sent = timeline.length + 3;

    const expectedQuarantined = timeline.filter(([rule]) => rule !== null).length + 3;
    const items = await waitFor(() => quarantine('assetId=P-201'), { accept: (q) => q.length === expectedQuarantined, what: `${expectedQuarantined} quarantined readings of P-201`, timeoutMs: 30_000 });
    const byId = new Map(items.map((q) => [q.readingId, q]));
    for (const [i, [rule]] of timeline.entries()) {
      const record = byId.get(readingIds[i]!);
      if (rule === null) expect({ i, record }).toEqual({ i, record: undefined });
      else expect({ i, rules: record?.reasons.map((r) => r.rule) }).toEqual({ i, rules: [rule] });
    }
    const mqttRules = items.filter((q) => !readingIds.includes(q.readingId)).map((q) => q.reasons[0]!.rule);
    expect(mqttRules.sort()).toEqual(['asset', 'json', 'schema']);
    expect(byId.get(readingIds[8]!)!.reasons[0]!.message).toBe('temperatureC 250 °C is outside the physically possible range -60..200 °C: sensor tampering or failure suspected');

    // Count invariant: received = applied + quarantined.
    const applied = await waitFor(() => twin('P-201'), { accept: (r) => r.status === 200 && r.body.readingsApplied === timeline.filter(([rule]) => rule === null).length, what: 'the clean readings applied' });
    expect(applied.body.readingsApplied + items.length).toBe(sent);
    expect((await quarantine('assetId=P-201&rule=signature')).map((q) => q.readingId).sort()).toEqual([readingIds[4], readingIds[7]].sort());
  });

  it('lets an admin release a reading after review: it reaches the twin attributed to them; discard keeps it marked', async () => {
    const rateId = readingIds[11]!;
    const before = (await twin('P-201')).body.readingsApplied;

    const asOperator = await postJson(`${urls().integrity}/v1/quarantine/${rateId}/release`, { note: 'real step' }, { token: h.tokens.operator });
    expect(asOperator.status).toBe(403);
    const noNote = await postJson<{ errors: Array<{ field: string }> }>(`${urls().integrity}/v1/quarantine/${rateId}/release`, {}, { token: h.tokens.admin });
    expect(noNote.status).toBe(400);
    expect(noNote.body.errors[0]!.field).toBe('note');

    const released = await postJson<Quarantined>(`${urls().integrity}/v1/quarantine/${rateId}/release`, { note: 'pump restarted: the step was real' }, { token: h.tokens.admin });
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'released', review: { by: 'user:admin', note: 'pump restarted: the step was real' } });
    expect((await postJson(`${urls().integrity}/v1/quarantine/${rateId}/release`, { note: 'again' }, { token: h.tokens.admin })).status).toBe(409);

    await waitFor(() => twin('P-201'), { accept: (r) => r.body.readingsApplied === before + 1, what: 'the released reading applied' });
    const events = (await getJson<{ items: Array<{ type: string; data: { readings?: Array<{ readingId: string; release?: { by: string } }> } }> }>(`${urls()['twin-state']}/v1/assets/P-201/events?limit=1000`, { token: h.tokens.auditor })).body.items;
    const applied = events.flatMap((e) => (e.type === 'ReadingsApplied' ? e.data.readings! : [])).find((r) => r.readingId === rateId);
    expect(applied?.release?.by).toBe('user:admin');

    const nanId = readingIds[9]!;
    const notReleasable = await postJson<{ detail: string }>(`${urls().integrity}/v1/quarantine/${nanId}/release`, { note: 'try' }, { token: h.tokens.admin });
    expect(notReleasable.status).toBe(422);
    expect(notReleasable.body.detail).toMatch(/metrics.temperatureC is NaN/);
    const discarded = await postJson<Quarantined>(`${urls().integrity}/v1/quarantine/${nanId}/discard`, { note: 'sensor unplugged during maintenance' }, { token: h.tokens.admin });
    expect(discarded.body).toMatchObject({ status: 'discarded', review: { by: 'user:admin' } });
    expect((await quarantine('assetId=P-201&status=discarded')).map((q) => q.readingId)).toEqual([nanId]);
  });

  it('puts the twin in SENSOR_FAULT after repeated violations, and out of it on the next good reading', async () => {
    const nan = Array.from({ length: 5 }, (_, i) => signed(reading(20 + i, { temperatureC: 'NaN' }, { deviceId: 'P-202-edge', assetId: 'P-202' })));
    expect((await postJson(`${urls().ingestion}/v1/telemetry`, { readings: nan })).status).toBe(202);
    await waitFor(() => twin('P-202'), { accept: (r) => r.status === 200 && r.body.status === 'SENSOR_FAULT', what: 'P-202 in SENSOR_FAULT', timeoutMs: 30_000 });
    const good = signed(reading(30, { temperatureC: 50 }, { deviceId: 'P-202-edge', assetId: 'P-202' }));
    expect((await postJson(`${urls().ingestion}/v1/telemetry`, good)).status).toBe(202);
    await waitFor(() => twin('P-202'), { accept: (r) => r.body.status === 'OPERATIONAL' && r.body.sensorFault === null, what: 'P-202 out of SENSOR_FAULT' });
  });

  it('raises a security notification for forged, foreign and replayed readings, without one per reading', async () => {
    const deliveries = await waitFor(() => getJson<{ items: Array<{ kind: string; subject: string }> }>(`${urls().notification}/v1/deliveries?assetId=P-201`, { token: h.tokens.auditor }), {
      accept: (r) => r.body.items.some((d) => d.kind === 'security-violation'),
      what: 'a security notification for P-201',
      timeoutMs: 30_000,
    });
    expect(deliveries.body.items.filter((d) => d.kind === 'security-violation')).toHaveLength(1);
    await waitFor(() => h.webhook.received.some((r) => (r.body as { kind?: string }).kind === 'security-violation'), { what: 'the security notification at the webhook' });
  });

  it('accepts unsigned readings only where the asset says so, and shows that choice on the asset', async () => {
    const unsigned = reading(1, { temperatureC: 40 }, { deviceId: 'bench-rig', assetId: 'DEV-9' });
    expect((await postJson(`${urls().ingestion}/v1/telemetry`, unsigned)).status).toBe(202);
    await waitFor(() => twin('DEV-9'), { accept: (r) => r.status === 200 && r.body.readingsApplied === 1, what: 'the unsigned reading applied to DEV-9' });
    const asset = await getJson<{ acceptUnsigned: boolean }>(`${urls().integrity}/v1/registry/assets/DEV-9`, { token: h.tokens.auditor });
    expect(asset.body.acceptUnsigned).toBe(true);
    expect((await getJson<{ acceptUnsigned: boolean }>(`${urls().integrity}/v1/registry/assets/P-201`, { token: h.tokens.auditor })).body.acceptUnsigned).toBe(false);
  });

  it('registers assets and devices through the admin API with clear errors, and never shows a secret twice', async () => {
    const bad = await putJson<{ errors: Array<{ field: string; message: string }> }>(`${urls().integrity}/v1/registry/assets/K-1`, { assetClass: 'compressor', site: 's', rules: { metrics: { flowLMin: { max: 3 } } } }, { token: h.tokens.admin });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toEqual({ field: 'rules.metrics.flowLMin', message: 'flowLMin is not a metric of asset class compressor: adding it needs min and max' });
    const badClass = await putJson<{ errors: Array<{ field: string }> }>(`${urls().integrity}/v1/registry/assets/K-1`, { assetClass: 'turbine', site: 's' }, { token: h.tokens.admin });
    expect(badClass.body.errors[0]!.field).toBe('assetClass');
    const orphan = await putJson(`${urls().integrity}/v1/registry/devices/K-1-edge`, { assetId: 'K-1' }, { token: h.tokens.admin });
    expect(orphan.status).toBe(409);

    expect((await putJson(`${urls().integrity}/v1/registry/assets/K-1`, { assetClass: 'compressor', site: 'north-field' }, { token: h.tokens.admin })).status).toBe(200);
    const created = await putJson<{ secret?: string; assetId: string }>(`${urls().integrity}/v1/registry/devices/K-1-edge`, { assetId: 'K-1' }, { token: h.tokens.admin });
    expect(created.status).toBe(200);
    expect(created.body.secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const again = await putJson<{ secret?: string }>(`${urls().integrity}/v1/registry/devices/K-1-edge`, { assetId: 'K-1', enabled: true }, { token: h.tokens.admin });
    expect(again.body.secret).toBeUndefined();
    const listed = await getJson<{ items: Array<Record<string, unknown>> }>(`${urls().integrity}/v1/registry/devices?assetId=K-1`, { token: h.tokens.planner });
    expect(listed.body.items).toEqual([expect.objectContaining({ deviceId: 'K-1-edge', assetId: 'K-1', enabled: true, updatedBy: 'user:admin' })]);
    expect(JSON.stringify(listed.body)).not.toContain(created.body.secret);

    // The generated secret works at once: a reading signed with it is applied.
    const k = signReading({ deviceId: 'K-1-edge', assetId: 'K-1', seq: 1, ts: new Date().toISOString(), metrics: { temperatureC: 60 } }, created.body.secret!);
    expect((await postJson(`${urls().ingestion}/v1/telemetry`, k)).status).toBe(202);
    await waitFor(() => twin('K-1'), { accept: (r) => r.status === 200 && r.body.readingsApplied === 1, what: 'the reading of the new device applied' });
  });
});
