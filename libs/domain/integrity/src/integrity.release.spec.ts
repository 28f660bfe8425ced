import { releasable } from './integrity.release';

const release = { by: 'user:admin', at: '2026-11-25T09:00:00Z', note: 'pump restarted' };
const quarantined = (payload: unknown, assetId = 'P-101') => ({ readingId: 'RD-1', assetId, receivedAt: '2026-11-25T08:00:01Z', payload });
const reading = { deviceId: 'D-1', assetId: 'P-101', seq: 8, ts: '2026-11-25T08:00:00Z', metrics: { temperatureC: 95 }, signature: 'ab' };

describe('releasing a quarantined reading', () => {
  it('given a readable reading of its asset, when released, then it becomes a trusted reading carrying who released it', () => {
    expect(releasable(quarantined(reading), release)).toEqual({
      ok: true,
      reading: { readingId: 'RD-1', deviceId: 'D-1', assetId: 'P-101', seq: 8, ts: '2026-11-25T08:00:00Z', receivedAt: '2026-11-25T08:00:01Z', metrics: { temperatureC: 95 }, release },
    });
  });

  it('given a non-finite value, then it cannot be released, naming the metric', () => {
    expect(releasable(quarantined({ ...reading, metrics: { temperatureC: 'NaN' } }), release)).toEqual({
      ok: false,
      reason: 'metrics.temperatureC is NaN (a twin holds finite numbers only)',
      errors: [{ field: 'metrics.temperatureC', message: 'must be a finite number to be released' }],
    });
  });

  it('given an unreadable payload or a cross-asset write, then it cannot be released, naming the field', () => {
    const unreadable = releasable(quarantined({ unparsed: '{"deviceId":' }), release);
    expect(unreadable.ok).toBe(false);
    expect(!unreadable.ok && unreadable.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['deviceId', 'assetId', 'seq', 'ts', 'metrics']));
    expect(releasable(quarantined(reading, 'C-201'), release)).toMatchObject({ ok: false, errors: [{ field: 'assetId', message: 'must be C-201' }] });
  });
});
