import { ALARM_STOP_EVENT_TYPES, alarmStopOf, type AlarmStopEvent } from './notification.alarm-stops';

const AT = '2024-01-01T03:05:00Z';
const ev = (type: string, data: Record<string, unknown>): AlarmStopEvent => ({ type, assetId: 'P-101', eventId: `${type}-1`, data: { assetId: 'P-101', ...data } });

/** given(event).then(stop or lift) */
const given = (event: AlarmStopEvent) => ({ then: (expected: ReturnType<typeof alarmStopOf>) => expect(alarmStopOf(event)).toEqual(expected) });

describe('alarmStopOf', () => {
  it('given an acknowledgement, then a stop for good, by whom', () => {
    given(ev('AlarmAcknowledged', { alarmId: 'ALM-1', by: 'user:operator', at: AT })).then({
      kind: 'stop',
      assetId: 'P-101',
      alarmId: 'ALM-1',
      eventId: 'AlarmAcknowledged-1',
      reason: 'acknowledged by user:operator',
      liftable: false,
    });
  });

  it('given a clearing, then a stop for good', () => {
    given(ev('AlarmCleared', { alarmId: 'ALM-1', cause: 'x', at: AT })).then({ kind: 'stop', assetId: 'P-101', alarmId: 'ALM-1', eventId: 'AlarmCleared-1', reason: 'cleared', liftable: false });
  });

  it('given an alarm taken out of service, then a stop for good, by whom and why', () => {
    given(ev('AlarmRemovedFromService', { alarmId: 'ALM-1', cause: 'x', by: 'user:tech', at: AT, reason: 'sensor replaced' })).then({
      kind: 'stop',
      assetId: 'P-101',
      alarmId: 'ALM-1',
      eventId: 'AlarmRemovedFromService-1',
      reason: 'out of service by user:tech: sensor replaced',
      liftable: false,
    });
  });

  it('given a cause taken out of service without an open alarm, then nothing', () => {
    given(ev('AlarmRemovedFromService', { alarmId: null, cause: 'x', by: 'user:tech', at: AT, reason: 'sensor replaced' })).then(null);
  });

  it('given a shelve, then a stop its unshelve lifts', () => {
    given(ev('AlarmShelved', { alarmId: 'ALM-1', cause: 'x', by: 'user:operator', at: AT, until: AT, reason: 'nuisance' })).then({
      kind: 'stop',
      assetId: 'P-101',
      alarmId: 'ALM-1',
      eventId: 'AlarmShelved-1',
      reason: 'shelved by user:operator',
      liftable: true,
    });
  });

  it('given an unshelve (by an operator or expired), then a lift', () => {
    given(ev('AlarmUnshelved', { alarmId: 'ALM-1', cause: 'x', at: AT, reason: 'EXPIRED' })).then({ kind: 'lift', assetId: 'P-101', alarmId: 'ALM-1', eventId: 'AlarmUnshelved-1' });
    given(ev('AlarmUnshelved', { alarmId: 'ALM-1', cause: 'x', at: AT, reason: 'OPERATOR', by: 'user:operator' })).then({ kind: 'lift', assetId: 'P-101', alarmId: 'ALM-1', eventId: 'AlarmUnshelved-1' });
  });

  it('given no one named, then someone', () => {
    expect(alarmStopOf(ev('AlarmAcknowledged', { alarmId: 'ALM-1', at: AT }))).toMatchObject({ reason: 'acknowledged by someone' });
  });

  it('given an event without an alarm id or of another type, then nothing', () => {
    given(ev('AlarmAcknowledged', { by: 'user:operator', at: AT })).then(null);
    given(ev('AlarmAcknowledged', { alarmId: '', by: 'user:operator', at: AT })).then(null);
    given(ev('AlarmRaised', { alarmId: 'ALM-1' })).then(null);
    given(ev('AlarmReturnedToService', { alarmId: 'ALM-1' })).then(null);
  });

  it('given the event types, then every one of them does something', () => {
    expect([...ALARM_STOP_EVENT_TYPES].sort()).toEqual(['AlarmAcknowledged', 'AlarmCleared', 'AlarmRemovedFromService', 'AlarmShelved', 'AlarmUnshelved']);
    for (const type of ALARM_STOP_EVENT_TYPES) expect(alarmStopOf(ev(type, { alarmId: 'ALM-1', by: 'x', reason: 'y' }))).not.toBeNull();
  });
});
