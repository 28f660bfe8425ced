import * as fc from 'fast-check';
import { StoreThenAck } from './store-then-ack';

const settle = async <T>(p: Promise<T>) => p.then(() => 'stored' as const, () => 'failed' as const);

describe('store then acknowledge', () => {
  it('given a burst, when the first batch is being stored, then the rest waits and is stored as the next batch, in order', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((r) => (release = r));
    const pipe = new StoreThenAck<number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await first;
    }, 100);
    const acks: number[] = [];
    const all = [1, 2, 3, 4].map((n) => pipe.add(n).then(() => acks.push(n)));
    release();
    await Promise.all(all);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(acks).toEqual([1, 2, 3, 4]);
  });

  it('never stores more than maxBatch items at once', async () => {
    const sizes: number[] = [];
    const pipe = new StoreThenAck<number>(async (items) => void sizes.push(items.length), 3);
    await Promise.all(Array.from({ length: 10 }, (_, i) => pipe.add(i)));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(3);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('given a failed batch, then its items and every item queued behind it fail (none is acknowledged), and later items are stored again', async () => {
    let fail = true;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const pipe = new StoreThenAck<string>(async (items) => {
      if (items[0] === 'a') {
        await gate;
        if (fail) throw new Error('JetStream unavailable');
      }
    }, 1);
    const a = settle(pipe.add('a'));
    const b = settle(pipe.add('b'));
    release();
    expect([await a, await b]).toEqual(['failed', 'failed']);
    fail = false;
    expect(await settle(pipe.add('c'))).toBe('stored');
  });

  it('acknowledges exactly the items whose batch was stored, in arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 8 }), async (failures, maxBatch) => {
        let call = 0;
        const stored: number[] = [];
        const pipe = new StoreThenAck<number>(async (items) => {
          if (failures[call++ % failures.length]) throw new Error('down');
          stored.push(...items);
        }, maxBatch);
        const order: number[] = [];
        const outcomes = await Promise.all(Array.from({ length: 30 }, (_, i) => pipe.add(i).then(() => (order.push(i), true), () => false)));
        expect(order).toEqual([...order].sort((x, y) => x - y));
        expect(outcomes.flatMap((ok, i) => (ok ? [i] : []))).toEqual(stored);
      }),
    );
  });
});
