import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import mqtt from 'mqtt';
import { cliToken } from '../auth';
import { requestJson } from '../api';
import { ROOT } from '../platform';
import { buildStream, type SentReading } from '../eval/security.inject';
import { scoreSecurity, type QuarantineRecord } from '../eval/security.score';
import { securityJson, securityMarkdown, type SecurityRun } from '../eval/security.render';
import { retime, skabPumpRows } from '../eval/skab.map';

export const EVAL_SECURITY_USAGE = `npx twinline eval security [--json] [--rows <n>] [--seed 42] [--faults-per-class 40]
       [--stuck-episodes 10] [--stuck-length 60] [--data <dir>] [--timeout 300] [--mqtt-window 500]
       [--ingestion http://127.0.0.1:3001] [--integrity http://127.0.0.1:3002] [--twin http://127.0.0.1:3003]
       [--mqtt mqtt://127.0.0.1:1883] [--topic-root twinline] [--token <admin token>]`;

const SITE = 'skab';

interface Options {
  readonly json: boolean;
  readonly rows?: number;
  readonly seed: number;
  readonly faultsPerClass: number;
  readonly stuckEpisodes: number;
  readonly stuckLength: number;
  readonly dataDir: string;
  readonly timeoutS: number;
  readonly mqttWindow: number;
  readonly ingestion: string;
  readonly integrity: string;
  readonly twin: string;
  readonly mqtt: string;
  readonly topicRoot: string;
  readonly token: string;
}

function parseOptions(args: string[]): Options {
  const { values } = parseArgs({
    args,
    options: {
      json: { type: 'boolean', default: false },
      rows: { type: 'string' },
      seed: { type: 'string', default: '42' },
      'faults-per-class': { type: 'string', default: '40' },
      'stuck-episodes': { type: 'string', default: '10' },
      'stuck-length': { type: 'string', default: '60' },
      data: { type: 'string' },
      timeout: { type: 'string', default: '300' },
      'mqtt-window': { type: 'string', default: '500' },
      ingestion: { type: 'string', default: process.env.INGESTION_URL ?? 'http://127.0.0.1:3001' },
      integrity: { type: 'string', default: process.env.INTEGRITY_URL ?? 'http://127.0.0.1:3002' },
      twin: { type: 'string', default: process.env.TWIN_URL ?? 'http://127.0.0.1:3003' },
      mqtt: { type: 'string', default: process.env.MQTT_URL && !['off', 'embedded'].includes(process.env.MQTT_URL) ? process.env.MQTT_URL : 'mqtt://127.0.0.1:1883' },
      'topic-root': { type: 'string', default: process.env.MQTT_TOPIC_ROOT ?? 'twinline' },
      token: { type: 'string' },
    },
  });
  const integer = (name: string, min: number) => {
    const text = values[name as keyof typeof values] as string;
    const n = Number(text);
    if (!/^\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got "${text}"`);
    return n;
  };
  const token = cliToken(values.token, 'admin', 'twinline-eval');
  return {
    json: values.json!,
    ...(values.rows !== undefined ? { rows: integer('rows', 10) } : {}),
    seed: integer('seed', 0),
    faultsPerClass: integer('faults-per-class', 1),
    stuckEpisodes: integer('stuck-episodes', 0),
    stuckLength: integer('stuck-length', 1),
    dataDir: resolve(values.data ?? process.env.TWINLINE_DATA_DIR ?? join(ROOT, '..', 'shared', 'data')),
    timeoutS: integer('timeout', 1),
    mqttWindow: integer('mqtt-window', 1),
    ingestion: values.ingestion!.replace(/\/$/, ''),
    integrity: values.integrity!.replace(/\/$/, ''),
    twin: values.twin!.replace(/\/$/, ''),
    mqtt: values.mqtt!,
    topicRoot: values['topic-root']!,
    token,
  };
}

async function mustPut(url: string, token: string, body: unknown): Promise<void> {
  const r = await requestJson('PUT', url, token, { body });
  if (r.status < 200 || r.status > 299) throw new Error(`PUT ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
}

type QuarantinePage = { items: Array<QuarantineRecord & { position?: string }>; nextAfter: string | null };

/**
 * What the platform has done with one asset's readings: its quarantine records (integrity) and its
 * twin's readingsApplied (twin-state), read through their HTTP APIs.
 */
class AssetProgress {
  records: QuarantineRecord[] = [];
  applied = 0;
  private cursor: string | null = null;

  constructor(
    readonly assetId: string,
    private readonly o: Pick<Options, 'integrity' | 'twin' | 'token'>,
  ) {}

  get accounted(): number {
    return this.applied + this.records.length;
  }

  /** Reads the new quarantine records (after the last one seen) and the applied count. */
  async refresh(): Promise<void> {
    for (;;) {
      const page = await this.page(this.cursor);
      this.records.push(...page.items);
      const last = page.items[page.items.length - 1];
      if (last?.position === undefined) break;
      this.cursor = last.position;
      if (!page.nextAfter) break;
    }
    this.applied = await this.readApplied();
  }

  /** Reads every quarantine record again from the start, and the applied count: the final count. */
  async recount(): Promise<void> {
    const records: QuarantineRecord[] = [];
    for (let page = await this.page(null); ; page = await this.page(page.nextAfter)) {
      records.push(...page.items);
      if (!page.nextAfter) break;
    }
    this.records = records;
    this.applied = await this.readApplied();
  }

  private async page(after: string | null): Promise<QuarantinePage> {
    const url = `${this.o.integrity}/v1/quarantine?assetId=${encodeURIComponent(this.assetId)}&limit=1000${after ? `&after=${after}` : ''}`;
    const r = await requestJson<QuarantinePage>('GET', url, this.o.token);
    if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
    return r.body;
  }

  private async readApplied(): Promise<number> {
    const url = `${this.o.twin}/v1/assets/${encodeURIComponent(this.assetId)}`;
    const r = await requestJson<{ readingsApplied: number }>('GET', url, this.o.token);
    if (r.status === 404) return 0; // no twin yet: nothing applied
    if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
    return r.body.readingsApplied;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Sends the streams: the MQTT device one reading per message (QoS 1), the HTTP device in batches
 * of 500. MQTT has no back-pressure (a broker drops QoS 1 messages beyond a subscriber's queue,
 * Mosquitto's max_queued_messages 1000 by default), so the MQTT sender keeps at most `window`
 * readings of an asset on their way (sent, not yet applied or quarantined), as a device with a
 * bounded outbox would.
 */
async function sendStreams(streams: ReadonlyArray<{ channel: 'mqtt' | 'http'; readings: readonly SentReading[] }>, progress: Map<string, AssetProgress>, o: Options): Promise<void> {
  const sentTo = new Map<string, number>();
  const count = (assetId: string, n: number) => sentTo.set(assetId, (sentTo.get(assetId) ?? 0) + n);
  const room = async (assetId: string) => {
    const p = progress.get(assetId)!;
    let last = { accounted: p.accounted, at: Date.now() };
    while ((sentTo.get(assetId) ?? 0) - p.accounted >= o.mqttWindow) {
      await pause(100);
      await p.refresh();
      if (p.accounted > last.accounted) last = { accounted: p.accounted, at: Date.now() };
      else if (Date.now() - last.at > o.timeoutS * 1000) throw new Error(`the platform accounted for no further reading of ${assetId} in ${o.timeoutS} s (${p.accounted} of ${sentTo.get(assetId)} sent): are integrity and twin-state running?`);
    }
  };
  const viaMqtt = async (readings: readonly SentReading[]) => {
    const client = await mqtt.connectAsync(o.mqtt, { clientId: `twinline-eval-${process.pid}-${Date.now()}` });
    try {
      for (const s of readings) {
        await room(s.destinationAssetId);
        await client.publishAsync(`${o.topicRoot}/${SITE}/${s.destinationAssetId}/telemetry`, JSON.stringify(s.reading), { qos: 1 });
        count(s.destinationAssetId, 1);
      }
    } finally {
      await client.endAsync();
    }
  };
  const viaHttp = async (readings: readonly SentReading[]) => {
    for (let i = 0; i < readings.length; i += 500) {
      const batch = readings.slice(i, i + 500);
      // The device channel: readings are signed by their device, no user token.
      const response = await fetch(`${o.ingestion}/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readings: batch.map((s) => s.reading) }) });
      if (response.status !== 202) throw new Error(`POST ${o.ingestion}/v1/telemetry → ${response.status}: ${(await response.text()).slice(0, 500)}`);
      for (const s of batch) count(s.destinationAssetId, 1);
    }
  };
  await Promise.all(streams.map((s) => (s.channel === 'mqtt' ? viaMqtt(s.readings) : viaHttp(s.readings))));
}

/**
 * `twinline eval security`: the security stress test. Two pumps fed from SKAB's anomaly-free run,
 * one device over MQTT and one over HTTP, with faults of every class injected at seeded positions;
 * then counts, from the platform's own APIs, what was quarantined for which rule and what was applied.
 */
export async function evalSecurity(args: string[]): Promise<void> {
  const o = parseOptions(args);
  const log = (s: string) => process.stderr.write(`${s}\n`);
  const dataFile = join(o.dataDir, 'skab', 'anomaly-free', 'anomaly-free.csv');
  if (!existsSync(dataFile)) throw new Error(`SKAB file not found: ${dataFile} (set --data <dir> or TWINLINE_DATA_DIR to the folder holding skab/)`);
  const startedAt = new Date();
  const nowMs = startedAt.getTime();
  const allRows = skabPumpRows(readFileSync(dataFile, 'utf8'), dataFile);
  const rows = retime(o.rows === undefined ? allRows : allRows.slice(0, o.rows), nowMs - 60_000);

  const runId = `${startedAt.toISOString().slice(0, 10).replace(/-/g, '')}-${randomBytes(3).toString('hex')}`;
  const pumps = [
    { assetId: `skab-a-${runId}`, channel: 'mqtt' as const },
    { assetId: `skab-b-${runId}`, channel: 'http' as const },
  ].map((p, i, all) => ({ ...p, deviceId: `${p.assetId}-dev`, secret: randomBytes(24).toString('hex'), otherAssetId: all[1 - i]!.assetId, streamIndex: i }));

  log(`▶ registering ${pumps.map((p) => p.assetId).join(' and ')} (pump, site ${SITE}) and their devices at ${o.integrity}`);
  for (const p of pumps) {
    await mustPut(`${o.integrity}/v1/registry/assets/${p.assetId}`, o.token, { assetClass: 'pump', site: SITE });
    await mustPut(`${o.integrity}/v1/registry/devices/${p.deviceId}`, o.token, { assetId: p.assetId, secret: p.secret });
  }

  const streams = pumps.map((p) => buildStream({ ...p, rows }, { seed: o.seed, faultsPerClass: o.faultsPerClass, stuckEpisodes: o.stuckEpisodes, stuckLength: o.stuckLength, nowMs }));
  const sent: SentReading[] = streams.flat();
  log(`▶ sending ${sent.length.toLocaleString('en-US')} readings: ${pumps.map((p, i) => `${p.deviceId} ${streams[i]!.length} over ${p.channel.toUpperCase()}`).join(', ')}`);
  const sendStarted = Date.now();
  const progress = new Map(pumps.map((p) => [p.assetId, new AssetProgress(p.assetId, o)]));
  await sendStreams(pumps.map((p, i) => ({ channel: p.channel, readings: streams[i]! })), progress, o);
  const sendSeconds = (Date.now() - sendStarted) / 1000;

  const expected = new Map(pumps.map((p) => [p.assetId, sent.filter((s) => s.destinationAssetId === p.assetId).length]));
  log(`▶ sent in ${sendSeconds.toFixed(1)} s; waiting until every reading is applied or quarantined (timeout ${o.timeoutS} s)`);
  const settleStarted = Date.now();
  let timedOut = false;
  for (;;) {
    await Promise.all([...progress.values()].map((p) => p.recount()));
    // Counts only grow: once every asset reached what was sent, waiting longer changes nothing.
    if ([...progress.values()].every((p) => p.accounted >= expected.get(p.assetId)!)) break;
    if (Date.now() - settleStarted > o.timeoutS * 1000) {
      timedOut = true;
      break;
    }
    await pause(250);
  }
  const settleSeconds = (Date.now() - settleStarted) / 1000;
  const records = [...progress.values()].flatMap((p) => p.records);

  const score = scoreSecurity({ sent, records, assets: pumps.map((p) => ({ assetId: p.assetId, deviceId: p.deviceId, channel: p.channel, applied: progress.get(p.assetId)!.applied })) });
  const run: SecurityRun = {
    command: ['npx twinline eval security', ...(o.rows !== undefined ? [`--rows ${o.rows}`] : []), `--seed ${o.seed}`, `--faults-per-class ${o.faultsPerClass}`, `--stuck-episodes ${o.stuckEpisodes}`, `--stuck-length ${o.stuckLength}`].join(' '),
    seed: o.seed,
    rows: rows.length,
    faultsPerClass: o.faultsPerClass,
    stuckEpisodes: o.stuckEpisodes,
    stuckLength: o.stuckLength,
    dataFile,
    startedAt: startedAt.toISOString(),
    sendSeconds,
    settleSeconds,
    timedOut,
  };
  process.stdout.write(o.json ? `${JSON.stringify(securityJson(run, score), null, 2)}\n` : `${securityMarkdown(run, score)}\n`);
}
