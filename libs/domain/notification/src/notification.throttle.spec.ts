import { digestFor, throttle, type RecentNotification, type ThrottlePolicy } from './notification.throttle';

const T0 = Date.parse('2024-01-01T03:00:00Z');
const POLICY: ThrottlePolicy = { limit: 3, windowMs: 600_000 };
const sent = (subject: string, secondsAfterT0: number): RecentNotification => ({ subject, at: T0 + secondsAfterT0 * 1000, suppressed: false });
const held = (subject: string, secondsAfterT0: number): RecentNotification => ({ ...sent(subject, secondsAfterT0), suppressed: true });
const at = (secondsAfterT0: number) => T0 + secondsAfterT0 * 1000;

describe('throttle (per asset and channel)', () => {
  it('given nothing recent, when a notification comes, then it is sent', () => {
    expect(throttle([], { subject: '[HIGH] P-101: hot', at: at(0) }, POLICY)).toEqual({ kind: 'send' });
  });

  it('given the same subject sent 60 s ago, when it comes again, then it is suppressed as a duplicate until that window ends', () => {
    expect(throttle([sent('[HIGH] P-101: hot', 0)], { subject: '[HIGH] P-101: hot', at: at(60) }, POLICY)).toEqual({
      kind: 'suppress',
      reason: 'duplicate',
      detail: 'duplicate: the same subject was sent 60 s ago, within the 600 s window',
      heldUntil: at(600),
    });
  });

  it('given the same subject sent longer ago than the window, when it comes again, then it is sent', () => {
    expect(throttle([sent('[HIGH] P-101: hot', 0)], { subject: '[HIGH] P-101: hot', at: at(600) }, POLICY)).toEqual({ kind: 'send' });
  });

  it('given the limit of different subjects sent within the window, when one more comes, then the rate limit holds it until the oldest leaves the window', () => {
    const recent = [sent('a', 0), sent('b', 100), sent('c', 200)];
    expect(throttle(recent, { subject: 'd', at: at(300) }, POLICY)).toEqual({
      kind: 'suppress',
      reason: 'rate-limit',
      detail: 'rate limit: 3 notifications sent for this asset and channel within 600 s (limit 3)',
      heldUntil: at(600),
    });
    // Once the oldest has left the sliding window, there is room again.
    expect(throttle(recent, { subject: 'd', at: at(600) }, POLICY)).toEqual({ kind: 'send' });
  });

  it('given notifications held back before, when counting, then only those sent count against the limit or as duplicates', () => {
    const recent = [sent('a', 0), held('b', 10), held('c', 20), held('d', 30)];
    expect(throttle(recent, { subject: 'b', at: at(40) }, POLICY)).toEqual({ kind: 'send' });
  });

  it('given a burst of 100 identical alarms, when each is decided after the ones before, then one is sent and 99 are held back', () => {
    const recent: RecentNotification[] = [];
    for (let i = 0; i < 100; i++) {
      const d = throttle(recent, { subject: '[HIGH] P-101: hot', at: at(i) }, POLICY);
      recent.push({ subject: '[HIGH] P-101: hot', at: at(i), suppressed: d.kind === 'suppress' });
    }
    expect(recent.filter((r) => !r.suppressed)).toHaveLength(1);
  });

  it('given a burst of 100 different alarms, then at most the limit are sent within the window', () => {
    const recent: RecentNotification[] = [];
    for (let i = 0; i < 100; i++) {
      const d = throttle(recent, { subject: `alarm ${i}`, at: at(i) }, POLICY);
      recent.push({ subject: `alarm ${i}`, at: at(i), suppressed: d.kind === 'suppress' });
    }
    expect(recent.filter((r) => !r.suppressed).map((r) => r.subject)).toEqual(['alarm 0', 'alarm 1', 'alarm 2']);
  });

  it('rejects a limit below 1 with a coded error', () => {
    expect(() => throttle([], { subject: 'x', at: at(0) }, { limit: 0, windowMs: 1000 })).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT', message: 'limit must be an integer >= 1, got 0' }));
  });
});

describe('digestFor', () => {
  it('given held-back notifications, then one digest naming how many, for which asset, and the subjects with counts', () => {
    const digest = digestFor('P-101', [{ subject: '[HIGH] P-101: hot' }, { subject: '[HIGH] P-101: hot' }, { subject: '[LOW] P-101: warm' }]);
    expect(digest).toEqual({
      kind: 'digest',
      subject: '3 more notifications for P-101 were held back: [HIGH] P-101: hot (×2); [LOW] P-101: warm',
      body: { assetId: 'P-101', heldBack: 3, subjects: [{ subject: '[HIGH] P-101: hot', count: 2 }, { subject: '[LOW] P-101: warm', count: 1 }] },
    });
  });

  it('names at most three subjects and counts the rest', () => {
    expect(digestFor('P-101', ['a', 'b', 'c', 'd', 'e'].map((subject) => ({ subject }))).subject).toBe('5 more notifications for P-101 were held back: a; b; c; and 2 more subjects');
    expect(digestFor('P-101', [{ subject: 'a' }]).subject).toBe('1 more notification for P-101 was held back: a');
  });

  it('rejects an empty digest', () => {
    expect(() => digestFor('P-101', [])).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT' }));
  });
});
