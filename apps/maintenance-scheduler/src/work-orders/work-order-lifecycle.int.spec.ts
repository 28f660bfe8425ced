import 'reflect-metadata';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Role } from '@twinline/contracts';
import { EVENT_STORE, PostgresEventStore, runMigrations } from '@twinline/event-store';
import { acceptJsonBodies, authProviders, issueToken, ProblemDetailsFilter } from '@twinline/service-kit';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { handleCommands, WorkOrderRepository, type CommandEnvelope } from '../commands/work-order-commands';
import { SCHEDULER_MIGRATIONS } from '../migrations';
import { WorkOrderHistoryController } from './work-order-history.controller';
import { WorkOrderLifecycleController } from './work-order-lifecycle.controller';
import { WorkOrdersController } from './work-orders.controller';
import { WorkOrdersProjection } from './work-orders.projection';

const SECRET = 'a-scheduler-test-secret-of-32-characters-or-more';
const token = (role: Role, sub: string = role) => issueToken({ sub, roles: [role], ttlSeconds: 3600, nowSeconds: Math.floor(Date.now() / 1000) }, SECRET);
const planner = token('planner', 'alice');

const alarm = (assetId: string, alarmId: string, cause: string, severity: 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW', raisedAt: string): CommandEnvelope => ({
  command: { type: 'HandleAlarm', data: { assetId, alarmId, cause, severity, message: `${cause} on ${assetId}`, raisedAt } },
  idBase: `E-${alarmId}:AlarmRaised`,
  correlationId: `C-${alarmId}`,
  causationId: `E-${alarmId}:AlarmRaised`,
  actor: 'service:maintenance-scheduler',
  occurredAt: raisedAt,
});

interface Problem {
  status: number;
  code: string;
  detail: string;
  errors?: Array<{ field: string; message: string }>;
}
type View = Record<string, unknown> & { workOrderId: string; status: string };

/** The planner API against real Postgres: the lifecycle, its problem answers, and the read model it feeds. */
describe('planner API of work orders (Postgres)', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  let view: WorkOrdersProjection;
  let app: NestFastifyApplication;

  beforeAll(async () => {
    db = await createTestSchema('woplanner');
    await runMigrations({ url: db.url, schema: db.schema, migrations: SCHEDULER_MIGRATIONS });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    view = new WorkOrdersProjection(db.pool, db.schema);
    const orders = new WorkOrderRepository(store);
    await handleCommands(
      [
        alarm('P-101', 'ALM-1', 'THRESHOLD_EXCEEDED', 'HIGH', '2024-01-01T03:00:00Z'),
        alarm('P-101', 'ALM-2', 'VIBRATION', 'CRITICAL', '2024-01-01T04:00:00Z'),
        alarm('P-101', 'ALM-3', 'THRESHOLD_EXCEEDED', 'HIGH', '2024-01-01T07:00:00Z'),
        alarm('P-102', 'ALM-4', 'THRESHOLD_EXCEEDED', 'LOW', '2024-01-01T05:00:00Z'),
      ],
      { store, orders },
    );
    const module = await Test.createTestingModule({
      controllers: [WorkOrdersController, WorkOrderHistoryController, WorkOrderLifecycleController],
      providers: [
        { provide: EVENT_STORE, useValue: store },
        { provide: WorkOrderRepository, useValue: orders },
        { provide: WorkOrdersProjection, useValue: view },
        ...authProviders(SECRET),
      ],
    }).compile();
    const adapter = new FastifyAdapter();
    acceptJsonBodies(adapter.getInstance(), 1024 * 1024);
    app = module.createNestApplication<NestFastifyApplication>(adapter, { logger: false, bodyParser: false });
    app.useGlobalFilters(new ProblemDetailsFilter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /**
   * Projects every stored work-order event again, stream by stream (readAll would hold back the events
   * behind any transaction open on the server): the projection applies each once, so this also shows its idempotency.
   */
  const project = async () => {
    for (const streamId of await store.listStreams('workorders-')) await view.handle(await store.readStream(streamId));
  };

  const call = async <T = View>(method: 'GET' | 'POST', url: string, o: { token?: string; body?: unknown } = {}) => {
    const r = await app.inject({
      method,
      url,
      headers: { ...(o.token ? { authorization: `Bearer ${o.token}` } : {}), ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(o.body !== undefined ? { payload: JSON.stringify(o.body) } : {}),
    });
    return { status: r.statusCode, body: r.json() as T, contentType: r.headers['content-type'] };
  };
  const post = <T = View>(url: string, body: unknown, t = planner) => call<T>('POST', url, { token: t, body });

  it('lists the work orders alarms opened from the read model, newly REQUESTED, with type, priority and due date, filtered', async () => {
    await project();
    const all = await call<{ items: View[]; nextAfter: string | null }>('GET', '/v1/work-orders', { token: token('operator') });
    expect(all.status).toBe(200);
    expect(all.body.items.map((o) => [o.workOrderId, o.status, o['type'], o['priority'], o['alarmIds']])).toEqual([
      ['WO-P-101-0001', 'REQUESTED', 'corrective', 'P2', ['ALM-1', 'ALM-3']],
      ['WO-P-101-0002', 'REQUESTED', 'corrective', 'P1', ['ALM-2']],
      ['WO-P-102-0001', 'REQUESTED', 'corrective', 'P4', ['ALM-4']],
    ]);
    expect(all.body.items[0]).toMatchObject({ assetId: 'P-101', dueAt: '2024-01-04T03:00:00.000Z', firstWarningAt: '2024-01-01T03:00:00.000Z', predictionIds: [] });
    const q = async (query: string) => (await call<{ items: View[] }>('GET', `/v1/work-orders?${query}`, { token: token('auditor') })).body.items.map((o) => o.workOrderId);
    expect(await q('assetId=P-101&priority=P1')).toEqual(['WO-P-101-0002']);
    expect(await q('cause=THRESHOLD_EXCEEDED')).toEqual(['WO-P-101-0001', 'WO-P-102-0001']);
    expect(await q('dueBefore=2024-01-03T00:00:00Z')).toEqual(['WO-P-101-0002']);
    expect(await q('type=preventive')).toEqual([]);
    expect(await q('limit=1&after=WO-P-101-0001')).toEqual(['WO-P-101-0002']);
    const bad = await call<Problem>('GET', '/v1/work-orders?status=OPEN', { token: planner });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([{ field: 'status', message: 'status must be one of REQUESTED, APPROVED, SCHEDULED, IN_PROGRESS, COMPLETED, CANCELLED' }]);
  });

  it('refuses writes to operators and auditors (403) and to callers without a token (401)', async () => {
    for (const role of ['operator', 'auditor'] as const) {
      const r = await post<Problem>('/v1/work-orders/WO-P-101-0001/approve', {}, token(role));
      expect(r.status).toBe(403);
      expect(r.body).toMatchObject({ code: 'AUTH.FORBIDDEN', detail: expect.stringContaining('needs the role planner') });
    }
    expect((await call('POST', '/v1/work-orders/WO-P-101-0001/approve', { body: {} })).status).toBe(401);
    expect((await call('GET', '/v1/work-orders/WO-P-101-0001', { token: token('operator') })).body.status).toBe('REQUESTED');
  });

  it('takes a work order from REQUESTED to COMPLETED, attributed to the planner, and answers the order after each step', async () => {
    const approved = await post('/v1/work-orders/WO-P-101-0001/approve', { note: 'pump is critical' });
    expect(approved.status).toBe(200);
    expect(approved.body).toMatchObject({ workOrderId: 'WO-P-101-0001', status: 'APPROVED', approvedBy: 'user:alice', approvedAt: expect.any(String) });

    const scheduled = await post('/v1/work-orders/WO-P-101-0001/schedule', { scheduledFor: '2030-01-02T08:00:00Z', crew: 'north-crew' });
    expect(scheduled.status).toBe(200);
    expect(scheduled.body).toMatchObject({ status: 'SCHEDULED', scheduledFor: '2030-01-02T08:00:00Z', crew: 'north-crew' });

    const started = await post('/v1/work-orders/WO-P-101-0001/start', {});
    expect(started.body).toMatchObject({ status: 'IN_PROGRESS', startedAt: expect.any(String) });

    const completed = await post('/v1/work-orders/WO-P-101-0001/complete', {
      findings: 'bearing worn, replaced',
      failure: { mode: 'bearing-wear', failedAt: '2024-01-01T03:00:00Z' },
      parts: [{ partNumber: 'BRG-6205', quantity: 2, description: 'deep groove ball bearing' }],
      labourHours: 3.5,
    });
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({
      status: 'COMPLETED',
      findings: 'bearing worn, replaced',
      failure: { mode: 'bearing-wear', failedAt: '2024-01-01T03:00:00Z' },
      parts: [{ partNumber: 'BRG-6205', quantity: 2, description: 'deep groove ball bearing' }],
      labourHours: 3.5,
      alarmIds: ['ALM-1', 'ALM-3'],
    });

    const events = await store.readStream('workorders-P-101');
    expect(events.map((e) => e.type).slice(-5)).toEqual(['WorkOrderApproved', 'WorkOrderScheduled', 'WorkOrderStarted', 'WorkOrderCompleted', 'MaintenanceCompleted']);
    expect(events.slice(-5).map((e) => e.metadata.actor)).toEqual(Array(5).fill('user:alice'));
    expect(events.slice(-5).map((e) => (e.data as { by?: string }).by)).toEqual(['user:alice', 'user:alice', 'user:alice', 'user:alice', undefined]);

    await project();
    await project();
    const [row] = (await call<{ items: View[] }>('GET', '/v1/work-orders?status=COMPLETED', { token: token('auditor') })).body.items;
    expect(row).toMatchObject({
      workOrderId: 'WO-P-101-0001',
      approvedBy: 'user:alice',
      approvalNote: 'pump is critical',
      scheduledFor: '2030-01-02T08:00:00.000Z',
      crew: 'north-crew',
      startedBy: 'user:alice',
      completedBy: 'user:alice',
      findings: 'bearing worn, replaced',
      failure: { mode: 'bearing-wear', failedAt: '2024-01-01T03:00:00Z' },
      parts: [{ partNumber: 'BRG-6205', quantity: 2, description: 'deep groove ball bearing' }],
      labourHours: 3.5,
      cancelledAt: null,
    });
    expect(row!['completedAt']).toBe(new Date(completed.body['completedAt'] as string).toISOString());

    const full = await call('GET', '/v1/work-orders/WO-P-101-0001', { token: token('operator') });
    expect(full.body).toMatchObject({ ...completed.body, version: events[events.length - 1]!.streamVersion });
  });

  it('answers a body that breaks the rules with 400 problem details naming the field and the rule', async () => {
    const missing = await post<Problem>('/v1/work-orders/WO-P-101-0002/schedule', { scheduledFor: 'tomorrow' });
    expect(missing.status).toBe(400);
    expect(missing.contentType).toContain('application/problem+json');
    expect(missing.body.code).toBe('CONTRACT.INVALID');
    expect(missing.body.errors!.map((e) => e.field).sort()).toEqual(['crew', 'scheduledFor']);
    expect(missing.body.errors!.find((e) => e.field === 'scheduledFor')!.message).toMatch(/ISO 8601/);

    const complete = await post<Problem>('/v1/work-orders/WO-P-101-0002/complete', { findings: '', failure: { mode: 'x' }, parts: [{ partNumber: 'A', quantity: 0 }], labourHours: -1 });
    expect(complete.status).toBe(400);
    expect(complete.body.errors!.map((e) => e.field).sort()).toEqual(['failure.failedAt', 'findings', 'labourHours', 'parts.0.quantity']);
    expect(complete.body.errors!.find((e) => e.field === 'labourHours')!.message).toBe('labourHours must be >= 0');

    const extra = await post<Problem>('/v1/work-orders/WO-P-101-0002/cancel', { reason: 'duplicate', by: 'mallory' });
    expect(extra.status).toBe(400);
    expect(extra.body.detail).toContain('by');

    const badId = await post<Problem>('/v1/work-orders/not-an-order/approve', {});
    expect(badId.status).toBe(400);
    expect(badId.body.errors).toEqual([{ field: 'workOrderId', message: 'workOrderId must be a work-order id such as WO-P-101-0001' }]);
  });

  it('answers 404 for an unknown work order and 409 naming the current status for a transition it does not allow', async () => {
    const unknown = await post<Problem>('/v1/work-orders/WO-P-101-0099/approve', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('MAINTENANCE.UNKNOWN_WORK_ORDER');
    const otherAsset = await post<Problem>('/v1/work-orders/WO-P-999-0001/approve', {});
    expect(otherAsset.status).toBe(404);
    expect((await call<Problem>('GET', '/v1/work-orders/WO-P-101-0099', { token: planner })).status).toBe(404);

    const early = await post<Problem>('/v1/work-orders/WO-P-101-0002/complete', { findings: 'x', failure: null, parts: [], labourHours: 1 });
    expect(early.status).toBe(409);
    expect(early.contentType).toContain('application/problem+json');
    expect(early.body.code).toBe('MAINTENANCE.INVALID_TRANSITION');
    expect(early.body.detail).toContain('REQUESTED');

    const again = await post<Problem>('/v1/work-orders/WO-P-101-0001/approve', {});
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain('COMPLETED');
  });

  it('cancels an open order with a reason, after which it moves no more', async () => {
    const cancelled = await post('/v1/work-orders/WO-P-102-0001/cancel', { reason: 'sensor was miscalibrated' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'sensor was miscalibrated', cancelledAt: expect.any(String) });
    expect((await post<Problem>('/v1/work-orders/WO-P-102-0001/cancel', { reason: 'again' })).status).toBe(409);
    await project();
    expect((await call<{ items: View[] }>('GET', '/v1/work-orders?assetId=P-102', { token: planner })).body.items[0]).toMatchObject({ status: 'CANCELLED', cancelReason: 'sensor was miscalibrated', cancelledBy: 'user:alice' });
  });

  it('opens a new order for the cause of a completed one (the completed order freed its cause)', async () => {
    await handleCommands([alarm('P-101', 'ALM-5', 'THRESHOLD_EXCEEDED', 'MEDIUM', '2024-02-01T00:00:00Z')], { store, orders: new WorkOrderRepository(store) });
    await project();
    const items = (await call<{ items: View[] }>('GET', '/v1/work-orders?assetId=P-101&status=REQUESTED', { token: planner })).body.items;
    expect(items.map((o) => [o.workOrderId, o['cause'], o['alarmIds']])).toEqual([
      ['WO-P-101-0002', 'VIBRATION', ['ALM-2']],
      ['WO-P-101-0003', 'THRESHOLD_EXCEEDED', ['ALM-5']],
    ]);
  });
});
