import { dueEscalation, escalated, escalationNotification, nextEscalationAt, stopEscalation, type EscalationState } from './notification.escalation';

const T0 = Date.parse('2024-01-01T03:00:00Z');
const s = (seconds: number) => T0 + seconds * 1000;

/** Notified dave at once; after 2 min erin, after 10 min the admins (frank). */
const started: EscalationState = { startedAt: T0, afterMs: [120_000, 600_000], levels: [['dave'], ['erin'], ['frank']], level: 0, stopped: null };

/** given(state).when(now).then(due) */
const given = (state: EscalationState) => ({ when: (now: number) => ({ then: (expected: ReturnType<typeof dueEscalation>) => expect(dueEscalation(state, now)).toEqual(expected) }) });

describe('dueEscalation', () => {
  it('given a started escalation, when its first level is not yet due, then nothing', () => {
    given(started).when(s(119)).then(null);
    expect(nextEscalationAt(started)).toBe(s(120));
  });

  it('given a started escalation, when the first level is due, then the alarm\'s recipients are told again and the level adds its own', () => {
    given(started)
      .when(s(120))
      .then({ level: 1, of: 2, notify: ['dave', 'erin'], added: ['erin'], skipped: 0, nextAt: s(600) });
  });

  it('given the first level went out, when the second is due, then everyone so far and the next level', () => {
    const afterFirst = escalated(started, { level: 1 });
    given(afterFirst).when(s(300)).then(null);
    given(afterFirst)
      .when(s(600))
      .then({ level: 2, of: 2, notify: ['dave', 'erin', 'frank'], added: ['frank'], skipped: 0, nextAt: null });
  });

  it('given every level went out, when time passes, then nothing more', () => {
    const done = escalated(escalated(started, { level: 1 }), { level: 2 });
    given(done).when(s(86_400)).then(null);
    expect(nextEscalationAt(done)).toBeNull();
  });

  it('given an acknowledged alarm, when a level would be due, then nothing (and nothing is due any more)', () => {
    const acked = stopEscalation(started, { at: s(60), reason: 'acknowledged by user:operator' });
    given(acked).when(s(120)).then(null);
    given(acked).when(s(600)).then(null);
    expect(nextEscalationAt(acked)).toBeNull();
  });

  it('given a stopped escalation, when it is stopped again (cleared after acknowledged), then the first stop stays', () => {
    const acked = stopEscalation(started, { at: s(60), reason: 'acknowledged by user:operator' });
    expect(stopEscalation(acked, { at: s(90), reason: 'cleared' }).stopped).toEqual({ at: s(60), reason: 'acknowledged by user:operator' });
  });

  it('given the service was down past both levels, when it looks again, then only the last level goes out, to everyone', () => {
    given(started)
      .when(s(3600))
      .then({ level: 2, of: 2, notify: ['dave', 'erin', 'frank'], added: ['erin', 'frank'], skipped: 1, nextAt: null });
  });

  it('given a recipient on several levels, when escalating, then they are told once per level', () => {
    given({ ...started, levels: [['dave'], ['dave', 'erin'], ['erin']] })
      .when(s(600))
      .then({ level: 2, of: 2, notify: ['dave', 'erin'], added: ['erin'], skipped: 1, nextAt: null });
  });

  it('rejects a state whose recipient lists do not fit its levels, and a time that is not one', () => {
    expect(() => dueEscalation({ ...started, levels: [['dave']] }, s(0))).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT' }));
    expect(() => dueEscalation(started, Number.NaN)).toThrow(expect.objectContaining({ code: 'NOTIFICATION.INVALID_ARGUMENT' }));
  });
});

describe('escalationNotification', () => {
  it('marks the alarm subject with the level, and gives the escalation an event id of its own', () => {
    const due = dueEscalation(started, s(120))!;
    const n = escalationNotification(
      { subject: '[HIGH] E-201: Temperature 90 °C > 80 °C', body: { eventId: 'asset-E-201:4', eventType: 'AlarmRaised', assetId: 'E-201', alarmId: 'ALM-R-1', severity: 'HIGH' } },
      due,
      { escalationId: 'asset-E-201:4:east', rule: 'east', startedAt: T0 },
    );
    expect(n).toEqual({
      kind: 'alarm.escalated',
      subject: '[ESCALATED 1/2] [HIGH] E-201: Temperature 90 °C > 80 °C',
      body: {
        eventId: 'asset-E-201:4:east:1',
        alarmEventId: 'asset-E-201:4',
        eventType: 'AlarmRaised',
        assetId: 'E-201',
        alarmId: 'ALM-R-1',
        severity: 'HIGH',
        escalation: { rule: 'east', level: 1, of: 2, startedAt: '2024-01-01T03:00:00.000Z', notified: ['dave', 'erin'], added: ['erin'] },
      },
    });
  });
});
