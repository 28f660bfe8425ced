import * as fc from 'fast-check';
import { quarantinedItemSchema, signReading, trustedReadingSchema, type RawItem } from '@twinline/contracts';
import { assessBatch, assessMessages, type Assessment } from './integrity.assess';
import type { RegistryView } from './integrity.registry';
import { rulesFor } from './integrity.rules';
import { initialIntegrityState, type IntegrityState } from './integrity.state';

const SECRET = 'secret-of-D-1-0123456789';
const REGISTRY: RegistryView = {
  assets: {
    'P-101': { assetId: 'P-101', assetClass: 'pump', acceptUnsigned: false, rules: rulesFor('pump') },
    'C-201': { assetId: 'C-201', assetClass: 'compressor', acceptUnsigned: false, rules: rulesFor('compressor') },
    'DEV-1': { assetId: 'DEV-1', assetClass: 'pump', acceptUnsigned: true, rules: rulesFor('pump') },
  },
  devices: {
    'D-1': { deviceId: 'D-1', assetId: 'P-101', secret: SECRET, enabled: true },
    'D-2': { deviceId: 'D-2', assetId: 'C-201', secret: 'secret-of-D-2-0123456789', enabled: true },
    'D-OFF': { deviceId: 'D-OFF', assetId: 'P-101', secret: 'secret-of-D-OFF-01234567', enabled: false },
  },
};

const T0 = Date.parse('2026-11-25T08:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString();
let n = 0;
/** A reading of D-1 for P-101 at T0 + `second` s, received a second later, signed unless told otherwise. */
function reading(over: { seq?: number; second?: number; metrics?: Record<string, number | string>; deviceId?: string; assetId?: string; secret?: string | null; receivedSecond?: number } = {}): RawItem {
  const second = over.second ?? over.seq ?? 1;
  const unsigned = {
    deviceId: over.deviceId ?? 'D-1',
    assetId: over.assetId ?? 'P-101',
    seq: over.seq ?? 1,
    ts: iso(T0 + second * 1000),
    metrics: over.metrics ?? { temperatureC: 45, pressurePsi: 1100, vibrationMmS: 2.1 },
  };
  const payload = over.secret === null ? unsigned : signReading(unsigned, over.secret ?? SECRET);
  return { readingId: `RD-${++n}`, receivedAt: iso(T0 + (over.receivedSecond ?? second + 1) * 1000), payload };
}

/** given(device state).when(items).then(outcome): the integrity rules as pure functions. */
const given = (state: IntegrityState = initialIntegrityState, subjectAssetId = 'P-101') => ({
  when: (...items: RawItem[]) => ({
    then: (check: (result: Assessment) => void) => check(assessBatch({ subjectAssetId, items }, state, REGISTRY)),
  }),
});
const rulesOf = (result: Assessment) => result.quarantined.map((q) => q.reasons.map((r) => r.rule));
const after = (...items: RawItem[]) => assessBatch({ subjectAssetId: 'P-101', items }, initialIntegrityState, REGISTRY).state;

describe('integrity rules: who sent it', () => {
  it('given a registered device, when it sends a signed reading of its asset, then it is accepted and its seq remembered', () => {
    const raw = reading();
    given().when(raw).then((result) => {
      expect(result.quarantined).toEqual([]);
      expect(result.accepted).toEqual([
        { readingId: raw.readingId, deviceId: 'D-1', assetId: 'P-101', seq: 1, ts: '2026-11-25T08:00:01.000Z', receivedAt: raw.receivedAt, metrics: { temperatureC: 45, pressurePsi: 1100, vibrationMmS: 2.1 } },
      ]);
      expect(result.state.devices['D-1']).toMatchObject({ lastSeq: 1, lastTsMs: T0 + 1000 });
    });
  });

  it("'signature': a reading signed with another key, or changed after signing, is forged", () => {
    const tampered = reading({ seq: 2 });
    (tampered.payload as { metrics: Record<string, number> }).metrics.temperatureC = 44;
    given().when(reading({ secret: 'not-the-secret-of-D-1-xx' }), tampered).then((result) => {
      expect(rulesOf(result)).toEqual([['signature'], ['signature']]);
      expect(result.quarantined[0]!.reasons[0]!.message).toMatch(/forged or altered in transit/);
      expect(result.state.devices['D-1']).toBeUndefined();
    });
  });

  it("'signature': an unsigned reading is refused unless its asset accepts unsigned readings (development)", () => {
    given().when(reading({ secret: null })).then((result) => {
      expect(result.quarantined[0]!.reasons).toEqual([{ rule: 'signature', field: 'signature', message: expect.stringMatching(/unsigned: asset P-101 accepts only readings signed/) }]);
    });
    given(initialIntegrityState, 'DEV-1')
      .when(reading({ secret: null, assetId: 'DEV-1', deviceId: 'bench-rig' }))
      .then((result) => expect(result.accepted).toHaveLength(1));
  });

  it("'device': unknown and disabled devices are not trusted", () => {
    given().when(reading({ deviceId: 'D-9' }), reading({ deviceId: 'D-OFF', secret: 'secret-of-D-OFF-01234567' })).then((result) => {
      expect(rulesOf(result)).toEqual([['device'], ['device']]);
      expect(result.quarantined[0]!.reasons[0]!.message).toBe('device D-9 is not registered: readings of unknown devices are not trusted');
      expect(result.quarantined[1]!.reasons[0]!.message).toMatch(/D-OFF is disabled/);
    });
  });

  it("'device': ids that name an object's inherited members are unknown devices and assets, not a crash", () => {
    given().when(reading({ deviceId: 'toString' }), reading({ deviceId: 'constructor', assetId: 'hasOwnProperty' })).then((result) => {
      expect(rulesOf(result)).toEqual([['device'], ['asset', 'device']]);
    });
  });

  it("'asset': a device writing an asset it is not bound to, or a reading sent on another asset's channel", () => {
    given(initialIntegrityState, 'C-201')
      .when(reading({ assetId: 'C-201' }))
      .then((result) => expect(result.quarantined[0]!.reasons).toEqual([{ rule: 'asset', field: 'assetId', value: 'C-201', message: 'device D-1 is bound to asset P-101 and may not write asset C-201' }]));
    given(initialIntegrityState, 'C-201')
      .when(reading())
      .then((result) => expect(result.quarantined[0]!.reasons[0]!.message).toBe('reading is for asset P-101 but was sent for asset C-201: a device may only write its own asset'));
  });

  it("'replay': given a device at seq 7, when seq 5 or a different seq 7 arrives, then it is a replay; the same reading again is a 'duplicate'", () => {
    const seventh = reading({ seq: 7 });
    const state = after(seventh);
    given(state)
      .when(reading({ seq: 5, second: 9 }), reading({ seq: 7, second: 9 }), { ...seventh, readingId: 'again' })
      .then((result) => {
        expect(rulesOf(result)).toEqual([['replay'], ['replay'], ['duplicate']]);
        expect(result.quarantined[0]!.reasons[0]!.message).toBe('seq 5 of device D-1 is not above its last seq 7: a replayed (or re-sequenced) reading');
      });
  });

  it('advances the seq on every authentic reading (even one quarantined for its values), never on a forged one', () => {
    given()
      .when(reading({ seq: 3, metrics: { temperatureC: 900 } }), reading({ seq: 9, secret: 'forger-forger-forger-12' }), reading({ seq: 2 }))
      .then((result) => {
        expect(rulesOf(result)).toEqual([['range'], ['signature'], ['replay']]);
        expect(result.state.devices['D-1']!.lastSeq).toBe(3);
      });
  });
});

describe('integrity rules: what it says', () => {
  it("'json' and 'schema': unreadable payloads are quarantined with the parse error or one reason per broken field", () => {
    const unparsed: RawItem = { readingId: 'j', receivedAt: iso(T0), payload: { unparsed: '{"deviceId": ' }, parseError: 'Unexpected end of JSON input' };
    const broken: RawItem = { readingId: 's', receivedAt: iso(T0), payload: { deviceId: 'D-1', assetId: 'P-101', seq: -1, ts: 'yesterday', metrics: { temperatureC: 'hot', 'Bad-Name': 1 } } };
    given().when(unparsed, broken).then((result) => {
      expect(result.quarantined[0]).toMatchObject({ deviceId: null, seq: null, reasons: [{ rule: 'json', field: '(root)', message: 'payload is not valid JSON: Unexpected end of JSON input' }] });
      expect(result.quarantined[1]!.reasons.map((r) => [r.rule, r.field])).toEqual([
        ['schema', 'seq'],
        ['schema', 'ts'],
        ['schema', 'metrics.temperatureC'],
        ['schema', 'metrics.Bad-Name'],
      ]);
      expect(result.quarantined[1]).toMatchObject({ deviceId: 'D-1', seq: -1, ts: 'yesterday' });
    });
  });

  it("'unit': a metric the asset class does not take, or in another unit, names what to send", () => {
    given().when(reading({ metrics: { temperatureF: 120, flowLMin: 3 } })).then((result) => {
      expect(result.quarantined[0]!.reasons.map((r) => r.message)).toEqual([
        'temperatureF: that unit of temperature is not accepted for asset P-101 (pump); convert at the device and send temperatureC',
        'flowLMin is not a metric of asset P-101 (pump) (accepted: temperatureC, pressurePsi, vibrationMmS, vibrationG)',
      ]);
    });
  });

  it("'finite' and 'range': NaN, Infinity and physically impossible values are named with their ranges", () => {
    given()
      .when(reading({ metrics: { temperatureC: 'NaN', pressurePsi: -50, vibrationMmS: 'Infinity' } }))
      .then((result) => {
        expect(result.quarantined[0]!.reasons.map((r) => [r.rule, r.field, r.value])).toEqual([
          ['finite', 'metrics.temperatureC', 'NaN'],
          ['range', 'metrics.pressurePsi', -50],
          ['finite', 'metrics.vibrationMmS', 'Infinity'],
        ]);
        expect(result.quarantined[0]!.reasons[1]!.message).toBe('pressurePsi -50 psi is outside the physically possible range -14.7..20000 psi: sensor tampering or failure suspected');
      });
    given().when(reading({ metrics: { temperatureC: 200, pressurePsi: -14.7, vibrationMmS: 0 } })).then((result) => expect(result.accepted).toHaveLength(1));
  });

  it("'rate': a jump no real process makes is a spike; the next plausible reading is accepted against the last accepted value", () => {
    given()
      .when(reading({ seq: 1, metrics: { temperatureC: 70 } }), reading({ seq: 2, metrics: { temperatureC: 110 } }), reading({ seq: 3, metrics: { temperatureC: 71 } }))
      .then((result) => {
        expect(result.accepted.map((a) => a.seq)).toEqual([1, 3]);
        expect(result.quarantined[0]!.reasons).toEqual([
          { rule: 'rate', field: 'metrics.temperatureC', value: 110, message: 'temperatureC moved from 70 °C to 110 °C in 1 s: 40 per s, beyond the 5 per s the process can make' },
        ]);
      });
  });

  it("'rate': allows for the time between readings, and a new level confirmed by the next reading is a real change", () => {
    given()
      .when(reading({ seq: 1, second: 0, metrics: { temperatureC: 70 } }), reading({ seq: 2, second: 10, metrics: { temperatureC: 110 } }))
      .then((result) => expect(result.accepted).toHaveLength(2));
    given()
      .when(
        reading({ seq: 1, metrics: { temperatureC: 70 } }),
        reading({ seq: 2, metrics: { temperatureC: 110 } }),
        reading({ seq: 3, metrics: { temperatureC: 111 } }),
        reading({ seq: 4, metrics: { temperatureC: 112 } }),
      )
      .then((result) => expect(result.accepted.map((a) => a.seq)).toEqual([1, 3, 4]));
  });

  it("'rate': a refused value does not confirm a later spike after other readings came between", () => {
    given()
      .when(
        reading({ seq: 1, metrics: { temperatureC: 70 } }),
        reading({ seq: 2, metrics: { temperatureC: 110 } }),
        reading({ seq: 3, metrics: { temperatureC: 70 } }),
        reading({ seq: 4, metrics: { temperatureC: 109 } }),
      )
      .then((result) => expect(rulesOf(result)).toEqual([['rate'], ['rate']]));
  });

  it("'stuck': the same acceleration three times in a row is a stuck sensor, and stays one until the value moves", () => {
    const g = (seq: number, vibrationG: number) => reading({ seq, metrics: { vibrationG } });
    given()
      .when(g(1, 0.2), g(2, 0.2), g(3, 0.2), g(4, 0.2), g(5, 0.21))
      .then((result) => {
        expect(result.accepted.map((a) => a.seq)).toEqual([1, 2, 5]);
        expect(result.quarantined[0]!.reasons[0]!.message).toBe('vibrationG has been 0.2 g for 3 readings in a row (limit 3): a stuck sensor');
        expect(rulesOf(result)).toEqual([['stuck'], ['stuck']]);
      });
  });

  it("'stuck': a velocity that holds for an hour over at least three readings is stuck; two readings an hour apart are not", () => {
    const v = (seq: number, second: number) => reading({ seq, second, metrics: { vibrationMmS: 2.5 } });
    given().when(v(1, 0), v(2, 3600)).then((result) => expect(result.accepted).toHaveLength(2));
    given()
      .when(v(1, 0), v(2, 1800), v(3, 3600))
      .then((result) => expect(result.quarantined[0]!.reasons[0]!.message).toBe('vibrationMmS has been 2.5 mm/s for 3600 s (3 readings; limit 3600 s): a stuck sensor'));
  });

  it("'timestamp' and 'order': times outside the window around receipt, or going back, are refused", () => {
    const state = after(reading({ seq: 1, second: 100 }));
    given(state)
      .when(
        reading({ seq: 2, second: 100 + 3600, receivedSecond: 101 }),
        reading({ seq: 3, second: 100 - 8 * 86_400, receivedSecond: 102 }),
        reading({ seq: 4, second: 50, receivedSecond: 103 }),
        reading({ seq: 5, second: 104 + 540, receivedSecond: 104 }),
      )
      .then((result) => {
        expect(rulesOf(result)).toEqual([['timestamp'], ['timestamp', 'order'], ['order']]);
        expect(result.quarantined[0]!.reasons[0]!.message).toMatch(/3599 s after receipt, beyond the accepted 600 s/);
        expect(result.accepted.map((a) => a.seq)).toEqual([5]);
      });
  });

  it('collects every reason of a reading and leaves the given state untouched', () => {
    const state = after(reading({ seq: 4 }));
    const frozen = JSON.stringify(state);
    given(state)
      .when(reading({ seq: 4, second: 5, metrics: { temperatureC: 'NaN', pressurePsi: 99_999 } }))
      .then((result) => expect(rulesOf(result)).toEqual([['replay', 'finite', 'range']]));
    expect(JSON.stringify(state)).toBe(frozen);
  });
});

describe('integrity rules: properties', () => {
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ weight: 9, arbitrary: good }, { weight: 1, arbitrary: bad });
  const rawItem = fc
    .record({
      deviceId: mostly(fc.constantFrom('D-1', 'D-2', 'D-9'), fc.oneof(fc.string(), fc.integer())),
      assetId: mostly(fc.constantFrom('P-101', 'C-201'), fc.constantFrom('', 'P 101', 'DEV-1')),
      seq: mostly(fc.integer({ min: 0, max: 20 }), fc.oneof(fc.integer({ min: -2, max: -1 }), fc.double(), fc.string())),
      second: fc.integer({ min: -1000, max: 1000 }),
      metrics: fc.dictionary(
        mostly(fc.constantFrom('temperatureC', 'pressurePsi', 'vibrationMmS', 'vibrationG'), fc.constantFrom('flowLMin', 'Bad-Name')),
        mostly(fc.double({ min: -10, max: 190, noNaN: true }), fc.oneof(fc.double({ min: -100, max: 25_000, noNaN: true }), fc.constantFrom('NaN', 'Infinity', 'x', null))),
      ),
      sign: fc.constantFrom('right', 'wrong', 'none'),
      parseError: mostly(fc.constant(undefined), fc.constant('Unexpected token')),
    })
    .map((r): RawItem => {
      const i = ++n;
      const unsigned = { deviceId: r.deviceId, assetId: r.assetId, seq: r.seq, ts: iso(T0 + r.second * 1000), metrics: r.metrics };
      const secret = REGISTRY.devices[String(r.deviceId)]?.secret ?? 'x';
      let payload: unknown = unsigned;
      try {
        if (r.sign !== 'none') payload = signReading(unsigned as never, r.sign === 'right' ? secret : 'wrong-wrong-wrong-wrong');
      } catch {
        /* values canonical JSON cannot hold stay unsigned */
      }
      return { readingId: `P-${i}`, receivedAt: iso(T0), payload, ...(r.parseError ? { parseError: r.parseError } : {}) };
    });
  const message = fc.record({ subjectAssetId: fc.constantFrom('P-101', 'C-201'), items: fc.array(rawItem, { minLength: 1, maxLength: 6 }) });

  it('accepts or quarantines every item exactly once, both outputs satisfy their contracts, and no accepted seq repeats per device', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (messages) => {
        const { results } = assessMessages(messages, initialIntegrityState, REGISTRY);
        const seen = messages.flatMap((m) => m.items.map((i) => i.readingId)).sort();
        expect(results.flatMap((r) => [...r.accepted, ...r.quarantined].map((x) => x.readingId)).sort()).toEqual(seen);
        for (const r of results) {
          for (const a of r.accepted) expect(trustedReadingSchema.safeParse(a).success).toBe(true);
          for (const q of r.quarantined) expect(quarantinedItemSchema.safeParse(q).success).toBe(true);
        }
        const accepted = results.flatMap((r) => r.accepted);
        for (const device of new Set(accepted.map((a) => a.deviceId))) {
          const seqs = accepted.filter((a) => a.deviceId === device).map((a) => a.seq);
          expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
          expect(new Set(seqs).size).toBe(seqs.length);
        }
        expect(accepted.every((a) => a.deviceId !== 'D-9')).toBe(true);
      }),
    );
  });

  it('judges a batch of messages exactly as assessBatch message by message', () => {
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 6 }), (messages) => {
        const together = assessMessages(messages, initialIntegrityState, REGISTRY);
        let state: IntegrityState = initialIntegrityState;
        const oneByOne = messages.map((input) => {
          const r = assessBatch(input, state, REGISTRY);
          state = r.state;
          return { accepted: r.accepted, quarantined: r.quarantined };
        });
        expect(together.results).toEqual(oneByOne);
        expect(together.state).toEqual(state);
      }),
    );
  });
});
