import { ROOT_CONTEXT } from '@opentelemetry/api';
import { twinEventSchemas, type TrustedReading, type ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, profileFor, type ThresholdProfile } from '@twinline/domain-twin';
import { InMemoryEventStore, WrongExpectedVersionError, type StoredEvent } from '@twinline/event-store';
import { isPermanent, isTransient, PermanentError, type Delivery } from '@twinline/messaging';
import { applyReadings, parseValidatedTelemetry, type ApplyReadingsDeps } from './apply-readings.handler';
import { TwinRepository } from './twin-repository';

/** The source study's P-101 table (tools/cli seed): ten hourly readings of one pump from 2024-01-01T00:00:00Z. */
const P101_TABLE = [
  [1100, 45, 2.1],
  [1150, 48, 2.3],
  [1200, 50, 2.5],
  [1550, 82, 5.8],
  [1600, 85, 6.2],
  [1100, 46, 2.2],
  [1050, 44, 2.0],
  [1800, 95, 8.5],
  [1900, 98, 9.1],
  [1200, 50, 2.4],
] as const;
const START = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

function trusted(assetId: string, seq: number, [pressurePsi, temperatureC, vibrationMmS]: readonly [number, number, number]): TrustedReading {
  const ts = iso(START + (seq - 1) * 3600_000);
  return { readingId: `${assetId}-R-${seq}`, deviceId: `${assetId}-edge`, assetId, seq, ts, receivedAt: ts, metrics: { temperatureC, pressurePsi, vibrationMmS } };
}
const p101Readings = (assetId = 'P-101') => P101_TABLE.map((row, i) => trusted(assetId, i + 1, row));

function delivery(eventId: string, readings: TrustedReading[], streamSeq: number): Delivery<ValidatedTelemetry> {
  const assetId = readings[0]!.assetId;
  return {
    data: { type: 'TelemetryValidated', schemaVersion: 1, eventId, occurredAt: readings[0]!.receivedAt, assetId, correlationId: `C-${eventId}`, causationId: `raw-${eventId}`, readings },
    subject: `telemetry.validated.${assetId}`,
    streamSeq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

/** The study rule alone (the pump's ISO 10816 vibration zones are left out here; see the multi-cause test below). */
const withoutVibration = ({ vibration: _zones, ...profile }: ThresholdProfile): ThresholdProfile => profile;
const pump = withoutVibration(DEFAULT_PROFILES['pump'] as ThresholdProfile);
const R = (n: number) => `P-101-R-${n}`;

/** The twin's events for the table, whatever way its readings were batched. */
const EXPECTED = [
  ['ReadingsApplied', `${R(1)}:ReadingsApplied`],
  ['TwinStatusChanged', `${R(4)}:TwinStatusChanged`],
  ['AlarmRaised', `${R(4)}:AlarmRaised`],
  ['ReadingsApplied', `${R(5)}:ReadingsApplied`],
  ['TwinStatusChanged', `${R(6)}:TwinStatusChanged`],
  ['AlarmCleared', `${R(6)}:AlarmCleared`],
  ['ReadingsApplied', `${R(7)}:ReadingsApplied`],
  ['TwinStatusChanged', `${R(8)}:TwinStatusChanged`],
  ['AlarmRaised', `${R(8)}:AlarmRaised`],
  ['ReadingsApplied', `${R(9)}:ReadingsApplied`],
  ['TwinStatusChanged', `${R(10)}:TwinStatusChanged`],
  ['AlarmCleared', `${R(10)}:AlarmCleared`],
];

/**
 * The same table applied as two batches (R1-R5, then R6-R10): a batch boundary also closes a
 * ReadingsApplied segment, so R5 and R6 are applied by separate events.
 */
const EXPECTED_IN_TWO_BATCHES = [
  ...EXPECTED.slice(0, 3),
  ['ReadingsApplied', `${R(5)}:ReadingsApplied`],
  ['ReadingsApplied', `${R(6)}:ReadingsApplied`],
  ...EXPECTED.slice(4),
];

describe('applyReadings', () => {
  let store: InMemoryEventStore;
  let deps: ApplyReadingsDeps;
  const table = p101Readings();
  // The table in two validated messages, as integrity may batch it.
  const first = delivery('V-1', table.slice(0, 5), 1);
  const second = delivery('V-2', table.slice(5), 2);

  beforeEach(() => {
    store = new InMemoryEventStore();
    deps = { store, twins: new TwinRepository(store), profileOf: () => pump, actor: 'service:twin-state' };
  });

  const stream = (assetId = 'P-101') => store.readStream(`asset-${assetId}`);
  const allEvents = () => store.readAll({ after: '0', limit: 1000 });
  const summary = (events: readonly StoredEvent[]) => events.map((e) => [e.type, e.eventId]);

  it('appends the P-101 table as readings, status changes, two alarms raised and cleared, to asset-P-101', async () => {
    expect(await applyReadings([first, second], deps)).toEqual({ events: 12, assets: 1 });

    const events = await stream();
    expect(summary(events)).toEqual(EXPECTED);
    expect(events.map((e) => e.streamVersion)).toEqual(EXPECTED.map((_, i) => i + 1));
    expect(events.map((e) => (e.data as { readings?: Array<{ readingId: string }> }).readings?.map((r) => r.readingId)).filter(Boolean)).toEqual([
      [R(1), R(2), R(3), R(4)],
      [R(5), R(6)],
      [R(7), R(8)],
      [R(9), R(10)],
    ]);
    expect(events[2]!.data).toEqual({
      assetId: 'P-101',
      alarmId: `ALM-${R(4)}`,
      cause: 'THRESHOLD_EXCEEDED',
      severity: 'HIGH',
      message: 'Temperature 82 °C > 80 °C; pressure 1550 psi > 1500 psi',
      raisedAt: '2024-01-01T03:00:00Z',
      readingId: R(4),
      conditions: [
        { metric: 'temperatureC', value: 82, limit: 80, comparator: '>' },
        { metric: 'pressurePsi', value: 1550, limit: 1500, comparator: '>' },
      ],
      profile: 'pump',
    });
    expect(events[5]!.data).toEqual({ assetId: 'P-101', alarmId: `ALM-${R(4)}`, cause: 'THRESHOLD_EXCEEDED', at: '2024-01-01T05:00:00Z', readingId: R(6) });
    expect(events[1]).toMatchObject({ data: { from: 'OPERATIONAL', to: 'ALARM', label: 'ALARM: Predictive Maintenance Required', at: '2024-01-01T03:00:00Z' } });
    // Each event happened at the source time of the reading behind it (the latest of a segment).
    expect(events.map((e) => Date.parse(e.occurredAt) - START).map((ms) => ms / 3600_000)).toEqual([3, 3, 3, 5, 5, 5, 7, 7, 7, 9, 9, 9]);
    // The first message of the asset in the batch is the cause of every event.
    for (const e of events) expect(e.metadata).toEqual({ correlationId: 'C-V-1', causationId: 'V-1', actor: 'service:twin-state' });
    // What the outbox publishes satisfies the twin event contracts.
    for (const e of events) expect(twinEventSchemas[e.type as keyof typeof twinEventSchemas].safeParse(e.data).success).toBe(true);
  });

  it('decides the same events when the messages arrive in separate batches', async () => {
    expect(await applyReadings([first], deps)).toEqual({ events: 4, assets: 1 });
    expect(await applyReadings([second], deps)).toEqual({ events: 9, assets: 1 });
    const events = await stream();
    expect(summary(events)).toEqual(EXPECTED_IN_TWO_BATCHES);
    expect(events.map((e) => e.metadata.causationId)).toEqual([...Array(4).fill('V-1'), ...Array(9).fill('V-2')]);
  });

  it('appends nothing for a redelivered batch, with a warm or a cold repository', async () => {
    await applyReadings([first, second], deps);
    const before = await allEvents();

    expect(await applyReadings([first, second], deps)).toEqual({ events: 0, assets: 0 });
    expect(await applyReadings([second], deps)).toEqual({ events: 0, assets: 0 });
    // A restarted service folds the twin from its stream and still recognises every reading.
    expect(await applyReadings([first, second], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 0, assets: 0 });
    expect(await allEvents()).toEqual(before);
  });

  it('applies only the new readings of a batch that repeats applied ones', async () => {
    await applyReadings([first], deps);
    expect(await applyReadings([first, second], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 9, assets: 1 });
    expect(summary(await stream())).toEqual(EXPECTED_IN_TWO_BATCHES);
  });

  it('writes each asset of a batch to its own stream in one append', async () => {
    const p102 = p101Readings('P-102').slice(0, 4);
    const result = await applyReadings([first, delivery('V-9', p102, 3)], { ...deps, profileOf: (assetId) => withoutVibration(profileFor(assetId === 'P-101' ? 'pump' : 'compressor')) });
    expect(result).toEqual({ events: 7, assets: 2 });
    expect(summary(await stream('P-102'))).toEqual([
      ['ReadingsApplied', 'P-102-R-1:ReadingsApplied'],
      ['TwinStatusChanged', 'P-102-R-4:TwinStatusChanged'],
      ['AlarmRaised', 'P-102-R-4:AlarmRaised'],
    ]);
    expect((await stream('P-102'))[2]!.data).toMatchObject({ profile: 'compressor' });
    expect(await stream()).toHaveLength(4);
  });

  it('gives the events of each alarm cause of one reading their own ids: a vibration alarm next to the limit alarm (the pump profile with ISO 10816 zones)', async () => {
    const zoned = DEFAULT_PROFILES['pump'] as ThresholdProfile;
    await applyReadings([first, second], { ...deps, profileOf: () => zoned });
    const raised = (await stream()).filter((e) => e.type === 'AlarmRaised' || e.type === 'AlarmCleared').map((e) => [e.eventId, (e.data as { cause: string }).cause]);
    expect(raised).toEqual(
      expect.arrayContaining([
        [`${R(4)}:AlarmRaised`, 'THRESHOLD_EXCEEDED'],
        [`${R(4)}:AlarmRaised:VIBRATION_HIGH`, 'VIBRATION_HIGH'],
      ]),
    );
    const ids = (await stream()).map((e) => e.eventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('throws a transient WrongExpectedVersionError when another writer moved the twin on, and forgets it so a retry succeeds', async () => {
    await applyReadings([first], deps);
    // Another instance (a cold repository over the same store) applies the rest meanwhile.
    await applyReadings([second], { ...deps, twins: new TwinRepository(store) });
    const before = await allEvents();

    const next = delivery('V-3', [trusted('P-101', 11, [1000, 40, 2])], 4);
    const error = await applyReadings([next], deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ streamId: 'asset-P-101', expectedVersion: 4, actualVersion: 13, transient: true });
    expect(isTransient(error)).toBe(true);
    expect(await allEvents()).toEqual(before);

    // The stale twin was forgotten: the retry folds the stream again and appends after version 13.
    expect(await applyReadings([next], deps)).toEqual({ events: 1, assets: 1 });
    const events = await stream();
    expect(events.map((e) => [e.eventId, e.streamVersion]).slice(-1)).toEqual([[`${R(11)}:ReadingsApplied`, 14]]);
  });
});

describe('parseValidatedTelemetry', () => {
  const body = delivery('V-1', p101Readings().slice(0, 2), 1).data;

  it('returns a valid telemetry.validated message', () => {
    expect(parseValidatedTelemetry(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });

  it.each([
    ['readings.0.seq', { ...body, readings: [{ ...body.readings[0]!, seq: 'one' }] }],
    ['readings.1.metrics.temperatureC', { ...body, readings: [body.readings[0]!, { ...body.readings[1]!, metrics: { temperatureC: 'NaN' } }] }],
    ['assetId', { ...body, assetId: 'P 101' }],
    ['type', { ...body, type: 'TelemetryReceived' }],
    ['readings', { ...body, readings: [] }],
  ])('throws a PermanentError naming %s for a bad body', (field, bad) => {
    let caught: unknown;
    try {
      parseValidatedTelemetry(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(isPermanent(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^telemetry\.validated message is invalid: /);
    expect((caught as Error).message).toContain(`${field}: `);
  });

  it('throws a PermanentError for a body that is not an object', () => {
    expect(() => parseValidatedTelemetry('not json')).toThrow(PermanentError);
    expect(() => parseValidatedTelemetry(null)).toThrow(/telemetry\.validated message is invalid: \(root\): /);
  });
});
