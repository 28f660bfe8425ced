import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type NatsConnection } from 'nats';
import { topology } from '@twinline/contracts';
import { runMigrations } from '@twinline/event-store';
import { deleteStreams } from '@twinline/messaging';
import { AssetDirectoryPublisher, KvAssetDirectory } from '@twinline/service-kit';
import { createTestSchema, uniqueName, waitFor, type TestSchema } from '@twinline/testing';
import type { IntegrityConfig } from '../config';
import { INTEGRITY_MIGRATIONS } from '../store/migrations';
import { RegistryController } from './registry.controller';
import { RegistryDirectory } from './registry-directory';
import { RegistryLoader } from './registry-loader';
import { RegistryStore } from './registry-store';

const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quiet };

describe('integrity publishes its registry to the asset directory (Postgres, JetStream)', () => {
  const t = topology(uniqueName('integrity_dir'));
  let db: TestSchema;
  let nc: NatsConnection;
  let store: RegistryStore;
  let publisher: AssetDirectoryPublisher;
  let registryDirectory: RegistryDirectory;
  let reader: KvAssetDirectory;
  let dir: string;

  beforeAll(async () => {
    db = await createTestSchema('integrity_dir');
    await runMigrations({ url: db.url, schema: db.schema, migrations: INTEGRITY_MIGRATIONS });
    nc = await connect({ servers: NATS_URL, name: 'integrity-directory-int' });
    store = new RegistryStore(db.pool, db.schema);
    publisher = new AssetDirectoryPublisher(nc, t.buckets.assets);
    registryDirectory = new RegistryDirectory(store, publisher);
    reader = new KvAssetDirectory(nc, t.buckets.assets, { log: quiet });
    dir = mkdtempSync(join(tmpdir(), 'integrity-dir-'));
  });
  afterAll(async () => {
    registryDirectory.onApplicationShutdown();
    await reader.close();
    await deleteStreams(await nc.jetstreamManager(), t);
    await nc.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('given a registry file and an asset left in the bucket from before, when integrity starts, then the directory holds exactly the registered assets', async () => {
    await publisher.put({ assetId: 'GONE-1', assetClass: 'pump', site: 'nowhere' });
    await store.put({ assets: [{ assetId: 'C-7', assetClass: 'compressor', site: 'south', acceptUnsigned: false, rules: {} }] }, 'admin');
    const file = join(dir, 'registry.json');
    writeFileSync(file, JSON.stringify({ assets: [{ assetId: 'P-101', assetClass: 'pump', site: 'north' }] }));

    await new RegistryLoader({ REGISTRY_FILE: file } as IntegrityConfig, store, registryDirectory).onModuleInit();

    await reader.start();
    await reader.whenLoaded();
    expect(reader.all()).toEqual([
      { assetId: 'C-7', assetClass: 'compressor', site: 'south' },
      { assetId: 'P-101', assetClass: 'pump', site: 'north' },
    ]);
  });

  it('given a registered asset, when an admin changes its site or registers another through the API, then the directory follows', async () => {
    const controller = new RegistryController(store, registryDirectory);
    await controller.putAsset('P-101', { assetClass: 'pump', site: 'east' }, 'admin');
    await controller.putAsset('PS-1', { assetClass: 'pipeline-segment', site: 'west' }, 'admin');
    await waitFor(() => reader.describe('P-101')?.site === 'east' && reader.describe('PS-1'), { what: 'P-101 moved east and PS-1 registered' });
    expect(reader.describe('PS-1')).toEqual({ assetId: 'PS-1', assetClass: 'pipeline-segment', site: 'west' });
    expect(reader.all().map((a) => a.assetId)).toEqual(['C-7', 'P-101', 'PS-1']);
  });
});
