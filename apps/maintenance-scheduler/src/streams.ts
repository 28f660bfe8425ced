/** Event-store stream holding the work orders of one asset. */
export const WORK_ORDER_STREAM_PREFIX = 'workorders-';
export const workOrderStreamId = (assetId: string) => `${WORK_ORDER_STREAM_PREFIX}${assetId}`;
export const assetIdOfStream = (streamId: string) => streamId.slice(WORK_ORDER_STREAM_PREFIX.length);
