import * as fc from 'fast-check';
import { backoffCeilingMs, DEFAULT_RETRY_POLICY, nextAttempt, type RetryPolicy } from './notification.retry';

const NOW = Date.parse('2024-01-01T00:00:00Z');
const policy = DEFAULT_RETRY_POLICY;

describe('nextAttempt', () => {
  it('given a successful attempt, then delivered', () => {
    expect(nextAttempt(1, { ok: true, status: 204 }, NOW, policy, 0.5)).toEqual({ kind: 'delivered' });
    expect(nextAttempt(6, { ok: true, status: 200 }, NOW, policy, 0.5)).toEqual({ kind: 'delivered' });
  });

  it.each([500, 502, 503, 408, 429])('given HTTP %i, then retry', (status) => {
    expect(nextAttempt(1, { ok: false, status }, NOW, policy, 0.5)).toEqual({ kind: 'retry', at: NOW + 250 });
  });

  it('given a network error without a status, then retry', () => {
    expect(nextAttempt(2, { ok: false, error: 'ECONNREFUSED' }, new Date(NOW), policy, 0.5)).toEqual({ kind: 'retry', at: NOW + 500 });
  });

  it.each([400, 401, 403, 404, 410, 422])('given HTTP %i, then dead at once', (status) => {
    expect(nextAttempt(1, { ok: false, status, error: 'rejected' }, NOW, policy, 0.5)).toEqual({ kind: 'dead', reason: `permanent failure, not retried: HTTP ${status}: rejected` });
  });

  it('backs off exponentially up to the maximum, with full jitter', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 200].map((n) => backoffCeilingMs(n, policy));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000]);
    const big: RetryPolicy = { ...policy, maxAttempts: 100 };
    expect(nextAttempt(3, { ok: false, status: 503 }, NOW, big, 0)).toEqual({ kind: 'retry', at: NOW });
    expect(nextAttempt(3, { ok: false, status: 503 }, NOW, big, 0.999)).toEqual({ kind: 'retry', at: NOW + 1998 });
    expect(nextAttempt(40, { ok: false, status: 503 }, NOW, big, 0.5)).toEqual({ kind: 'retry', at: NOW + 30000 });
  });

  it('given the last allowed attempt failed, then dead naming the attempts and the last failure', () => {
    expect(nextAttempt(5, { ok: false, status: 503 }, NOW, policy, 0.5).kind).toBe('retry');
    expect(nextAttempt(6, { ok: false, status: 503 }, NOW, policy, 0.5)).toEqual({ kind: 'dead', reason: 'gave up after 6 attempts; last: HTTP 503' });
  });

  it('always waits within [now, now + ceiling) for a retry', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5 }), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), fc.option(fc.integer({ min: 500, max: 599 }), { nil: undefined }), (n, jitter, status) => {
        const next = nextAttempt(n, { ok: false, status }, NOW, policy, jitter);
        expect(next.kind).toBe('retry');
        if (next.kind === 'retry') {
          expect(next.at).toBeGreaterThanOrEqual(NOW);
          expect(next.at).toBeLessThan(NOW + backoffCeilingMs(n, policy));
        }
      }),
    );
  });

  it.each([
    [0, 0.5],
    [1.5, 0.5],
    [1, 1],
    [1, -0.1],
    [1, Number.NaN],
  ])('rejects attemptsSoFar %d with jitter %d as NOTIFICATION.INVALID_ARGUMENT', (n, jitter) => {
    expect(() => nextAttempt(n, { ok: false, status: 503 }, NOW, policy, jitter)).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT' }));
  });
});

describe('dead-letter reasons', () => {
  it('name the status once, with the error when it adds something', () => {
    const dead = (outcome: { ok: false; status?: number; error?: string }) => nextAttempt(6, outcome, NOW, policy, 0);
    expect(dead({ ok: false, status: 503, error: 'HTTP 503' })).toEqual({ kind: 'dead', reason: 'gave up after 6 attempts; last: HTTP 503' });
    expect(dead({ ok: false, status: 503, error: 'upstream down' })).toEqual({ kind: 'dead', reason: 'gave up after 6 attempts; last: HTTP 503: upstream down' });
    expect(dead({ ok: false, error: 'ECONNREFUSED' })).toEqual({ kind: 'dead', reason: 'gave up after 6 attempts; last: ECONNREFUSED' });
    expect(dead({ ok: false })).toEqual({ kind: 'dead', reason: 'gave up after 6 attempts; last: failed without a status or error' });
  });
});
