import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TWIN_EVENT_SCHEMA_VERSIONS, type FieldError, type Role } from '@twinline/contracts';
import type { AlarmKpis } from '@twinline/domain-twin';
import { eventStoreMigrations, PostgresCheckpointStore, PostgresEventStore, runMigrations, type NewEvent } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ASSET_DIRECTORY, authProviders, createServiceApp, eventStoreProviders, issueToken, PG_POOL, ProjectionRebuilder, ProjectionRebuilds, StaticAssetDirectory } from '@twinline/service-kit';
import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { twinStreamId } from '../streams';
import { currentTwinEvents } from '../twin-events';
import { AlarmKpisController } from './alarm-kpis.controller';
import { AlarmLogProjection } from './alarm-log.projection';
import { AlarmLogRuntime } from './alarm-log.runtime';
import { ALARM_LOG_MIGRATIONS } from './migrations';

const SECRET = 'an-alarm-log-test-secret-of-32-characters';
const T0 = Date.parse('2026-01-01T00:00:00Z');
/** `minute`:`second` after T0. */
const at = (minute: number, second = 0) => new Date(T0 + minute * 60_000 + second * 1000).toISOString();
const token = (role: Role) => issueToken({ sub: 'rita', roles: [role], ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000) }, SECRET);
const metadata = { correlationId: 'C', causationId: null, actor: 'service:twin-state' };

let n = 0;
const event = (type: string, occurredAt: string, data: Record<string, unknown>): NewEvent => ({
  eventId: `log-${++n}:${type}`,
  type,
  schemaVersion: (TWIN_EVENT_SCHEMA_VERSIONS as Record<string, number>)[type] ?? 1,
  occurredAt,
  data,
  metadata,
});
const raised = (assetId: string, minute: number, o: { cause?: string; shelved?: boolean; second?: number } = {}) =>
  event('AlarmRaised', at(minute, o.second ?? 0), {
    assetId,
    alarmId: `ALM-${assetId}-${n}`,
    cause: o.cause ?? 'THRESHOLD_EXCEEDED',
    severity: 'HIGH',
    message: 'hot',
    raisedAt: at(minute, o.second ?? 0),
    readingId: `R-${n}`,
    conditions: [{ metric: 'temperatureC', value: 90, limit: 80, comparator: '>' }],
    profile: 'pump',
    ...(o.shelved ? { shelved: true } : {}),
  });

/**
 * North (N-1..N-12): 12 raises in the first 10 minutes (a flood), N-1 three times within 40 s
 * (chattering), one raise while shelved and one re-announcement (neither counted), an
 * acknowledgement and a clearing (logged, not raises). South (S-1): one raise. U-1: in no site.
 */
const HISTORY: Record<string, NewEvent[]> = {
  'N-1': [
    raised('N-1', 0, { second: 0 }),
    event('AlarmAcknowledged', at(0, 10), { assetId: 'N-1', alarmId: 'ALM-N-1-1', by: 'user:olga', at: at(0, 10) }),
    event('AlarmCleared', at(0, 15), { assetId: 'N-1', alarmId: 'ALM-N-1-1', cause: 'THRESHOLD_EXCEEDED', at: at(0, 15), readingId: 'R-x' }),
    raised('N-1', 0, { second: 20 }),
    raised('N-1', 0, { second: 40 }),
    event('AlarmReannounced', at(5), { assetId: 'N-1', alarmId: 'ALM-N-1-3', cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', at: at(5) }),
  ],
  ...Object.fromEntries([2, 3, 4, 5, 6, 7, 8, 9, 10].map((i) => [`N-${i}`, [raised(`N-${i}`, i - 1)]])),
  'N-11': [raised('N-11', 20, { shelved: true }), event('AlarmShelved', at(19), { assetId: 'N-11', alarmId: 'ALM-N-11', by: 'user:olga', at: at(19), until: at(79), reason: 'sensor swap' })],
  'S-1': [raised('S-1', 30)],
  'U-1': [raised('U-1', 40)],
};

describe('alarm_log read model and GET /v1/alarm-kpis (Postgres)', () => {
  let db: TestSchema;
  let app: NestFastifyApplication;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;

  const rows = async (table = 'alarm_log') => (await db.pool.query(`SELECT event_id, position::text, asset_id, kind, alarm_id, cause, severity, shelved, actor, at, recorded_at, data FROM "${db.schema}".${table} ORDER BY position`)).rows;
  const get = async (url: string, role: Role = 'planner') => {
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token(role)}` } });
    return { status: r.statusCode, body: JSON.parse(r.body) as AlarmKpis & { site?: string; code?: string; errors?: FieldError[] } };
  };
  const lastInReadOrder = async () =>
    (await db.pool.query<{ position: string }>(`SELECT position::text FROM "${db.schema}".events ORDER BY transaction_id DESC, position DESC LIMIT 1`)).rows[0]?.position ?? '0';
  const caughtUp = async () => {
    const last = await lastInReadOrder();
    await waitFor(async () => (await checkpoints.load('alarm-log')) === last, { what: 'the alarm-log projection to catch up' });
  };

  beforeAll(async () => {
    db = await createTestSchema('alarmlog');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...ALARM_LOG_MIGRATIONS] });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
    const directory = new StaticAssetDirectory([
      ...[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((i) => ({ assetId: `N-${i}`, assetClass: 'pump', site: 'north' })),
      { assetId: 'S-1', assetClass: 'pump', site: 'south' },
    ]);
    @Module({
      controllers: [AlarmKpisController],
      providers: [
        ...authProviders(SECRET),
        { provide: PG_POOL, useValue: db.pool },
        ...eventStoreProviders(db.schema),
        { provide: ProjectionRebuilds, useFactory: () => new ProjectionRebuilds() },
        { provide: ASSET_DIRECTORY, useValue: directory },
        { provide: AlarmLogProjection, useFactory: () => new AlarmLogProjection(db.pool, db.schema) },
        AlarmLogRuntime,
      ],
    })
    class TestModule {}
    app = await createServiceApp({ name: 'alarm-log-test', module: TestModule });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    for (const [assetId, events] of Object.entries(HISTORY)) await store.append(twinStreamId(assetId), events, 0);
    // Not a twin stream, and not an alarm event: neither is logged.
    await store.append('config-twin-state', [event('RulesConfigured', at(0), { service: 'twin-state' })], 0);
    await store.append(twinStreamId('N-12'), [event('TwinStatusChanged', at(1), { assetId: 'N-12', from: 'OPERATIONAL', to: 'ALARM' })], 0);
    await caughtUp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('keeps one row per alarm event of the twin streams, with its kind, alarm, cause, actor and time', async () => {
    const r = await rows();
    expect(r).toHaveLength(19);
    expect(r.filter((row) => row.asset_id === 'N-1').map((row) => [row.kind, row.actor])).toEqual([
      ['raised', null],
      ['acknowledged', 'user:olga'],
      ['cleared', null],
      ['raised', null],
      ['raised', null],
      ['reannounced', null],
    ]);
    expect(r.find((row) => row.asset_id === 'N-11' && row.kind === 'raised')).toMatchObject({ shelved: true, cause: 'THRESHOLD_EXCEEDED', severity: 'HIGH', at: new Date(at(20)) });
    expect(r.find((row) => row.kind === 'shelved')).toMatchObject({ asset_id: 'N-11', alarm_id: 'ALM-N-11', actor: 'user:olga', data: expect.objectContaining({ reason: 'sensor swap' }) });
  });

  it('handles a batch again without a second row (a replay after a crash)', async () => {
    const before = await rows();
    const events = await store.readStream(twinStreamId('N-1'));
    await new AlarmLogProjection(db.pool, db.schema).handle(events);
    expect(await rows()).toEqual(before);
  });

  it('rebuilds alarm_log from position 0 into a table equal to the live one', async () => {
    const before = await rows();
    const rebuilder = new ProjectionRebuilder({ ...new AlarmLogProjection(db.pool, db.schema).rebuildable(), store: currentTwinEvents(store), checkpoints, live: { pause: async () => undefined, resume: () => undefined }, log: createLogger('test', 'error') });
    expect(rebuilder.start('user:test')).toBe(true);
    expect(await rebuilder.done()).toMatchObject({ projection: 'alarm-log', table: 'alarm_log', state: 'swapped', error: null });
    expect(await rows()).toEqual(before);
  });

  it('counts the flood, the chattering N-1 and the top-10 share per site; shelved raises and re-announcements apart', async () => {
    const r = await get(`/v1/alarm-kpis?from=${at(0)}&to=${at(60)}`);
    expect(r.status).toBe(200);
    expect(r.body.sites.map((s) => s.site)).toEqual(['north', 'south', null]);
    // North: N-1 ×3 + N-2..N-10 = 12 raises in 00:00–00:10 → one flood period of 10 of 60 minutes.
    expect(r.body.sites[0]).toMatchObject({
      site: 'north',
      alarms: 12,
      shelvedRaises: 1,
      reannouncements: 1,
      averagePer10Minutes: 2,
      peakPer10Minutes: 12,
      floodPeriods: [{ start: at(0), end: at(10), alarms: 12 }],
      longestFlood: { start: at(0), end: at(10), periods: 1, alarms: 12, minutes: 10 },
      percentTimeInFlood: 16.67,
      chattering: [{ assetId: 'N-1', cause: 'THRESHOLD_EXCEEDED', raises: 3, maxRaisesIn60s: 3, firstBurstAt: at(0) }],
      topTenSharePercent: 100,
    });
    expect(r.body.targets).toMatchObject({ alarmsPer10MinutesAcceptable: 1, floodThresholdPer10Minutes: 10, percentTimeInFloodMax: 1, topTenSharePercentMax: 5 });
    expect(r.body.sites[1]).toMatchObject({ site: 'south', alarms: 1, floodPeriods: [] });
  });

  it('narrows to one site by the asset directory', async () => {
    const r = await get(`/v1/alarm-kpis?site=south&from=${at(0)}&to=${at(60)}`, 'auditor');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ site: 'south', sites: [{ site: 'south', alarms: 1 }] });
    expect((await get(`/v1/alarm-kpis?site=nowhere&from=${at(0)}&to=${at(60)}`, 'operator')).body).toMatchObject({ site: 'nowhere', sites: [] });
  });

  it('covers the last 24 h by default (nothing of 2026-01-01 in it)', async () => {
    const r = await get('/v1/alarm-kpis');
    expect(r.status).toBe(200);
    expect(r.body.sites).toEqual([]);
    expect(Date.parse(r.body.to) - Date.parse(r.body.from)).toBe(86_400_000);
    expect(Math.abs(Date.parse(r.body.to) - Date.now())).toBeLessThan(60_000);
  });

  it.each<[string, string, string]>([
    ['a from that is no time', `from=yesterday&to=${at(60)}`, 'from'],
    ['a to that is no time', `from=${at(0)}&to=2026-13-01T00:00:00Z`, 'to'],
    ['from after to', `from=${at(60)}&to=${at(0)}`, 'from'],
    ['from equal to to', `from=${at(0)}&to=${at(0)}`, 'from'],
    ['a window over 31 days', `from=${at(0)}&to=${at(32 * 24 * 60)}`, 'from'],
    ['an empty site', `site=&from=${at(0)}&to=${at(60)}`, 'site'],
    ['an unknown parameter', `asset=N-1`, '(root)'],
  ])('given %s, then 400 CONTRACT.INVALID naming %s', async (_what, query, field) => {
    const r = await get(`/v1/alarm-kpis?${query}`);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ code: 'CONTRACT.INVALID', errors: [expect.objectContaining({ field })] });
  });

  it('takes a window of exactly 31 days', async () => {
    expect((await get(`/v1/alarm-kpis?from=${at(0)}&to=${at(31 * 24 * 60)}`)).status).toBe(200);
  });
});
