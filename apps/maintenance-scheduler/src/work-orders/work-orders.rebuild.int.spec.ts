import { eventStoreMigrations, PostgresCheckpointStore, PostgresEventStore, runMigrations, type AppendRequest } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, startProjectionAndOutbox, type StoreLoops } from '@twinline/service-kit';
import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { workOrderStreamId } from '../streams';
import { WorkOrdersInitial1732560000200 } from './migrations';
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

  /** One round: per asset, a new work order every fourth round, else one more alarm attached to the open one. */
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
          ? { type: 'WorkOrderOpened', data: { workOrderId, assetId, cause: 'overheat', priority: a % 3 === 0 ? 'HIGH' : 'MEDIUM', title: `Inspect ${assetId}`, alarmId, openedAt: at(round) } }
          : { type: 'AlarmAttachedToWorkOrder', data: { workOrderId, assetId, alarmId, attachedAt: at(round) } };
      requests.push({ streamId: workOrderStreamId(assetId), expectedVersion: version, events: [{ eventId: `${alarmId}:${event.type}`, schemaVersion: 1, occurredAt: at(round), metadata, ...event }] });
      versions.set(assetId, version + 1);
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
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, WorkOrdersInitial1732560000200] });
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

    const rebuild = rebuilder(250);
    expect(rebuild.start('user:test')).toBe(true);
    const done = await rebuild.done();
    expect(done).toMatchObject({ projection: 'work-orders', table: 'work_orders', state: 'swapped', events: ASSETS * 60, error: null });
    expect(await rows()).toEqual(before);
    expect(await checkpoints.load('work-orders')).toBe(done.position);
    const indexes = await db.pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = 'work_orders' ORDER BY indexname`, [db.schema]);
    expect(indexes.rows.map((r) => r.indexname)).toEqual(['work_orders_asset_idx', 'work_orders_pkey']);
  });

  it('keeps answering reads and projecting new events while it rebuilds', async () => {
    const rebuild = rebuilder(100);
    expect(rebuild.start('user:test')).toBe(true);
    let readsWhileRebuilding = 0;
    let written = 0;
    while (rebuild.isRunning()) {
      const state = rebuild.status().state;
      expect((await view.list({ limit: 1000 })).length).toBeGreaterThanOrEqual(ASSETS * 15); // the live table serves all along
      if (state === 'rebuilding') readsWhileRebuilding++;
      if (written < 4) {
        written++;
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
