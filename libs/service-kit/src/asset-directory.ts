/**
 * What every service may know of a registered asset: its class and site. Integrity owns the registry
 * and publishes each asset's description; the other services read it from their AssetDirectory
 * (routing notifications by site and class, reliability statistics per class).
 */
export interface AssetDescription {
  readonly assetId: string;
  /** pump | compressor | pipeline-segment (or a class an operator configured). */
  readonly assetClass: string;
  readonly site: string | null;
}

export interface AssetDirectory {
  /** The asset's description, or undefined for an asset not (yet) registered. */
  describe(assetId: string): AssetDescription | undefined;
  /** Every registered asset, by id. */
  all(): AssetDescription[];
}

/** Nest injection token of the service's AssetDirectory. */
export const ASSET_DIRECTORY = Symbol('ASSET_DIRECTORY');

/** A fixed directory: for tests and for services started without the registry. */
export class StaticAssetDirectory implements AssetDirectory {
  private readonly byId = new Map<string, AssetDescription>();
  constructor(entries: readonly AssetDescription[] = []) {
    for (const e of entries) this.byId.set(e.assetId, e);
  }
  describe(assetId: string): AssetDescription | undefined {
    return this.byId.get(assetId);
  }
  all(): AssetDescription[] {
    return [...this.byId.values()].sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0));
  }
}

// The JetStream key-value implementation and its writer (asset-directory-kv.ts).
export { AssetDirectoryPublisher, KvAssetDirectory, assetKey, decodeAssetEntry, type KvAssetDirectoryOptions } from './asset-directory-kv';
