import fc from 'fast-check';
import type { RawItem } from '@twinline/contracts';
import { assessBatch, assessMessages } from './integrity.assess';
import { DEFAULT_INTEGRITY_RULES } from './integrity.rules';
import { initialIntegrityState, type IntegrityState } from './integrity.state';

const item = (id: string, deviceId: string, assetId: string, seq: number, temperatureC: number): RawItem => ({
  readingId: id,
  receivedAt: '2024-01-01T00:00:00.000Z',
  payload: { deviceId, assetId, seq, ts: '2024-01-01T00:00:00Z', metrics: { temperatureC } },
});

describe('assessMessages', () => {
  it('given one device writing two assets' + "' messages, when a later message repeats a seq, then it is a sequence violation across messages", () => {
    const { results, state } = assessMessages(
      [
        { subjectAssetId: 'A', items: [item('r1', 'd1', 'A', 1, 40)] },
        { subjectAssetId: 'B', items: [item('r2', 'd1', 'B', 1, 40), item('r3', 'd1', 'B', 2, 40)] },
      ],
      initialIntegrityState,
      DEFAULT_INTEGRITY_RULES,
    );
    expect(results.map((r) => r.accepted.map((a) => a.readingId))).toEqual([['r1'], ['r3']]);
    expect(results[1]!.quarantined[0]!.reasons.map((v) => v.rule)).toEqual(['sequence']);
    expect(state.devices).toEqual({ d1: { lastSeq: 2 } });
  });

  it('judges a batch of messages exactly as assessBatch message by message', () => {
    const message = fc.record({
      subjectAssetId: fc.constantFrom('A', 'B'),
      items: fc.array(
        fc.tuple(fc.constantFrom('d1', 'd2', 'd3'), fc.constantFrom('A', 'B'), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -80, max: 260 })),
        { minLength: 1, maxLength: 5 },
      ),
    });
    fc.assert(
      fc.property(fc.array(message, { minLength: 1, maxLength: 8 }), (messages) => {
        let n = 0;
        const inputs = messages.map((m) => ({ subjectAssetId: m.subjectAssetId, items: m.items.map(([d, a, seq, t]) => item(`r${n++}`, d, a, seq, t)) }));
        const together = assessMessages(inputs, initialIntegrityState, DEFAULT_INTEGRITY_RULES);
        let state: IntegrityState = initialIntegrityState;
        const oneByOne = inputs.map((input) => {
          const r = assessBatch(input, state, DEFAULT_INTEGRITY_RULES);
          state = r.state;
          return { accepted: r.accepted, quarantined: r.quarantined };
        });
        expect(together.results).toEqual(oneByOne);
        expect(together.state).toEqual(state);
      }),
    );
  });
});
