import type { AssetDescription, AssetDirectoryPublisher } from '@twinline/service-kit';
import { RegistryDirectory, describeAsset } from './registry-directory';
import type { AssetRecord, RegistryStore } from './registry-store';

const record = (assetId: string, site: string): AssetRecord => ({
  assetId,
  assetClass: 'pump',
  site,
  acceptUnsigned: false,
  rules: {},
  effectiveRules: {} as AssetRecord['effectiveRules'],
  devices: 2,
  updatedAt: '2026-01-01T00:00:00.000Z',
  updatedBy: 'admin',
});

/** A publisher whose writes fail while `failing` is set. */
function fakePublisher() {
  const calls: Array<{ op: 'put' | 'sync'; assets: AssetDescription[] }> = [];
  const state = { failing: true };
  const fail = () => Promise.reject(Object.assign(new Error('no responders'), { code: '503' }));
  const publisher = {
    bucket: 'ASSETS',
    put: (d: AssetDescription) => (calls.push({ op: 'put', assets: [d] }), state.failing ? fail() : Promise.resolve()),
    sync: (ds: AssetDescription[]) => (calls.push({ op: 'sync', assets: ds }), state.failing ? fail() : Promise.resolve({ put: ds.length, removed: 0 })),
  };
  return { publisher: publisher as unknown as AssetDirectoryPublisher, calls, state };
}

describe('RegistryDirectory', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());
  const store = { assets: async () => [record('P-101', 'east'), record('C-7', 'south')] } as unknown as RegistryStore;

  it('describes an asset by id, class and site only (no rules, devices or who changed it)', () => {
    expect(describeAsset(record('P-101', 'east'))).toEqual({ assetId: 'P-101', assetClass: 'pump', site: 'east' });
  });

  it('given NATS cannot take a registry change, then the change is not refused and the whole registry is published again until it succeeds', async () => {
    const { publisher, calls, state } = fakePublisher();
    const directory = new RegistryDirectory(store, publisher);
    await expect(directory.published([record('P-101', 'east')])).resolves.toBeUndefined();
    expect(calls.map((c) => c.op)).toEqual(['put']);

    await jest.advanceTimersByTimeAsync(1_000); // first retry: fails again
    expect(calls.map((c) => c.op)).toEqual(['put', 'sync']);
    await jest.advanceTimersByTimeAsync(1_999); // the next one waits twice as long
    expect(calls).toHaveLength(2);
    state.failing = false;
    await jest.advanceTimersByTimeAsync(1);
    expect(calls.map((c) => c.op)).toEqual(['put', 'sync', 'sync']);
    expect(calls[2]!.assets.map((a) => a.assetId)).toEqual(['P-101', 'C-7']);

    await jest.advanceTimersByTimeAsync(120_000); // published: nothing more to do
    expect(calls).toHaveLength(3);
    directory.onApplicationShutdown();
  });

  it('given the service shuts down, then no retry is left behind', async () => {
    const { publisher, calls } = fakePublisher();
    const directory = new RegistryDirectory(store, publisher);
    expect(await directory.syncAll()).toBe(false);
    directory.onApplicationShutdown();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(calls).toHaveLength(1);
  });
});
