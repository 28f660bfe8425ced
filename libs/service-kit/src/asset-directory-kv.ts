import { KvWatchInclude, type KV, type KvEntry, type NatsConnection, type QueuedIterator } from 'nats';
import { z } from 'zod';
import { ID_PATTERN } from '@twinline/contracts';
import { openBucket } from '@twinline/messaging';
import { createLogger, type Logger } from '@twinline/observability';
import type { AssetDescription, AssetDirectory } from './asset-directory';

/**
 * The asset directory on JetStream: a key-value bucket (topology `buckets.assets`, production
 * `ASSETS`, kept in the stream `KV_ASSETS`) with one key per asset. Integrity owns the registry and
 * writes it (AssetDirectoryPublisher); every service reads it (KvAssetDirectory).
 *
 * Key: the asset id itself. Asset ids match ID_PATTERN ([A-Za-z0-9][A-Za-z0-9_-]{0,63}), a subset of
 * what a KV key may hold ([-/_=.A-Za-z0-9], no leading or trailing "."), so no encoding is needed.
 * Value: the AssetDescription as JSON, `{"assetId":"P-101","assetClass":"pump","site":"north"}`.
 * A deleted key (DEL or PURGE) is an asset no longer registered.
 */
const descriptionSchema = z.object({
  assetId: z.string().regex(ID_PATTERN),
  assetClass: z.string().min(1),
  site: z.string().nullable(),
});

const encoder = new TextEncoder();

/** The key of an asset, or an error for an id that is not a valid asset id. */
export function assetKey(assetId: string): string {
  if (!ID_PATTERN.test(assetId)) throw new Error(`asset directory: "${assetId}" is not a valid asset id`);
  return assetId;
}

/** The description a bucket entry holds; throws, naming the problem, for an entry that holds none. */
export function decodeAssetEntry(key: string, value: Uint8Array): AssetDescription {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(value));
  } catch {
    throw new Error(`asset directory: the value of key ${key} is not JSON`);
  }
  const parsed = descriptionSchema.safeParse(json);
  if (!parsed.success) throw new Error(`asset directory: the value of key ${key} is not an asset description: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(value)'} ${i.message}`).join('; ')}`);
  if (parsed.data.assetId !== key) throw new Error(`asset directory: key ${key} holds the description of asset ${parsed.data.assetId}`);
  return { assetId: parsed.data.assetId, assetClass: parsed.data.assetClass, site: parsed.data.site };
}

export interface KvAssetDirectoryOptions {
  /** Replicas of the bucket when this service creates it (STREAM_REPLICAS). */
  readonly replicas?: number;
  /** How long start() waits for the bucket's current entries before the service goes on (default 5 s); the load then completes in the background. */
  readonly initialLoadTimeoutMs?: number;
  /** First delay before following the bucket again after the watch ended or failed (doubling up to 30 s). */
  readonly retryMs?: number;
  readonly log?: Logger;
}

/**
 * A live AssetDirectory: an in-memory map of the bucket, loaded at start and kept current by a
 * watch on the bucket (an ordered consumer: every later put and delete, in order). Reads never touch
 * the network. An entry that holds no valid description is logged and left out; the directory goes
 * on. When the watch ends (NATS restarted, consumer lost), it follows the bucket again from the
 * start, keeping what it knows meanwhile and dropping, once the bucket is read through, the assets
 * the bucket no longer has. Nothing here fails a service's start or readiness: an empty or
 * unreachable bucket is an empty directory until the entries arrive.
 */
export class KvAssetDirectory implements AssetDirectory {
  private readonly byId = new Map<string, AssetDescription>();
  private readonly log: Logger;
  private readonly loaded: Promise<void>;
  private markLoaded: () => void = () => undefined;
  private watcher: QueuedIterator<KvEntry> | null = null;
  private running: Promise<void> | null = null;
  private closed = false;
  private wakeUp: (() => void) | null = null;

  constructor(
    private readonly nc: NatsConnection,
    readonly bucket: string,
    private readonly options: KvAssetDirectoryOptions = {},
  ) {
    this.log = options.log ?? createLogger('service-kit');
    this.loaded = new Promise<void>((resolve) => (this.markLoaded = resolve));
  }

  /**
   * Opens (or creates) the bucket and follows it. Resolves once every entry the bucket held is in
   * the directory, or after initialLoadTimeoutMs; never rejects.
   */
  async start(): Promise<void> {
    this.running ??= this.follow();
    const timeoutMs = this.options.initialLoadTimeoutMs ?? 5_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      this.loaded.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
        timer.unref();
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.log.warn('asset directory: bucket not loaded yet, going on; assets appear as they load', { bucket: this.bucket, timeoutMs });
  }

  /** Resolves when the bucket's entries at start have been read (tests). */
  whenLoaded(): Promise<void> {
    return this.loaded;
  }

  describe(assetId: string): AssetDescription | undefined {
    return this.byId.get(assetId);
  }

  all(): AssetDescription[] {
    return [...this.byId.values()].sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0));
  }

  /** Stops following the bucket (before the connection closes). */
  async close(): Promise<void> {
    this.closed = true;
    this.watcher?.stop();
    this.wakeUp?.();
    await this.running;
  }

  private async follow(): Promise<void> {
    const retryMs = this.options.retryMs ?? 500;
    let delay = retryMs;
    while (!this.closed && !this.nc.isClosed()) {
      try {
        const kv = await openBucket(this.nc.jetstream(), this.bucket, { replicas: this.options.replicas });
        if (this.closed) break;
        await this.watchOnce(kv, () => (delay = retryMs));
        if (!this.closed) this.log.warn('asset directory: watch ended; following the bucket again', { bucket: this.bucket });
      } catch (error) {
        if (this.closed) break;
        this.log.warn('asset directory: cannot follow the bucket; trying again', { bucket: this.bucket, error, retryInMs: delay });
      }
      if (this.closed || this.nc.isClosed()) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        timer.unref();
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
      delay = Math.min(delay * 2, 30_000);
    }
  }

  /**
   * One watch: the last value of every key, then every change. The bucket is read through when
   * nats.js calls initializedFn: either inside watch() (the entries already queued are then the
   * whole bucket) or later, in order, between the entries of the iterator.
   */
  private async watchOnce(kv: KV, healthy: () => void): Promise<void> {
    const seen = new Set<string>();
    // initializedFn came inside watch() (readThroughAt: entries to apply first), or comes later in order.
    const state = { initializing: true, calledEarly: false, readThroughAt: null as number | null, applied: 0 };
    let iterator: QueuedIterator<KvEntry> | null = null;
    const readThrough = () => {
      state.initializing = false;
      // Assets the bucket no longer has (the directory follows it again after a gap).
      for (const id of [...this.byId.keys()]) if (!seen.has(id)) this.byId.delete(id);
      this.markLoaded();
      healthy();
    };
    iterator = await kv.watch({
      include: KvWatchInclude.LastValue,
      initializedFn: () => {
        if (iterator) readThrough();
        else state.calledEarly = true;
      },
    });
    this.watcher = iterator;
    if (this.closed) iterator.stop();
    if (state.calledEarly) {
      state.readThroughAt = iterator.getReceived();
      if (state.readThroughAt === 0) readThrough();
    }
    for await (const entry of iterator) {
      this.apply(entry);
      if (!state.initializing) continue;
      seen.add(entry.key);
      state.applied++;
      if (state.readThroughAt !== null && state.applied >= state.readThroughAt) readThrough();
    }
  }

  private apply(entry: KvEntry): void {
    if (entry.operation === 'DEL' || entry.operation === 'PURGE') {
      this.byId.delete(entry.key);
      return;
    }
    try {
      this.byId.set(entry.key, decodeAssetEntry(entry.key, entry.value));
    } catch (error) {
      // A value no service can use: leave the asset out rather than keep a superseded description.
      this.byId.delete(entry.key);
      this.log.warn('asset directory: entry skipped', { bucket: this.bucket, key: entry.key, revision: entry.revision, error });
    }
  }
}

/**
 * Writes the asset directory (integrity, which owns the registry). The bucket is opened at first use,
 * so a service starts even when NATS cannot open it yet; a failed write throws, and the caller
 * decides how to catch up (integrity syncs the whole registry again).
 */
export class AssetDirectoryPublisher {
  private kv: Promise<KV> | null = null;

  constructor(
    private readonly nc: NatsConnection,
    readonly bucket: string,
    private readonly options: { replicas?: number } = {},
  ) {}

  /** Puts an asset's description (a put of the same value again is harmless). */
  async put(description: AssetDescription): Promise<void> {
    const kv = await this.open();
    await kv.put(assetKey(description.assetId), encoder.encode(JSON.stringify({ assetId: description.assetId, assetClass: description.assetClass, site: description.site })));
  }

  /** Removes an asset from the directory. */
  async remove(assetId: string): Promise<void> {
    const kv = await this.open();
    await kv.delete(assetKey(assetId));
  }

  /**
   * Makes the bucket hold exactly these descriptions: puts each one it does not hold as it is and
   * deletes the keys of every other asset. Idempotent.
   */
  async sync(descriptions: readonly AssetDescription[]): Promise<{ put: number; removed: number }> {
    const kv = await this.open();
    const current = new Map<string, string>();
    const keys: string[] = [];
    for await (const key of await kv.keys()) keys.push(key);
    for (const key of keys) {
      const entry = await kv.get(key);
      if (entry && entry.operation === 'PUT') current.set(key, entry.string());
    }
    const wanted = new Set<string>();
    let put = 0;
    for (const d of descriptions) {
      wanted.add(d.assetId);
      const value = JSON.stringify({ assetId: d.assetId, assetClass: d.assetClass, site: d.site });
      if (current.get(d.assetId) === value) continue;
      await kv.put(assetKey(d.assetId), encoder.encode(value));
      put++;
    }
    let removed = 0;
    for (const key of current.keys()) {
      if (wanted.has(key)) continue;
      await kv.delete(key);
      removed++;
    }
    return { put, removed };
  }

  private open(): Promise<KV> {
    if (!this.kv) {
      this.kv = openBucket(this.nc.jetstream(), this.bucket, { replicas: this.options.replicas });
      this.kv.catch(() => (this.kv = null)); // try again on the next write
    }
    return this.kv;
  }
}
