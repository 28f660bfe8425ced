import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'pg';
import { twinEventUpcasting, type TwinEvent } from '@twinline/contracts';
import { evolve, initialTwinState, type TwinState } from '@twinline/domain-twin';
import { PostgresCheckpointStore, PostgresEventStore, replayPages, UpcastingEventStore, type StoredEvent } from '@twinline/event-store';
import { DEFAULTS, ProjectionRebuilder, type RebuildableProjection } from '@twinline/service-kit';
import { ROOT } from '../platform';

/**
 * `npx twinline bench replay [--events n] [--assets n] [--batch n] [--read-ahead n] [--keep]`:
 * the replay benchmark, against DATABASE_URL (Postgres only, not the platform), in two parts on
 * the same seeded rows:
 *   1. twin-state's benchmark (apps/twin-state/src/replay-bench.ts: seeding, raw read, readAll
 *      replay, twin_view rebuild, snapshot load), run with --keep so that its schema stays;
 *   2. on that schema, the lean replay read (replayPages of @twinline/event-store) next to the raw
 *      read, measured again in this part: raw read, replay with readAll, the lean read alone (data
 *      unparsed, then parsed), lean replay, raw read again, then twin_view rebuilt with readAll and with the lean read (through
 *      the twin's upcasting view, as the service rebuilds) and both rebuilds compared row for row.
 * Ratios are to the mean of this part's two raw reads. The load average is printed with each part
 * (the machine may be shared: compare ratios rather than absolute rates). The schema is dropped
 * at the end unless --keep.
 */
export async function benchReplay(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      events: { type: 'string', default: '1000000' },
      assets: { type: 'string', default: '100' },
      batch: { type: 'string', default: '5000' },
      'read-ahead': { type: 'string', default: '2' },
      keep: { type: 'boolean', default: false },
    },
  });
  const batch = positive(values.batch, 'batch');
  const readAhead = positive(values['read-ahead'], 'read-ahead');
  positive(values.events, 'events');
  positive(values.assets, 'assets');
  console.log(`replay benchmark — ${new Date().toISOString()} — node ${process.version}, ${cpus().length} cores, load average ${load()}`);

  // Part 1: twin-state's benchmark, keeping its schema.
  const output = await runAppBench(['--events', values.events, '--assets', values.assets, '--batch', values.batch, '--keep']);
  const schema = /in schema (\S+)/.exec(output)?.[1];
  if (!schema) throw new Error('the replay benchmark did not name its schema');
  console.log(`(part 1 ended with load average ${load()})`);

  // Part 2: the lean replay read on the same rows.
  const url = process.env.DATABASE_URL ?? DEFAULTS.DATABASE_URL;
  const pool = new Pool({ connectionString: url, max: readAhead + 6 });
  const s = `"${schema.replace(/"/g, '""')}"`;
  try {
    const events = (await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.events`)).rows[0]!.n;
    console.log(`\nlean replay read on the same ${fmt(events)} events (pages of ${fmt(batch)}, ${readAhead} read ahead), load average ${load()}`);
    const store = new PostgresEventStore(pool, { schema });
    const rows: Array<[string, number]> = [];
    const measure = async (what: string, run: () => Promise<number>): Promise<number> => {
      const started = performance.now();
      const n = await run();
      if (n !== events) throw new Error(`${what}: ${n} events, expected ${events}`);
      const rate = n / ((performance.now() - started) / 1000);
      rows.push([what, rate]);
      console.log(`  ${what}: ${fmt(rate)} events/s (load ${load()})`);
      return rate;
    };

    const raw1 = await measure('raw Postgres read (keyset pages, pg), as in part 1', () => rawRead(pool, s, batch));
    const fullTwins = new Map<string, TwinState>();
    await measure('replay: readAll + fold through evolve, as in part 1', async () => {
      let n = 0;
      let next = store.readAll({ after: '0', limit: batch });
      for (;;) {
        const page = await next;
        if (page.length === 0) return n;
        next = store.readAll({ after: page[page.length - 1]!.position, limit: batch });
        fold(fullTwins, page);
        n += page.length;
      }
    });
    await measure('lean read: replayPages, data left unparsed', async () => {
      let n = 0;
      for await (const page of replayPages(store, { after: '0', pageSize: batch, readAhead })) n += page.length;
      return n;
    });
    await measure('lean read: replayPages, data parsed (as the raw read parses it), no fold', async () => {
      let n = 0;
      for await (const page of replayPages(store, { after: '0', pageSize: batch, readAhead })) {
        for (const e of page) if (e.data === undefined) throw new Error(`event ${e.eventId} without data`);
        n += page.length;
      }
      return n;
    });
    const leanTwins = new Map<string, TwinState>();
    await measure('lean replay: replayPages + fold through evolve', async () => {
      let n = 0;
      for await (const page of replayPages(store, { after: '0', pageSize: batch, readAhead })) {
        fold(leanTwins, page);
        n += page.length;
      }
      return n;
    });
    for (const [streamId, twin] of fullTwins) {
      if (JSON.stringify(leanTwins.get(streamId)) !== JSON.stringify(twin)) throw new Error(`lean replay folded ${streamId} differently from readAll`);
    }
    const raw2 = await measure('raw Postgres read again', () => rawRead(pool, s, batch));
    const raw = (raw1 + raw2) / 2;

    // twin_view rebuilt as the service rebuilds it (through the twin's upcasting view), with readAll and with the lean read.
    const view = twinView(pool, schema);
    const checkpoints = new PostgresCheckpointStore(pool, { schema });
    const upcasting = new UpcastingEventStore(store, twinEventUpcasting);
    const tables: string[] = [];
    for (const lean of [false, true]) {
      await measure(`rebuild of twin_view with ${lean ? 'the lean read' : 'readAll'} (read, fold, upsert, swap)`, async () => {
        const rebuilder = new ProjectionRebuilder({ ...view, store: upcasting, checkpoints, live: { pause: async () => undefined, resume: () => undefined }, batchSize: batch, readAhead, lean });
        rebuilder.start('bench');
        const done = await rebuilder.done();
        if (done.state !== 'swapped') throw new Error(`rebuild ${done.state}: ${done.error}`);
        return done.events;
      });
      tables.push(JSON.stringify((await pool.query(`SELECT * FROM ${s}.twin_view ORDER BY asset_id`)).rows));
    }
    if (tables[0] !== tables[1]) throw new Error('twin_view rebuilt with the lean read differs from twin_view rebuilt with readAll');

    console.log('');
    console.log(`| measured (part 2, ${fmt(events)} events, pages of ${fmt(batch)}) | events/s | vs raw read |`);
    console.log('|---|---:|---:|');
    for (const [what, rate] of rows) console.log(`| ${what} | ${fmt(rate)} | ${(rate / raw).toFixed(2)}× |`);
    console.log(`\nratios are to the mean raw read of part 2 (${fmt(raw)} events/s); both rebuilds gave the same twin_view, row for row; load average at the end ${load()}`);
    const best = Math.max(...rows.filter(([what]) => what.startsWith('rebuild')).map(([, rate]) => rate));
    console.log(`goal ≥ 200,000 events/s rebuilt: ${best >= 200_000 ? 'met' : 'NOT met'} (${fmt(best)} events/s)`);
  } finally {
    if (!values.keep) await pool.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`).catch((error: unknown) => console.error(`could not drop schema ${schema}: ${String(error)}`));
    else console.log(`schema ${schema} kept (--keep)`);
    await pool.end();
  }
}

/** Runs apps/twin-state/src/replay-bench.ts, showing and returning what it prints. */
async function runAppBench(args: string[]): Promise<string> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', 'twin-state', 'src', 'replay-bench.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
    process.stdout.write(chunk);
  });
  const code = await new Promise<number>((resolve) => child.once('close', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  if (code !== 0) throw new Error(`replay benchmark exited with ${code}`);
  return output;
}

/** The raw read of part 1: every row and column, keyset pages, rows parsed by pg. */
async function rawRead(pool: Pool, s: string, batch: number): Promise<number> {
  let read = 0;
  for (let after = '0'; ; ) {
    const { rows } = await pool.query<{ position: string }>(
      `SELECT position, stream_id, stream_version, event_id, type, schema_version, occurred_at, recorded_at, data, metadata, prev_hash, hash
       FROM ${s}.events WHERE position > $1 ORDER BY position LIMIT $2`,
      [after, batch],
    );
    if (rows.length === 0) return read;
    read += rows.length;
    after = rows[rows.length - 1]!.position;
  }
}

function fold(twins: Map<string, TwinState>, page: readonly StoredEvent[]): void {
  for (const e of page) twins.set(e.streamId, evolve(twins.get(e.streamId) ?? initialTwinState, e as unknown as TwinEvent));
}

/**
 * twin-state's twin_view projection, loaded from its source (the CLI runs under SWC; the tool may
 * not import an app, so it is required by path, as part 1 is run by path).
 */
function twinView(pool: Pool, schema: string): { pool: Pool; schema: string; projection: RebuildableProjection } {
  const { TwinViewProjection } = require(join(ROOT, 'apps', 'twin-state', 'src', 'twin-view', 'twin-view.projection.ts')) as {
    TwinViewProjection: new (pool: Pool, schema: string) => { rebuildable(): { pool: Pool; schema: string; projection: RebuildableProjection } };
  };
  return new TwinViewProjection(pool, schema).rebuildable();
}

function positive(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
