import { p101Readings, rebuildProjection, sendReadings, type RebuildStatus } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

/**
 * Read-model rebuild over HTTP, as an admin (or `npx twinline projections rebuild`) runs it: the
 * P-101 demo goes through the platform, then twin_view and work_orders are rebuilt from position 0
 * and swapped in; the APIs answer the same before and after, and the live projections go on.
 */
describe('projection rebuild through the admin API', () => {
  let h: Harness;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);

  beforeAll(async () => {
    h = await startHarness('e2e_rebuild', registry.env);
    await sendReadings(registry.sign(p101Readings({ seqBase: 0 })), { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    await waitFor(() => getJson<{ readingsApplied: number }>(`${twinUrl()}/v1/assets/P-101`, { token: h.tokens.operator }), { accept: (r) => r.status === 200 && r.body.readingsApplied === 10, what: 'ten readings applied to P-101', timeoutMs: 30_000 });
    await waitFor(() => getJson<{ items: Array<{ alarmIds: string[] }> }>(`${schedulerUrl()}/v1/work-orders?assetId=P-101`, { token: h.tokens.operator }), {
      // P-101 is registered as a pump: a limit and a vibration alarm per episode, one work order per cause.
      accept: (r) => r.status === 200 && r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 2),
      what: 'two work orders (one per cause), each holding its two alarms',
    });
  }, 120_000);
  afterAll(async () => {
    await h?.teardown();
  });

  const twinUrl = () => h.platform.urls['twin-state'];
  const schedulerUrl = () => h.platform.urls['maintenance-scheduler'];

  it('lists the read models to any role; only an admin may rebuild', async () => {
    const list = await getJson<{ items: RebuildStatus[] }>(`${twinUrl()}/v1/admin/projections`, { token: h.tokens.auditor });
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(list.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ projection: 'twin-view', table: 'twin_view', state: 'idle' }), expect.objectContaining({ projection: 'alarm-log', table: 'alarm_log', state: 'idle' })]),
    );
    for (const role of ['auditor', 'operator', 'planner'] as const) {
      expect((await postJson(`${twinUrl()}/v1/admin/projections/twin-view/rebuild`, {}, { token: h.tokens[role] })).status).toBe(403);
    }
    expect((await postJson(`${twinUrl()}/v1/admin/projections/twin-view/rebuild`, {})).status).toBe(401);
    const unknown = await postJson<{ code: string }>(`${twinUrl()}/v1/admin/projections/alarms/rebuild`, {}, { token: h.tokens.admin });
    expect(unknown.status).toBe(404);
  });

  it('rebuilds twin_view and swaps it in: the twin reads the same, and new readings still reach it', async () => {
    const before = await getJson(`${twinUrl()}/v1/assets?limit=1000`, { token: h.tokens.operator });
    const lines: string[] = [];
    const done = await rebuildProjection({ name: 'twin-view', serviceUrl: twinUrl(), token: h.tokens.admin, pollMs: 50, print: (l) => lines.push(l) });
    expect(done).toMatchObject({ projection: 'twin-view', state: 'swapped', error: null });
    expect(done.events).toBeGreaterThan(10);
    expect(lines[lines.length - 1]).toMatch(/^twin-view: swapped position \d+\/\d+, \d+ events, \d+ events\/s, ETA 0\.0 s$/);
    expect(await getJson(`${twinUrl()}/v1/assets?limit=1000`, { token: h.tokens.operator })).toMatchObject({ status: 200, body: before.body });
    const status = await getJson<RebuildStatus>(`${twinUrl()}/v1/admin/projections/twin-view`, { token: h.tokens.auditor });
    expect(status.body).toMatchObject({ state: 'swapped', requestedBy: 'user:admin', position: done.position });

    const metrics = await (await fetch(`${twinUrl()}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`twinline_projection_rebuild_position\\{projection="twin-view"\\} ${done.position}\\b`));
    expect(metrics).toMatch(/twinline_projection_rebuild_eta_seconds\{projection="twin-view"\} 0\b/);

    // The live projection goes on from the rebuilt checkpoint.
    const later = Date.parse(p101Readings()[9]!.ts) + 3600_000;
    await sendReadings(registry.sign(p101Readings({ seqBase: 100, start: later })), { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    await waitFor(() => getJson<{ readingsApplied: number }>(`${twinUrl()}/v1/assets/P-101`, { token: h.tokens.operator }), { accept: (r) => r.body.readingsApplied === 20, what: 'ten more readings applied after the swap', timeoutMs: 30_000 });
  });

  it('rebuilds work_orders on the scheduler and swaps it in: the work orders read the same', async () => {
    // The second run's alarms join the open work order of their cause.
    await waitFor(() => getJson<{ items: Array<{ alarmIds: string[] }> }>(`${schedulerUrl()}/v1/work-orders?limit=1000`, { token: h.tokens.operator }), {
      accept: (r) => r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 4),
      what: 'the alarms of both runs in the work order of their cause',
    });
    const before = await getJson(`${schedulerUrl()}/v1/work-orders?limit=1000`, { token: h.tokens.operator });
    const done = await rebuildProjection({ name: 'work-orders', serviceUrl: schedulerUrl(), token: h.tokens.admin, pollMs: 50, print: () => undefined });
    expect(done).toMatchObject({ projection: 'work-orders', state: 'swapped' });
    expect(await getJson(`${schedulerUrl()}/v1/work-orders?limit=1000`, { token: h.tokens.operator })).toMatchObject({ status: 200, body: before.body });
  });
});
