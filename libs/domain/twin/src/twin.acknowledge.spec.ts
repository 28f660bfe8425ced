import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { specFor } from '@twinline/testing';
import type { AcknowledgeAlarm } from './twin.commands';
import { decide } from './twin.decide';
import { twinDecider } from './twin.decider';
import { twinErrorStatus } from './twin.errors';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { activeAlarmOf, initialTwinState, type TwinState } from './twin.state';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const given = specFor(twinDecider);
const hour = (h: number) => new Date(Date.UTC(2024, 0, 1, h)).toISOString().replace('.000Z', 'Z');
const reading = (seq: number, temperatureC: number): TrustedReading => ({ readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts: hour(seq), receivedAt: hour(seq), metrics: { temperatureC } });
const apply = (...readings: TrustedReading[]) => ({ type: 'ApplyReadings' as const, data: { assetId: 'P-101', readings, profile: pump } });
const acknowledge = (alarmId: string, over: Partial<AcknowledgeAlarm['data']> = {}): AcknowledgeAlarm => ({
  type: 'AcknowledgeAlarm',
  data: { assetId: 'P-101', alarmId, by: 'user:olga', at: '2024-01-01T01:05:00Z', ...over },
});
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);

/** Runs commands one after another against the growing history, as the services do. */
function history(...commands: Parameters<typeof decide>[0][]): TwinEvent[] {
  const events: TwinEvent[] = [];
  for (const command of commands) events.push(...decide(command, fold(events)));
  return events;
}

/** R-1 at 82 °C raises ALM-R-1 (pump limit 80 °C). */
const inAlarm = history(apply(reading(1, 82)));

describe('AcknowledgeAlarm (ISA-18.2: ACTIVE_UNACKED → ACTIVE_ACKED, RETURNED_UNACKED → NORMAL)', () => {
  it('given an active alarm, when an operator acknowledges it, then AlarmAcknowledged with who, when and the note', () => {
    given(...inAlarm)
      .when(acknowledge('ALM-R-1', { note: 'crew on the way' }))
      .then([{ type: 'AlarmAcknowledged', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: '2024-01-01T01:05:00Z', note: 'crew on the way' } }]);
  });

  it('given an active alarm, when acknowledged without a note, then the event has no note', () => {
    given(...inAlarm).when(acknowledge('ALM-R-1')).then([{ type: 'AlarmAcknowledged', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: '2024-01-01T01:05:00Z' } }]);
  });

  it('the acknowledged alarm stays active (acknowledging does not clear it) and shows who acknowledged it when', () => {
    const raised = fold(inAlarm);
    expect(activeAlarmOf(raised)).toMatchObject({ alarmId: 'ALM-R-1', state: 'ACTIVE_UNACKED', acknowledgedBy: null, acknowledgedAt: null });
    const acknowledged = fold(decide(acknowledge('ALM-R-1'), raised), raised);
    const alarm = raised.alarms['THRESHOLD_EXCEEDED']!;
    expect(acknowledged).toEqual({ ...raised, alarms: { THRESHOLD_EXCEEDED: { ...alarm, state: 'ACTIVE_ACKED', acknowledgedBy: 'user:olga', acknowledgedAt: '2024-01-01T01:05:00Z' } } });
    expect(acknowledged.status).toBe('ALARM');
  });

  it('given an acknowledged alarm, when the readings return within limits, then the alarm clears as before', () => {
    const events = history(apply(reading(1, 82)), acknowledge('ALM-R-1'), apply(reading(2, 50)));
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmAcknowledged', 'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared']);
    // ACTIVE_ACKED → NORMAL: the record goes.
    expect(fold(events)).toMatchObject({ status: 'OPERATIONAL', alarms: {} });
  });

  it('a new episode raises a new alarm, not acknowledged', () => {
    const events = history(apply(reading(1, 82)), acknowledge('ALM-R-1'), apply(reading(2, 50), reading(3, 90)));
    expect(activeAlarmOf(fold(events))).toMatchObject({ alarmId: 'ALM-R-3', state: 'ACTIVE_UNACKED', acknowledgedBy: null, acknowledgedAt: null });
  });

  describe('refused', () => {
    it('given an active alarm, when another (unknown) alarm id is acknowledged, then TWIN.ALARM_NOT_ACTIVE (404)', () => {
      given(...inAlarm).when(acknowledge('ALM-NOPE')).thenThrows('TWIN.ALARM_NOT_ACTIVE');
      expect(() => decide(acknowledge('ALM-NOPE'), fold(inAlarm))).toThrow('alarm ALM-NOPE is not an alarm of asset P-101 to acknowledge (its alarms are ALM-R-1 (ACTIVE_UNACKED))');
      expect(twinErrorStatus('TWIN.ALARM_NOT_ACTIVE')).toBe(404);
    });

    // Changed with the ISA-18.2 lifecycle: an alarm that returned to normal unacknowledged is
    // RETURNED_UNACKED and still needs its acknowledgement (see below); only one back to NORMAL is refused.
    it('given an alarm acknowledged and then returned to normal, when it is acknowledged, then TWIN.ALARM_NOT_ACTIVE', () => {
      const normal = history(apply(reading(1, 82)), acknowledge('ALM-R-1'), apply(reading(2, 50)));
      given(...normal).when(acknowledge('ALM-R-1', { by: 'user:piotr' })).thenThrows('TWIN.ALARM_NOT_ACTIVE');
      expect(() => decide(acknowledge('ALM-R-1'), fold(normal))).toThrow(/it has no alarm to acknowledge/);
    });

    it('given no twin at all, when an alarm is acknowledged, then TWIN.ALARM_NOT_ACTIVE', () => {
      given().when(acknowledge('ALM-R-1')).thenThrows('TWIN.ALARM_NOT_ACTIVE');
    });

    it('given an acknowledged alarm, when it is acknowledged again, then TWIN.ALARM_ALREADY_ACKNOWLEDGED (409) naming who did', () => {
      const acknowledged = history(apply(reading(1, 82)), acknowledge('ALM-R-1'));
      given(...acknowledged).when(acknowledge('ALM-R-1', { by: 'user:piotr' })).thenThrows('TWIN.ALARM_ALREADY_ACKNOWLEDGED');
      expect(() => decide(acknowledge('ALM-R-1'), fold(acknowledged))).toThrow('alarm ALM-R-1 of asset P-101 was acknowledged by user:olga at 2024-01-01T01:05:00Z: an alarm is acknowledged once');
      expect(twinErrorStatus('TWIN.ALARM_ALREADY_ACKNOWLEDGED')).toBe(409);
    });


    it('names the field of a bad input: empty by (TWIN.INVALID_INPUT), a time it cannot read (TWIN.INVALID_TIME)', () => {
      given(...inAlarm).when(acknowledge('ALM-R-1', { by: ' ' })).thenThrows('TWIN.INVALID_INPUT');
      expect(() => decide(acknowledge('ALM-R-1', { by: '' }), fold(inAlarm))).toThrow(expect.objectContaining({ errors: [{ field: 'by', message: 'must name who acknowledges the alarm' }] }));
      given(...inAlarm).when(acknowledge('ALM-R-1', { at: 'now' })).thenThrows('TWIN.INVALID_TIME');
      expect(twinErrorStatus('TWIN.INVALID_INPUT')).toBe(400);
    });

    it('given the twin of P-101, when the command names another asset, then TWIN.ASSET_MISMATCH', () => {
      given(...inAlarm).when(acknowledge('ALM-R-1', { assetId: 'C-201' })).thenThrows('TWIN.ASSET_MISMATCH');
    });
  });
});
