import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import type { PoolClient } from 'pg';
import { describeEventStoreContract, newEvent } from './event-store.contract';
import type { StoredEvent } from './event-store';
import { runEventStoreMigrations } from './migrations/run-migrations';
import { OutboxRelay } from './outbox-relay';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { replayPages } from './replay';

let db: TestSchema;
let store: PostgresEventStore;
let checkpoints: PostgresCheckpointStore;

beforeAll(async () => {
  db = await createTestSchema('es', 20);
  await runEventStoreMigrations({ url: db.url, schema: db.schema });
  store = new PostgresEventStore(db.pool, { schema: db.schema });
  checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
});

afterAll(async () => {
  await db?.drop();
});

/** An empty log for each test (TRUNCATE also restarts positions at 1). */
async function reset(): Promise<void> {
  await db.pool.query(`TRUNCATE "${db.schema}".events, "${db.schema}".streams, "${db.schema}".checkpoints RESTART IDENTITY`);
}

describeEventStoreContract('PostgresEventStore', async () => {
  await reset();
  return { store, checkpoints };
});

describe('PostgresEventStore: Postgres only', () => {
  const held: PoolClient[] = [];

  beforeEach(reset);
  afterEach(async () => {
    for (const client of held.splice(0)) {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  /** A connection in an open transaction, rolled back after the test unless committed. */
  async function openTransaction(): Promise<PoolClient> {
    const client = await db.pool.connect();
    held.push(client);
    await client.query('BEGIN');
    return client;
  }

  async function commit(client: PoolClient): Promise<void> {
    await client.query('COMMIT');
    held.splice(held.indexOf(client), 1);
    client.release();
  }

  const ids = (events: readonly StoredEvent[]) => events.map((e) => e.eventId);

  it('holds back an event committed before an earlier-positioned transaction commits, then reads both in order', async () => {
    const a = newEvent();
    const b = newEvent();
    const txA = await openTransaction();
    await store.appendManyWithin(txA, [{ streamId: 'asset-A', expectedVersion: 0, events: [a] }]);
    await store.append('asset-B', [b], 0);

    // B is committed, but A (lower position) may still commit: B must wait.
    expect(ids(await store.readAll({ after: '0', limit: 10 }))).toEqual([]);

    await commit(txA);
    const log = await waitFor(() => store.readAll({ after: '0', limit: 10 }), { accept: (events) => events.length === 2 });
    expect(ids(log)).toEqual([a.eventId, b.eventId]);
  });

  it('never skips an event that commits after a reader moved past a higher position', async () => {
    // V takes its transaction id first but inserts last; L inserts first (lower position) and commits last.
    const v = newEvent();
    const l = newEvent();
    const txV = await openTransaction();
    await txV.query('SELECT pg_current_xact_id()');
    const txL = await openTransaction();
    await store.appendManyWithin(txL, [{ streamId: 'asset-L', expectedVersion: 0, events: [l] }]);
    await store.appendManyWithin(txV, [{ streamId: 'asset-V', expectedVersion: 0, events: [v] }]);
    await commit(txV);

    const first = await waitFor(() => store.readAll({ after: '0', limit: 10 }), { accept: (events) => events.length > 0 });
    expect(ids(first)).toEqual([v.eventId]);
    const checkpoint = first[0]!.position;

    await commit(txL);
    const next = await waitFor(() => store.readAll({ after: checkpoint, limit: 10 }), { accept: (events) => events.length > 0 });
    expect(ids(next)).toEqual([l.eventId]);
    // The late event has the LOWER position: a reader filtering on `position > checkpoint` would lose it.
    expect(BigInt(next[0]!.position) < BigInt(checkpoint)).toBe(true);
  });

  /** The lean replay read from `after` to where it ends now (one replayPages run). */
  async function replayed(after: string): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    for await (const page of replayPages(store, { after, pageSize: 2, readAhead: 2 })) events.push(...page);
    return events;
  }

  it('lean replay read: holds back and never skips late commits, exactly as readAll', async () => {
    const a = newEvent();
    const b = newEvent();
    const txA = await openTransaction();
    await store.appendManyWithin(txA, [{ streamId: 'asset-A', expectedVersion: 0, events: [a] }]);
    await store.append('asset-B', [b], 0);
    expect(await store.replayBounds({ after: '0', pageSize: 10, pages: 1 })).toEqual([]);
    expect(ids(await replayed('0'))).toEqual([]);
    await commit(txA);
    expect(ids(await waitFor(() => replayed('0'), { accept: (events) => events.length === 2 }))).toEqual([a.eventId, b.eventId]);

    // V takes its transaction id first but inserts last; L inserts first (lower position) and commits last.
    const v = newEvent();
    const l = newEvent();
    const txV = await openTransaction();
    await txV.query('SELECT pg_current_xact_id()');
    const txL = await openTransaction();
    await store.appendManyWithin(txL, [{ streamId: 'asset-L', expectedVersion: 0, events: [l] }]);
    await store.appendManyWithin(txV, [{ streamId: 'asset-V', expectedVersion: 0, events: [v] }]);
    await commit(txV);
    const head = (await store.readAll({ after: '0', limit: 10 }))[1]!.position;
    const first = await waitFor(() => replayed(head), { accept: (events) => events.length > 0 });
    expect(ids(first)).toEqual([v.eventId]);
    await commit(txL);
    const next = await waitFor(() => replayed(first[0]!.position), { accept: (events) => events.length > 0 });
    expect(ids(next)).toEqual([l.eventId]);
    expect(BigInt(next[0]!.position) < BigInt(first[0]!.position)).toBe(true);
  });

  it('lean replay read: metadata and hashes not asked for fail when read, naming the option; JSON has what was read', async () => {
    const event = newEvent();
    await store.append('asset-A', [event], 0);
    const [full] = await waitFor(() => store.readAll({ after: '0', limit: 10 }), { accept: (events) => events.length === 1 });
    const [lean] = await replayed('0');
    expect(() => lean!.metadata).toThrow(`event ${event.eventId} (position ${full!.position}): metadata was not read by the lean replay read; ask for it with include.metadata`);
    expect(() => lean!.hash).toThrow('include.hashes');
    expect(() => lean!.prevHash).toThrow('include.hashes');
    const { metadata: _m, hash: _h, prevHash: _p, ...rest } = full!;
    expect(JSON.parse(JSON.stringify(lean))).toEqual(rest);
  });

  it("appendManyWithin stores events with the caller's transaction, or not at all", async () => {
    const rolledBack = await openTransaction();
    await store.appendManyWithin(rolledBack, [{ streamId: 'asset-A', expectedVersion: 0, events: [newEvent()] }]);
    await rolledBack.query('ROLLBACK');
    expect(await store.streamVersion('asset-A')).toBe(0);

    const committed = await openTransaction();
    const [result] = await store.appendManyWithin(committed, [{ streamId: 'asset-A', expectedVersion: 0, events: [newEvent()] }]);
    await commit(committed);
    expect(result).toMatchObject({ streamId: 'asset-A', nextExpectedVersion: 1 });
    expect(await store.streamVersion('asset-A')).toBe(1);
  });

  it('refuses appendManyWithin from a transaction older than the last writer of the stream', async () => {
    const older = await openTransaction();
    await older.query('SELECT pg_current_xact_id()'); // e.g. the caller wrote its own rows first
    await store.append('asset-A', [newEvent()], 0); // a younger transaction, committed

    // Appending now would read before version 1 in readAll order: a conflict, retried in a new transaction.
    await expect(store.appendManyWithin(older, [{ streamId: 'asset-A', expectedVersion: 'any', events: [newEvent()] }])).rejects.toMatchObject({
      code: 'EVENT_STORE.WRONG_EXPECTED_VERSION',
      streamId: 'asset-A',
    });
  });

  it('the outbox relay publishes every event exactly once while writers append concurrently', async () => {
    const published: StoredEvent[] = [];
    const relay = new OutboxRelay({
      name: 'outbox',
      store,
      checkpoints,
      batchSize: 7,
      idleMs: 1,
      publish: async (events) => void published.push(...events),
    });
    relay.start();

    const writers = Array.from({ length: 5 }, async (_, w) => {
      const appended: string[] = [];
      for (let i = 0; i < 20; i++) {
        const events = Array.from({ length: 1 + (i % 3) }, () => newEvent());
        await store.appendMany([
          { streamId: `asset-W${w}`, expectedVersion: 'any', events: events.slice(0, 1) },
          { streamId: `asset-shared-${i % 2}`, expectedVersion: 'any', events: events.slice(1) },
        ]);
        appended.push(...events.map((e) => e.eventId));
      }
      return appended;
    });
    const appended = (await Promise.all(writers)).flat();

    await waitFor(() => published.length >= appended.length, { what: `${appended.length} events published` });
    await relay.stop();
    expect(published).toHaveLength(appended.length);
    expect(new Set(ids(published))).toEqual(new Set(appended));
    // Per stream, publication follows stream order.
    const lastVersion = new Map<string, number>();
    for (const event of published) {
      expect(event.streamVersion).toBe((lastVersion.get(event.streamId) ?? 0) + 1);
      lastVersion.set(event.streamId, event.streamVersion);
    }
    expect(await checkpoints.load('outbox')).toBe(published[published.length - 1]!.position);
  });
});
