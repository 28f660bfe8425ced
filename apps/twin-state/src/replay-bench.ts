/**
 * Replay benchmark (not a test): `npx twinline bench replay [--events 1000000] [--assets 100]`
 * (the CLI runs this file). Seeds a temporary schema with realistic twin events in ONE
 * INSERT ... SELECT generate_series, then measures in the same run:
 *   (a) the raw Postgres read rate: keyset-paged SELECT of every row and column through `pg`;
 *   (b) replay: EventStore.readAll (commit-safe order) + fold of every stream through the twin's evolve;
 *   (c) rebuild: the twin_view read model rebuilt from position 0 by ProjectionRebuilder and swapped in;
 *   (d) loading one long stream with and without a snapshot.
 * and drops the schema. The seeded rows carry placeholder hashes: the hash chains are NOT valid
 * (nothing here verifies them; chain verification has its own figures).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import type { TwinEvent } from '@twinline/contracts';
import { evolve, initialTwinState, TWIN_STATE_VERSION, type TwinState } from '@twinline/domain-twin';
import { eventStoreMigrations, PostgresCheckpointStore, PostgresEventStore, PostgresSnapshotStore, runMigrations, type StoredEvent } from '@twinline/event-store';
import { DEFAULTS, ProjectionRebuilder } from '@twinline/service-kit';
import { foldTwin, TwinRepository } from './apply-readings/twin-repository';
import { TWIN_VIEW_MIGRATIONS } from './twin-view/migrations';
import { TwinViewProjection } from './twin-view/twin-view.projection';

const PAGE = 5000;

function seedSql(s: string): string {
  // Per stream (asset B-xxxxx) a cycle of 100 events: ReadingsApplied of two readings each, with a
  // status change to ALARM + AlarmRaised at 50/51 and back + AlarmCleared at 60/61. Rows interleave
  // the streams in position order, as concurrent assets do.
  return `
    WITH x AS (
      SELECT g, g % $2 AS ai, g / $2 + 1 AS v FROM generate_series(0, $1 - 1) AS g
    ), y AS (
      SELECT g, v, 'B-' || lpad(ai::text, 5, '0') AS asset, (v % 100) AS phase,
        to_char(timestamptz '2024-01-01 00:00:00+00' + v * interval '1 minute', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ts,
        to_char(timestamptz '2024-01-01 00:00:00+00' + v * interval '1 minute' + interval '30 seconds', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS ts2
      FROM x
    )
    INSERT INTO ${s}.events (stream_id, stream_version, event_id, type, schema_version, occurred_at, data, metadata, prev_hash, hash)
    SELECT 'asset-' || asset, v, 'bench-' || g,
      CASE phase WHEN 50 THEN 'TwinStatusChanged' WHEN 60 THEN 'TwinStatusChanged' WHEN 51 THEN 'AlarmRaised' WHEN 61 THEN 'AlarmCleared' ELSE 'ReadingsApplied' END,
      CASE phase WHEN 61 THEN 2 ELSE 1 END,
      ts::timestamptz,
      CASE phase
        WHEN 50 THEN jsonb_build_object('assetId', asset, 'from', 'OPERATIONAL', 'to', 'ALARM', 'label', 'ALARM: Predictive Maintenance Required', 'at', ts, 'readingId', asset || '-R-' || v,
          'conditions', jsonb_build_array(jsonb_build_object('metric', 'temperatureC', 'value', 85, 'limit', 80, 'comparator', '>')), 'profile', 'pump')
        WHEN 51 THEN jsonb_build_object('assetId', asset, 'alarmId', 'ALM-' || asset || '-' || v, 'cause', 'overheat', 'severity', 'HIGH', 'message', 'temperatureC 85 > 80', 'raisedAt', ts,
          'readingId', asset || '-R-' || v, 'conditions', jsonb_build_array(jsonb_build_object('metric', 'temperatureC', 'value', 85, 'limit', 80, 'comparator', '>')), 'profile', 'pump')
        WHEN 60 THEN jsonb_build_object('assetId', asset, 'from', 'ALARM', 'to', 'OPERATIONAL', 'label', 'Operational', 'at', ts, 'readingId', asset || '-R-' || v, 'conditions', '[]'::jsonb, 'profile', 'pump')
        WHEN 61 THEN jsonb_build_object('assetId', asset, 'alarmId', 'ALM-' || asset || '-' || (v - 10), 'cause', 'overheat', 'at', ts, 'readingId', asset || '-R-' || v)
        ELSE jsonb_build_object('assetId', asset, 'readings', jsonb_build_array(
          jsonb_build_object('readingId', asset || '-R-' || (2 * v), 'deviceId', 'D-' || asset, 'seq', 2 * v, 'ts', ts, 'receivedAt', ts,
            'metrics', jsonb_build_object('temperatureC', 40 + (g * 7) % 30, 'pressurePsi', 1000 + (g * 13) % 300, 'vibrationMmS', ((g * 3) % 50) / 10.0)),
          jsonb_build_object('readingId', asset || '-R-' || (2 * v + 1), 'deviceId', 'D-' || asset, 'seq', 2 * v + 1, 'ts', ts2, 'receivedAt', ts2,
            'metrics', jsonb_build_object('temperatureC', 41 + (g * 5) % 30, 'pressurePsi', 1001 + (g * 11) % 300, 'vibrationMmS', ((g * 7) % 50) / 10.0))))
      END,
      jsonb_build_object('correlationId', 'bench-' || (g / 1000), 'causationId', 'bench-msg-' || (g / 1000), 'actor', 'service:twin-state'),
      'bench-placeholder', 'bench-placeholder'
    FROM y ORDER BY g`;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { events: { type: 'string', default: '1000000' }, assets: { type: 'string', default: '100' }, batch: { type: 'string', default: String(PAGE) }, keep: { type: 'boolean', default: false } },
  });
  const events = Number(values.events);
  const assets = Number(values.assets);
  const batch = Number(values.batch);
  for (const [name, n] of [['events', events], ['assets', assets], ['batch', batch]] as const) {
    if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${values[name]}"`);
  }
  const url = process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;
  const schema = `bench_replay_${randomBytes(4).toString('hex')}`;
  const s = `"${schema}"`;
  const pool = new Pool({ connectionString: url, max: 6 });
  const line = (text: string) => console.log(text);
  const results: Array<[string, number, string]> = [];
  try {
    await runMigrations({ url, schema, migrations: [...eventStoreMigrations, ...TWIN_VIEW_MIGRATIONS] });
    line(`replay benchmark: ${fmt(events)} twin events over ${fmt(assets)} streams (${fmt(events / assets)} per stream) in schema ${schema}`);
    line('seeded rows have placeholder hashes: their hash chains are not valid (not needed here)');

    let t = performance.now();
    await pool.query(seedSql(s), [events, assets]);
    await pool.query(`INSERT INTO ${s}.streams (stream_id, version, last_hash) SELECT stream_id, max(stream_version), 'bench-placeholder' FROM ${s}.events GROUP BY stream_id`);
    await pool.query(`VACUUM ANALYZE ${s}.events`);
    const seedSeconds = (performance.now() - t) / 1000;
    const size = (await pool.query<{ size: string; avg: string }>(`SELECT pg_size_pretty(pg_total_relation_size('${s}.events')) AS size, round(avg(pg_column_size(data)))::text AS avg FROM ${s}.events`)).rows[0]!;
    line(`seeded in ${seedSeconds.toFixed(1)} s (events table ${size.size} with indexes, data ${size.avg} bytes per event on average)`);

    // (a) Raw Postgres read: every row and column, keyset pages through pg (jsonb parsed to objects).
    t = performance.now();
    let read = 0;
    for (let after = '0'; ; ) {
      const { rows } = await pool.query<{ position: string }>(
        `SELECT position, stream_id, stream_version, event_id, type, schema_version, occurred_at, recorded_at, data, metadata, prev_hash, hash
         FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
        [after, batch],
      );
      if (rows.length === 0) break;
      read += rows.length;
      after = rows[rows.length - 1]!.position;
    }
    const raw = read / ((performance.now() - t) / 1000);
    results.push(['raw Postgres read (keyset pages, pg)', raw, '1.00']);

    // (b) Replay: readAll in commit-safe order + fold of every stream through evolve, the next page read while one is folded.
    const store = new PostgresEventStore(pool, { schema });
    t = performance.now();
    const twins = new Map<string, TwinState>();
    let replayed = 0;
    let next = store.readAll({ after: '0', limit: batch });
    for (;;) {
      const page: StoredEvent[] = await next;
      if (page.length === 0) break;
      next = store.readAll({ after: page[page.length - 1]!.position, limit: batch });
      for (const e of page) twins.set(e.streamId, evolve(twins.get(e.streamId) ?? initialTwinState, e as unknown as TwinEvent));
      replayed += page.length;
    }
    const replay = replayed / ((performance.now() - t) / 1000);
    results.push(['replay: readAll + fold through evolve', replay, (replay / raw).toFixed(2)]);
    if (replayed !== events) throw new Error(`replay read ${replayed} events, expected ${events}`);

    // (c) Rebuild of twin_view from position 0 (no live loop to pause here), swapped in.
    const checkpoints = new PostgresCheckpointStore(pool, { schema });
    const view = new TwinViewProjection(pool, schema);
    const rebuilder = new ProjectionRebuilder({ ...view.rebuildable(), store, checkpoints, live: { pause: async () => undefined, resume: () => undefined }, batchSize: batch });
    t = performance.now();
    rebuilder.start('bench');
    let shown = 0;
    const progress = setInterval(() => {
      const p = rebuilder.status();
      if (p.events > shown) line(`  rebuild: position ${p.position}/${p.headPosition}, ${fmt(p.eventsPerSecond)} events/s, ETA ${p.etaSeconds ?? '?'} s`);
      shown = p.events;
    }, 2000);
    const done = await rebuilder.done();
    clearInterval(progress);
    if (done.state !== 'swapped') throw new Error(`rebuild ${done.state}: ${done.error}`);
    const rebuild = done.events / ((performance.now() - t) / 1000);
    results.push(['rebuild of twin_view (read, fold, upsert, swap)', rebuild, (rebuild / raw).toFixed(2)]);
    const rows = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.twin_view`)).rows[0]!.n;
    if (rows !== Math.min(assets, events)) throw new Error(`twin_view has ${rows} rows after the rebuild, expected ${Math.min(assets, events)}`);
    const sample = await pool.query<{ asset_id: string; state: TwinState }>(`SELECT asset_id, state FROM ${s}.twin_view ORDER BY asset_id LIMIT 3`);
    for (const r of sample.rows) {
      if (JSON.stringify(r.state.readingsApplied) !== JSON.stringify(twins.get(`asset-${r.asset_id}`)?.readingsApplied)) throw new Error(`twin_view ${r.asset_id} differs from the replay`);
    }

    line('');
    line('| measured | events/s | ratio to raw read |');
    line('|---|---:|---:|');
    for (const [what, rate, ratio] of results) line(`| ${what} | ${fmt(rate)} | ${ratio} |`);
    line('');
    line(`goal ≥ 200,000 events/s rebuilt: ${rebuild >= 200_000 ? 'met' : 'NOT met'} (${fmt(rebuild)} events/s)`);

    // (d) Loading the longest stream: full fold vs the latest snapshot + tail.
    const streamId = 'asset-B-00000';
    const length = await store.streamVersion(streamId);
    const snapshots = new PostgresSnapshotStore(pool, { schema });
    t = performance.now();
    const full = await new TwinRepository(store).load(streamId);
    const fullMs = performance.now() - t;
    const tail = Math.min(250, length - 1);
    if (length > 1) {
      const prefix = await store.readStream(streamId, { toVersion: length - tail });
      await snapshots.save({ streamId, streamVersion: length - tail, stateVersion: TWIN_STATE_VERSION, state: foldTwin(prefix) });
      t = performance.now();
      const fromSnapshot = await new TwinRepository(store, { store: snapshots, every: 1_000_000 }).load(streamId);
      const snapMs = performance.now() - t;
      if (fromSnapshot.version !== full.version || fromSnapshot.state.readingsApplied !== full.state.readingsApplied) throw new Error('the twin loaded from the snapshot differs from the full fold');
      line(`loading ${streamId} (${fmt(length)} events): full fold ${fullMs.toFixed(1)} ms, snapshot + ${tail}-event tail ${snapMs.toFixed(1)} ms`);
    }
  } finally {
    if (!values.keep) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch((error: unknown) => console.error(`could not drop schema ${schema}: ${String(error)}`));
    else line(`schema ${schema} kept (--keep)`);
    await pool.end();
  }
}

main().catch((error: unknown) => {
  console.error(`✖ ${(error as Error)?.stack ?? String(error)}`);
  process.exit(1);
});
