import { waitFor } from '@twinline/testing';
import { newEvent } from './event-store.contract';
import type { StoredEvent } from './event-store';
import type { GlobalLogReaderErrorContext } from './global-log-reader';
import { InMemoryCheckpointStore, InMemoryEventStore } from './in-memory-event-store';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';

describe('OutboxRelay', () => {
  let store: InMemoryEventStore;
  let checkpoints: InMemoryCheckpointStore;
  const relays: OutboxRelay[] = [];

  beforeEach(() => {
    store = new InMemoryEventStore();
    checkpoints = new InMemoryCheckpointStore();
  });
  afterEach(async () => {
    for (const relay of relays.splice(0)) await relay.stop();
  });

  function relay(publish: OutboxRelayOptions['publish'], options: Partial<OutboxRelayOptions> = {}): OutboxRelay {
    const created = new OutboxRelay({ name: 'twin-state__outbox', store, checkpoints, batchSize: 4, idleMs: 1, retryInitialMs: 1, retryMaxMs: 5, publish, ...options });
    relays.push(created);
    return created;
  }

  async function appendEvents(streams: number, perStream: number): Promise<void> {
    for (let s = 0; s < streams; s++) await store.append(`asset-${s}`, Array.from({ length: perStream }, () => newEvent()), 'any');
  }

  const ids = (events: readonly StoredEvent[]) => events.map((e) => e.eventId);
  const logIds = async () => ids(await store.readAll({ after: '0', limit: 1000 }));

  it('publishes every event once, in log order, across a stop and a start', async () => {
    const published: StoredEvent[] = [];
    await appendEvents(3, 5);

    // The first relay publishes one batch of 4, then JetStream "goes away" until the relay is stopped.
    let failed = 0;
    const first = relay(
      async (events) => {
        if (published.length >= 4) throw new Error('JetStream unavailable');
        published.push(...events);
      },
      { onError: () => void failed++ },
    );
    first.start();
    await waitFor(() => failed > 0, { what: 'the second batch failing' });
    await first.stop();
    expect(published).toHaveLength(4);
    expect(first.position()).toBe(published[3]!.position);
    expect(await checkpoints.load('twin-state__outbox')).toBe(published[3]!.position);

    await appendEvents(2, 3);
    const second = relay(async (events) => void published.push(...events));
    second.start();
    const all = await logIds();
    await waitFor(() => published.length >= all.length, { what: `${all.length} events published` });
    await second.stop();

    expect(ids(published)).toEqual(all);
    expect(second.position()).toBe(published[published.length - 1]!.position);
  });

  it('retries a failing batch with backoff and never moves past it', async () => {
    await appendEvents(2, 3);
    const published: StoredEvent[] = [];
    const errors: GlobalLogReaderErrorContext[] = [];
    const checkpointsSeenWhileFailing: string[] = [];
    let failures = 3;
    const flaky = relay(
      async (events) => {
        if (failures > 0) {
          failures -= 1;
          checkpointsSeenWhileFailing.push(await checkpoints.load('twin-state__outbox'));
          throw new Error('JetStream unavailable');
        }
        published.push(...events);
      },
      { onError: (_error, context) => errors.push(context) },
    );

    flaky.start();
    await waitFor(() => published.length === 6, { what: 'all 6 events published' });

    expect(ids(published)).toEqual(await logIds());
    expect(checkpointsSeenWhileFailing).toEqual(['0', '0', '0']);
    expect(errors).toEqual([1, 2, 3].map((attempt) => ({ name: 'twin-state__outbox', stage: 'handle', attempt, after: '0' })));
  });

  it('stop() waits for the batch in hand and saves its checkpoint', async () => {
    await appendEvents(1, 2);
    let release!: () => void;
    const inFlight = new Promise<void>((resolve) => (release = resolve));
    let publishing = false;
    const slow = relay(async () => {
      publishing = true;
      await inFlight;
    });
    slow.start();
    await waitFor(() => publishing, { what: 'a publish in flight' });

    let stopped = false;
    const stopping = slow.stop().then(() => (stopped = true));
    await Promise.resolve();
    expect(stopped).toBe(false);
    release();
    await stopping;

    const [, last] = await store.readAll({ after: '0', limit: 10 });
    expect(await checkpoints.load('twin-state__outbox')).toBe(last!.position);
  });

  it('wake() polls at once instead of waiting out the idle pause', async () => {
    const published: StoredEvent[] = [];
    let reads = 0;
    const counting = { readAll: (options: Parameters<InMemoryEventStore['readAll']>[0]) => (reads++, store.readAll(options)) };
    const sleepy = relay(async (events) => void published.push(...events), { store: counting, idleMs: 60_000 });
    sleepy.start();
    await waitFor(() => reads === 1, { what: 'the first poll, which finds nothing and pauses for a minute' });

    await appendEvents(1, 1);
    sleepy.wake();

    await waitFor(() => published.length === 1, { timeoutMs: 2_000, what: 'the event published after wake()' });
  });

  it('keeps going when the error callback itself throws', async () => {
    await appendEvents(1, 1);
    let failures = 1;
    const published: StoredEvent[] = [];
    const stubborn = relay(
      async (events) => {
        if (failures-- > 0) throw new Error('boom');
        published.push(...events);
      },
      {
        onError: () => {
          throw new Error('broken logger');
        },
      },
    );
    stubborn.start();
    await waitFor(() => published.length === 1, { what: 'the event published after a failure' });
  });
});
