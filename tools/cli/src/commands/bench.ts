import { parseArgs } from 'node:util';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import { AckPolicy, connect } from 'nats';
import { signReading, topology } from '@twinline/contracts';
import { deleteStreams } from '@twinline/messaging';
import { DEFAULTS } from '@twinline/service-kit';
import { startPlatform, SERVICES, type ServiceName } from '../platform';
import { markdownTable } from '../table';
import { BACKFILL_SECONDS } from '../dev-registry';

interface RunResult {
  readonly label: string;
  readonly readings: number;
  readonly perMessage: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

/** Raw JetStream: publish N small messages pipelined, consume them with one pull consumer. */
async function rawJetStream(url: string, n: number): Promise<number> {
  const nc = await connect({ servers: url });
  const jsm = await nc.jetstreamManager();
  const js = nc.jetstream();
  const name = `BENCH_${randomBytes(4).toString('hex').toUpperCase()}`;
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  await jsm.consumers.add(name, { durable_name: 'bench', ack_policy: AckPolicy.Explicit });
  const payload = new TextEncoder().encode(JSON.stringify({ deviceId: 'd', assetId: 'a', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 45, pressurePsi: 1100 } }));
  const started = performance.now();
  const consumer = await js.consumers.get(name, 'bench');
  let received = 0;
  const done = (async () => {
    const messages = await consumer.consume({ max_messages: 1000 });
    for await (const m of messages) {
      m.ack();
      if (++received >= n) break;
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: 500 }, async () => {
      while (next < n) {
        const i = next++;
        await js.publish(`${name}.a${i % 100}`, payload, { msgID: `m${i}` });
      }
    }),
  );
  await done;
  const seconds = (performance.now() - started) / 1000;
  await jsm.streams.delete(name);
  await nc.close();
  return n / seconds;
}

/** Raw Postgres: batched multi-row inserts (1,000 rows per statement, unnest) of event-sized rows. */
async function rawPostgres(url: string, n: number): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 2 });
  const table = `bench_${randomBytes(4).toString('hex')}`;
  await pool.query(`CREATE UNLOGGED TABLE IF NOT EXISTS public.${table} (id bigserial PRIMARY KEY, stream_id text, event_id text UNIQUE, data jsonb, recorded_at timestamptz DEFAULT now())`);
  await pool.query(`ALTER TABLE public.${table} SET LOGGED`);
  const data = JSON.stringify({ readings: [{ readingId: 'x', deviceId: 'd', seq: 1, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC: 45 } }] });
  const started = performance.now();
  for (let i = 0; i < n; i += 1000) {
    const size = Math.min(1000, n - i);
    await pool.query(`INSERT INTO public.${table} (stream_id, event_id, data) SELECT * FROM unnest($1::text[], $2::text[], $3::jsonb[])`, [
      Array.from({ length: size }, (_, k) => `asset-${(i + k) % 100}`),
      Array.from({ length: size }, (_, k) => `e${i + k}`),
      Array.from({ length: size }, () => data),
    ]);
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.query(`DROP TABLE public.${table}`);
  await pool.end();
  return n / seconds;
}

/**
 * Drives readings through the platform over HTTP (concurrent requests) and measures, per reading,
 * the time from ingestion's receipt to the commit of the twin event that applied it.
 */
async function throughPlatform(o: { ingestionUrl: string; pool: Pool; schema: string; readings: number; perMessage: number; concurrency: number; assets: number; runId: string; deviceSecret: string }): Promise<RunResult> {
  // One device per asset and worker: each worker sends its devices' readings in seq order.
  const seqs = new Map<string, number>();
  const receivedAt = new Map<string, number>();
  let sent = 0;
  const started = Date.now();
  await Promise.all(
    Array.from({ length: o.concurrency }, async (_, worker) => {
      while (sent < o.readings) {
        const count = Math.min(o.perMessage, o.readings - sent);
        sent += count;
        // One asset per message, as a device or gateway sends its buffered readings; the asset
        // is picked at random per message, with one device per asset and worker (seq in order).
        const a = Math.floor(Math.random() * o.assets);
        const device = `${o.runId}-d${a}-w${worker}`;
        const readings = Array.from({ length: count }, () => {
          const seq = (seqs.get(device) ?? 0) + 1;
          seqs.set(device, seq);
          // Plausible, moving values (the rate and stuck rules judge them), signed like a device does.
          const metrics = { temperatureC: 55 + 10 * Math.sin(seq / 50), pressurePsi: 1000 + (seq % 400), vibrationMmS: 2 + (seq % 7) / 100 };
          return signReading({ deviceId: device, assetId: `${o.runId}-A${a}`, seq, ts: new Date(Date.UTC(2024, 0, 1) + seq * 1000).toISOString(), metrics }, o.deviceSecret);
        });
        const body = count === 1 ? readings[0] : { readings };
        const response = await fetch(`${o.ingestionUrl}/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
        if (response.status !== 202) throw new Error(`ingestion answered ${response.status}: ${await response.text()}`);
        const r = (await response.json()) as { receivedAt: string; readingIds: string[] };
        const t = Date.parse(r.receivedAt);
        for (const id of r.readingIds) receivedAt.set(id, t);
      }
    }),
  );
  // Wait until every reading is in a twin event (counted, since positions need not commit in
  // order), then compute each reading's latency from the stored events.
  const deadline = Date.now() + 600_000;
  for (;;) {
    const c = await o.pool.query<{ n: string | null }>(`SELECT sum(jsonb_array_length(data->'readings')) AS n FROM "${o.schema}".events WHERE type = 'ReadingsApplied' AND stream_id LIKE $1`, [`asset-${o.runId}-%`]);
    const applied = Number(c.rows[0]?.n ?? 0);
    if (applied >= o.readings) break;
    if (Date.now() > deadline) throw new Error(`only ${applied} of ${o.readings} readings reached the twin`);
    await new Promise((res) => setTimeout(res, 200));
  }
  const rows = await o.pool.query<{ recorded_at: Date; ids: string[] }>(
    `SELECT recorded_at, ARRAY(SELECT jsonb_array_elements(data->'readings')->>'readingId') AS ids
     FROM "${o.schema}".events WHERE type = 'ReadingsApplied' AND stream_id LIKE $1`,
    [`asset-${o.runId}-%`],
  );
  const latencies: number[] = [];
  let lastRecorded = started;
  for (const row of rows.rows) {
    const recorded = row.recorded_at.getTime();
    lastRecorded = Math.max(lastRecorded, recorded);
    for (const id of row.ids) {
      const t = receivedAt.get(id);
      if (t !== undefined) latencies.push(recorded - t);
    }
  }
  latencies.sort((a, b) => a - b);
  const seconds = (lastRecorded - started) / 1000;
  return { label: `${o.perMessage} reading${o.perMessage > 1 ? 's' : ''} per message`, readings: o.readings, perMessage: o.perMessage, seconds, perSecond: o.readings / seconds, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/**
 * The bench's registry (a temporary file): its pumps, dated 2024 like its readings (a backfill),
 * and one device per asset and worker, all signing with one random secret of this run.
 */
function benchRegistry(runId: string, assets: number, workers: number, secret: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${runId}-`));
  const file = join(dir, 'registry.json');
  const assetIds = Array.from({ length: assets }, (_, a) => `${runId}-A${a}`);
  writeFileSync(
    file,
    JSON.stringify({
      assets: assetIds.map((assetId) => ({ assetId, assetClass: 'pump', site: 'bench', rules: { maxPastSeconds: BACKFILL_SECONDS } })),
      devices: assetIds.flatMap((assetId, a) => Array.from({ length: workers }, (_, w) => ({ deviceId: `${runId}-d${a}-w${w}`, assetId, secret }))),
    }),
    { mode: 0o600 },
  );
  return file;
}

/** `twinline bench`: the platform's sustained rate and latency next to raw JetStream and Postgres. */
export async function bench(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      unbatched: { type: 'string', default: '5000' },
      batched: { type: 'string', default: '100000' },
      concurrency: { type: 'string', default: '32' },
      assets: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
    },
  });
  const num = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got "${v}"`);
    return n;
  };
  const natsUrl = process.env.NATS_URL ?? DEFAULTS.NATS_URL;
  const dbUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const runId = `bench${randomBytes(3).toString('hex')}`;
  const log = (s: string) => process.stderr.write(`${s}\n`);

  log('▶ raw JetStream publish→consume (50,000 messages)…');
  const jsRate = await rawJetStream(natsUrl, 50_000);
  log('▶ raw Postgres batched insert (100,000 rows, 1,000 per statement)…');
  const pgRate = await rawPostgres(dbUrl, 100_000);

  log(`▶ starting an isolated platform (prefix ${runId})…`);
  const ports = Object.fromEntries(SERVICES.map((s, i) => [s.name, 3301 + i])) as Record<ServiceName, number>;
  const assets = num('assets', values.assets);
  const concurrency = num('concurrency', values.concurrency);
  const deviceSecret = randomBytes(24).toString('base64url');
  const registryFile = benchRegistry(runId, assets, concurrency, deviceSecret);
  const platform = await startPlatform({
    env: { NATS_URL: natsUrl, DATABASE_URL: dbUrl, MQTT_URL: 'off', NATS_PREFIX: runId, DB_SCHEMA_PREFIX: `${runId}_`, LOG_LEVEL: 'warn', AUTH_SECRET: randomBytes(32).toString('base64url'), AUTH_SECRET_FILE: '', REGISTRY_FILE: registryFile },
    ports,
    onLog: () => undefined,
  });
  const pool = new Pool({ connectionString: dbUrl, max: 2 });
  const results: RunResult[] = [];
  try {
    const common = { ingestionUrl: platform.urls.ingestion, pool, schema: `${runId}_twin_state`, concurrency, assets, runId, deviceSecret };
    log('▶ 1 reading per message…');
    results.push(await throughPlatform({ ...common, readings: num('unbatched', values.unbatched), perMessage: 1 }));
    log('▶ 100 readings per message…');
    results.push(await throughPlatform({ ...common, readings: num('batched', values.batched), perMessage: 100, concurrency: Math.min(8, common.concurrency) }));
  } finally {
    await platform.stop();
    const nc = await connect({ servers: natsUrl });
    await deleteStreams(await nc.jetstreamManager(), topology(runId));
    await nc.close();
    const schemas = await pool.query<{ nspname: string }>(`SELECT nspname FROM pg_namespace WHERE nspname LIKE $1`, [`${runId}\\_%`]);
    for (const { nspname } of schemas.rows) await pool.query(`DROP SCHEMA "${nspname}" CASCADE`);
    await pool.end();
  }

  if (values.json) {
    console.log(JSON.stringify({ rawJetStreamMsgsPerSecond: jsRate, rawPostgresRowsPerSecond: pgRate, runs: results }, null, 2));
    return;
  }
  const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
  console.log(`\nTwinline bench — ${new Date().toISOString()} — node ${process.version}, ${require('node:os').cpus().length} cores\n`);
  console.log(markdownTable(['Path', 'Readings', 'Readings/s', 'p50 ms', 'p99 ms', 'vs raw JetStream', 'vs raw Postgres'], [
    ...results.map((r) => [`platform, ${r.label}`, fmt(r.readings), fmt(r.perSecond), fmt(r.p50Ms), fmt(r.p99Ms), `${(r.perSecond / jsRate).toFixed(2)}×`, `${(r.perSecond / pgRate).toFixed(2)}×`]),
    ['raw JetStream publish→consume (1 per msg)', fmt(50_000), fmt(jsRate), '', '', '1.00×', ''],
    ['raw Postgres batched insert (1,000 per stmt)', fmt(100_000), fmt(pgRate), '', '', '', '1.00×'],
  ]));
  console.log('\nLatency: ingestion receipt → commit of the twin event that applied the reading (Postgres recorded_at).');
}
