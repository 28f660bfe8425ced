import { counter, gauge, getRegistry, histogram, perStatus, sampledGauge } from './metrics';

/** The sample lines of one metric in the exposition text. */
async function lines(name: string): Promise<string[]> {
  return (await getRegistry().metrics()).split('\n').filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
}

describe('metrics', () => {
  it('has one registry with the standard Node.js runtime metrics, without a prefix', async () => {
    expect(getRegistry()).toBe(getRegistry());
    expect(await lines('process_cpu_seconds_total')).toHaveLength(1);
    expect(await lines('nodejs_eventloop_lag_seconds')).toHaveLength(1);
  });

  it('gives the same metric for the same name, so that two services in one process share it', async () => {
    const a = counter('test_shared_total', 'help', ['channel']);
    const b = counter('test_shared_total', 'help', ['channel']);
    expect(b).toBe(a);
    a.inc({ channel: 'http' }, 2);
    b.inc({ channel: 'http' });
    expect(await lines('test_shared_total')).toEqual(['test_shared_total{channel="http"} 3']);
    expect(histogram('test_seconds', 'help', [0.1, 1])).toBe(histogram('test_seconds', 'help', [0.1, 1]));
  });

  it('refuses a name again with another type or other labels, naming both', () => {
    counter('test_conflict_total', 'help', ['rule']);
    expect(() => gauge('test_conflict_total', 'help', ['rule'])).toThrow('metric test_conflict_total is already defined as a counter with labels [rule]; asked for a gauge with [rule]');
    expect(() => counter('test_conflict_total', 'help', ['channel'])).toThrow(/asked for a counter with \[channel\]/);
  });

  describe('sampledGauge', () => {
    it('reads on scrape, and serves the cached values until they are maxAgeMs old', async () => {
      let reads = 0;
      const remove = sampledGauge({ name: 'test_cached', help: 'help', labelNames: ['status'], maxAgeMs: 60_000 }, async () => [{ labels: { status: 'OPEN' }, value: ++reads }]);
      expect(await lines('test_cached')).toEqual(['test_cached{status="OPEN"} 1']);
      expect(await lines('test_cached')).toEqual(['test_cached{status="OPEN"} 1']);
      expect(reads).toBe(1);
      remove();
      expect(await lines('test_cached')).toEqual([]);
    });

    it('reads again once the values are older than maxAgeMs', async () => {
      let reads = 0;
      const remove = sampledGauge({ name: 'test_fresh', help: 'help', maxAgeMs: 0 }, async () => [{ value: ++reads }]);
      expect(await lines('test_fresh')).toEqual(['test_fresh 1']);
      expect(await lines('test_fresh')).toEqual(['test_fresh 2']);
      remove();
    });

    it('leaves the series out while the read fails, without failing the scrape', async () => {
      let up = true;
      const remove = sampledGauge({ name: 'test_down', help: 'help', maxAgeMs: 0 }, async () => {
        if (!up) throw new Error('NATS is down');
        return [{ value: 7 }];
      });
      expect(await lines('test_down')).toEqual(['test_down 7']);
      up = false;
      expect(await lines('test_down')).toEqual([]);
      up = true;
      expect(await lines('test_down')).toEqual(['test_down 7']);
      remove();
    });

    it('serves the previous values when a read does not answer within waitMs, and one read at a time', async () => {
      let reads = 0;
      let answer: (() => void) | undefined;
      const remove = sampledGauge({ name: 'test_slow', help: 'help', maxAgeMs: 0, waitMs: 20 }, async () => {
        reads++;
        if (reads > 1) await new Promise<void>((resolve) => (answer = resolve));
        return [{ value: reads }];
      });
      expect(await lines('test_slow')).toEqual(['test_slow 1']);
      expect(await lines('test_slow')).toEqual(['test_slow 1']);
      expect(await lines('test_slow')).toEqual(['test_slow 1']);
      expect(reads).toBe(2);
      answer!();
      await new Promise((r) => setImmediate(r));
      expect(await lines('test_slow')).toEqual(['test_slow 2']);
      remove();
    });

    it('lets several sources feed one gauge, each with its own labels', async () => {
      const removeA = sampledGauge({ name: 'test_lag', help: 'help', labelNames: ['durable'] }, async () => [{ labels: { durable: 'a__TWIN' }, value: 1 }]);
      const removeB = sampledGauge({ name: 'test_lag', help: 'help', labelNames: ['durable'] }, async () => [{ labels: { durable: 'b__TWIN' }, value: 2 }]);
      expect(await lines('test_lag')).toEqual(['test_lag{durable="a__TWIN"} 1', 'test_lag{durable="b__TWIN"} 2']);
      removeA();
      expect(await lines('test_lag')).toEqual(['test_lag{durable="b__TWIN"} 2']);
      removeB();
    });

    it('refuses a name that is a plain gauge already', () => {
      gauge('test_plain', 'help');
      expect(() => sampledGauge({ name: 'test_plain', help: 'help' }, async () => [])).toThrow('metric test_plain is already defined, not as a sampled gauge');
    });
  });

  it('perStatus reports every known status, 0 when it has none, and any other status found', () => {
    expect(perStatus(new Map([['OPEN', 2], ['ODD', 1]]), ['OPEN', 'CLOSED'])).toEqual([
      { labels: { status: 'OPEN' }, value: 2 },
      { labels: { status: 'CLOSED' }, value: 0 },
      { labels: { status: 'ODD' }, value: 1 },
    ]);
  });
});
