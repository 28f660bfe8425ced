import { Inject, Injectable, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { AssetDirectoryPublisher, TOPOLOGY, type AssetDescription } from '@twinline/service-kit';
import { INTEGRITY_CONFIG, type IntegrityConfig } from '../config';
import { RegistryStore, type AssetRecord } from './registry-store';

/** What the other services may know of an asset (never its rules, devices or secrets). */
export function describeAsset(asset: Pick<AssetRecord, 'assetId' | 'assetClass' | 'site'>): AssetDescription {
  return { assetId: asset.assetId, assetClass: asset.assetClass, site: asset.site };
}

/**
 * Keeps the asset directory (the KV bucket every service reads, topology `buckets.assets`) in step
 * with the registry, which stays the source of truth: the directory is written after the registry
 * transaction commits. At start the whole registry is published (putting what changed, deleting
 * assets no longer registered); then every registry change. A failed publish never undoes a
 * registry change: it is logged and the whole registry is published again in the background,
 * retrying until it succeeds.
 */
@Injectable()
export class RegistryDirectory implements OnApplicationShutdown {
  private readonly log = createLogger('integrity');
  private retry: NodeJS.Timeout | null = null;
  private retryDelayMs = 1_000;
  private stopped = false;

  constructor(
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(AssetDirectoryPublisher) private readonly publisher: AssetDirectoryPublisher,
  ) {}

  /** Publishes the whole registry. Never throws: on failure, tries again in the background. */
  async syncAll(): Promise<boolean> {
    try {
      const result = await this.publisher.sync((await this.registry.assets()).map(describeAsset));
      this.retryDelayMs = 1_000;
      this.log.info('asset directory published', { bucket: this.publisher.bucket, ...result });
      return true;
    } catch (error) {
      this.log.error('asset directory: cannot publish the registry; trying again', { bucket: this.publisher.bucket, error, retryInMs: this.retryDelayMs });
      this.syncLater();
      return false;
    }
  }

  /** Publishes assets the registry has just stored. Never throws (see syncAll). */
  async published(assets: readonly AssetRecord[]): Promise<void> {
    try {
      for (const asset of assets) await this.publisher.put(describeAsset(asset));
    } catch (error) {
      this.log.error('asset directory: cannot publish a registry change; publishing the whole registry again', { bucket: this.publisher.bucket, assetIds: assets.map((a) => a.assetId), error });
      this.syncLater();
    }
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
  }

  private syncLater(): void {
    if (this.retry || this.stopped) return;
    const delay = this.retryDelayMs;
    this.retryDelayMs = Math.min(delay * 2, 60_000);
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.syncAll();
    }, delay);
    this.retry.unref();
  }
}

/** Integrity writes the asset bucket; like every service, it also reads it (ASSET_DIRECTORY from serviceBasics). */
export const registryDirectoryProviders: Provider[] = [
  {
    provide: AssetDirectoryPublisher,
    inject: [Messaging, TOPOLOGY, INTEGRITY_CONFIG],
    useFactory: (bus: Messaging, topology: Topology, config: IntegrityConfig) => new AssetDirectoryPublisher(bus.nc, topology.buckets.assets, { replicas: config.STREAM_REPLICAS }),
  },
  RegistryDirectory,
];
