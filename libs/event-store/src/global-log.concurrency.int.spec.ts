import { createTestSchema, waitFor, type TestSchema } from '@twinline/testing';
import { newEvent } from './event-store.contract';
import { WrongExpectedVersionError, type AppendRequest, type StoredEvent } from './event-store';
import { GlobalLogReader } from './global-log-reader';
import { runEventStoreMigrations } from './migrations/run-migrations';
import { PostgresCheckpointStore } from './postgres-checkpoint-store';
import { PostgresEventStore } from './postgres-event-store';
import { replayPages } from './replay';

/**
 * Issue 4 item 6, "correct subscriptions": a reader tailing the global log while many writers
 * append concurrently sees every event exactly once, with each stream in version order, even when
 * transactions commit out of position order.
 *
 * Writers (100,000 events in all, in batches of 100 over 4 streams):
 * - 10 fast writers call appendMany (own transaction each), half of each batch going to streams
 *   shared between them ('any'), so they queue on each other's stream locks;
 * - 4 slow writers own their transaction and hold it open while the fast writers commit batches:
 *   either they insert first and commit after others (lower positions committed later: the
 *   Marten #3321 / Emmett #336 case), or they take their transaction id first and insert after
 *   others (lower transaction id, higher positions). Nothing sleeps: a slow writer waits for a
 *   number of fast commits, so the interleaving happens on every run.
 * Slow writers append only to streams of their own, so no fast writer ever waits on them.
 *
 * The reader is a GlobalLogReader with a Postgres checkpoint, as projections and the outbox run;
 * halfway through it is stopped and a new one resumes from the saved checkpoint. Next to it, the
 * lean replay read (replayPages: bounds cut ahead, pages read on several connections) tails the
 * same log and must see the very same sequence.
 */

const FAST_WRITERS = 10;
const SLOW_WRITERS = 4;
const EVENTS_PER_BATCH = 100;
const STREAMS_PER_BATCH = 4;
const FAST_BATCHES = 90; // per fast writer: 10 × 90 × 100 = 90,000 events
const SLOW_BATCHES = 25; // per slow writer: 4 × 25 × 100 = 10,000 events
const SHARED_STREAMS = 40;
const TOTAL = (FAST_WRITERS * FAST_BATCHES + SLOW_WRITERS * SLOW_BATCHES) * EVENTS_PER_BATCH;

let db: TestSchema;
let store: PostgresEventStore;
let checkpoints: PostgresCheckpointStore;

beforeAll(async () => {
  db = await createTestSchema('es_conc', FAST_WRITERS + SLOW_WRITERS + 8);
  await runEventStoreMigrations({ url: db.url, schema: db.schema });
  store = new PostgresEventStore(db.pool, { schema: db.schema });
  checkpoints = new PostgresCheckpointStore(db.pool, { schema: db.schema });
});

afterAll(async () => {
  await db?.drop();
});

/** Counts fast commits; lets a slow writer wait for `n` more of them (or for the fast writers to finish). */
class Progress {
  private commits = 0;
  private done = false;
  private waiters: Array<{ at: number; resolve: () => void }> = [];

  commit(): void {
    this.commits += 1;
    this.waiters = this.waiters.filter((w) => (w.at <= this.commits ? (w.resolve(), false) : true));
  }

  finish(): void {
    this.done = true;
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  after(n: number): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ at: this.commits + n, resolve }));
  }
}

/** One batch: EVENTS_PER_BATCH events over STREAMS_PER_BATCH streams, 'any' version. */
function batch(streamIds: readonly string[], tag: string): { requests: AppendRequest[]; eventIds: string[] } {
  const perStream = EVENTS_PER_BATCH / STREAMS_PER_BATCH;
  const requests = streamIds.map((streamId, s) => ({
    streamId,
    expectedVersion: 'any' as const,
    events: Array.from({ length: perStream }, (_, i) => newEvent({ data: { tag, s, i } })),
  }));
  return { requests, eventIds: requests.flatMap((r) => r.events.map((e) => e.eventId)) };
}

it(`a reader tailing the log sees each of ${TOTAL} concurrently appended events exactly once, streams in version order`, async () => {
  const started = performance.now();
  const seen: StoredEvent[] = [];
  const reader = () =>
    new GlobalLogReader({ name: 'tail', store, checkpoints, batchSize: 2_000, idleMs: 1, handle: async (events) => void seen.push(...events) });
  let tail = reader();
  tail.start();
  // The lean replay read, tailing: from its last position, run replayPages to its end, again and again.
  const leanSeen: StoredEvent[] = [];
  let leanStopped = false;
  const leanTail = (async () => {
    let cursor = '0';
    while (!leanStopped && leanSeen.length < TOTAL) {
      let read = 0;
      for await (const page of replayPages(store, { after: cursor, pageSize: 1_500, readAhead: 2 })) {
        leanSeen.push(...page);
        cursor = page[page.length - 1]!.position;
        read += page.length;
      }
      if (read === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    }
  })();
  try {
    await writeAndRead();
  } finally {
    await tail.stop(); // also when an assertion failed: no reader left polling a dropped schema
    leanStopped = true;
    await leanTail;
  }

  async function writeAndRead(): Promise<void> {
    const progress = new Progress();
    const fast = Array.from({ length: FAST_WRITERS }, async (_, w) => {
      const appended: string[] = [];
      for (let b = 0; b < FAST_BATCHES; b++) {
        const shared = [`asset-shared-${(w + b) % SHARED_STREAMS}`, `asset-shared-${(w * 7 + b * 3 + 1) % SHARED_STREAMS}`];
        // Two distinct shared streams (the second formula may hit the first: then take the next one).
        if (shared[0] === shared[1]) shared[1] = `asset-shared-${(w + b + 1) % SHARED_STREAMS}`;
        const { requests, eventIds } = batch([...shared, `asset-fast-${w}-${b % 3}`, `asset-fast-${w}-${3 + (b % 2)}`], `f${w}.${b}`);
        await store.appendMany(requests);
        appended.push(...eventIds);
        progress.commit();
      }
      return appended;
    });

    const slow = Array.from({ length: SLOW_WRITERS }, async (_, w) => {
      const appended: string[] = [];
      for (let b = 0; b < SLOW_BATCHES; b++) {
        const { requests, eventIds } = batch(
          Array.from({ length: STREAMS_PER_BATCH }, (_, s) => `asset-slow-${w}-${(b + s) % 6}`),
          `s${w}.${b}`,
        );
        const takeIdFirst = b % 2 === 1;
        const client = await db.pool.connect();
        try {
          await client.query('BEGIN');
          if (takeIdFirst) {
            await client.query('SELECT pg_current_xact_id()'); // transaction id now, positions later
            await progress.after(2);
          }
          await store.appendManyWithin(client, requests);
          await progress.after(3); // positions drawn; let younger transactions commit theirs first
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          // Private streams, appended by this writer only: no conflict is possible.
          throw error instanceof WrongExpectedVersionError ? new Error(`unexpected version conflict: ${error.message}`) : error;
        } finally {
          client.release();
        }
        appended.push(...eventIds);
      }
      return appended;
    });

    // Halfway, a new reader takes over from the saved checkpoint (what a restarted service does).
    const handover = (async () => {
      await waitFor(() => seen.length >= TOTAL / 2, { timeoutMs: 90_000, intervalMs: 20, what: 'half of the events read' });
      await tail.stop();
      tail = reader();
      tail.start();
    })();

    const fastAppended = (await Promise.all(fast)).flat();
    progress.finish();
    const appended = [...fastAppended, ...(await Promise.all(slow)).flat()];
    const writeSeconds = (performance.now() - started) / 1_000;
    await handover;
    await waitFor(() => seen.length >= TOTAL, { timeoutMs: 30_000, intervalMs: 20, what: `${TOTAL} events read` });
    await tail.stop();

    // Every event exactly once: no gap, no duplicate.
    expect(appended).toHaveLength(TOTAL);
    expect(seen).toHaveLength(TOTAL);
    const seenIds = new Set(seen.map((e) => e.eventId));
    expect(seenIds.size).toBe(TOTAL);
    expect(appended.filter((id) => !seenIds.has(id))).toEqual([]);

    // Each stream in version order, from 1, without holes.
    const versions = new Map<string, number>();
    const outOfOrder: string[] = [];
    for (const e of seen) {
      const expected = (versions.get(e.streamId) ?? 0) + 1;
      if (e.streamVersion !== expected) outOfOrder.push(`${e.streamId}@${e.streamVersion} (expected ${expected})`);
      versions.set(e.streamId, e.streamVersion);
    }
    expect(outOfOrder.slice(0, 10)).toEqual([]);
    for (const [streamId, version] of versions) expect(await store.streamVersion(streamId)).toBe(version);

    // The run did exercise late commits: events read after an event with a higher position. A reader
    // filtering on `position > highest position seen` would have lost each of them.
    let highest = 0n;
    let belowHighest = 0;
    for (const e of seen) {
      const position = BigInt(e.position);
      if (position < highest) belowHighest += 1;
      else highest = position;
    }
    expect(belowHighest).toBeGreaterThan(0);
    expect(await checkpoints.load('tail')).toBe(seen[seen.length - 1]!.position);

    // The lean replay read saw the same log: the same events in the same order, with the same data.
    await waitFor(() => leanSeen.length >= TOTAL, { timeoutMs: 30_000, intervalMs: 20, what: `${TOTAL} events replayed` });
    expect(leanSeen).toHaveLength(TOTAL);
    const firstDifference = leanSeen.findIndex((e, i) => e.eventId !== seen[i]!.eventId || e.position !== seen[i]!.position || JSON.stringify(e.data) !== JSON.stringify(seen[i]!.data));
    expect(firstDifference).toBe(-1);

    // Figures for the report (printed, never asserted).
    process.stdout.write(
      `concurrent log: ${TOTAL} events by ${FAST_WRITERS + SLOW_WRITERS} writers in ${writeSeconds.toFixed(1)} s, ` +
        `all read in ${((performance.now() - started) / 1_000).toFixed(1)} s; ${belowHighest} read below a higher position already read\n`,
    );
  }
}, 180_000);
