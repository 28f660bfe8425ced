import type { MaintenanceError } from './maintenance.errors';
import { accumulateRunningHours, preventiveDue, scheduleProblems, validateSchedule, type PreventiveProgress, type PreventiveSchedule } from './maintenance.preventive';

const monthly: PreventiveSchedule = { scheduleId: 'S-LUBE', assetId: 'P-101', title: 'Lubricate bearings', everyDays: 30, startAt: '2024-01-01T00:00:00Z' };
const byHours: PreventiveSchedule = { scheduleId: 'S-SEAL', assetId: 'P-101', title: 'Inspect seal', everyRunningHours: 500, startAt: '2024-01-01T00:00:00Z' };
const progress = (over: Partial<PreventiveProgress> = {}): PreventiveProgress => ({ now: '2024-01-01T00:00:00Z', runningHours: 0, lastOccurrence: null, lastOccurrenceAt: null, lastOccurrenceRunningHours: null, ...over });

function errorOf(f: () => unknown): MaintenanceError {
  try {
    f();
  } catch (error) {
    return error as MaintenanceError;
  }
  throw new Error('expected an error');
}

describe('validateSchedule', () => {
  it('accepts a schedule with exactly one positive interval', () => {
    expect(validateSchedule(monthly)).toBe(monthly);
    expect(scheduleProblems(byHours)).toEqual([]);
  });

  it.each([
    [{ everyRunningHours: 100 }, 'everyRunningHours: give exactly one interval: everyDays or everyRunningHours'],
    [{ everyDays: undefined }, 'everyDays: give exactly one interval: everyDays or everyRunningHours'],
    [{ everyDays: 0 }, 'everyDays: must be a number > 0, got 0'],
    [{ everyDays: -3 }, 'everyDays: must be a number > 0, got -3'],
    [{ startAt: 'soon' }, 'startAt: "soon" is not an ISO 8601 date-time, e.g. 2024-01-01T00:00:00Z'],
    [{ title: '' }, 'title: must not be empty'],
    [{ priority: 'P9' }, 'priority: must be one of P1, P2, P3, P4, got P9'],
  ])('rejects %j with MAINTENANCE.INVALID_INPUT: %s', (over, message) => {
    expect(errorOf(() => validateSchedule({ ...monthly, ...over } as PreventiveSchedule))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT', message });
  });

  it('rejects a non-positive running-hours interval, naming it', () => {
    expect(scheduleProblems({ ...byHours, everyRunningHours: 0 })).toEqual([{ field: 'everyRunningHours', message: 'must be a number > 0, got 0' }]);
  });

  it('names every problem', () => {
    expect(scheduleProblems({ ...monthly, scheduleId: '', everyDays: Number.NaN }).map((p) => p.field)).toEqual(['scheduleId', 'everyDays']);
  });
});

describe('preventiveDue: calendar', () => {
  it('given a schedule not yet started, then nothing is due', () => {
    expect(preventiveDue(monthly, progress({ now: '2023-12-31T23:59:59Z' }))).toBeNull();
  });

  it('given no occurrence yet, when the schedule starts, then occurrence 1 is due, within 7 days', () => {
    expect(preventiveDue(monthly, progress())).toEqual({ occurrence: 1, dueAt: '2024-01-08T00:00:00.000Z' });
  });

  it('given occurrence 1 opened, then occurrence 2 is due once 30 days passed, not before', () => {
    expect(preventiveDue(monthly, progress({ now: '2024-01-30T23:59:59Z', lastOccurrence: 1, lastOccurrenceAt: '2024-01-01T00:00:00Z' }))).toBeNull();
    expect(preventiveDue(monthly, progress({ now: '2024-01-31T00:00:00Z', lastOccurrence: 1, lastOccurrenceAt: '2024-01-01T00:00:00Z' }))).toEqual({ occurrence: 2, dueAt: '2024-02-07T00:00:00.000Z' });
  });

  it('given the planner behind by several periods, then the current period is due, not a backlog, and 7 days from now', () => {
    expect(preventiveDue(monthly, progress({ now: '2024-04-15T00:00:00Z', lastOccurrence: 1 }))).toEqual({ occurrence: 4, dueAt: '2024-04-22T00:00:00.000Z' });
  });

  it('given an occurrence opened late in its period, then it is due 7 days later or at the next period start, never in the past', () => {
    expect(preventiveDue(monthly, progress({ now: '2024-01-20T00:00:00Z' }))).toEqual({ occurrence: 1, dueAt: '2024-01-27T00:00:00.000Z' });
    expect(preventiveDue(monthly, progress({ now: '2024-01-28T00:00:00Z' }))).toEqual({ occurrence: 1, dueAt: '2024-01-31T00:00:00.000Z' });
  });

  it('given a schedule shorter than the lead time, then an occurrence is due by the next one', () => {
    expect(preventiveDue({ ...monthly, everyDays: 2 }, progress({ now: '2024-01-03T12:00:00Z', lastOccurrence: 1 }))).toEqual({ occurrence: 2, dueAt: '2024-01-05T00:00:00.000Z' });
  });

  it('given the current occurrence opened, then nothing more is due', () => {
    expect(preventiveDue(monthly, progress({ now: '2024-01-20T00:00:00Z', lastOccurrence: 1 }))).toBeNull();
  });
});

describe('preventiveDue: running hours', () => {
  it('given fewer running hours than the interval since the last occurrence, then nothing is due', () => {
    expect(preventiveDue(byHours, progress({ now: '2024-02-01T00:00:00Z', runningHours: 499.9 }))).toBeNull();
    expect(preventiveDue(byHours, progress({ now: '2024-03-01T00:00:00Z', runningHours: 999, lastOccurrence: 1, lastOccurrenceRunningHours: 500 }))).toBeNull();
  });

  it('given the interval run since the last occurrence, then the next is due 7 days from now', () => {
    expect(preventiveDue(byHours, progress({ now: '2024-02-01T00:00:00Z', runningHours: 500 }))).toEqual({ occurrence: 1, dueAt: '2024-02-08T00:00:00.000Z' });
    expect(preventiveDue(byHours, progress({ now: '2024-03-01T00:00:00Z', runningHours: 1000.5, lastOccurrence: 1, lastOccurrenceRunningHours: 500 }))).toEqual({ occurrence: 2, dueAt: '2024-03-08T00:00:00.000Z' });
  });

  it('given unknown running hours or a schedule not started, then nothing is due', () => {
    expect(preventiveDue(byHours, progress({ runningHours: null }))).toBeNull();
    expect(preventiveDue(byHours, progress({ now: '2023-12-01T00:00:00Z', runningHours: 10_000 }))).toBeNull();
  });

  it('rejects an invalid schedule or an unreadable now', () => {
    expect(errorOf(() => preventiveDue({ ...byHours, everyDays: 1 }, progress()))).toMatchObject({ code: 'MAINTENANCE.INVALID_INPUT' });
    expect(errorOf(() => preventiveDue(byHours, progress({ now: 'today' })))).toMatchObject({ code: 'MAINTENANCE.INVALID_TIME', message: expect.stringMatching(/^now: /) });
  });
});

describe('accumulateRunningHours', () => {
  const t = (minutes: number) => new Date(Date.parse('2024-01-01T00:00:00Z') + minutes * 60_000).toISOString();

  it('given readings every 5 minutes for an hour, then one running hour', () => {
    const times = Array.from({ length: 13 }, (_, i) => t(i * 5));
    expect(accumulateRunningHours({ hours: 0, lastTs: null }, times)).toEqual({ hours: 1, lastTs: t(60) });
  });

  it('given a silence longer than the gap, then it does not count', () => {
    // 0 → 10 min counts (exactly the gap), 10 → 30 min does not, 30 → 36 min counts.
    expect(accumulateRunningHours({ hours: 2, lastTs: null }, [t(0), t(10), t(30), t(36)])).toEqual({ hours: 2 + 16 / 60, lastTs: t(36) });
  });

  it('continues from the last reading of the previous batch, and ignores a reading it has counted', () => {
    const first = accumulateRunningHours({ hours: 0, lastTs: null }, [t(0), t(6)]);
    const second = accumulateRunningHours(first, [t(6), t(3), t(12)]);
    expect(second).toEqual({ hours: 0.2, lastTs: t(12) });
  });

  it('takes the gap in seconds', () => {
    expect(accumulateRunningHours({ hours: 0, lastTs: null }, [t(0), t(1), t(3)], 60)).toEqual({ hours: 1 / 60, lastTs: t(3) });
  });

  it('given no readings, then nothing changes', () => {
    const state = { hours: 5, lastTs: t(0) };
    expect(accumulateRunningHours(state, [])).toEqual(state);
  });
});
