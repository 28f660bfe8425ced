import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { occurredAtOf, twinAt } from './twin.at';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { activeAlarmOf, initialTwinState } from './twin.state';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const r = (seq: number, ts: string, metrics: Record<string, number>): TrustedReading => ({ readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts, receivedAt: ts, metrics });
const stored = (events: TwinEvent[]) => events.map((e) => ({ type: e.type, data: e.data, occurredAt: occurredAtOf(e) }));

describe('occurredAtOf', () => {
  const events = decide(
    { type: 'ApplyReadings', data: { assetId: 'P-101', readings: [r(1, '2024-01-01T00:00:00Z', { temperatureC: 40 }), r(2, '2024-01-01T01:00:00Z', { temperatureC: 90 }), r(3, '2024-01-01T02:00:00Z', { temperatureC: 91 })], profile: pump } },
    initialTwinState,
  );

  it("stores ReadingsApplied at its last reading's ts and a status change or alarm at its reading's ts", () => {
    expect(events.map((e) => [e.type, occurredAtOf(e)])).toEqual([
      ['ReadingsApplied', '2024-01-01T01:00:00Z'],
      ['TwinStatusChanged', '2024-01-01T01:00:00Z'],
      ['AlarmRaised', '2024-01-01T01:00:00Z'],
      ['ReadingsApplied', '2024-01-01T02:00:00Z'],
    ]);
  });

  it('compares readings as instants: a later instant written with an offset wins', () => {
    const event: TwinEvent = {
      type: 'ReadingsApplied',
      data: { assetId: 'P-101', readings: [{ readingId: 'a', deviceId: 'D', seq: 1, ts: '2024-01-01T00:30:00+01:00', metrics: {} }, { readingId: 'b', deviceId: 'D', seq: 2, ts: '2024-01-01T00:00:00Z', metrics: {} }] },
    };
    expect(occurredAtOf(event)).toBe('2024-01-01T00:00:00Z');
  });
});

describe('twinAt', () => {
  // One segment 00:00..02:00 straddles 01:30; the alarm comes at 03:00.
  const events = decide(
    {
      type: 'ApplyReadings',
      data: {
        assetId: 'P-101',
        readings: [r(1, '2024-01-01T00:00:00Z', { temperatureC: 40 }), r(2, '2024-01-01T01:00:00Z', { temperatureC: 41 }), r(3, '2024-01-01T02:00:00Z', { temperatureC: 42 }), r(4, '2024-01-01T03:00:00Z', { temperatureC: 85 })],
        profile: pump,
      },
    },
    initialTwinState,
  );

  it('applies only the readings of a straddling segment up to `at`', () => {
    const state = twinAt(stored(events), '2024-01-01T01:30:00Z');
    expect(state).toMatchObject({ status: 'OPERATIONAL', readingsApplied: 2, lastSeqByDevice: { 'D-1': 2 }, lastReadingTs: '2024-01-01T01:00:00Z' });
    expect(state.metrics['temperatureC']?.value).toBe(41);
  });

  it('includes events at exactly `at`', () => {
    expect(twinAt(stored(events), '2024-01-01T03:00:00Z')).toMatchObject({ status: 'ALARM', alarms: { THRESHOLD_EXCEEDED: { alarmId: 'ALM-R-4' } }, readingsApplied: 4 });
  });

  it('compares times as instants, not text', () => {
    // 03:30+01:00 is 02:30Z: before the alarm.
    expect(twinAt(stored(events), '2024-01-01T03:30:00+01:00')).toMatchObject({ status: 'OPERATIONAL', readingsApplied: 3 });
    expect(twinAt(stored(events), '2024-01-01T03:00:00.000Z').status).toBe('ALARM');
  });

  it('is the initial state before the first reading', () => {
    expect(twinAt(stored(events), '2023-12-31T23:59:59Z')).toEqual(initialTwinState);
  });

  it('rejects a time it cannot read with TWIN.INVALID_TIME', () => {
    expect(() => twinAt(stored(events), 'yesterday')).toThrow(expect.objectContaining({ code: 'TWIN.INVALID_TIME' }));
  });

  it('rejects an event type it does not know with TWIN.UNKNOWN_EVENT', () => {
    expect(() => twinAt([{ type: 'SomethingNew', data: {}, occurredAt: '2024-01-01T00:00:00Z' }], '2024-01-02T00:00:00Z')).toThrow(expect.objectContaining({ code: 'TWIN.UNKNOWN_EVENT' }));
  });
});

describe('acknowledgements and maintenance in time travel', () => {
  const raise = decide({ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [r(1, '2024-01-01T00:00:00Z', { temperatureC: 90 })], profile: pump } }, initialTwinState);
  const acknowledged = decide({ type: 'AcknowledgeAlarm', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: '2024-01-01T00:10:00Z' } }, raise.reduce(evolve, initialTwinState));
  const maintained = decide(
    { type: 'RecordMaintenance', data: { assetId: 'P-101', workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: '2024-01-01T05:00:00Z', failure: null, resets: ['baseline'] } },
    [...raise, ...acknowledged].reduce(evolve, initialTwinState),
  );
  const events = [...raise, ...acknowledged, ...maintained];

  it('stores AlarmAcknowledged at its `at` and MaintenanceCompleted at its `completedAt`', () => {
    expect([...acknowledged, ...maintained].map((e) => [e.type, occurredAtOf(e)])).toEqual([
      ['AlarmAcknowledged', '2024-01-01T00:10:00Z'],
      ['MaintenanceCompleted', '2024-01-01T05:00:00Z'],
    ]);
  });

  it('shows the alarm unacknowledged before the acknowledgement, acknowledged after; the maintenance from its completion', () => {
    expect(activeAlarmOf(twinAt(stored(events), '2024-01-01T00:05:00Z'))).toMatchObject({ alarmId: 'ALM-R-1', state: 'ACTIVE_UNACKED', acknowledgedBy: null, acknowledgedAt: null });
    expect(activeAlarmOf(twinAt(stored(events), '2024-01-01T00:10:00Z'))).toMatchObject({ state: 'ACTIVE_ACKED', acknowledgedBy: 'user:olga', acknowledgedAt: '2024-01-01T00:10:00Z' });
    expect(twinAt(stored(events), '2024-01-01T04:59:59Z')).toMatchObject({ lastMaintenance: null, maintenanceCount: 0, maintainedSince: null });
    expect(twinAt(stored(events), '2024-01-01T05:00:00Z')).toMatchObject({ lastMaintenance: { workOrderId: 'WO-1' }, maintenanceCount: 1, maintainedSince: '2024-01-01T05:00:00Z' });
  });
});
