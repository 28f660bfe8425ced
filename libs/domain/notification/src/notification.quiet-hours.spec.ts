import { parseQuietHours, quietHoursRelease } from './notification.quiet-hours';

const ms = (iso: string) => Date.parse(iso);
const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
const LOW_ALARM = { kind: 'alarm.raised', severity: 'LOW' };
const MEDIUM_ALARM = { kind: 'alarm.raised', severity: 'MEDIUM' };

describe('parseQuietHours', () => {
  it('parses HH:MM-HH:MM into minutes after local midnight', () => {
    expect(parseQuietHours('22:00-06:00', 'Europe/Berlin')).toEqual({ startMinute: 1320, endMinute: 360, timeZone: 'Europe/Berlin' });
    expect(parseQuietHours('12:30 - 13:45')).toEqual({ startMinute: 750, endMinute: 825, timeZone: 'UTC' });
  });

  it.each(['22-06', '24:00-06:00', '22:00', '22:00-06:00-07:00', '06:00-06:00'])('rejects "%s" with a coded error', (text) => {
    expect(() => parseQuietHours(text)).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT' }));
  });

  it('rejects an unknown time zone', () => {
    expect(() => parseQuietHours('22:00-06:00', 'Mars/Olympus')).toThrow('time zone must be an IANA name such as Europe/Berlin, got "Mars/Olympus"');
  });
});

describe('quietHoursRelease', () => {
  const utc = parseQuietHours('22:00-06:00');

  it('given a LOW alarm at 23:30 UTC in 22:00-06:00 UTC, then it waits until 06:00 the next day', () => {
    expect(iso(quietHoursRelease(ms('2024-01-01T23:30:00Z'), LOW_ALARM, utc))).toBe('2024-01-02T06:00:00.000Z');
  });

  it('given a MEDIUM alarm at 03:00 UTC, then it waits until 06:00 the same day', () => {
    expect(iso(quietHoursRelease(ms('2024-01-02T03:00:00Z'), MEDIUM_ALARM, utc))).toBe('2024-01-02T06:00:00.000Z');
  });

  it('given a LOW alarm outside quiet hours (and at their very end), then it goes out at once', () => {
    expect(quietHoursRelease(ms('2024-01-02T12:00:00Z'), LOW_ALARM, utc)).toBeNull();
    expect(quietHoursRelease(ms('2024-01-02T06:00:00Z'), LOW_ALARM, utc)).toBeNull();
    expect(iso(quietHoursRelease(ms('2024-01-02T22:00:00Z'), LOW_ALARM, utc))).toBe('2024-01-03T06:00:00.000Z');
  });

  it('given HIGH and CRITICAL alarms, security violations, sensor faults and work orders in quiet hours, then they go out at once', () => {
    const night = ms('2024-01-02T02:00:00Z');
    for (const n of [
      { kind: 'alarm.raised', severity: 'HIGH' },
      { kind: 'alarm.raised', severity: 'CRITICAL' },
      { kind: 'security-violation', severity: 'LOW' },
      { kind: 'sensor-fault' },
      { kind: 'workorder.opened' },
    ]) {
      expect(quietHoursRelease(night, n, utc)).toBeNull();
    }
  });

  it('given quiet hours in Europe/Berlin, then the end is 06:00 Berlin time (05:00 UTC in winter, 04:00 UTC in summer)', () => {
    const berlin = parseQuietHours('22:00-06:00', 'Europe/Berlin');
    // 21:30 UTC = 22:30 in Berlin (winter): quiet.
    expect(iso(quietHoursRelease(ms('2024-01-10T21:30:00Z'), LOW_ALARM, berlin))).toBe('2024-01-11T05:00:00.000Z');
    expect(iso(quietHoursRelease(ms('2024-07-10T01:00:00Z'), LOW_ALARM, berlin))).toBe('2024-07-10T04:00:00.000Z');
    // 20:30 UTC = 21:30 in Berlin (winter): not yet quiet.
    expect(quietHoursRelease(ms('2024-01-10T20:30:00Z'), LOW_ALARM, berlin)).toBeNull();
  });

  it('given quiet hours across a DST change (Berlin, night of 31 March 2024), then the end is the local 06:00 after the change', () => {
    const berlin = parseQuietHours('22:00-06:00', 'Europe/Berlin');
    // 2024-03-30 22:30 CET = 21:30 UTC; 06:00 CEST on 31 March = 04:00 UTC.
    expect(iso(quietHoursRelease(ms('2024-03-30T21:30:00Z'), LOW_ALARM, berlin))).toBe('2024-03-31T04:00:00.000Z');
  });

  it('given daytime quiet hours that do not wrap midnight, then only inside them is a LOW alarm deferred', () => {
    const lunch = parseQuietHours('12:00-13:00');
    expect(iso(quietHoursRelease(ms('2024-01-02T12:15:00Z'), LOW_ALARM, lunch))).toBe('2024-01-02T13:00:00.000Z');
    expect(quietHoursRelease(ms('2024-01-02T11:59:00Z'), LOW_ALARM, lunch)).toBeNull();
  });
});
