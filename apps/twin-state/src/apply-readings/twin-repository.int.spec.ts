import { TWIN_STATE_VERSION } from '@twinline/domain-twin';
import { eventStoreMigrations, PostgresEventStore, PostgresSnapshotStore, runMigrations, type Snapshot, type SnapshotStore } from '@twinline/event-store';
import { createTestSchema, type TestSchema } from '@twinline/testing';
import { TwinHistoryWriter } from '../twin-history.fixture';
import { twinStreamId } from '../streams';
import { foldTwin, TwinRepository } from './twin-repository';

/** Counts what the repository reads from the store. */
class CountingStore extends PostgresEventStore {
  read: Array<{ streamId: string; fromVersion: number; events: number }> = [];
  override async readStream(streamId: string, options: { fromVersion?: number } = {}) {
    const events = await super.readStream(streamId, options);
    this.read.push({ streamId, fromVersion: options.fromVersion ?? 1, events: events.length });
    return events;
  }
}

describe('TwinRepository with snapshots (Postgres)', () => {
  let db: TestSchema;
  let store: CountingStore;
  let snapshots: PostgresSnapshotStore;
  let history: TwinHistoryWriter;
  const streamId = twinStreamId('S-001');

  beforeAll(async () => {
    db = await createTestSchema('twinsnap');
    await runMigrations({ url: db.url, schema: db.schema, migrations: eventStoreMigrations });
    store = new CountingStore(db.pool, { schema: db.schema });
    snapshots = new PostgresSnapshotStore(db.pool, { schema: db.schema });
    history = new TwinHistoryWriter(store, { assets: 1, prefix: 'S' });
    await history.write(120); // a long stream: ~130 events of every kind
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  it('loads the latest snapshot plus the tail, to the same state and version as a full replay', async () => {
    const full = await store.readStream(streamId);
    expect(full.length).toBeGreaterThan(120);
    expect([...new Set(full.map((e) => e.type))]).toEqual(expect.arrayContaining(['ReadingsApplied', 'AlarmRaised', 'AlarmAcknowledged', 'AlarmCleared', 'ReadingsQuarantined', 'SensorFaultDetected', 'MaintenanceCompleted']));
    const every = 50;

    // A first load folds the whole stream and stores a snapshot at its version.
    const first = new TwinRepository(store, { store: snapshots, every });
    const loaded = await first.load(streamId);
    await first.snapshotsSettled();
    expect(loaded).toEqual({ state: foldTwin(full), version: full.length });
    const row = await db.pool.query(`SELECT stream_version, state_version FROM "${db.schema}".snapshots WHERE stream_id = $1`, [streamId]);
    expect(row.rows).toEqual([{ stream_version: full.length, state_version: TWIN_STATE_VERSION }]);

    // More events: a fresh repository reads only the tail after the snapshot.
    await history.write(10);
    const all = await store.readStream(streamId);
    store.read = [];
    const second = await new TwinRepository(store, { store: snapshots, every }).load(streamId);
    expect(store.read).toEqual([{ streamId, fromVersion: full.length + 1, events: all.length - full.length }]);
    expect(second).toEqual({ state: JSON.parse(JSON.stringify(foldTwin(all))), version: all.length });
    expect(second.state).toEqual(foldTwin(all));
  });

  it('takes a snapshot as the stream grows by `every` events (remember after an append)', async () => {
    const repository = new TwinRepository(store, { store: snapshots, every: 5 });
    const loaded = await repository.load(streamId);
    await repository.snapshotsSettled();
    const at = async () => (await db.pool.query(`SELECT stream_version FROM "${db.schema}".snapshots WHERE stream_id = $1`, [streamId])).rows[0]?.stream_version;
    const before = await at();
    repository.remember(streamId, { state: loaded.state, version: loaded.version + 4 });
    await repository.snapshotsSettled();
    expect(await at()).toBe(before);
    repository.remember(streamId, { state: loaded.state, version: before + 5 });
    await repository.snapshotsSettled();
    expect(await at()).toBe(before + 5);
  });

  it('ignores a snapshot of another state version and folds the stream in full', async () => {
    const all = await store.readStream(streamId);
    await db.pool.query(`UPDATE "${db.schema}".snapshots SET state_version = $2, state = '{"status":"bogus"}' WHERE stream_id = $1`, [streamId, TWIN_STATE_VERSION + 1]);
    store.read = [];
    const loaded = await new TwinRepository(store, { store: snapshots, every: 1000 }).load(streamId);
    expect(store.read).toEqual([{ streamId, fromVersion: 1, events: all.length }]);
    expect(loaded).toEqual({ state: foldTwin(all), version: all.length });
  });

  it('folds the stream in full when the snapshot store fails, and says so', async () => {
    const failing: SnapshotStore = { load: () => Promise.reject(new Error('db down')), save: (_s: Snapshot) => Promise.reject(new Error('db down')) };
    const errors: string[] = [];
    const repository = new TwinRepository(store, { store: failing, every: 1, onError: (error) => errors.push((error as Error).message) });
    const all = await store.readStream(streamId);
    expect(await repository.load(streamId)).toEqual({ state: foldTwin(all), version: all.length });
    await repository.snapshotsSettled();
    expect(errors).toEqual(['db down', 'db down']);
  });
});
