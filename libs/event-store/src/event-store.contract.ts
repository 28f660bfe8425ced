import { randomUUID } from 'node:crypto';
import { UnknownSchemaVersionError, UpcasterRegistry } from '@twinline/contracts';
import { waitFor } from '@twinline/testing';
import {
  DuplicateEventError,
  InvalidEventError,
  WrongExpectedVersionError,
  type CheckpointStore,
  type EventStore,
  type NewEvent,
  type StoredEvent,
} from './event-store';
import { GENESIS_HASH, eventHash, verifyStreamChain } from './hash-chain';
import { isReplaySource, replayPages, type ReplayPagesOptions, type ReplaySource } from './replay';
import { UpcastingEventStore } from './upcasting-event-store';

/**
 * The one behavioural suite of the event store, run against every implementation (in memory by
 * event-store.memory.spec.ts, Postgres by event-store.postgres.int.spec.ts), so the in-memory twin
 * that adapter tests use behaves like the real store. Not a spec file itself.
 */

export interface EventStoreFixture {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
}

/** `factory` is called before each test and must return stores over an empty log. */
export function describeEventStoreContract(name: string, factory: () => Promise<EventStoreFixture> | EventStoreFixture): void {
  describe(`${name}: event store contract`, () => {
    let store: EventStore;
    let checkpoints: CheckpointStore;

    beforeEach(async () => {
      ({ store, checkpoints } = await factory());
    });

    describe('append and read a stream', () => {
      it('stores events with versions from 1, positions, and times as ISO strings', async () => {
        const events = [
          newEvent({ occurredAt: '2025-03-01T10:00:00Z' }),
          newEvent({ occurredAt: '2025-03-01T12:00:00.250+02:00' }),
          newEvent({ data: { temperatureC: 81.5, nested: { b: [1, 'two', null], a: true } } }),
        ];

        const result = await store.append('asset-P-101', events, 0);

        const stored = await store.readStream('asset-P-101');
        expect(stored.map((e) => [e.streamId, e.streamVersion, e.eventId])).toEqual([
          ['asset-P-101', 1, events[0]!.eventId],
          ['asset-P-101', 2, events[1]!.eventId],
          ['asset-P-101', 3, events[2]!.eventId],
        ]);
        expect(stored.map((e) => e.occurredAt)).toEqual(['2025-03-01T10:00:00.000Z', '2025-03-01T10:00:00.250Z', events[2]!.occurredAt]);
        expect(stored[2]).toMatchObject({ type: 'ReadingsApplied', schemaVersion: 1, data: events[2]!.data, metadata: events[2]!.metadata });
        for (const event of stored) {
          expect(event.position).toMatch(/^[1-9][0-9]*$/);
          expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
        }
        expect(BigInt(stored[0]!.position) < BigInt(stored[1]!.position)).toBe(true);
        expect(BigInt(stored[1]!.position) < BigInt(stored[2]!.position)).toBe(true);
        expect(result).toEqual({ streamId: 'asset-P-101', nextExpectedVersion: 3, lastPosition: stored[2]!.position });
        expect(await store.streamVersion('asset-P-101')).toBe(3);
      });

      it('knows no unknown stream: version 0, no events', async () => {
        expect(await store.streamVersion('asset-nobody')).toBe(0);
        expect(await store.readStream('asset-nobody')).toEqual([]);
      });

      it('reads a slice of a stream with fromVersion, toVersion and limit', async () => {
        await store.append('asset-P-101', [newEvent(), newEvent(), newEvent(), newEvent(), newEvent()], 0);

        const versions = async (options: Parameters<EventStore['readStream']>[1]) =>
          (await store.readStream('asset-P-101', options)).map((e) => e.streamVersion);
        expect(await versions({ fromVersion: 3 })).toEqual([3, 4, 5]);
        expect(await versions({ toVersion: 2 })).toEqual([1, 2]);
        expect(await versions({ fromVersion: 2, toVersion: 4 })).toEqual([2, 3, 4]);
        expect(await versions({ fromVersion: 2, limit: 2 })).toEqual([2, 3]);
        expect(await versions({ fromVersion: 6 })).toEqual([]);
      });

      it('rejects an event it could never store, with InvalidEventError', async () => {
        await expect(store.append('asset-P-101', [newEvent({ occurredAt: 'yesterday' })], 0)).rejects.toMatchObject({
          code: 'EVENT_STORE.INVALID_EVENT',
        });
        await expect(store.append('', [newEvent()], 0)).rejects.toBeInstanceOf(InvalidEventError);
        expect(await store.streamVersion('asset-P-101')).toBe(0);
      });
    });

    describe('expected version', () => {
      it('appends at the expected version and refuses any other, writing nothing', async () => {
        await store.append('asset-P-101', [newEvent(), newEvent()], 0);
        expect((await store.append('asset-P-101', [newEvent()], 2)).nextExpectedVersion).toBe(3);

        for (const stale of [2, 5]) {
          const error = await store.append('asset-P-101', [newEvent()], stale).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(WrongExpectedVersionError);
          expect(error).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', streamId: 'asset-P-101', expectedVersion: stale, actualVersion: 3 });
        }
        expect(await store.readStream('asset-P-101')).toHaveLength(3);
      });

      it('takes 0 to mean that the stream must not exist yet', async () => {
        await store.append('asset-P-101', [newEvent()], 0);
        await expect(store.append('asset-P-101', [newEvent()], 0)).rejects.toMatchObject({ actualVersion: 1 });
      });

      it("appends at any version with 'any'", async () => {
        expect((await store.append('asset-P-101', [newEvent()], 'any')).nextExpectedVersion).toBe(1);
        expect((await store.append('asset-P-101', [newEvent(), newEvent()], 'any')).nextExpectedVersion).toBe(3);
      });

      it('only checks the version when there is nothing to append', async () => {
        expect(await store.append('asset-P-101', [], 0)).toEqual({ streamId: 'asset-P-101', nextExpectedVersion: 0, lastPosition: '0' });
        await expect(store.append('asset-P-101', [], 1)).rejects.toBeInstanceOf(WrongExpectedVersionError);
        expect(await store.listStreams('asset-')).toEqual([]);
      });

      it('lets exactly one of 10 concurrent appends at the same version win', async () => {
        await store.append('asset-P-101', [newEvent()], 0);

        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append('asset-P-101', [newEvent()], 1)));

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
        expect(failures).toHaveLength(9);
        for (const failure of failures) expect(failure).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', actualVersion: 2 });
        expect(await store.streamVersion('asset-P-101')).toBe(2);
      });

      it('lets exactly one of 10 concurrent creators of a stream win', async () => {
        const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => store.append('asset-P-102', [newEvent(), newEvent()], 0)));

        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
        for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'EVENT_STORE.WRONG_EXPECTED_VERSION', actualVersion: 2 });
        expect(await store.readStream('asset-P-102')).toHaveLength(2);
      });

      it("serialises concurrent 'any' appends into one valid chain", async () => {
        const results = await Promise.all(Array.from({ length: 10 }, () => store.append('asset-P-103', [newEvent()], 'any')));

        expect(results.map((r) => r.nextExpectedVersion).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
        expect(verifyStreamChain(await store.readStream('asset-P-103'))).toMatchObject({ valid: true, checked: 10 });
      });
    });

    describe('duplicate events', () => {
      it('refuses an eventId stored before, in any stream, and writes nothing', async () => {
        const first = newEvent();
        await store.append('asset-P-101', [first], 0);

        const again = await store.append('asset-P-102', [newEvent(), { ...newEvent(), eventId: first.eventId }], 0).catch((e: unknown) => e);

        expect(again).toBeInstanceOf(DuplicateEventError);
        expect(again).toMatchObject({ code: 'EVENT_STORE.DUPLICATE_EVENT', eventId: first.eventId });
        expect(await store.streamVersion('asset-P-102')).toBe(0);
      });

      it('refuses an eventId twice in one batch', async () => {
        const event = newEvent();
        await expect(store.append('asset-P-101', [event, event], 0)).rejects.toMatchObject({ eventId: event.eventId });
        expect(await store.streamVersion('asset-P-101')).toBe(0);
      });
    });

    describe('appendMany', () => {
      it('appends to many streams at once, in request order', async () => {
        const [a1, a2, b1, c1] = [newEvent(), newEvent(), newEvent(), newEvent()];
        await store.append('asset-B', [newEvent()], 0);

        const results = await store.appendMany([
          { streamId: 'asset-A', expectedVersion: 0, events: [a1, a2] },
          { streamId: 'asset-B', expectedVersion: 1, events: [b1] },
          { streamId: 'asset-C', expectedVersion: 'any', events: [c1] },
        ]);

        const log = await wholeLog(store, 5);
        expect(log.slice(1).map((e) => e.eventId)).toEqual([a1.eventId, a2.eventId, b1.eventId, c1.eventId]);
        expect(results).toEqual([
          { streamId: 'asset-A', nextExpectedVersion: 2, lastPosition: log[2]!.position },
          { streamId: 'asset-B', nextExpectedVersion: 2, lastPosition: log[3]!.position },
          { streamId: 'asset-C', nextExpectedVersion: 1, lastPosition: log[4]!.position },
        ]);
      });

      it('applies several requests for one stream in order', async () => {
        const results = await store.appendMany([
          { streamId: 'asset-A', expectedVersion: 0, events: [newEvent(), newEvent()] },
          { streamId: 'asset-B', expectedVersion: 0, events: [newEvent()] },
          { streamId: 'asset-A', expectedVersion: 2, events: [newEvent()] },
        ]);

        expect(results.map((r) => r.nextExpectedVersion)).toEqual([2, 1, 3]);
        const log = await wholeLog(store, 4);
        expect(results.map((r) => r.lastPosition)).toEqual([log[1]!.position, log[2]!.position, log[3]!.position]);
        expect(verifyStreamChain(await store.readStream('asset-A'))).toMatchObject({ valid: true, checked: 3 });
      });

      it('writes nothing at all when one request conflicts', async () => {
        const existing = newEvent();
        await store.append('asset-A', [existing], 0);

        await expect(
          store.appendMany([
            { streamId: 'asset-B', expectedVersion: 0, events: [newEvent()] },
            { streamId: 'asset-A', expectedVersion: 0, events: [newEvent()] },
          ]),
        ).rejects.toMatchObject({ streamId: 'asset-A', actualVersion: 1 });
        await expect(
          store.appendMany([
            { streamId: 'asset-C', expectedVersion: 0, events: [newEvent()] },
            { streamId: 'asset-A', expectedVersion: 1, events: [{ ...newEvent(), eventId: existing.eventId }] },
          ]),
        ).rejects.toBeInstanceOf(DuplicateEventError);

        expect(await store.listStreams('asset-')).toEqual(['asset-A']);
        expect(await store.streamVersion('asset-A')).toBe(1);
        expect((await wholeLog(store, 1)).map((e) => e.eventId)).toEqual([existing.eventId]);
      });
    });

    describe('hash chain', () => {
      it('links each event to the previous one of its stream, recomputably from what is read', async () => {
        await store.append('asset-A', [newEvent({ data: { skipped: undefined, kept: [undefined, 1], at: new Date(0) } })], 0);
        await store.appendMany([
          { streamId: 'asset-B', expectedVersion: 0, events: [newEvent()] },
          { streamId: 'asset-A', expectedVersion: 1, events: [newEvent(), newEvent()] },
        ]);

        const stream = await store.readStream('asset-A');
        expect(stream[0]!.prevHash).toBe(GENESIS_HASH);
        expect(stream[0]!.data).toEqual({ kept: [null, 1], at: '1970-01-01T00:00:00.000Z' });
        stream.forEach((event, i) => {
          expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
          expect(event.hash).toBe(eventHash(event.prevHash, event));
          if (i > 0) expect(event.prevHash).toBe(stream[i - 1]!.hash);
        });
        expect(verifyStreamChain(stream)).toEqual({ valid: true, checked: 3, lastHash: stream[2]!.hash });
        expect((await store.readStream('asset-B'))[0]!.prevHash).toBe(GENESIS_HASH);
      });
    });

    describe('readAll', () => {
      it('reads the global log in append order, after a position, page by page', async () => {
        await store.append('asset-A', [newEvent(), newEvent()], 0);
        await store.append('asset-B', [newEvent()], 0);
        await store.append('asset-A', [newEvent(), newEvent()], 2);
        const log = await wholeLog(store, 5);
        expect(log.map((e) => `${e.streamId}@${e.streamVersion}`)).toEqual(['asset-A@1', 'asset-A@2', 'asset-B@1', 'asset-A@3', 'asset-A@4']);

        expect(await store.readAll({ after: log[1]!.position, limit: 2 })).toEqual(log.slice(2, 4));
        expect(await store.readAll({ after: log[4]!.position, limit: 10 })).toEqual([]);
        const paged: StoredEvent[] = [];
        for (let page = await store.readAll({ after: '0', limit: 2 }); page.length > 0; ) {
          paged.push(...page);
          page = await store.readAll({ after: page[page.length - 1]!.position, limit: 2 });
        }
        expect(paged).toEqual(log);
      });

      it('gives the position of the last event as the head of the log, 0 while it is empty', async () => {
        expect(await store.headPosition()).toBe('0');
        await store.append('asset-A', [newEvent(), newEvent()], 0);
        await store.append('asset-B', [newEvent()], 0);
        const log = await wholeLog(store, 3);
        expect(await store.headPosition()).toBe(log[2]!.position);
      });

      it('refuses a malformed cursor or limit', async () => {
        await expect(store.readAll({ after: '-1', limit: 10 })).rejects.toBeInstanceOf(RangeError);
        await expect(store.readAll({ after: '0', limit: 0 })).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('lean replay read (replayBounds, readReplay, replayPages)', () => {
      /** What the lean read gives of an event: every field but metadata and the hashes (each read as a projection reads it). */
      const lean = (e: StoredEvent) => ({
        eventId: e.eventId,
        type: e.type,
        schemaVersion: e.schemaVersion,
        occurredAt: e.occurredAt,
        data: e.data,
        streamId: e.streamId,
        streamVersion: e.streamVersion,
        position: e.position,
        recordedAt: e.recordedAt,
      });
      /** An event as JSON.stringify writes it (a lean event writes the fields it read). */
      const plain = (e: StoredEvent) => JSON.parse(JSON.stringify(e)) as Record<string, unknown>;
      const source = () => {
        expect(isReplaySource(store)).toBe(true);
        return store as EventStore & ReplaySource;
      };
      const pagesOf = async (from: ReplaySource, options: ReplayPagesOptions) => {
        const pages: StoredEvent[][] = [];
        for await (const page of replayPages(from, options)) pages.push(page);
        return pages;
      };

      async function sevenEvents(): Promise<StoredEvent[]> {
        await store.append('asset-A', [newEvent({ occurredAt: '2025-03-01T10:00:00.123Z' }), newEvent({ data: { nested: { list: [1, 'two', null, { x: 3.5 }] }, text: 'é ✓ "quoted"' } })], 0);
        await store.append('asset-B', [newEvent(), newEvent(), newEvent()], 0);
        await store.append('asset-A', [newEvent(), newEvent({ type: 'AlarmRaised', schemaVersion: 2 })], 2);
        return wholeLog(store, 7);
      }

      it("reads exactly readAll's events in readAll's pages, whatever the page size and read-ahead", async () => {
        const log = await sevenEvents();
        for (const pageSize of [1, 2, 3, 7, 50]) {
          for (const readAhead of [1, 3]) {
            const pages = await pagesOf(source(), { after: '0', pageSize, readAhead });
            const expected: StoredEvent[][] = [];
            for (let i = 0; i < log.length; i += pageSize) expected.push(log.slice(i, i + pageSize));
            expect(pages.map((page) => page.map(lean))).toEqual(expected.map((page) => page.map(lean)));
          }
        }
        // After a cursor in the middle, and after the last event.
        expect((await pagesOf(source(), { after: log[2]!.position, pageSize: 2 })).flat().map((e) => e.eventId)).toEqual(log.slice(3).map((e) => e.eventId));
        expect(await pagesOf(source(), { after: log[6]!.position, pageSize: 2 })).toEqual([]);
      });

      it('cuts pages ahead: the positions ending each page, the last page short', async () => {
        const log = await sevenEvents();
        expect(await source().replayBounds({ after: '0', pageSize: 2, pages: 2 })).toEqual([log[1]!.position, log[3]!.position]);
        expect(await source().replayBounds({ after: log[3]!.position, pageSize: 2, pages: 5 })).toEqual([log[5]!.position, log[6]!.position]);
        expect(await source().replayBounds({ after: log[6]!.position, pageSize: 2, pages: 5 })).toEqual([]);
        const range = await source().readReplay({ after: log[1]!.position, through: log[4]!.position });
        expect(range.map((e) => e.eventId)).toEqual(log.slice(2, 5).map((e) => e.eventId));
      });

      it('reads metadata and hashes when asked', async () => {
        const log = await sevenEvents();
        const pages = await pagesOf(source(), { after: '0', pageSize: 3, include: { metadata: true, hashes: true } });
        expect(pages.flat().map((e) => [e.metadata, e.hash, e.prevHash])).toEqual(log.map((e) => [e.metadata, e.hash, e.prevHash]));
        expect(pages.flat().map(plain)).toEqual(log.map(plain));
      });

      it('is upcast through UpcastingEventStore like readAll, and fails alike on an unknown version', async () => {
        const registry = new UpcasterRegistry({ Measured: 2 }, [{ type: 'Measured', fromSchemaVersion: 1, upcast: ({ temp, ...rest }) => ({ ...rest, temperatureC: temp }) }]);
        const view = new UpcastingEventStore(store, registry);
        await store.append('asset-A', [newEvent({ type: 'Measured', schemaVersion: 1, data: { temp: 10 } }), newEvent({ type: 'Measured', schemaVersion: 2, data: { temperatureC: 20 } }), newEvent()], 0);
        await wholeLog(store, 3);
        const viaReadAll = await view.readAll({ after: '0', limit: 10 });
        const pages = await pagesOf(view, { after: '0', pageSize: 2 });
        expect(pages.flat().map(lean)).toEqual(viaReadAll.map(lean));
        expect(pages.flat().map((e) => [e.schemaVersion, e.data])).toEqual([
          [2, { temperatureC: 10 }],
          [2, { temperatureC: 20 }],
          [1, viaReadAll[2]!.data],
        ]);
        expect(pages.flat()[0]!.recordedAt).toBe(viaReadAll[0]!.recordedAt);

        const future = newEvent({ type: 'Measured', schemaVersion: 3 });
        await store.append('asset-future', [future], 0);
        await wholeLog(store, 4);
        await expect(pagesOf(view, { after: '0', pageSize: 2 })).rejects.toMatchObject({ code: 'EVENT.UNKNOWN_SCHEMA_VERSION', eventId: future.eventId });
      });

      it('refuses a malformed cursor, page size or read-ahead', async () => {
        await expect(source().replayBounds({ after: '-1', pageSize: 2, pages: 1 })).rejects.toBeInstanceOf(RangeError);
        await expect(source().replayBounds({ after: '0', pageSize: 0, pages: 1 })).rejects.toBeInstanceOf(RangeError);
        await expect(source().readReplay({ after: '0', through: 'x' })).rejects.toBeInstanceOf(RangeError);
        await expect(pagesOf(source(), { after: '0', readAhead: 0 })).rejects.toBeInstanceOf(RangeError);
      });
    });

    describe('listStreams', () => {
      it('lists stream ids with a literal prefix, sorted, page by page', async () => {
        for (const streamId of ['asset-C', 'asset-A', 'work-order-1', 'asset-B', 'asset_x', 'assetZ']) await store.append(streamId, [newEvent()], 0);

        expect(await store.listStreams('asset-')).toEqual(['asset-A', 'asset-B', 'asset-C']);
        expect(await store.listStreams('asset-', { limit: 2 })).toEqual(['asset-A', 'asset-B']);
        expect(await store.listStreams('asset-', { after: 'asset-B' })).toEqual(['asset-C']);
        expect(await store.listStreams('asset_')).toEqual(['asset_x']);
        expect(await store.listStreams('')).toHaveLength(6);
      });
    });

    describe('checkpoints', () => {
      it("starts at '0' and keeps the last position saved per name, rewinds included", async () => {
        expect(await checkpoints.load('relay')).toBe('0');
        await checkpoints.save('relay', '42');
        await checkpoints.save('projection', '7');
        expect(await checkpoints.load('relay')).toBe('42');
        await checkpoints.save('relay', '0');
        expect(await checkpoints.load('relay')).toBe('0');
        expect(await checkpoints.load('projection')).toBe('7');
      });
    });

    describe('upcasting on read (UpcastingEventStore over this store)', () => {
      // A type at schema version 3: v2 renamed `temp` to `temperatureC`, v3 added `temperatureF` (derived).
      const registry = new UpcasterRegistry({ Measured: 3, Noted: 1 }, [
        { type: 'Measured', fromSchemaVersion: 1, upcast: ({ temp, ...rest }) => ({ ...rest, temperatureC: temp }) },
        { type: 'Measured', fromSchemaVersion: 2, upcast: (data) => ({ ...data, temperatureF: (data['temperatureC'] as number) * 1.8 + 32 }) },
      ]);
      const measured = (schemaVersion: number, data: Record<string, unknown>) => newEvent({ type: 'Measured', schemaVersion, data });

      it('reads every event at the current version of its type, from readStream and readAll alike', async () => {
        const view = new UpcastingEventStore(store, registry);
        await view.append('asset-A', [measured(1, { temp: 10 }), measured(2, { temperatureC: 20 }), measured(3, { temperatureC: 30, temperatureF: 86 })], 0);

        const expected = [
          { temperatureC: 10, temperatureF: 50 },
          { temperatureC: 20, temperatureF: 68 },
          { temperatureC: 30, temperatureF: 86 },
        ];
        const stream = await view.readStream('asset-A');
        expect(stream.map((e) => [e.schemaVersion, e.data])).toEqual(expected.map((data) => [3, data]));
        expect((await view.readStream('asset-A', { fromVersion: 2, limit: 1 })).map((e) => e.data)).toEqual([expected[1]]);
        const log = await wholeLog(store, 3);
        expect((await view.readAll({ after: '0', limit: 10 })).map((e) => e.data)).toEqual(expected);
        // Everything else is the stored event's: id, stream, version, position, times, metadata, hashes.
        const omitUpcast = ({ schemaVersion: _s, data: _d, ...rest }: StoredEvent) => rest;
        expect(stream.map(omitUpcast)).toEqual(log.map(omitUpcast));
      });

      it('never rewrites the store: it keeps the stored form, whose hash chain verifies (the upcast form does not)', async () => {
        const view = new UpcastingEventStore(store, registry);
        await view.append('asset-A', [measured(1, { temp: 10 }), measured(2, { temperatureC: 20 })], 0);
        await view.readStream('asset-A');

        const stored = await store.readStream('asset-A');
        expect(stored.map((e) => [e.schemaVersion, e.data])).toEqual([
          [1, { temp: 10 }],
          [2, { temperatureC: 20 }],
        ]);
        expect(view.stored).toBe(store);
        expect(verifyStreamChain(stored)).toMatchObject({ valid: true, checked: 2 });
        // Why verification reads the store, never the view: upcast data is not what was hashed.
        expect(verifyStreamChain(await view.readStream('asset-A'))).toMatchObject({ valid: false, streamVersion: 1 });
      });

      it('passes current events and types the registry does not know through untouched', async () => {
        const view = new UpcastingEventStore(store, registry);
        await store.append('asset-A', [measured(3, { temperatureC: 1, temperatureF: 33.8 }), newEvent({ type: 'Noted' }), newEvent({ type: 'Unregistered', schemaVersion: 7 })], 0);

        expect(await view.readStream('asset-A')).toEqual(await store.readStream('asset-A'));
      });

      it('fails the read, naming event, type and version, for a version newer than it knows or a missing upcaster', async () => {
        const future = measured(4, { temperatureC: 1 });
        await store.append('asset-future', [future], 0);
        const view = new UpcastingEventStore(store, registry);
        for (const read of [() => view.readStream('asset-future'), () => wholeLog(store, 1).then(() => view.readAll({ after: '0', limit: 10 }))]) {
          const error = await read().catch((e: unknown) => e);
          expect(error).toBeInstanceOf(UnknownSchemaVersionError);
          expect(error).toMatchObject({ code: 'EVENT.UNKNOWN_SCHEMA_VERSION', type: 'Measured', schemaVersion: 4, currentSchemaVersion: 3, eventId: future.eventId });
          expect((error as Error).message).toBe(`event ${future.eventId}: Measured schema version 4: this build knows Measured up to version 3; a newer build wrote it`);
        }

        const old = measured(1, { temp: 5 });
        await store.append('asset-old', [old], 0);
        const withoutFirstStep = new UpcastingEventStore(store, new UpcasterRegistry({ Measured: 3 }, [measuredStep2()]));
        await expect(withoutFirstStep.readStream('asset-old')).rejects.toThrow(`event ${old.eventId}: Measured schema version 1: no upcaster from version 1 to 2 (current is 3)`);
      });

      function measuredStep2() {
        return { type: 'Measured', fromSchemaVersion: 2, upcast: (data: Readonly<Record<string, unknown>>) => ({ ...data, temperatureF: 0 }) };
      }
    });
  });
}

const RUN = randomUUID().slice(0, 8);
let sequence = 0;

/** A valid new event with a fresh eventId. */
export function newEvent(overrides: Partial<NewEvent> = {}): NewEvent {
  sequence += 1;
  return {
    eventId: `evt-${RUN}-${sequence}`,
    type: 'ReadingsApplied',
    schemaVersion: 1,
    occurredAt: '2025-03-01T10:00:00.000Z',
    data: { seq: sequence, temperatureC: 71.25 },
    metadata: { correlationId: `corr-${RUN}`, causationId: null, actor: 'device:P-101' },
    ...overrides,
  };
}

/**
 * The whole global log, once it holds `count` events. In Postgres, readAll stays behind the oldest
 * transaction running anywhere on the server (other suites run in parallel), so wait for it.
 */
export async function wholeLog(store: EventStore, count: number): Promise<StoredEvent[]> {
  return waitFor(() => store.readAll({ after: '0', limit: count + 100 }), {
    accept: (events) => events.length >= count,
    what: `${count} events in the global log`,
  });
}
