import { quarantinedItemSchema, trustedReadingSchema, type RawItem } from '@twinline/contracts';
import * as fc from 'fast-check';
import { assessBatch, type Assessment } from './integrity.assess';
import { DEFAULT_INTEGRITY_RULES } from './integrity.rules';
import { initialIntegrityState, type IntegrityState } from './integrity.state';

const RECEIVED = '2024-01-01T00:00:05Z';
let n = 0;
const item = (payload: unknown, over: Partial<RawItem> = {}): RawItem => ({ readingId: `RD-${++n}`, receivedAt: RECEIVED, payload, ...over });
const payload = (over: Record<string, unknown> = {}) => ({
  deviceId: 'D-1',
  assetId: 'P-101',
  seq: 1,
  ts: '2024-01-01T00:00:00Z',
  metrics: { temperatureC: 45, pressurePsi: 1100, vibrationMmS: 2.1 },
  ...over,
});

/** given(device state).when(items).then(outcome) for the integrity rules. */
const given = (state: IntegrityState = initialIntegrityState) => ({
  when: (...items: RawItem[]) => ({
    then: (check: (result: Assessment) => void) => check(assessBatch({ subjectAssetId: 'P-101', items }, state, DEFAULT_INTEGRITY_RULES)),
  }),
});
const reasonsOf = (result: Assessment) => result.quarantined.flatMap((q) => q.reasons);

describe('integrity rules', () => {
  it('given no history, when a plausible reading arrives, then it is accepted as trusted and its seq remembered', () => {
    const raw = item(payload({ signature: 'abc' }));
    given().when(raw).then((result) => {
      expect(result.accepted).toEqual([
        { readingId: raw.readingId, deviceId: 'D-1', assetId: 'P-101', seq: 1, ts: '2024-01-01T00:00:00Z', receivedAt: RECEIVED, metrics: { temperatureC: 45, pressurePsi: 1100, vibrationMmS: 2.1 } },
      ]);
      expect(result.quarantined).toEqual([]);
      expect(result.state).toEqual({ devices: { 'D-1': { lastSeq: 1 } } });
    });
  });

  it("'json': given an unparseable payload, then it is quarantined with the parse error", () => {
    const raw = item({ unparsed: '{"deviceId": ' }, { parseError: 'Unexpected end of JSON input' });
    given().when(raw).then((result) => {
      expect(result.quarantined).toEqual([
        { readingId: raw.readingId, receivedAt: RECEIVED, deviceId: null, seq: null, ts: null, payload: { unparsed: '{"deviceId": ' }, reasons: [{ rule: 'json', field: '(root)', message: 'payload is not valid JSON: Unexpected end of JSON input' }] },
      ]);
    });
  });

  it("'schema': given a payload breaking the contract, then one reason per problem with its dotted field, and no other checks", () => {
    given()
      .when(item(payload({ seq: -1, ts: 'yesterday', metrics: { temperatureC: 'hot', pressurePsi: 99999 } })))
      .then((result) => {
        const reasons = reasonsOf(result);
        expect(reasons.every((r) => r.rule === 'schema')).toBe(true);
        expect(reasons.map((r) => r.field)).toEqual(['seq', 'ts', 'metrics.temperatureC']);
        expect(reasons[0]).toMatchObject({ message: 'seq must be >= 0', value: -1 });
        expect(result.quarantined[0]).toMatchObject({ deviceId: 'D-1', seq: -1, ts: 'yesterday' });
      });
  });

  it("'schema': given a badly named metric, then the naming rule is given", () => {
    given()
      .when(item(payload({ metrics: { 'Temp-C': 45 } })))
      .then((result) =>
        expect(reasonsOf(result)).toEqual([
          { rule: 'schema', field: 'metrics.Temp-C', message: 'invalid name "Temp-C": metric names are camelCase with a unit suffix, e.g. temperatureC', value: 45 },
        ]),
      );
  });

  it("'schema': given something that is not an object, then the root is named", () => {
    given().when(item(42)).then((result) => expect(reasonsOf(result)).toEqual([expect.objectContaining({ rule: 'schema', field: '(root)', value: 42 })]));
  });

  it("'asset': given a reading of another asset, then it is quarantined naming both assets", () => {
    given()
      .when(item(payload({ assetId: 'C-201' })))
      .then((result) => {
        expect(result.accepted).toEqual([]);
        expect(reasonsOf(result)).toEqual([{ rule: 'asset', field: 'assetId', message: 'reading is for asset C-201 but was sent for asset P-101: a device may only write its own asset', value: 'C-201' }]);
      });
  });

  it.each(['NaN', 'Infinity', '-Infinity'])("'finite': given %s, then it is quarantined", (value) => {
    given()
      .when(item(payload({ metrics: { temperatureC: value, pressurePsi: 1100 } })))
      .then((result) => expect(reasonsOf(result)).toEqual([expect.objectContaining({ rule: 'finite', field: 'metrics.temperatureC', value })]));
  });

  it("'tampering': given 250 °C or a negative pressure, then tampering is suspected", () => {
    given()
      .when(item(payload({ metrics: { temperatureC: 250, pressurePsi: -5 } })))
      .then((result) =>
        expect(reasonsOf(result)).toEqual([
          { rule: 'tampering', field: 'metrics.temperatureC', message: 'sensor tampering suspected: temperatureC 250 > 200 °C', value: 250 },
          { rule: 'tampering', field: 'metrics.pressurePsi', message: 'sensor tampering suspected: pressurePsi -5 < 0 psi', value: -5 },
        ]),
      );
  });

  it("'range': given values outside the physically possible ranges, then each is named", () => {
    given()
      .when(item(payload({ metrics: { temperatureC: -61, pressurePsi: 20_001, vibrationMmS: 501 } })))
      .then((result) =>
        expect(reasonsOf(result)).toEqual([
          { rule: 'range', field: 'metrics.temperatureC', message: 'temperatureC -61 °C is outside the physically possible range -60..200 °C', value: -61 },
          { rule: 'range', field: 'metrics.pressurePsi', message: 'pressurePsi 20001 psi is outside the physically possible range 0..20000 psi', value: 20_001 },
          { rule: 'range', field: 'metrics.vibrationMmS', message: 'vibrationMmS 501 mm/s is outside the physically possible range 0..500 mm/s', value: 501 },
        ]),
      );
  });

  it('accepts the bounds themselves and metrics without a range', () => {
    given()
      .when(item(payload({ metrics: { temperatureC: 200, pressurePsi: 0, vibrationMmS: 500, flowLMin: -3 } })), item(payload({ seq: 2, metrics: { temperatureC: -60, pressurePsi: 20_000 } })))
      .then((result) => expect(result.accepted).toHaveLength(2));
  });

  it("'sequence': given a device at seq 7, when seq 7 and 5 arrive, then both are quarantined naming both numbers", () => {
    given({ devices: { 'D-1': { lastSeq: 7 } } })
      .when(item(payload({ seq: 7 })), item(payload({ seq: 5 })), item(payload({ seq: 8 })))
      .then((result) => {
        expect(reasonsOf(result)).toEqual([
          { rule: 'sequence', field: 'seq', message: 'seq 7 of device D-1 is not above its last accepted seq 7: a duplicate', value: 7 },
          { rule: 'sequence', field: 'seq', message: 'seq 5 of device D-1 is not above its last accepted seq 7: a replay or an out-of-order reading', value: 5 },
        ]);
        expect(result.accepted.map((r) => r.seq)).toEqual([8]);
        expect(result.state.devices['D-1']).toEqual({ lastSeq: 8 });
      });
  });

  it("'sequence': given nothing, when a batch repeats a reading, then the repeat is quarantined", () => {
    given()
      .when(item(payload({ seq: 3 })), item(payload({ seq: 3 })))
      .then((result) => {
        expect(result.accepted).toHaveLength(1);
        expect(reasonsOf(result)).toEqual([expect.objectContaining({ rule: 'sequence', value: 3 })]);
      });
  });

  it('collects every reason of a reading, and a quarantined reading does not advance the seq', () => {
    given({ devices: { 'D-1': { lastSeq: 9 } } })
      .when(item(payload({ assetId: 'C-201', seq: 4, metrics: { temperatureC: 'NaN', pressurePsi: -1, vibrationMmS: 900 } })))
      .then((result) => {
        expect(reasonsOf(result).map((r) => r.rule)).toEqual(['asset', 'finite', 'tampering', 'range', 'sequence']);
        expect(result.state.devices['D-1']).toEqual({ lastSeq: 9 });
      });
  });

  it('keeps sequences per device and leaves the given state untouched', () => {
    const state: IntegrityState = { devices: { 'D-1': { lastSeq: 5 } } };
    given(state)
      .when(item(payload({ deviceId: 'D-2', seq: 1 })))
      .then((result) => {
        expect(result.accepted).toHaveLength(1);
        expect(result.state.devices).toEqual({ 'D-1': { lastSeq: 5 }, 'D-2': { lastSeq: 1 } });
        expect(state).toEqual({ devices: { 'D-1': { lastSeq: 5 } } });
      });
  });

  it('uses the rules it is given', () => {
    const result = assessBatch(
      { subjectAssetId: 'P-101', items: [item(payload({ metrics: { temperatureC: 160 } }))] },
      initialIntegrityState,
      { ...DEFAULT_INTEGRITY_RULES, tampering: { temperatureCMax: 150, pressurePsiMin: 0 } },
    );
    expect(reasonsOf(result).map((r) => r.message)).toEqual(['sensor tampering suspected: temperatureC 160 > 150 °C']);
  });
});

describe('integrity: nothing is lost', () => {
  // Mostly plausible readings with every kind of defect mixed in, plus arbitrary garbage.
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad });
  const nearlyValid = fc.record(
    {
      deviceId: mostly(fc.constantFrom('D-1', 'D-2'), fc.oneof(fc.string(), fc.integer())),
      assetId: mostly(fc.constant('P-101'), fc.constantFrom('C-201', '', 'P 101')),
      seq: mostly(fc.integer({ min: 0, max: 20 }), fc.oneof(fc.integer({ min: -2, max: -1 }), fc.double(), fc.string())),
      ts: mostly(fc.integer({ min: 0, max: 1000 }).map((m) => new Date(Date.UTC(2024, 0, 1) + m * 60_000).toISOString()), fc.string()),
      metrics: fc.dictionary(
        mostly(fc.constantFrom('temperatureC', 'pressurePsi', 'vibrationMmS', 'flowLMin'), fc.constant('Bad-Name')),
        mostly(fc.double({ min: -10, max: 190, noNaN: true }), fc.oneof(fc.double({ min: -100, max: 25_000, noNaN: true }), fc.constantFrom('NaN', 'Infinity', '-Infinity', 'x', null))),
        { minKeys: 1, maxKeys: 4 },
      ),
    },
    { requiredKeys: ['deviceId', 'assetId', 'seq', 'ts', 'metrics'] },
  );
  const rawItem = fc
    .record({
      payload: fc.oneof({ weight: 4, arbitrary: nearlyValid }, { weight: 1, arbitrary: fc.anything() }),
      parseError: mostly(fc.constant(undefined), fc.constant('Unexpected token')),
    })
    .map(({ payload, parseError }) => item(payload, parseError === undefined ? {} : { parseError }));

  /** Most valid seqs become increasing (so readings get accepted); multiples of 5 stay, to collide. */
  const increasingSeqs = (items: RawItem[]) =>
    items.map((it, i) => {
      const p = it.payload as { seq?: unknown } | null;
      if (typeof p !== 'object' || p === null || !('deviceId' in p) || typeof p.seq !== 'number' || !Number.isInteger(p.seq) || p.seq < 0 || p.seq % 5 === 0) return it;
      return { ...it, payload: { ...p, seq: 11 + i } };
    });

  it('accepts or quarantines every item exactly once, and both outputs satisfy their contracts', () => {
    const seen = { accepted: 0, rules: new Set<string>() };
    fc.assert(
      fc.property(fc.array(rawItem, { maxLength: 30 }).map(increasingSeqs), fc.dictionary(fc.constantFrom('D-1', 'D-2'), fc.record({ lastSeq: fc.integer({ min: 0, max: 10 }) })), (items, devices) => {
        const result = assessBatch({ subjectAssetId: 'P-101', items }, { devices }, DEFAULT_INTEGRITY_RULES);
        expect(result.accepted.length + result.quarantined.length).toBe(items.length);
        const ids = [...result.accepted, ...result.quarantined].map((r) => r.readingId).sort();
        expect(ids).toEqual(items.map((i) => i.readingId).sort());
        for (const r of result.accepted) expect(trustedReadingSchema.safeParse(r).success).toBe(true);
        for (const q of result.quarantined) expect(quarantinedItemSchema.safeParse(q).success).toBe(true);
        seen.accepted += result.accepted.length;
        for (const q of result.quarantined) for (const v of q.reasons) seen.rules.add(v.rule);
      }),
      { numRuns: 300 },
    );
    // The generator reaches both outcomes and every rule, so the property is not vacuous.
    expect(seen.accepted).toBeGreaterThan(100);
    expect([...seen.rules].sort()).toEqual(['asset', 'finite', 'json', 'range', 'schema', 'sequence', 'tampering']);
  });
});
