import { Pool } from 'pg';
import { p101Readings, sendReadings } from '@twinline/cli';
import { eventHash, GENESIS_HASH, PostgresEventStore, verifyStreamChain } from '@twinline/event-store';
import { TEST_DATABASE_URL, waitFor } from '@twinline/testing';
import { getJson, startHarness, MQTT_URL, type Harness } from './harness';
import { twinline } from './cli';
import { P101_REGISTRATION, testRegistry } from './registry';

interface Rederive {
  ok: boolean;
  events: number;
  decisions?: number;
  divergence?: { kind: string; streamVersion: number | null; eventId: string | null; stored: { type: string } | null; derived: { type: string; data: { alarmId?: string } } | null; rulesVersion: string; message: string };
}

/** `npx twinline audit rederive <assetId>` against the harness: its exit code and output. */
async function cli(h: Harness, assetId: string): Promise<{ code: number; stdout: string }> {
  const run = await twinline(['audit', 'rederive', assetId, '--twin', h.platform.urls['twin-state'], '--scheduler', h.platform.urls['maintenance-scheduler'], '--token', h.tokens.auditor]);
  return { code: run.code ?? 1, stdout: run.stdout + run.stderr };
}

/**
 * Re-derivation audit end to end: the P-101 table (two alarm episodes, raised and cleared; P-101 is
 * registered as a pump, so the pump profile from the asset directory raises a limit and a vibration
 * alarm in each) through the whole platform re-derives without divergence, by the profile each
 * event's metadata names; then an insider deletes an AlarmCleared row in
 * Postgres and recomputes the hash chain of the stream (chain verification still passes), and the
 * re-derivation finds the missing decision at its place.
 */
describe('audit rederive', () => {
  let h: Harness;
  let pool: Pool;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);
  const readings = registry.sign(p101Readings({ seqBase: 0 }));

  beforeAll(async () => {
    h = await startHarness('e2e_rederive', registry.env);
    pool = new Pool({ connectionString: TEST_DATABASE_URL });
  });
  afterAll(async () => {
    await pool?.end();
    await h?.teardown();
  });

  const twinUrl = () => h.platform.urls['twin-state'];
  const rederive = () => getJson<Rederive>(`${twinUrl()}/v1/audit/rederive/P-101`, { token: h.tokens.auditor });

  it('finds no divergence in an honest history, for the twin and its work orders, over HTTP and on the command line', async () => {
    await sendReadings(readings, { via: 'mqtt', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field', topicRoot: h.topicRoot });
    await waitFor(() => getJson<{ readingsApplied: number }>(`${twinUrl()}/v1/assets/P-101`, { token: h.tokens.auditor }), { accept: (r) => r.status === 200 && r.body.readingsApplied === 10, what: 'ten readings applied', timeoutMs: 30_000 });
    await waitFor(() => getJson<{ items: Array<{ alarmIds: string[] }> }>(`${h.platform.urls['maintenance-scheduler']}/v1/work-orders?assetId=P-101`, { token: h.tokens.auditor }), {
      accept: (r) => r.body.items.length === 2 && r.body.items.every((o) => o.alarmIds.length === 2),
      what: 'two work orders (one per cause), each holding its two alarms',
    });

    const twin = await rederive();
    expect(twin.status).toBe(200);
    // Two episodes, each: status, raised (limits), raised (vibration), status, cleared, cleared.
    expect(twin.body).toMatchObject({ ok: true, decisions: 12, warnings: [] });
    const orders = await getJson<Rederive & { checked: number }>(`${h.platform.urls['maintenance-scheduler']}/v1/audit/rederive/work-orders/P-101`, { token: h.tokens.auditor });
    // Both orders: opened, then each attaches its cause's second alarm.
    expect(orders.body).toMatchObject({ ok: true, events: 4, checked: 4 });

    const run = await cli(h, 'P-101');
    expect(run.stdout).toMatch(/^OK twin P-101/m);
    expect(run.stdout).toMatch(/^OK work orders P-101/m);
    expect(run.code).toBe(0);
  });

  it('travels in time: the history between two times by type, paged, and a work order as of a time or version with its events', async () => {
    type Page = { items: Array<{ type: string; occurredAt: string; streamVersion: number; data: { alarmId?: string; cause?: string } }>; nextFromVersion: number | null };
    const events = (query: string) => getJson<Page>(`${twinUrl()}/v1/assets/P-101/events?${query}`, { token: h.tokens.auditor });
    const window = await events('from=2024-01-01T02:00:00Z&to=2024-01-01T05:00:00Z');
    expect(window.body.items.length).toBeGreaterThan(0);
    for (const e of window.body.items) expect(Date.parse(e.occurredAt)).toBeGreaterThanOrEqual(Date.parse('2024-01-01T02:00:00Z'));
    for (const e of window.body.items) expect(Date.parse(e.occurredAt)).toBeLessThanOrEqual(Date.parse('2024-01-01T05:00:00Z'));
    // The first episode raises a limit and a vibration alarm at 03:00.
    expect((await events('from=2024-01-01T02:00:00Z&to=2024-01-01T05:00:00Z&type=AlarmRaised')).body.items.map((e) => [e.occurredAt, e.data.cause])).toEqual([
      ['2024-01-01T03:00:00.000Z', 'THRESHOLD_EXCEEDED'],
      ['2024-01-01T03:00:00.000Z', 'VIBRATION_HIGH'],
    ]);
    const first = await events('type=AlarmRaised&limit=2');
    expect(first.body.items.map((e) => e.occurredAt)).toEqual(['2024-01-01T03:00:00.000Z', '2024-01-01T03:00:00.000Z']);
    const second = await events(`type=AlarmRaised&limit=2&fromVersion=${first.body.nextFromVersion}`);
    expect(second.body.items.map((e) => e.occurredAt)).toEqual(['2024-01-01T07:00:00.000Z', '2024-01-01T07:00:00.000Z']);
    const rest = await events(`type=AlarmRaised&limit=2&fromVersion=${second.body.nextFromVersion}`);
    expect(rest.body).toEqual({ items: [], nextFromVersion: null });
    expect((await events('from=2024-01-02T00:00:00Z&to=2024-01-01T00:00:00Z')).status).toBe(400);

    const scheduler = h.platform.urls['maintenance-scheduler'];
    type Order = { workOrderId: string; alarmIds: string[]; version: number; asOf?: string };
    const order = (query = '') => getJson<Order>(`${scheduler}/v1/work-orders/WO-P-101-0001${query}`, { token: h.tokens.auditor });
    // WO-P-101-0001 is the limit alarms' order (the limit alarm comes first in each episode).
    const limitAlarm = (page: Page) => page.items.find((e) => e.data.cause === 'THRESHOLD_EXCEEDED')!.data.alarmId;
    const raisedIds = [limitAlarm(first.body), limitAlarm(second.body)];
    // Versions are of the asset's work-order stream: WO-P-101-0002 (vibration) was opened at version 2.
    expect((await order()).body).toMatchObject({ workOrderId: 'WO-P-101-0001', alarmIds: raisedIds, version: 3 });
    expect((await order('?at=2024-01-01T04:00:00Z')).body).toMatchObject({ alarmIds: raisedIds.slice(0, 1), version: 1, asOf: '2024-01-01T04:00:00Z' });
    expect((await order('?at=2024-01-01T02:00:00Z')).status).toBe(404);
    expect((await order('?version=1')).body).toMatchObject({ alarmIds: raisedIds.slice(0, 1), version: 1 });
    const orderEvents = await getJson<Page>(`${scheduler}/v1/work-orders/WO-P-101-0001/events?limit=1`, { token: h.tokens.auditor });
    expect(orderEvents.body.items.map((e) => e.type)).toEqual(['WorkOrderOpened']);
    const next = await getJson<Page>(`${scheduler}/v1/work-orders/WO-P-101-0001/events?limit=1&fromVersion=${orderEvents.body.nextFromVersion}`, { token: h.tokens.auditor });
    expect(next.body.items.map((e) => e.type)).toEqual(['AlarmAttachedToWorkOrder']);
    expect((await getJson(`${scheduler}/v1/work-orders/not-an-order`, { token: h.tokens.auditor })).status).toBe(400);
  });

  it('catches a deleted AlarmCleared even when the insider recomputed the hash chain', async () => {
    const schema = `${h.topicRoot}_twin_state`;
    const store = new PostgresEventStore(pool, { schema });
    const before = await store.readStream('asset-P-101');
    // The first episode's vibration AlarmCleared (the last decision of the reading that ends the episode).
    const cleared = before.find((e) => e.type === 'AlarmCleared' && (e.data as { cause: string }).cause === 'VIBRATION_HIGH')!;

    // The insider: delete the row, renumber the later events and re-hash the chain from there.
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`DELETE FROM "${schema}".events WHERE event_id = $1`, [cleared.eventId]);
      let prevHash = before.find((e) => e.streamVersion === cleared.streamVersion - 1)?.hash ?? GENESIS_HASH;
      for (const e of before.filter((x) => x.streamVersion > cleared.streamVersion)) {
        const moved = { ...e, streamVersion: e.streamVersion - 1 };
        const hash = eventHash(prevHash, moved);
        await client.query(`UPDATE "${schema}".events SET stream_version = $2, prev_hash = $3, hash = $4 WHERE event_id = $1`, [e.eventId, moved.streamVersion, prevHash, hash]);
        prevHash = hash;
      }
      await client.query(`UPDATE "${schema}".streams SET version = version - 1, last_hash = $2 WHERE stream_id = $1`, ['asset-P-101', prevHash]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
    const after = await store.readStream('asset-P-101');
    expect(after).toHaveLength(before.length - 1);
    expect(verifyStreamChain(after)).toMatchObject({ valid: true });

    const twin = await rederive();
    expect(twin.body.ok).toBe(false);
    expect(twin.body.divergence).toMatchObject({
      kind: 'missing',
      streamVersion: cleared.streamVersion,
      derived: { type: 'AlarmCleared', data: { alarmId: (cleared.data as { alarmId: string }).alarmId } },
    });

    const run = await cli(h, 'P-101');
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^DIVERGENCE twin P-101/m);
    expect(run.stdout).toContain(`stream version ${cleared.streamVersion}`);
    expect(run.stdout).toContain('AlarmCleared');
  });
});
