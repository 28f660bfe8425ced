import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FieldError, Role } from '@twinline/contracts';
import type { ReliabilityReport } from '@twinline/domain-maintenance';
import { PostgresCheckpointStore, PostgresEventStore, runMigrations, type NewEvent } from '@twinline/event-store';
import { ASSET_DIRECTORY, authProviders, createServiceApp, eventStoreProviders, issueToken, PG_POOL, ProjectionRebuilds, StaticAssetDirectory } from '@twinline/service-kit';
import { metrics } from '@twinline/observability';
import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { workOrderStreamId } from '../streams';
import { SCHEDULER_MIGRATIONS } from '../migrations';
import { RELIABILITY_CONTROLLERS, reliabilityProviders } from './index';
import { ReliabilityProjection } from './reliability.projection';

/** Problem details of a refused request. */
interface Problem {
  detail: string;
  errors: FieldError[];
}

const SECRET = 'a-reliability-test-secret-of-32-characters';
const T0 = Date.parse('2024-01-01T00:00:00Z');
/** The time `h` hours after T0. */
const at = (h: number) => new Date(T0 + h * 3_600_000).toISOString();
const token = (role: Role) => issueToken({ sub: 'rita', roles: [role], ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000) }, SECRET);
const metadata = { correlationId: 'C', causationId: null, actor: 'service:maintenance-scheduler' };

let n = 0;
const event = (type: string, occurredAt: string, data: Record<string, unknown>): NewEvent => ({ eventId: `rel-${++n}:${type}`, type, schemaVersion: 1, occurredAt, data, metadata });
const opened = (assetId: string, workOrderId: string, h: number, extra: Record<string, unknown>) =>
  event('WorkOrderOpened', at(h), { workOrderId, assetId, cause: 'c', priority: 'P2', title: `Inspect ${assetId}`, openedAt: at(h), dueAt: at(h + 48), ...extra });
const started = (assetId: string, workOrderId: string, h: number) => event('WorkOrderStarted', at(h), { workOrderId, assetId, by: 'user:crew', at: at(h) });
const completed = (assetId: string, workOrderId: string, h: number, failedAtHour: number | null) =>
  event('WorkOrderCompleted', at(h), { workOrderId, assetId, by: 'user:crew', at: at(h), findings: 'done', failure: failedAtHour === null ? null : { mode: 'seal leak', failedAt: at(failedAtHour) }, parts: [], labourHours: 1 });

/**
 * P-1 (pump): in service since T0; a corrective order warned at 0 h (a later alarm at 1 h), failed at
 * 10 h, repaired by 12 h; a predictive order opened at 100 h (predicting 130 h), re-predicted at 110 h
 * (125 h) and after the failure at 121 h (140 h), failed at 120 h, repaired by 124 h; a preventive
 * order without a failure.
 * P-2 (compressor): in service since 20 h (a preventive order); a failure at 55 h that the alarm of
 * 60 h came after (unpredicted), repaired by 70 h; a cancelled order.
 * P-9 (pump): registered, never an order: operating time only.
 */
const HISTORY: Record<string, NewEvent[]> = {
  'P-1': [
    opened('P-1', 'WO-P-1-0001', 0, { type: 'corrective', alarmId: 'A-1' }),
    event('AlarmAttachedToWorkOrder', at(1), { workOrderId: 'WO-P-1-0001', assetId: 'P-1', alarmId: 'A-2', attachedAt: at(1) }),
    started('P-1', 'WO-P-1-0001', 10),
    completed('P-1', 'WO-P-1-0001', 12, 10),
    opened('P-1', 'WO-P-1-0002', 100, { type: 'predictive', predictionId: 'PR-1', predictedFailureAt: at(130) }),
    event('PredictionAttachedToWorkOrder', at(110), { workOrderId: 'WO-P-1-0002', assetId: 'P-1', predictionId: 'PR-2', predictedFailureAt: at(125), attachedAt: at(110) }),
    started('P-1', 'WO-P-1-0002', 119),
    event('PredictionAttachedToWorkOrder', at(121), { workOrderId: 'WO-P-1-0002', assetId: 'P-1', predictionId: 'PR-3', predictedFailureAt: at(140), attachedAt: at(121) }),
    completed('P-1', 'WO-P-1-0002', 124, 120),
    opened('P-1', 'WO-P-1-0003', 150, { type: 'preventive', scheduleId: 'S-1', occurrence: 1 }),
    started('P-1', 'WO-P-1-0003', 150),
    completed('P-1', 'WO-P-1-0003', 151, null),
  ],
  'P-2': [
    opened('P-2', 'WO-P-2-0001', 20, { type: 'preventive', scheduleId: 'S-2', occurrence: 1 }),
    started('P-2', 'WO-P-2-0001', 20),
    completed('P-2', 'WO-P-2-0001', 21, null),
    opened('P-2', 'WO-P-2-0002', 60, { type: 'corrective', alarmId: 'A-3' }),
    started('P-2', 'WO-P-2-0002', 61),
    completed('P-2', 'WO-P-2-0002', 70, 55),
    opened('P-2', 'WO-P-2-0003', 80, { type: 'corrective', alarmId: 'A-4' }),
    event('WorkOrderCancelled', at(81), { workOrderId: 'WO-P-2-0003', assetId: 'P-2', by: 'user:planner', at: at(81), reason: 'false alarm' }),
  ],
};

describe('reliability read model and GET /v1/reliability (Postgres)', () => {
  let db: TestSchema;
  let app: NestFastifyApplication;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;

  const rows = async () => (await db.pool.query(`SELECT * FROM "${db.schema}".reliability_records ORDER BY work_order_id`)).rows;
  const get = async (url: string, role: Role = 'operator') => {
    const r = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token(role)}` } });
    return { status: r.statusCode, body: JSON.parse(r.body) as ReliabilityReport & Partial<Problem> };
  };
  const lastInReadOrder = async () =>
    (await db.pool.query<{ position: string }>(`SELECT position::text FROM "${db.schema}".events ORDER BY transaction_id DESC, position DESC LIMIT 1`)).rows[0]?.position ?? '0';
  const caughtUp = async () => {
    const last = await lastInReadOrder();
    await waitFor(async () => (await checkpoints.load('reliability')) === last, { what: 'the reliability projection to catch up' });
  };

  beforeAll(async () => {
    db = await createTestSchema('reliability');
    await runMigrations({ url: db.url, schema: db.schema, migrations: SCHEDULER_MIGRATIONS });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
    const directory = new StaticAssetDirectory([
      { assetId: 'P-1', assetClass: 'pump', site: 'north' },
      { assetId: 'P-2', assetClass: 'compressor', site: 'north' },
      { assetId: 'P-9', assetClass: 'pump', site: 'south' },
    ]);
    @Module({
      controllers: RELIABILITY_CONTROLLERS,
      providers: [
        ...authProviders(SECRET),
        { provide: PG_POOL, useValue: db.pool },
        ...eventStoreProviders(db.schema),
        { provide: ProjectionRebuilds, useFactory: () => new ProjectionRebuilds() },
        { provide: ASSET_DIRECTORY, useValue: directory },
        ...reliabilityProviders(db.schema),
      ],
    })
    class TestModule {}
    app = await createServiceApp({ name: 'reliability-test', module: TestModule });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    for (const [assetId, events] of Object.entries(HISTORY)) await store.append(workOrderStreamId(assetId), events, 0);
    // Something in another stream: not a work order, ignored.
    await store.append('config-maintenance-scheduler', [event('RulesConfigured', at(0), { service: 'maintenance-scheduler' })], 0);
    await caughtUp();
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('keeps one row per work order: type, times, failure, first warning and the predictions seen', async () => {
    const r = await rows();
    expect(r.map((row) => [row.work_order_id, row.status])).toEqual([
      ['WO-P-1-0001', 'COMPLETED'],
      ['WO-P-1-0002', 'COMPLETED'],
      ['WO-P-1-0003', 'COMPLETED'],
      ['WO-P-2-0001', 'COMPLETED'],
      ['WO-P-2-0002', 'COMPLETED'],
      ['WO-P-2-0003', 'CANCELLED'],
    ]);
    const view = new ReliabilityProjection(db.pool, db.schema);
    const { records, inServiceSince } = await view.read();
    expect(Object.fromEntries(inServiceSince)).toEqual({ 'P-1': at(0), 'P-2': at(20) });
    expect(records.find((x) => x.workOrderId === 'WO-P-1-0001')).toEqual({
      assetId: 'P-1',
      workOrderId: 'WO-P-1-0001',
      type: 'corrective',
      openedAt: at(0),
      startedAt: at(10),
      completedAt: at(12),
      failure: { mode: 'seal leak', failedAt: at(10) },
      firstWarningAt: at(0),
      predictedFailureAt: null,
    });
    // The latest prediction made before the failure (110 h: 125 h), not the one made after it.
    expect(records.find((x) => x.workOrderId === 'WO-P-1-0002')).toMatchObject({ type: 'predictive', firstWarningAt: at(100), predictedFailureAt: at(125) });
    expect(records.find((x) => x.workOrderId === 'WO-P-1-0003')).toMatchObject({ type: 'preventive', failure: null, firstWarningAt: null });
    expect(records.map((x) => x.workOrderId)).not.toContain('WO-P-2-0003');
  });

  it('is idempotent per event and rebuilds to the same rows', async () => {
    const before = await rows();
    const view = new ReliabilityProjection(db.pool, db.schema);
    await view.handle(await store.readAll({ after: '0', limit: 1000 }));
    expect(await rows()).toEqual(before);
    const rebuild = app.get(ProjectionRebuilds).get('reliability')!;
    expect(rebuild.start('user:test')).toBe(true);
    expect(await rebuild.done()).toMatchObject({ state: 'swapped', error: null });
    expect(await rows()).toEqual(before);
  });

  it('computes MTBF, MTTR, MTTF, availability and the prediction figures per asset, class and overall', async () => {
    const { status, body } = await get(`/v1/reliability?from=${at(0)}&to=${at(200)}`);
    expect(status).toBe(200);
    expect(body.window).toEqual({ from: at(0), to: at(200) });
    const p1 = body.assets.find((a) => a.assetId === 'P-1');
    // Observed 200 h, down 2 h + 4 h, so 194 h operating over 2 failures.
    expect(p1).toEqual({
      assetId: 'P-1',
      assetClass: 'pump',
      failures: 2,
      observedHours: 200,
      downtimeHours: 6,
      operatingHours: 194,
      mtbfHours: 97,
      mttrHours: 3,
      // From in service (0 h) to 10 h; from the repair (12 h) to 120 h.
      mttfHours: 59,
      availability: 0.97,
      predictedFailures: 2,
      unpredictedFailures: 0,
      meanWarningHours: 15,
      mttfEstimate: { count: 1, meanAbsoluteErrorHours: 5, meanErrorHours: 5 },
    });
    const p2 = body.assets.find((a) => a.assetId === 'P-2');
    // In service since 20 h: 180 h observed, down 55–70 h.
    expect(p2).toMatchObject({ assetClass: 'compressor', failures: 1, observedHours: 180, downtimeHours: 15, operatingHours: 165, mtbfHours: 165, mttrHours: 15, mttfHours: 35, predictedFailures: 0, unpredictedFailures: 1, meanWarningHours: null });
    expect(body.assets.find((a) => a.assetId === 'P-9')).toMatchObject({ assetClass: 'pump', failures: 0, observedHours: 200, operatingHours: 200, mtbfHours: null, availability: 1 });
    expect(body.classes.map((c) => [c.assetClass, c.assets, c.failures, c.mtbfHours])).toEqual([
      ['compressor', 1, 1, 165],
      ['pump', 2, 2, 197],
    ]);
    expect(body.overall).toMatchObject({ assets: 3, failures: 3, observedHours: 580, downtimeHours: 21, operatingHours: 559, mttrHours: 7, mttfHours: 51, predictedFailures: 2, unpredictedFailures: 1, meanWarningHours: 15 });
  });

  it('scopes by asset or class; from defaults to the earliest in-service time in scope, to to now', async () => {
    const before = Date.now();
    const one = await get('/v1/reliability?assetId=P-2', 'auditor');
    expect(one.status).toBe(200);
    expect(one.body.window.from).toBe(at(20));
    expect(Date.parse(one.body.window.to)).toBeGreaterThanOrEqual(before);
    expect(one.body.assets.map((a) => a.assetId)).toEqual(['P-2']);
    const pumps = await get(`/v1/reliability?assetClass=pump&to=${at(200)}`, 'planner');
    expect(pumps.body.window).toEqual({ from: at(0), to: at(200) });
    expect(pumps.body.assets.map((a) => a.assetId)).toEqual(['P-1', 'P-9']);
    expect(pumps.body.classes.map((c) => c.assetClass)).toEqual(['pump']);
    const none = await get('/v1/reliability?assetClass=turbine&to=' + at(200));
    expect(none).toMatchObject({ status: 200, body: { window: { from: at(200), to: at(200) }, assets: [], classes: [], overall: { assets: 0, failures: 0 } } });
  });

  it.each([
    ['from=yesterday', 'from'],
    [`from=${at(10)}&to=${at(5)}`, 'from'],
    [`from=${at(5)}&to=${at(5)}`, 'from'],
    ['to=2024-01-01T00:00:00', 'to'],
    ['from=2999-01-01T00:00:00Z', 'from'],
    ['assetId=no%20spaces', 'assetId'],
  ])('answers ?%s with 400 naming %s', async (query, field) => {
    const { status, body } = await get(`/v1/reliability?${query}`);
    expect(status).toBe(400);
    expect(body.errors?.map((e) => e.field)).toContain(field);
    expect(body.detail).toContain(field);
  });

  it('reports availability, MTBF, MTTR and failures per asset class as gauges', async () => {
    const text = await metrics.getRegistry().metrics();
    // Since the earliest in-service time until now: the failures are those of the history.
    expect(text).toContain('twinline_reliability_failures{asset_class="pump"} 2');
    expect(text).toContain('twinline_reliability_failures{asset_class="compressor"} 1');
    expect(text).toContain('twinline_reliability_mttr_hours{asset_class="compressor"} 15');
    expect(text).toMatch(/twinline_reliability_availability\{asset_class="pump"\} 0\.9\d+/);
    expect(text).toMatch(/twinline_reliability_mtbf_hours\{asset_class="pump"\} \d+/);
  });

  it('needs a token', async () => {
    expect((await app.inject({ method: 'GET', url: '/v1/reliability' })).statusCode).toBe(401);
  });

  it('counts an asset in service from its first reading when that came before its first work order', async () => {
    // The running-hours consumer (preventive) records the first reading of each asset it sees.
    await db.pool.query(`INSERT INTO "${db.schema}".running_hours (asset_id, running_hours, last_reading_at, state, first_reading_at) VALUES ('P-2', 1, $1, '{}', $2)`, [at(6), at(5)]);
    try {
      const { inServiceSince } = await new ReliabilityProjection(db.pool, db.schema).read();
      expect(Object.fromEntries(inServiceSince)).toEqual({ 'P-1': at(0), 'P-2': at(5) });
    } finally {
      await db.pool.query(`DELETE FROM "${db.schema}".running_hours`);
    }
  });
});
