import { signReading } from '@twinline/contracts';
import type { ThresholdProfile } from '@twinline/domain-twin';
import { requestJson } from '../api';
import { NOT_READING_CAUSED, parityRuleOverrides, type ParityReading, type RowEvent } from './skab.parity';

/*
 * The platform side of `twinline eval skab --platform`: registers the parity asset and its device
 * at integrity (and waits until twin-state judges it as the registered pump), sends the readings signed by the device over HTTP ingestion, waits (polling the
 * twin's and integrity's APIs) until every reading is applied or quarantined, and reads the asset's
 * twin events back from twin-state's history API.
 */

export interface PlatformEndpoints {
  readonly ingestion: string;
  readonly integrity: string;
  readonly twin: string;
  /** An admin token (registry writes); the reads accept any role. */
  readonly token: string;
  /** Give up when the platform accounts for no further reading for this long. */
  readonly timeoutS: number;
  readonly log: (line: string) => void;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A request whose failure names the URL (an unreachable service: is the platform running?). */
async function reach<T>(what: () => Promise<T>, method: string, url: string): Promise<T> {
  try {
    return await what();
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    throw new Error(`${method} ${url}: ${(error as Error).message}${cause ? ` (${cause})` : ''}: is the platform running there? (npx twinline up; or give --ingestion/--integrity/--twin)`);
  }
}

async function mustOk<T>(method: 'GET' | 'PUT', url: string, token: string, body?: unknown): Promise<T> {
  const r = await reach(() => requestJson<T>(method, url, token, body === undefined ? {} : { body }), method, url);
  if (r.status < 200 || r.status > 299) throw new Error(`${method} ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body;
}

/** What twin-state answers for GET /v1/assets/:assetId/profile. */
interface AssetProfileAnswer {
  readonly assetClass: string;
  readonly classSource: 'configured' | 'directory' | 'default';
  readonly profile: ThresholdProfile;
}

/**
 * Registers the parity asset (a pump at `site`, with range rules for the SKAB channels a pump lacks)
 * and its device at integrity, then waits (polling) until twin-state decides the asset by the
 * registered class — the asset directory follows the registry asynchronously, and a reading that
 * arrived before would be judged by the "default" profile — unless twin-state's configuration
 * (TWIN_ASSET_CLASSES) names the asset's class itself. Returns the profile twin-state applies to
 * the asset, its own override (TWIN_ASSET_PROFILES) included: the harness decides by the same one.
 */
export async function registerOnPlatform(
  o: PlatformEndpoints,
  input: { assetId: string; deviceId: string; secret: string; site: string },
): Promise<{ assetClass: string; profile: ThresholdProfile }> {
  const { assetId, deviceId } = input;
  o.log(`▶ registering ${assetId} (pump, site ${input.site}, + ${Object.keys(parityRuleOverrides().metrics).join(', ')}) and device ${deviceId} at ${o.integrity}`);
  await mustOk('PUT', `${o.integrity}/v1/registry/assets/${encodeURIComponent(assetId)}`, o.token, { assetClass: 'pump', site: input.site, rules: parityRuleOverrides() });
  await mustOk('PUT', `${o.integrity}/v1/registry/devices/${encodeURIComponent(deviceId)}`, o.token, { assetId, secret: input.secret });
  const url = `${o.twin}/v1/assets/${encodeURIComponent(assetId)}/profile`;
  const deadline = Date.now() + o.timeoutS * 1000;
  for (;;) {
    const answer = await mustOk<AssetProfileAnswer>('GET', url, o.token);
    if (answer.classSource !== 'default') return { assetClass: answer.assetClass, profile: answer.profile };
    if (Date.now() > deadline) throw new Error(`twin-state still decides ${assetId} by the "default" profile ${o.timeoutS} s after its registration as a pump: does it follow the asset directory (ASSETS bucket)?`);
    await pause(200);
  }
}

export interface PlatformRun {
  readonly events: RowEvent[];
  /** Stored events of types not caused by a reading (alarm timer, operators), by type: not compared. */
  readonly notCompared: Record<string, number>;
  readonly applied: number;
  readonly quarantined: number;
  /** Rows (seq − 1) of the readings integrity quarantined, in order, and the rules they broke. */
  readonly quarantinedRows: number[];
  readonly quarantineRules: string[];
  readonly seconds: number;
}

interface StoredTwinEvent {
  readonly streamVersion: number;
  readonly type: string;
  readonly data: Record<string, unknown>;
}

/** Sends the readings as device `deviceId` of `assetId` (registered by registerOnPlatform) and reads back what the twin decided. */
export async function runOnPlatform(o: PlatformEndpoints, input: { assetId: string; deviceId: string; secret: string; readings: readonly ParityReading[] }): Promise<PlatformRun> {
  const started = Date.now();
  const { assetId, deviceId } = input;
  o.log(`▶ sending ${input.readings.length} readings over HTTP to ${o.ingestion}`);
  const wire = input.readings.map((r) => signReading({ deviceId, assetId, seq: r.row + 1, ts: r.ts, metrics: { ...r.metrics } }, input.secret));
  for (let i = 0; i < wire.length; i += 500) {
    // The device channel: readings are signed by their device, no user token.
    const response = await reach(
      () => fetch(`${o.ingestion}/v1/telemetry`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ readings: wire.slice(i, i + 500) }) }),
      'POST',
      `${o.ingestion}/v1/telemetry`,
    );
    if (response.status !== 202) throw new Error(`POST ${o.ingestion}/v1/telemetry → ${response.status}: ${(await response.text()).slice(0, 500)}`);
  }

  o.log(`▶ waiting until twin-state applied every reading (timeout ${o.timeoutS} s without progress)`);
  const expected = input.readings.length;
  let last = { accounted: -1, at: Date.now() };
  let applied = 0;
  let quarantine: QuarantineItem[] = [];
  for (;;) {
    applied = await readApplied(o, assetId);
    quarantine = await readQuarantine(o, assetId);
    const accounted = applied + quarantine.length;
    if (accounted >= expected) break;
    if (accounted > last.accounted) last = { accounted, at: Date.now() };
    else if (Date.now() - last.at > o.timeoutS * 1000) throw new Error(`the platform accounted for ${accounted} of ${expected} readings of ${assetId} and no more in ${o.timeoutS} s: are ingestion, integrity and twin-state running?`);
    await pause(200);
  }

  const stored = await readEvents(o, assetId);
  const rowOf = new Map<string, number>();
  for (const e of stored) {
    if (e.type !== 'ReadingsApplied') continue;
    for (const r of (e.data.readings as Array<{ readingId: string; deviceId: string; seq: number }>) ?? []) if (r.deviceId === deviceId) rowOf.set(r.readingId, r.seq - 1);
  }
  const events: RowEvent[] = [];
  const notCompared: Record<string, number> = {};
  for (const e of stored) {
    if (e.type === 'ReadingsApplied') continue;
    const row = typeof e.data.readingId === 'string' ? rowOf.get(e.data.readingId) : undefined;
    if (NOT_READING_CAUSED.has(e.type) || row === undefined) {
      notCompared[e.type] = (notCompared[e.type] ?? 0) + 1;
      continue;
    }
    events.push({ row, type: e.type, data: e.data });
  }
  const quarantineRules = [...new Set(quarantine.flatMap((q) => (q.reasons ?? []).map((x) => x.rule)))].sort();
  const seqOf = (q: QuarantineItem) => (typeof q.seq === 'number' ? q.seq : typeof q.payload?.seq === 'number' ? q.payload.seq : null);
  const quarantinedRows = quarantine
    .map(seqOf)
    .filter((s): s is number => s !== null)
    .map((s) => s - 1)
    .sort((a, b) => a - b);
  return { events, notCompared, applied, quarantined: quarantine.length, quarantinedRows, quarantineRules, seconds: (Date.now() - started) / 1000 };
}

async function readApplied(o: Pick<PlatformEndpoints, 'twin' | 'token'>, assetId: string): Promise<number> {
  const url = `${o.twin}/v1/assets/${encodeURIComponent(assetId)}`;
  const r = await reach(() => requestJson<{ readingsApplied: number }>('GET', url, o.token), 'GET', url);
  if (r.status === 404) return 0; // no twin yet
  if (r.status !== 200) throw new Error(`GET ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r.body.readingsApplied;
}

interface QuarantineItem {
  readonly seq?: number | null;
  readonly payload?: { readonly seq?: unknown } | null;
  readonly reasons?: ReadonlyArray<{ readonly rule: string }>;
}

async function readQuarantine(o: Pick<PlatformEndpoints, 'integrity' | 'token'>, assetId: string): Promise<QuarantineItem[]> {
  const items: QuarantineItem[] = [];
  let after: string | null = null;
  for (;;) {
    const url = `${o.integrity}/v1/quarantine?assetId=${encodeURIComponent(assetId)}&limit=1000${after ? `&after=${after}` : ''}`;
    const page: { items: QuarantineItem[]; nextAfter: string | null } = await mustOk('GET', url, o.token);
    items.push(...page.items);
    if (!page.nextAfter || page.items.length === 0) return items;
    after = page.nextAfter;
  }
}

/** Every stored twin event of the asset, in stream order (history API, pages of 1000). */
async function readEvents(o: Pick<PlatformEndpoints, 'twin' | 'token'>, assetId: string): Promise<StoredTwinEvent[]> {
  const events: StoredTwinEvent[] = [];
  let from: number | null = 1;
  while (from !== null) {
    const page: { items: StoredTwinEvent[]; nextFromVersion: number | null } = await mustOk('GET', `${o.twin}/v1/assets/${encodeURIComponent(assetId)}/events?fromVersion=${from}&limit=1000`, o.token);
    events.push(...page.items);
    from = page.nextFromVersion;
  }
  return events;
}
