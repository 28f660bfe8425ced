// The service-kit KvAssetDirectory and AssetDirectoryPublisher on a real bucket. It lives here because
// service-kit (type:util) may not import @twinline/testing, and integrity is the directory's writer.
import { connect, type NatsConnection } from 'nats';
import { topology } from '@twinline/contracts';
import { bucketStreamName, deleteStreams, openBucket } from '@twinline/messaging';
import { uniqueName, waitFor } from '@twinline/testing';
import { AssetDirectoryPublisher, KvAssetDirectory } from '@twinline/service-kit';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

describe('KvAssetDirectory on a real JetStream key-value bucket', () => {
  const t = topology(uniqueName('assetdir'));
  let nc: NatsConnection;
  let publisher: AssetDirectoryPublisher;
  const directories: KvAssetDirectory[] = [];
  const follow = async (bucket = t.buckets.assets) => {
    const directory = new KvAssetDirectory(nc, bucket, { log: quiet });
    directories.push(directory);
    await directory.start();
    await directory.whenLoaded();
    return directory;
  };

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL, name: 'asset-directory-int' });
    publisher = new AssetDirectoryPublisher(nc, t.buckets.assets);
  });
  afterEach(async () => {
    for (const d of directories.splice(0)) await d.close();
  });
  afterAll(async () => {
    await deleteStreams(await nc.jetstreamManager(), t);
    await nc.close();
  });

  it('given an empty bucket, then the directory starts empty and sees an asset once it is published', async () => {
    const directory = await follow();
    expect(directory.all()).toEqual([]);
    await publisher.put({ assetId: 'P-101', assetClass: 'pump', site: 'north' });
    await waitFor(() => directory.describe('P-101'), { what: 'P-101 in the directory' });
    expect(directory.describe('P-101')).toEqual({ assetId: 'P-101', assetClass: 'pump', site: 'north' });
  });

  it('given published assets, then a directory started later has them all, follows puts and deletes, and skips an entry that is no description', async () => {
    await publisher.put({ assetId: 'C-7', assetClass: 'compressor', site: null });
    await publisher.put({ assetId: 'PS-1', assetClass: 'pipeline-segment', site: 'south' });
    const directory = await follow();
    expect(directory.all()).toEqual([
      { assetId: 'C-7', assetClass: 'compressor', site: null },
      { assetId: 'P-101', assetClass: 'pump', site: 'north' },
      { assetId: 'PS-1', assetClass: 'pipeline-segment', site: 'south' },
    ]);

    await publisher.put({ assetId: 'P-101', assetClass: 'pump', site: 'east' });
    await waitFor(() => directory.describe('P-101')?.site === 'east', { what: 'P-101 moved east' });

    const kv = await openBucket(nc.jetstream(), t.buckets.assets);
    await kv.put('BAD-1', new TextEncoder().encode('not json'));
    await kv.put('BAD-2', new TextEncoder().encode(JSON.stringify({ assetId: 'OTHER', assetClass: 'pump', site: 'x' })));
    await publisher.remove('C-7');
    await publisher.put({ assetId: 'P-102', assetClass: 'pump', site: 'east' });
    await waitFor(() => directory.describe('P-102'), { what: 'P-102 after the bad entries' });
    expect(directory.all().map((d) => d.assetId)).toEqual(['P-101', 'P-102', 'PS-1']);
    await kv.delete('BAD-1');
    await kv.delete('BAD-2');
  });

  it('given a sync with the registry, then the bucket holds exactly those assets, and a second sync changes nothing', async () => {
    const directory = await follow();
    const registry = [
      { assetId: 'P-101', assetClass: 'pump', site: 'east' },
      { assetId: 'P-103', assetClass: 'pump', site: 'west' },
    ];
    expect(await publisher.sync(registry)).toEqual({ put: 1, removed: 2 });
    await waitFor(() => directory.all(), { accept: (all) => JSON.stringify(all) === JSON.stringify(registry), what: 'the directory equal to the registry' });
    expect(await publisher.sync(registry)).toEqual({ put: 0, removed: 0 });
  });

  it('refuses to write an id that is not an asset id', async () => {
    await expect(publisher.put({ assetId: 'a.b', assetClass: 'pump', site: null })).rejects.toThrow('"a.b" is not a valid asset id');
  });

  it('given a directory closed, then it stops following the bucket', async () => {
    const directory = await follow();
    await directory.close();
    await publisher.put({ assetId: 'P-104', assetClass: 'pump', site: 'east' });
    const fresh = await follow();
    await waitFor(() => fresh.describe('P-104'), { what: 'P-104 in a fresh directory' });
    expect(directory.describe('P-104')).toBeUndefined();
  });

  it('given the watch ends, then the directory follows the bucket again and drops an asset that vanished meanwhile', async () => {
    await publisher.put({ assetId: 'P-105', assetClass: 'pump', site: 'east' });
    const directory = await follow();
    expect(directory.describe('P-105')).toBeDefined();
    // Gone without a delete marker (an operator purged the subject): only a fresh read of the bucket can tell.
    await (await nc.jetstreamManager()).streams.purge(bucketStreamName(t.buckets.assets), { filter: `$KV.${t.buckets.assets}.P-105` });
    (directory as unknown as { watcher: { stop(): void } }).watcher.stop();
    await publisher.put({ assetId: 'P-106', assetClass: 'pump', site: 'east' });
    await waitFor(() => directory.describe('P-106') && !directory.describe('P-105'), { what: 'P-106 in, P-105 out' });
    expect(directory.describe('P-101')).toEqual({ assetId: 'P-101', assetClass: 'pump', site: 'east' });
  });

  it('deleteStreams removes the bucket with the streams of its topology', async () => {
    const other = topology(uniqueName('assetdir_rm'));
    const kv = await openBucket(nc.jetstream(), other.buckets.assets);
    await kv.put('P-1', new TextEncoder().encode('{}'));
    const jsm = await nc.jetstreamManager();
    expect((await jsm.streams.info(bucketStreamName(other.buckets.assets))).state.messages).toBe(1);
    await deleteStreams(jsm, other);
    await expect(jsm.streams.info(bucketStreamName(other.buckets.assets))).rejects.toThrow('stream not found');
  });
});
