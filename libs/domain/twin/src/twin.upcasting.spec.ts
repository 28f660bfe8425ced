import { twinEventSchemas, twinEventUpcasting, type TrustedReading, type TwinEvent, type TwinEventType } from '@twinline/contracts';
import { storedEventFixtures } from '@twinline/testing';
import { occurredAtOf } from './twin.at';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, type TwinState } from './twin.state';

/**
 * Old stored events still mean what they meant: each stored-form fixture of an old schema version
 * (libs/contracts/fixtures/events), upcast, folds through today's `evolve` and keeps its source time.
 */

const fixtures = storedEventFixtures();
const asTwinEvent = (stored: (typeof fixtures)[number]['event']): TwinEvent => {
  const upcast = twinEventUpcasting.upcast(stored);
  return { type: upcast.type, data: twinEventSchemas[upcast.type as TwinEventType].parse(upcast.data) } as TwinEvent;
};

describe('stored-form fixtures of old twin event versions', () => {
  it.each(fixtures.map((f) => [f.file, f.event] as const))('%s folds through evolve, at the source time it was stored with', (_, stored) => {
    const event = asTwinEvent(stored);

    expect(Date.parse(occurredAtOf(event))).toBe(Date.parse(stored.occurredAt));
    expect(evolve(initialTwinState, event).assetId).toBe((stored.data as { assetId: string }).assetId);
  });
});

describe('AlarmCleared v1 (P-101 table, reading 6)', () => {
  // The readings the fixture was written from (libs/contracts/fixtures/events/README.md).
  const TABLE = [
    [1100, 45, 2.1],
    [1150, 48, 2.3],
    [1200, 50, 2.5],
    [1550, 82, 5.8],
    [1600, 85, 6.2],
    [1100, 46, 2.2],
  ] as const;
  const START = Date.parse('2024-01-01T00:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
  const readings: TrustedReading[] = TABLE.map(([pressurePsi, temperatureC, vibrationMmS], i) => ({
    readingId: `P-101-R-${i + 1}`,
    deviceId: 'P-101-edge',
    assetId: 'P-101',
    seq: i + 1,
    ts: iso(START + i * 3600_000),
    receivedAt: iso(START + i * 3600_000 + 1200),
    metrics: { temperatureC, pressurePsi, vibrationMmS },
  }));
  const profile = DEFAULT_PROFILES['pump'] as ThresholdProfile;
  const apply = (state: TwinState, batch: TrustedReading[]) => decide({ type: 'ApplyReadings', data: { assetId: 'P-101', readings: batch, profile } }, state);
  const fixture = fixtures.find((f) => f.file === 'AlarmCleared.v1.json')!.event;

  it('upcasts to exactly the event today’s rules decide for the same reading, and clears the alarm', () => {
    const inAlarm = apply(initialTwinState, readings.slice(0, 5)).reduce(evolve, initialTwinState);
    expect(inAlarm.alarms['THRESHOLD_EXCEEDED']?.alarmId).toBe('ALM-P-101-R-4');

    // The pump also clears its vibration alarm (ISO 10816-3) now: the limit alarm's AlarmCleared is the fixture's.
    const decidedNow = apply(inAlarm, readings.slice(5)).find((e) => e.type === 'AlarmCleared' && e.data.cause === 'THRESHOLD_EXCEEDED');
    const stored = asTwinEvent(fixture);

    expect(stored).toEqual(decidedNow);
    expect(evolve(inAlarm, stored)).toEqual(evolve(inAlarm, decidedNow!));
    // ACTIVE_UNACKED → RETURNED_UNACKED: no longer active, still to acknowledge.
    expect(evolve(inAlarm, stored).alarms['THRESHOLD_EXCEEDED']).toMatchObject({ state: 'RETURNED_UNACKED', returnedAt: '2024-01-01T05:00:00Z' });
  });
});
