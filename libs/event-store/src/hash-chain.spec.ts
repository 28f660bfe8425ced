import fc from 'fast-check';
import type { StoredEvent } from './event-store';
import { GENESIS_HASH, canonicalEventContent, canonicalJson, eventHash, verifyStreamChain } from './hash-chain';

describe('canonicalJson', () => {
  it('sorts keys at every depth and writes no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it('treats what JSON cannot hold as JSON.stringify does', () => {
    expect(canonicalJson({ gone: undefined, fn: () => 1, list: [undefined, NaN, Infinity], at: new Date(0) })).toBe(
      '{"at":"1970-01-01T00:00:00.000Z","list":[null,null,null]}',
    );
    expect(() => canonicalJson(undefined)).toThrow(TypeError);
    expect(() => canonicalJson({ big: 1n })).toThrow(TypeError);
  });

  it('is stable through a JSON round trip, and agrees with JSON.stringify but for key order', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const canonical = canonicalJson(value);
        expect(canonicalJson(JSON.parse(canonical))).toBe(canonical);
        expect(JSON.parse(canonical)).toEqual(JSON.parse(JSON.stringify(value)));
      }),
    );
  });
});

describe('eventHash', () => {
  const event = {
    streamId: 'asset-P-101',
    streamVersion: 1,
    eventId: 'evt-1',
    type: 'ReadingsApplied',
    schemaVersion: 1,
    occurredAt: '2025-03-01T10:00:00.000Z',
    data: { note: 'é "q"', metrics: { temperatureC: 81.25, pressurePsi: 1500.5 } },
    metadata: { correlationId: 'corr-1', causationId: null, actor: 'device:P-101' },
  };

  it('is sha256 of prevHash, a newline and the canonical content (known answer, computed with sha256sum)', () => {
    expect(eventHash(GENESIS_HASH, event)).toBe('abb63bd768dd9a796c3df39f24da68b98ee7c1d83dd50c3c2a15e00d8b94f4d2');
  });

  it("builds the same content as canonicalJson of the event's hashed fields", () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1 }), fc.string(), fc.jsonValue(), fc.jsonValue(), (streamId, streamVersion, eventId, data, metadata) => {
        const content = { streamId, streamVersion, eventId, type: 'T', schemaVersion: 2, occurredAt: event.occurredAt, data, metadata };
        expect(canonicalEventContent(content, canonicalJson(data), canonicalJson(metadata))).toBe(canonicalJson(content));
      }),
    );
  });
});

describe('verifyStreamChain', () => {
  function chain(length: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    let prevHash = GENESIS_HASH;
    for (let version = 1; version <= length; version++) {
      const content = {
        streamId: 'asset-P-101',
        streamVersion: version,
        eventId: `evt-${version}`,
        type: 'ReadingsApplied',
        schemaVersion: 1,
        occurredAt: '2025-03-01T10:00:00.000Z',
        data: { temperatureC: 70 + version },
        metadata: { correlationId: 'corr-1', causationId: null, actor: 'device:P-101' },
      };
      const hash = eventHash(prevHash, content);
      events.push({ ...content, position: String(version), recordedAt: '2025-03-01T10:00:01.000Z', prevHash, hash });
      prevHash = hash;
    }
    return events;
  }

  it('accepts an intact stream, or a slice of it given the hash before', () => {
    const events = chain(4);
    expect(verifyStreamChain(events)).toEqual({ valid: true, checked: 4, lastHash: events[3]!.hash });
    expect(verifyStreamChain(events.slice(2), { prevHash: events[1]!.hash })).toMatchObject({ valid: true, checked: 2 });
  });

  it('finds an edited event, a re-hashed edit, a removed event and a forged first link', () => {
    const edited = chain(4);
    edited[2] = { ...edited[2]!, data: { temperatureC: 20 } };
    expect(verifyStreamChain(edited)).toMatchObject({ valid: false, streamVersion: 3, reason: expect.stringContaining('content') });

    const rehashed = chain(4);
    rehashed[2] = { ...rehashed[2]!, data: { temperatureC: 20 } };
    rehashed[2] = { ...rehashed[2], hash: eventHash(rehashed[2].prevHash, rehashed[2]) };
    expect(verifyStreamChain(rehashed)).toMatchObject({ valid: false, streamVersion: 4, reason: expect.stringContaining('prevHash') });

    const gap = chain(4);
    gap.splice(1, 1);
    expect(verifyStreamChain(gap)).toMatchObject({ valid: false, streamVersion: 3, reason: expect.stringContaining('expected version 2') });

    const forged = chain(2);
    forged[0] = { ...forged[0]!, prevHash: 'f'.repeat(64) };
    expect(verifyStreamChain(forged)).toMatchObject({ valid: false, streamVersion: 1 });
  });
});
