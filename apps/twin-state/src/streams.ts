/** Event-store stream of an asset's twin. */
export const twinStreamId = (assetId: string) => `asset-${assetId}`;
export const assetIdOfStream = (streamId: string) => streamId.slice('asset-'.length);
export const TWIN_STREAM_PREFIX = 'asset-';
