import { eventStoreMigrations, PostgresCheckpointStore, PostgresEventStore, runMigrations } from '@twinline/event-store';
import { createLogger } from '@twinline/observability';
import { ProjectionRebuilder, startProjectionAndOutbox, type StoreLoops } from '@twinline/service-kit';
import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { foldTwin } from '../apply-readings/twin-repository';
import { TwinHistoryWriter } from '../twin-history.fixture';
import { twinStreamId } from '../streams';
import { TWIN_VIEW_MIGRATIONS } from './migrations';
import { TwinViewProjection } from './twin-view.projection';

const log = createLogger('test', 'error');

describe('twin_view rebuild next to the live one (Postgres)', () => {
  let db: TestSchema;
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;
  let view: TwinViewProjection;
  let loops: StoreLoops;
  let history: TwinHistoryWriter;

  const rows = async () => (await db.pool.query(`SELECT * FROM "${db.schema}".twin_view ORDER BY asset_id`)).rows;
  const indexes = async (table: string) => (await db.pool.query(`SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 ORDER BY indexname`, [db.schema, table])).rows.map((r) => r.indexname);
  // Caught up = the checkpoint is the last event in read order ((transaction_id, position)). "Nothing
  // more to read" is not enough: readAll also returns nothing while any transaction on the server is open.
  const lastInReadOrder = async () =>
    (await db.pool.query<{ position: string }>(`SELECT position::text FROM "${db.schema}".events ORDER BY transaction_id DESC, position DESC LIMIT 1`)).rows[0]?.position ?? '0';
  const caughtUp = () =>
    waitFor(async () => {
      const last = await lastInReadOrder();
      return last !== '0' && (await checkpoints.load('twin-view')) === last;
    }, { what: 'the live twin-view projection to catch up', timeoutMs: 60_000 });
  const rebuilder = (batchSize: number) => new ProjectionRebuilder({ ...view.rebuildable(), store, checkpoints, live: loops.projection, log, batchSize });

  beforeAll(async () => {
    db = await createTestSchema('twinrebuild');
    await runMigrations({ url: db.url, schema: db.schema, migrations: [...eventStoreMigrations, ...TWIN_VIEW_MIGRATIONS] });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
    view = new TwinViewProjection(db.pool, db.schema);
    // The live loop, as the service runs it (the outbox publishes nowhere).
    loops = startProjectionAndOutbox({ store, checkpoints, projection: { name: 'twin-view', handle: (events) => view.handle(events) }, publish: async () => undefined, log });
    history = new TwinHistoryWriter(store, { assets: 40 });
    // Many small appends, projected live in many small batches.
    for (let i = 0; i < 10; i++) {
      await history.write(10);
      loops.wake();
    }
    await caughtUp();
  }, 120_000);

  afterAll(async () => {
    await loops?.stop();
    await db?.drop();
  });

  it('rebuilds twin_view from position 0 into a table equal to the live one, row for row, and swaps it in', async () => {
    const before = await rows();
    expect(before).toHaveLength(40);
    expect(Number(await store.headPosition())).toBeGreaterThan(4000);
    const liveIndexes = await indexes('twin_view');

    const rebuild = rebuilder(1000);
    expect(rebuild.start('user:test')).toBe(true);
    expect(rebuild.start('user:test')).toBe(false); // one at a time
    const done = await rebuild.done();

    expect(done).toMatchObject({ projection: 'twin-view', table: 'twin_view', state: 'swapped', requestedBy: 'user:test', error: null, etaSeconds: 0 });
    expect(done.events).toBe(Number(await store.headPosition()));
    expect(done.position).toBe(await store.headPosition());
    expect(await rows()).toEqual(before);
    // The rebuilt table took the live names of the indexes; nothing is left next to it.
    expect(await indexes('twin_view')).toEqual(liveIndexes);
    const tables = await db.pool.query(`SELECT tablename FROM pg_tables WHERE schemaname = $1 AND tablename LIKE 'twin_view%' ORDER BY tablename`, [db.schema]);
    expect(tables.rows.map((r) => r.tablename)).toEqual(['twin_view']);
    // The live loop goes on from the rebuilt checkpoint; the rebuild's own checkpoint is gone.
    expect(await checkpoints.load('twin-view')).toBe(done.position);
    const names = await db.pool.query(`SELECT name FROM "${db.schema}".checkpoints ORDER BY name`);
    expect(names.rows.map((r) => r.name)).toEqual(['outbox', 'twin-view']);
  });

  it('keeps answering reads and projecting new events while it rebuilds; afterwards every twin is its stream folded', async () => {
    const rebuild = rebuilder(100); // small batches: a long rebuild to read and write during
    expect(rebuild.start('user:test')).toBe(true);
    let readsWhileRebuilding = 0;
    let written = 0;
    while (rebuild.isRunning()) {
      const state = rebuild.status().state;
      const page = await view.list({ limit: 1000 });
      expect(page).toHaveLength(40); // the live table serves every twin all along
      if (state === 'rebuilding') readsWhileRebuilding++;
      if (written < 5) {
        written++;
        await history.write(1); // new events while the rebuild runs
        loops.wake();
      }
    }
    const done = await rebuild.done();
    expect(done.state).toBe('swapped');
    expect(readsWhileRebuilding).toBeGreaterThan(0);
    expect(done.headPosition).not.toBe('0');

    await caughtUp();
    for (const assetId of history.assetIds()) {
      const events = await store.readStream(twinStreamId(assetId));
      const twin = await view.get(assetId);
      expect(twin?.version).toBe(events.length);
      expect(twin).toMatchObject({ readingsApplied: foldTwin(events).readingsApplied, status: foldTwin(events).status, alarmsRaised: foldTwin(events).alarmsRaised });
    }
    const stored = await db.pool.query<{ asset_id: string; state: unknown }>(`SELECT asset_id, state FROM "${db.schema}".twin_view`);
    for (const row of stored.rows) expect(row.state).toEqual(JSON.parse(JSON.stringify(foldTwin(await store.readStream(twinStreamId(row.asset_id))))));
  });
});
