import { DiscardPolicy, RetentionPolicy, StorageType, nanos, type JetStreamClient, type JetStreamManager, type KV, type StreamConfig } from 'nats';
import type { Topology } from '@twinline/contracts';

export interface StreamLimits {
  /** Deduplication window for Nats-Msg-Id, ms (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  /** Replicas per stream (3 in a production cluster, 1 on one server). */
  readonly replicas?: number;
  /** Retention of telemetry (ms); 0 = unlimited. Twin and maintenance keep everything (the event store is the source of truth). */
  readonly telemetryMaxAgeMs?: number;
}

export function streamConfigs(t: Topology, limits: StreamLimits = {}): Array<Partial<StreamConfig> & { name: string; subjects: string[] }> {
  const common = {
    storage: StorageType.File,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    num_replicas: limits.replicas ?? 1,
    duplicate_window: nanos(limits.duplicateWindowMs ?? 120_000),
  };
  return [
    { ...common, name: t.streams.telemetry, subjects: [t.streamSubjects.telemetry], max_age: nanos(limits.telemetryMaxAgeMs ?? 7 * 24 * 3600_000) },
    { ...common, name: t.streams.twin, subjects: [t.streamSubjects.twin] },
    { ...common, name: t.streams.maintenance, subjects: [t.streamSubjects.maintenance] },
    { ...common, name: t.streams.deadletter, subjects: [t.streamSubjects.deadletter] },
  ];
}

/** Creates the streams of a topology, or updates them to the wanted configuration. Idempotent. */
export async function ensureStreams(jsm: JetStreamManager, t: Topology, limits: StreamLimits = {}): Promise<void> {
  for (const config of streamConfigs(t, limits)) {
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      try {
        await jsm.streams.add(config);
      } catch (addError) {
        // Another service created it between info and add.
        if (!String(addError).includes('already in use')) throw addError;
      }
    }
  }
}

/** The stream JetStream keeps a key-value bucket in. */
export function bucketStreamName(bucket: string): string {
  return `KV_${bucket}`;
}

/**
 * Opens a key-value bucket, creating it when it does not exist: one value per key (history 1: a
 * directory, not a log), on file, with the topology's replicas. Every service opens its buckets with
 * the same settings, so whichever comes first creates it; an existing bucket is used as it is.
 */
export async function openBucket(js: JetStreamClient, bucket: string, limits: Pick<StreamLimits, 'replicas'> = {}): Promise<KV> {
  const options = { history: 1, replicas: limits.replicas ?? 1, storage: StorageType.File };
  try {
    return await js.views.kv(bucket, options);
  } catch (error) {
    // Another service created it between nats.js's info and add: open what is there.
    if (!String((error as Error)?.message ?? error).includes('already in use')) throw error;
    return js.views.kv(bucket, options);
  }
}

/** Deletes the streams and key-value buckets of a topology (tests clean up their own). */
export async function deleteStreams(jsm: JetStreamManager, t: Topology): Promise<void> {
  for (const name of [...Object.values(t.streams), ...Object.values(t.buckets).map(bucketStreamName)]) {
    try {
      await jsm.streams.delete(name);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}

export function isNotFound(error: unknown): boolean {
  const text = String((error as Error)?.message ?? error);
  return text.includes('not found') || (error as { code?: string })?.code === '404';
}
