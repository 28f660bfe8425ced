import { UpcasterRegistry } from '@twinline/contracts';
import { PostgresCheckpointStore, PostgresEventStore, ReplayedEvent, runEventStoreMigrations, UpcastingEventStore, type EventStore, type StoredEvent } from '@twinline/event-store';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import type { ReplayInclude } from '@twinline/event-store';
import { ProjectionRebuilder, type RebuildableProjection } from './projection-rebuild';

/**
 * ProjectionRebuilder over the lean replay read (the default when the store serves it): the same
 * events in the same order as with readAll, upcast alike, and a projection that reads a field the
 * lean read leaves out fails its rebuild loudly (the live table stays as it was) until it asks for it.
 */
/** Own schema on the test database (service-kit may not depend on @twinline/testing). */
const URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

describe('ProjectionRebuilder: lean replay read (Postgres)', () => {
  let db: { pool: Pool; schema: string };
  let store: PostgresEventStore;
  let checkpoints: PostgresCheckpointStore;
  const live = { pause: async () => undefined, resume: () => undefined };
  const registry = new UpcasterRegistry({ Measured: 2 }, [{ type: 'Measured', fromSchemaVersion: 1, upcast: ({ temp, ...rest }) => ({ ...rest, temperatureC: temp }) }]);

  /** A read model of one row per event: what handle() saw, in the order it saw it. */
  class Seen {
    leanBatches = 0;
    constructor(
      private readonly table: string,
      private readonly reads: 'lean' | 'metadata',
    ) {}

    async handle(events: readonly StoredEvent[]): Promise<void> {
      if (events[0] instanceof ReplayedEvent) this.leanBatches++;
      const rows = events.map((e) => ({
        position: e.position,
        event_id: e.eventId,
        stream_id: e.streamId,
        stream_version: e.streamVersion,
        type: e.type,
        schema_version: e.schemaVersion,
        data: e.data,
        occurred_at: e.occurredAt,
        recorded_at: e.recordedAt,
        actor: this.reads === 'metadata' ? e.metadata.actor : null,
      }));
      await db.pool.query(
        `INSERT INTO "${db.schema}"."${this.table}" (position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor)
         SELECT position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at, actor
         FROM jsonb_to_recordset($1::jsonb) AS r(position bigint, event_id text, stream_id text, stream_version int, type text, schema_version int,
           data jsonb, occurred_at text, recorded_at text, actor text)`,
        [JSON.stringify(rows)],
      );
    }
  }

  const rows = async (table: string) => (await db.pool.query(`SELECT * FROM "${db.schema}"."${table}" ORDER BY n`)).rows.map(({ n: _n, ...row }) => row);

  async function table(name: string): Promise<void> {
    await db.pool.query(`CREATE TABLE "${db.schema}"."${name}" (n bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, position bigint NOT NULL, event_id text NOT NULL, stream_id text NOT NULL,
      stream_version int NOT NULL, type text NOT NULL, schema_version int NOT NULL, data jsonb NOT NULL, occurred_at text NOT NULL, recorded_at text NOT NULL, actor text)`);
  }

  function rebuilder(o: { name: string; reads: 'lean' | 'metadata'; include?: ReplayInclude; lean?: boolean; from?: EventStore; writers?: Seen[] }): ProjectionRebuilder {
    const projection: RebuildableProjection = {
      name: o.name,
      table: o.name,
      include: o.include,
      writer: (t) => {
        const seen = new Seen(t, o.reads);
        o.writers?.push(seen);
        return seen;
      },
    };
    return new ProjectionRebuilder({ pool: db.pool, schema: db.schema, store: o.from ?? store, checkpoints, projection, live, batchSize: 7, readAhead: 2, lean: o.lean, retryMs: 1 });
  }

  beforeAll(async () => {
    db = { pool: new Pool({ connectionString: URL, max: 12 }), schema: `rebuild_lean_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}` };
    await db.pool.query(`CREATE SCHEMA "${db.schema}"`);
    await runEventStoreMigrations({ url: URL, schema: db.schema });
    store = new PostgresEventStore(db.pool, { schema: db.schema });
    checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
    let n = 0;
    const event = (type = 'Noted', schemaVersion = 1, data: Record<string, unknown> = { n }) => ({
      eventId: `lean-${db.schema}-${++n}`,
      type,
      schemaVersion,
      occurredAt: `2025-03-01T10:00:${String(n % 60).padStart(2, '0')}.${String(n % 1000).padStart(3, '0')}Z`,
      data,
      metadata: { correlationId: `c-${n}`, causationId: null, actor: `device:D-${n % 3}` },
    });
    for (let i = 0; i < 20; i++) {
      await store.appendMany([
        { streamId: `asset-${i % 4}`, expectedVersion: 'any', events: [event(), event('Measured', 1, { temp: i }), event('Measured', 2, { temperatureC: i, nested: [{ a: 'é' }] })] },
        { streamId: `other-${i % 3}`, expectedVersion: 'any', events: [event()] },
      ]);
    }
    // readAll stays behind the oldest transaction running on the server (other suites run alongside).
    for (let tries = 0; (await store.readAll({ after: '0', limit: 200 })).length < 80; tries++) {
      if (tries > 3000) throw new Error('80 events not readable after 30 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }, 60_000);

  afterAll(async () => {
    if (!db) return;
    try {
      await db.pool.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
    } finally {
      await db.pool.end();
    }
  });

  it('rebuilds from the lean read exactly what readAll rebuilds, through the upcasting view too', async () => {
    for (const [name, from] of [
      ['plain', store],
      ['upcast', new UpcastingEventStore(store, registry)],
    ] as const) {
      const tables: Array<Record<string, unknown>[]> = [];
      for (const lean of [false, true]) {
        const t = `seen_${name}_${lean ? 'lean' : 'full'}`;
        await table(t);
        const writers: Seen[] = [];
        const done = await (async () => {
          const r = rebuilder({ name: t, reads: 'lean', lean, from, writers });
          r.start('test');
          return r.done();
        })();
        expect(done).toMatchObject({ state: 'swapped', events: 80, error: null });
        expect(writers[0]!.leanBatches > 0).toBe(lean);
        tables.push(await rows(t));
      }
      expect(tables[1]).toEqual(tables[0]);
      expect(tables[0]).toHaveLength(80);
      const log = await from.readAll({ after: '0', limit: 200 });
      expect(tables[1]!.map((r) => [r['event_id'], r['data'], r['schema_version'], r['occurred_at'], r['recorded_at']])).toEqual(
        log.map((e) => [e.eventId, e.data, e.schemaVersion, e.occurredAt, e.recordedAt]),
      );
    }
  });

  it('fails the rebuild of a projection reading metadata it did not ask for, leaving the live table as it was; asked for, it rebuilds', async () => {
    await table('seen_meta');
    await db.pool.query(`INSERT INTO "${db.schema}"."seen_meta" (position, event_id, stream_id, stream_version, type, schema_version, data, occurred_at, recorded_at) VALUES (1, 'live', 's', 1, 't', 1, '{}', 'x', 'y')`);
    const before = await rows('seen_meta');

    const failing = rebuilder({ name: 'seen_meta', reads: 'metadata' });
    failing.start('test');
    const failed = await failing.done();
    expect(failed.state).toBe('failed');
    expect(failed.error).toContain('metadata was not read by the lean replay read; ask for it with include.metadata');
    expect(await rows('seen_meta')).toEqual(before);

    const asking = rebuilder({ name: 'seen_meta', reads: 'metadata', include: { metadata: true } });
    asking.start('test');
    expect(await asking.done()).toMatchObject({ state: 'swapped', events: 80 });
    const log = await store.readAll({ after: '0', limit: 200 });
    expect((await rows('seen_meta')).map((r) => r['actor'])).toEqual(log.map((e) => e.metadata.actor));
  });
});
