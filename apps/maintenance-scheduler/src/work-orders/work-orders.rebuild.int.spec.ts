import { eventStoreMigrations, PostgresCheckpointStore, PostgresEventStore, runMigrations, type AppendRequest } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, startProjectionAndOutbox, type StoreLoops } from '@twinline/service-kit';
import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { workOrderStreamId } from '../streams';
import { WORK_ORDERS_MIGRATIONS } from './migrations';
import { WorkOrdersProjection } from './work-orders.projection';

const log = createLogger('test', 'error');
const ASSETS = 30;
const at = (minute: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + minute * 60_000).toISOString();
const metadata = { correlationId: 'C', causationId: 'A', actor: 'service:maintenance-scheduler' };

describe('work_orders rebuild next to the live one (Postgres)', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;
  let view: WorkOrdersProjection;
  let loops: StoreLoops;
  const versions = new Map<string, number>();
  let round = 0;

  let written = 0;

  /**
   * One round: per asset, a new work order every fourth round, else one more alarm attached to the
   * open one. In the fourth round of an order, the planner also takes it through its lifecycle: on
   * even assets to COMPLETED (with a failure, parts and labour), on every third odd asset CANCELLED.
   */
  async function writeRound(): Promise<void> {
    round++;
    const requests: AppendRequest[] = [];
    for (let a = 1; a <= ASSETS; a++) {
      const assetId = `P-${a}`;
      const version = versions.get(assetId) ?? 0;
      const order = Math.floor((round - 1) / 4);
      const workOrderId = `WO-${assetId}-${order}`;
      const alarmId = `ALM-${assetId}-${round}`;
      const event =
        (round - 1) % 4 === 0
          ? { type: 'WorkOrderOpened', data: { workOrderId, assetId, cause: 'overheat', priority: a % 3 === 0 ? 'P1' : 'P3', title: `Inspect ${assetId}`, alarmId, openedAt: at(round), type: 'corrective', dueAt: at(round + 60) } }
          : { type: 'AlarmAttachedToWorkOrder', data: { workOrderId, assetId, alarmId, attachedAt: at(round) } };
      const by = 'user:alice';
      const lifecycle =
        (round - 1) % 4 !== 3
          ? []
          : a % 2 === 0
            ? [
                { type: 'WorkOrderApproved', data: { workOrderId, assetId, by, at: at(round) } },
                { type: 'WorkOrderScheduled', data: { workOrderId, assetId, scheduledFor: at(round + 1), crew: `crew-${a % 4}`, by, at: at(round) } },
                { type: 'WorkOrderStarted', data: { workOrderId, assetId, by, at: at(round + 1) } },
                {
                  type: 'WorkOrderCompleted',
                  data: { workOrderId, assetId, by, at: at(round + 2), findings: 'seal worn', failure: { mode: 'seal-leak', failedAt: at(round) }, parts: [{ partNumber: 'SEAL-1', quantity: 1 }], labourHours: 2.5 },
                },
                { type: 'MaintenanceCompleted', data: { workOrderId, assetId, type: 'corrective', cause: 'overheat', completedAt: at(round + 2), failure: { mode: 'seal-leak', failedAt: at(round) }, findings: 'seal worn', resets: ['baseline', 'health-index'] } },
              ]
            : a % 3 === 0
              ? [{ type: 'WorkOrderCancelled', data: { workOrderId, assetId, by, at: at(round), reason: 'duplicate' } }]
              : [];
      const events = [event, ...lifecycle].map((e, i) => ({ eventId: `${alarmId}:${e.type}:${i}`, schemaVersion: 1, occurredAt: at(round), metadata, ...e }));
      requests.push({ streamId: workOrderStreamId(assetId), expectedVersion: version, events });
      versions.set(assetId, version + events.length);
      written += events.length;
    }
    await store.appendMany(requests);
    loops.wake();
  }
  const rows = async () => (await db.pool.query(`SELECT * FROM "${db.schema}".work_orders ORDER BY work_order_id`)).rows;
  // Caught up = the checkpoint is the last event in read order ((transaction_id, position)). "Nothing
  // more to read" is not enough: readAll also returns nothing while any transaction on the server is open.
  const lastInReadOrder = async () =>
    (await db.pool.query<{ position: string }>(`SELECT position::text FROM "${db.schema}".events ORDER BY transaction_id DESC, position DESC LIMIT 1`)).rows[0]?.position ?? '0';
  const caughtUp = () =>
    waitFor(async () => {
      const last = await lastInReadOrder();
      return last !== '0' && (await checkpoints.load('work-orders')) === last;
    }, { what: 'the live work-orders projection to catch up', timeoutMs: 60_000 });
  const rebuilder = (batchSize: number) => new ProjectionRebuilder({ ...view.rebuildable(), store, checkpoints, live: loops.projection, log, batchSize });

  beforeAll(async () => {
    db = await createTestSchema('worebuild');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...WORK_ORDERS_MIGRATIONS] });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
    view = new WorkOrdersProjection(db.pool, db.schema);
    loops = startProjectionAndOutbox({ store, checkpoints, projection: { name: 'work-orders', handle: (events) => view.handle(events) }, publish: async () => undefined, log });
    for (let i = 0; i < 60; i++) await writeRound();
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await loops?.stop();
    await db?.drop();
  });

  it('rebuilds work_orders from position 0 into a table equal to the live one, row for row, and swaps it in', async () => {
    const before = await rows();
    expect(before).toHaveLength(ASSETS * 15);
    expect(before[0]).toMatchObject({ alarm_ids: expect.arrayContaining([expect.any(String)]) });
    expect((before[0] as { alarm_ids: string[] }).alarm_ids).toHaveLength(4);
    // Every status the lifecycle reached is in the table, with what the planner recorded.
    const byStatus = (status: string) => before.filter((r) => (r as { status: string }).status === status);
    expect(byStatus('COMPLETED')).toHaveLength(15 * 15);
    expect(byStatus('CANCELLED')).toHaveLength(5 * 15);
    expect(byStatus('REQUESTED')).toHaveLength(10 * 15);
    expect(byStatus('COMPLETED')[0]).toMatchObject({ failure: { mode: 'seal-leak' }, parts: [{ partNumber: 'SEAL-1', quantity: 1 }], labour_hours: 2.5, approved_by: 'user:alice', crew: expect.stringMatching(/^crew-/) });
    expect(byStatus('CANCELLED')[0]).toMatchObject({ cancel_reason: 'duplicate', cancelled_by: 'user:alice' });

    const rebuild = rebuilder(250);
    expect(rebuild.start('user:test')).toBe(true);
    const done = await rebuild.done();
    expect(done).toMatchObject({ projection: 'work-orders', table: 'work_orders', state: 'swapped', events: written, error: null });
    expect(await rows()).toEqual(before);
    expect(await checkpoints.load('work-orders')).toBe(done.position);
    const indexes = await db.pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'work_orders' ORDER BY indexname`, [db.schema]);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['work_orders_asset_idx', 'work_orders_pkey', 'work_orders_status_idx']);
  });

  it('keeps answering reads and projecting new events while it rebuilds', async () => {
    const rebuild = rebuilder(100);
    expect(rebuild.start('user:test')).toBe(true);
    let readsWhileRebuilding = 0;
    let rounds = 0;
    while (rebuild.isRunning()) {
      const state = rebuild.status().state;
      // The live table serves all along (counted: reading every row each time would slow the rebuild it watches).
      expect([...(await view.countByStatus()).values()].reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(ASSETS * 15);
      if (state === 'rebuilding') readsWhileRebuilding++;
      if (rounds < 4) {
        rounds++;
        await writeRound();
      }
    }
    expect((await rebuild.done()).state).toBe('swapped');
    expect(readsWhileRebuilding).toBeGreaterThan(0);
    await caughtUp();
    const all = await view.list({ limit: 1000 });
    expect(all).toHaveLength(ASSETS * 16);
    // The work order opened during the rebuild has every alarm attached since.
    expect(all.find((w) => w.workOrderId === 'WO-P-1-15')?.alarmIds).toEqual(['ALM-P-1-61', 'ALM-P-1-62', 'ALM-P-1-63', 'ALM-P-1-64']);
  });
});
