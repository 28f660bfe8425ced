import * as crypto from 'node:crypto';
import type { StoredEvent } from './event-store';
import { ChainWalker, EventStoreChainAudit, headsDigest, verifyEvents, type ChainBreak } from './chain-audit';
import { currentHead, exportChunks, readStreamPaged, verifyExport } from './chain-export';
import { GENESIS_HASH, eventHash } from './hash-chain';
import { InMemoryEventStore } from './in-memory-event-store';

/** A stream of `length` chained events, positions 10, 20, 30, ... */
function chain(length: number, streamId = 'asset-P-101'): StoredEvent[] {
  const events: StoredEvent[] = [];
  let prevHash = GENESIS_HASH;
  for (let version = 1; version <= length; version++) {
    const content = {
      streamId,
      streamVersion: version,
      eventId: `${streamId}-evt-${version}`,
      type: 'ReadingsApplied',
      schemaVersion: 1,
      occurredAt: '2025-03-01T10:00:00.000Z',
      data: { temperatureC: 70 + version },
      metadata: { correlationId: 'corr-1', causationId: null, actor: 'device:P-101' },
    };
    const hash = eventHash(prevHash, content);
    events.push({ ...content, position: String(version * 10), recordedAt: '2025-03-01T10:00:01.000Z', prevHash, hash });
    prevHash = hash;
  }
  return events;
}

const rehash = (e: StoredEvent): StoredEvent => ({ ...e, hash: eventHash(e.prevHash, e) });
const firstBreak = (events: StoredEvent[], head?: { version: number; hash: string } | null): ChainBreak | undefined => {
  const walker = new ChainWalker();
  if (head !== undefined) walker.expectHead(head);
  for (const e of events) walker.push(e);
  walker.endStream();
  return walker.result().breaks[0];
};
const headOf = (events: StoredEvent[]) => ({ version: events[events.length - 1]!.streamVersion, hash: events[events.length - 1]!.hash });

describe('ChainWalker: the first broken link of a stream, and why', () => {
  it('given an honest stream and its head, when walked, then it is valid', () => {
    const events = chain(6);
    const walker = new ChainWalker();
    walker.expectHead(headOf(events));
    events.forEach((e) => walker.push(e));
    walker.endStream();
    expect(walker.result()).toEqual({ valid: true, streams: 1, events: 6, breaks: [], truncated: false });
  });

  it('given data or metadata edited in place, then content-edited at that event', () => {
    const events = chain(6);
    events[2] = { ...events[2]!, data: { temperatureC: 20 } };
    expect(firstBreak(events)).toMatchObject({ streamVersion: 3, position: '30', eventId: 'asset-P-101-evt-3', reason: 'content-edited' });
    const meta = chain(6);
    meta[3] = { ...meta[3]!, metadata: { ...meta[3]!.metadata, actor: 'user:mallory' } };
    expect(firstBreak(meta)).toMatchObject({ streamVersion: 4, reason: 'content-edited' });
  });

  it('given an edit whose hash was recomputed, then content-edited at the edited event (the next one links to its old hash)', () => {
    const events = chain(6);
    events[2] = rehash({ ...events[2]!, data: { temperatureC: 20 } });
    expect(firstBreak(events)).toMatchObject({ streamVersion: 3, reason: 'content-edited' });
  });

  it('given an edit re-chained to the end, then only the recorded head shows it: content-edited at the last event', () => {
    const honest = chain(4);
    const events = [...honest];
    events[1] = rehash({ ...events[1]!, data: { temperatureC: 20 } });
    for (let i = 2; i < 4; i++) events[i] = rehash({ ...events[i]!, prevHash: events[i - 1]!.hash });
    expect(firstBreak(events)).toBeUndefined();
    expect(firstBreak(events, headOf(honest))).toMatchObject({ streamVersion: 4, reason: 'content-edited' });
  });

  it('given a deleted event, then event-deleted at the event after the gap, naming the missing version', () => {
    const events = chain(6);
    events.splice(2, 1);
    expect(firstBreak(events)).toMatchObject({ streamVersion: 4, position: '40', reason: 'event-deleted', missingVersions: { from: 3, to: 3 } });
    const first = chain(3).slice(1);
    expect(firstBreak(first)).toMatchObject({ streamVersion: 2, reason: 'event-deleted', missingVersions: { from: 1, to: 1 } });
  });

  it('given a deleted event and the later versions renumbered, then event-deleted at the first renumbered event', () => {
    const events = chain(6);
    events.splice(2, 1);
    const renumbered = events.map((e) => (e.streamVersion > 3 ? { ...e, streamVersion: e.streamVersion - 1 } : e));
    expect(firstBreak(renumbered)).toMatchObject({ streamVersion: 3, eventId: 'asset-P-101-evt-4', reason: 'event-deleted', missingVersions: { from: 3, to: 3 } });
  });

  it('given the last events deleted, then the recorded head shows it: event-deleted after the last event', () => {
    const honest = chain(6);
    expect(firstBreak(honest.slice(0, 4), headOf(honest))).toMatchObject({ streamVersion: 4, reason: 'event-deleted', missingVersions: { from: 5, to: 6 } });
    const walker = new ChainWalker();
    walker.missingStream('asset-gone', headOf(honest));
    expect(walker.result().breaks[0]).toMatchObject({ streamId: 'asset-gone', streamVersion: 0, position: null, eventId: null, reason: 'event-deleted' });
  });

  function forge(prevHash: string, version: number): StoredEvent {
    return rehash({ ...chain(1)[0]!, eventId: 'forged', streamVersion: version, prevHash, position: '999', data: { temperatureC: 5 } });
  }

  it('given a forged event inserted (later versions renumbered), chained properly to its predecessor, then event-inserted at the forged event', () => {
    const events = chain(6);
    const renumbered = events.map((e) => (e.streamVersion >= 3 ? { ...e, streamVersion: e.streamVersion + 1 } : e));
    renumbered.splice(2, 0, forge(events[1]!.hash, 3));
    expect(firstBreak(renumbered)).toMatchObject({ streamVersion: 3, eventId: 'forged', position: '999', reason: 'event-inserted' });
  });

  it('given a forged event inserted with a made-up chain link, then event-inserted at the forged event', () => {
    const events = chain(6);
    const renumbered = events.map((e) => (e.streamVersion >= 3 ? { ...e, streamVersion: e.streamVersion + 1 } : e));
    renumbered.splice(2, 0, forge('f'.repeat(64), 3));
    expect(firstBreak(renumbered)).toMatchObject({ streamVersion: 3, eventId: 'forged', reason: 'event-inserted' });
  });

  it('given a forged event appended past the recorded head, then event-inserted at it', () => {
    const honest = chain(4);
    const events = [...honest, forge(honest[3]!.hash, 5)];
    expect(firstBreak(events)).toBeUndefined();
    expect(firstBreak(events, headOf(honest))).toMatchObject({ streamVersion: 5, eventId: 'forged', reason: 'event-inserted' });
    expect(firstBreak(honest, null)).toMatchObject({ streamVersion: 1, reason: 'event-inserted' });
  });

  it('given two events with their versions swapped, adjacent or not, then reordered at the first of them', () => {
    const swap = (a: number, b: number) => {
      const events = chain(7);
      const [x, y] = [events[a - 1]!, events[b - 1]!];
      events[a - 1] = { ...y, streamVersion: a };
      events[b - 1] = { ...x, streamVersion: b };
      return events;
    };
    expect(firstBreak(swap(3, 4))).toMatchObject({ streamVersion: 3, eventId: 'asset-P-101-evt-4', reason: 'reordered' });
    expect(firstBreak(swap(2, 6))).toMatchObject({ streamVersion: 2, eventId: 'asset-P-101-evt-6', reason: 'reordered' });
  });

  it('given two events with their positions swapped, then reordered at the first of them', () => {
    const events = chain(6);
    events[2] = { ...events[2]!, position: '40' };
    events[3] = { ...events[3]!, position: '30' };
    expect(firstBreak(events)).toMatchObject({ streamVersion: 3, position: '40', reason: 'reordered' });
  });

  it('reports the first break of each stream, and stops listing at maxBreaks', () => {
    const a = chain(3, 'asset-A');
    const b = chain(3, 'asset-B');
    b[1] = { ...b[1]!, data: {} };
    const c = chain(3, 'asset-C');
    c.splice(0, 1);
    expect(verifyEvents([...a, ...b, ...c])).toMatchObject({
      valid: false,
      streams: 3,
      events: 8,
      truncated: false,
      breaks: [
        { streamId: 'asset-B', streamVersion: 2, reason: 'content-edited' },
        { streamId: 'asset-C', streamVersion: 2, reason: 'event-deleted' },
      ],
    });
    const walker = new ChainWalker({ maxBreaks: 1 });
    [...b, ...c].forEach((e) => {
      if (walker.currentStream && walker.currentStream !== e.streamId) walker.endStream();
      walker.push(e);
    });
    walker.endStream();
    expect(walker.result()).toMatchObject({ valid: false, truncated: true, breaks: [{ streamId: 'asset-B' }] });
  });
});

describe('headsDigest', () => {
  it('is sha256 of canonical JSON lines sorted by the UTF-8 bytes of the stream id', () => {
    const heads = [
      { streamId: 'b', version: 2, hash: 'h2' },
      { streamId: 'a', version: 1, hash: 'h1' },
    ];
    const lines = '{"hash":"h1","streamId":"a","version":1}\n{"hash":"h2","streamId":"b","version":2}\n';
    expect(headsDigest(heads)).toBe(crypto.createHash('sha256').update(lines).digest('hex'));
    expect(headsDigest([])).toBe(crypto.createHash('sha256').update('').digest('hex'));
  });
});

describe('EventStoreChainAudit and exports over the in-memory store', () => {
  async function seeded(): Promise<InMemoryEventStore> {
    const store = new InMemoryEventStore();
    for (const streamId of ['asset-A', 'asset-B']) {
      for (let i = 1; i <= 5; i++) {
        await store.append(streamId, [{ eventId: `${streamId}-${i}`, type: 'ReadingsApplied', schemaVersion: 1, occurredAt: '2025-03-01T10:00:00Z', data: { n: i, text: 'a,"b"\nc' }, metadata: { correlationId: 'c', causationId: null, actor: 'device:x' } }], i - 1);
      }
    }
    return store;
  }

  it('verifies an honest store and lists its heads with their digest', async () => {
    const store = await seeded();
    const audit = new EventStoreChainAudit(store);
    expect(await audit.verify({ pageSize: 2 })).toEqual({ valid: true, streams: 2, events: 10, breaks: [], truncated: false });
    expect(await audit.verify({ streamId: 'asset-B' })).toMatchObject({ valid: true, streams: 1, events: 5 });
    const { heads, digest } = await audit.streamHeads();
    expect(heads.map((h) => [h.streamId, h.version])).toEqual([['asset-A', 5], ['asset-B', 5]]);
    expect(digest).toBe(headsDigest(heads));
    expect((await audit.streamHeads({ streamId: 'asset-A' })).heads).toEqual([heads[0]]);
  });

  it.each(['jsonl', 'csv'] as const)('exports a stream as %s that verifies offline; an edited line is caught at its event', async (format) => {
    const store = await seeded();
    const head = (await currentHead(store, 'asset-A'))!;
    let text = '';
    for await (const chunk of exportChunks(readStreamPaged(store, 'asset-A', head.version, 2), head, format)) text += chunk;
    const lines = text.split(/\r?\n/);
    const heads = format === 'csv' ? [head] : [];
    expect(await verifyExport(lines, format, heads)).toMatchObject({ valid: true, streams: 1, events: 5, heads: [head], withoutHead: [] });

    const edited = lines.map((line) => (line.includes('asset-A-3') ? line.replace('"n":3', '"n":4').replace('""n"":3', '""n"":4') : line));
    expect(edited).not.toEqual(lines);
    expect((await verifyExport(edited, format, heads)).breaks).toEqual([expect.objectContaining({ streamId: 'asset-A', streamVersion: 3, reason: 'content-edited' })]);

    const truncated = format === 'jsonl' ? [...lines.slice(0, 3), ...lines.slice(5)] : lines.slice(0, 4);
    expect((await verifyExport(truncated, format, heads)).breaks).toEqual([expect.objectContaining({ reason: 'event-deleted' })]);
  });
});
