import { ROOT_CONTEXT } from '@opentelemetry/api';
import { twinEventSchemas, type QuarantinedItem, type QuarantinedTelemetry, type TrustedReading, type ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, SENSOR_FAULT_LABEL, type ThresholdProfile } from '@twinline/domain-twin';
import { InMemoryEventStore, WrongExpectedVersionError, type StoredEvent } from '@twinline/event-store';
import { isPermanent, isTransient, PermanentError, type Delivery } from '@twinline/messaging';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import { parseQuarantinedTelemetry, recordQuarantine, type RecordQuarantineDeps } from './record-quarantine.handler';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();

function item(readingId: string, rules: string[], minute: number, deviceId: string | null = 'P-101-edge'): QuarantinedItem {
  return { readingId, receivedAt: at(minute), deviceId, seq: 1, ts: at(minute), payload: {}, reasons: rules.map((rule) => ({ rule, field: 'metrics.temperatureC', message: `broke ${rule}` })) };
}

let streamSeq = 0;
function quarantined(eventId: string, items: QuarantinedItem[], minute: number, assetId = 'P-101'): Delivery<QuarantinedTelemetry> {
  return {
    data: { type: 'TelemetryQuarantined', schemaVersion: 1, eventId, occurredAt: at(minute), assetId, correlationId: `C-${eventId}`, causationId: `raw-${eventId}`, items },
    subject: `telemetry.quarantined.${assetId}`,
    streamSeq: ++streamSeq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

function validated(eventId: string, readings: TrustedReading[]): Delivery<ValidatedTelemetry> {
  return {
    data: { type: 'TelemetryValidated', schemaVersion: 1, eventId, occurredAt: readings[0]!.receivedAt, assetId: readings[0]!.assetId, correlationId: `C-${eventId}`, causationId: `raw-${eventId}`, readings },
    subject: `telemetry.validated.${readings[0]!.assetId}`,
    streamSeq: ++streamSeq,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}
const good = (seq: number, minute: number, temperatureC = 50, over: Partial<TrustedReading> = {}): TrustedReading => ({
  readingId: `R-${seq}`,
  deviceId: 'P-101-edge',
  assetId: 'P-101',
  seq,
  ts: at(minute),
  receivedAt: at(minute),
  metrics: { temperatureC },
  ...over,
});

/** Five data violations (range) received at minutes 1..5, in two messages. */
const BAD = [1, 2, 3, 4, 5].map((m) => item(`Q-${m}`, ['range'], m));
const first = quarantined('QM-1', BAD.slice(0, 3), 3);
const second = quarantined('QM-2', BAD.slice(3), 5);

describe('recordQuarantine', () => {
  let store: InMemoryEventStore;
  let deps: RecordQuarantineDeps;
  beforeEach(() => {
    store = new InMemoryEventStore();
    deps = { store, twins: new TwinRepository(store), profileOf: () => pump, policy: { sensorFaultAfter: 5, securityCooldownSeconds: 900 }, actor: 'service:twin-state' };
  });
  const stream = (assetId = 'P-101') => store.readStream(`asset-${assetId}`);
  const summary = (events: readonly StoredEvent[]) => events.map((e) => [e.type, e.eventId]);

  it('records quarantined readings on the twin and opens a sensor fault at the fifth violation, each event caused by its message', async () => {
    expect(await recordQuarantine([first, second], deps)).toEqual({ events: 4, assets: 1 });
    const events = await stream();
    expect(summary(events)).toEqual([
      ['ReadingsQuarantined', 'Q-1:quarantine:ReadingsQuarantined'],
      ['ReadingsQuarantined', 'Q-4:quarantine:ReadingsQuarantined'],
      ['SensorFaultDetected', 'Q-5:quarantine:SensorFaultDetected'],
      ['TwinStatusChanged', 'Q-5:quarantine:TwinStatusChanged'],
    ]);
    expect(events[2]!.data).toEqual({ assetId: 'P-101', at: at(5), readingId: 'Q-5', violations: 5, rules: ['range'] });
    expect(events[3]!.data).toMatchObject({ from: 'OPERATIONAL', to: 'SENSOR_FAULT', label: SENSOR_FAULT_LABEL, at: at(5), profile: 'pump' });
    // Quarantine events happen at receipt time: the reading's own time is not trusted.
    expect(events.map((e) => e.occurredAt)).toEqual([at(3), at(5), at(5), at(5)]);
    expect(events.map((e) => e.metadata.causationId)).toEqual(['QM-1', 'QM-2', 'QM-2', 'QM-2']);
    for (const e of events) expect(twinEventSchemas[e.type as keyof typeof twinEventSchemas].safeParse(e.data).success).toBe(true);
  });

  it('appends nothing for a redelivered batch, with a warm or a cold repository', async () => {
    await recordQuarantine([first, second], deps);
    const before = await stream();
    expect(await recordQuarantine([first, second], deps)).toEqual({ events: 0, assets: 0 });
    expect(await recordQuarantine([second], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 0, assets: 0 });
    expect(await stream()).toEqual(before);
  });

  it('raises one security violation per cooldown, naming rules, devices and count', async () => {
    const forged = quarantined('QM-S1', [item('S-1', ['signature'], 10), item('S-2', ['device'], 10, 'X-9'), item('S-3', ['range'], 10)], 10);
    const again = quarantined('QM-S2', [item('S-4', ['replay'], 12)], 12);
    expect(await recordQuarantine([forged, again], deps)).toEqual({ events: 3, assets: 1 });
    const events = await stream();
    expect(summary(events)).toEqual([
      ['ReadingsQuarantined', 'S-1:quarantine:ReadingsQuarantined'],
      ['SecurityViolationDetected', 'S-1:quarantine:SecurityViolationDetected'],
      ['ReadingsQuarantined', 'S-4:quarantine:ReadingsQuarantined'],
    ]);
    expect(events[1]!.data).toEqual({ assetId: 'P-101', at: at(10), readingId: 'S-1', rules: ['signature', 'device'], deviceIds: ['P-101-edge', 'X-9'], count: 2 });
    const later = quarantined('QM-S3', [item('S-5', ['signature'], 25)], 25);
    expect(await recordQuarantine([later], deps)).toEqual({ events: 2, assets: 1 });
  });

  it('shares the twin stream with the validated consumer: the next applied reading clears the fault', async () => {
    await applyReadings([validated('V-1', [good(1, 0)])], deps);
    // The validated consumer of another instance folded the twin before the quarantine was recorded.
    const applyDeps = { store, twins: new TwinRepository(store), profileOf: () => pump, actor: 'service:twin-state' };
    await applyDeps.twins.load('asset-P-101');
    await recordQuarantine([first, second], deps);
    const error = await applyReadings([validated('V-2', [good(2, 7)])], applyDeps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(isTransient(error)).toBe(true);
    expect(await applyReadings([validated('V-2', [good(2, 7)])], applyDeps)).toEqual({ events: 3, assets: 1 });
    const tail = (await stream()).slice(-3);
    expect(summary(tail)).toEqual([
      ['ReadingsApplied', 'R-2:ReadingsApplied'],
      ['SensorFaultCleared', 'R-2:SensorFaultCleared'],
      ['TwinStatusChanged', 'R-2:TwinStatusChanged'],
    ]);
    expect(tail[1]!.data).toEqual({ assetId: 'P-101', at: at(7), readingId: 'R-2' });
    expect(tail[2]!.data).toMatchObject({ from: 'SENSOR_FAULT', to: 'OPERATIONAL' });
  });

  it('applies a released reading once, below its device seq, keeping who released it; its ids do not clash with its quarantine', async () => {
    await applyReadings([validated('V-1', [good(5, 0)])], deps);
    await recordQuarantine([quarantined('QM-R', [item('R-3', ['rate'], 1)], 1)], deps);
    const release = { by: 'user:admin', at: at(30), note: 'pump restarted: the step was real' };
    const released = validated('V-R', [good(3, 1, 70, { readingId: 'R-3', release })]);
    expect(await applyReadings([released], deps)).toEqual({ events: 1, assets: 1 });
    expect(await applyReadings([released], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 0, assets: 0 });
    const events = await stream();
    expect(summary(events)).toEqual([
      ['ReadingsApplied', 'R-5:ReadingsApplied'],
      ['ReadingsQuarantined', 'R-3:quarantine:ReadingsQuarantined'],
      ['ReadingsApplied', 'R-3:ReadingsApplied'],
    ]);
    expect(events[2]!.data).toEqual({ assetId: 'P-101', readings: [{ readingId: 'R-3', deviceId: 'P-101-edge', seq: 3, ts: at(1), receivedAt: at(1), metrics: { temperatureC: 70 }, release }] });
  });
});

describe('parseQuarantinedTelemetry', () => {
  const body = quarantined('QM-1', BAD.slice(0, 1), 1).data;

  it('returns a valid telemetry.quarantined message', () => {
    expect(parseQuarantinedTelemetry(JSON.parse(JSON.stringify(body)))).toEqual(body);
  });

  it.each([
    ['items.0.reasons', { ...body, items: [{ ...body.items[0]!, reasons: [] }] }],
    ['items.0.receivedAt', { ...body, items: [{ ...body.items[0]!, receivedAt: 'now' }] }],
    ['type', { ...body, type: 'TelemetryValidated' }],
    ['items', { ...body, items: [] }],
  ])('throws a PermanentError naming %s for a bad body', (field, bad) => {
    let caught: unknown;
    try {
      parseQuarantinedTelemetry(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(isPermanent(caught)).toBe(true);
    expect((caught as Error).message).toMatch(/^telemetry\.quarantined message is invalid: /);
    expect((caught as Error).message).toContain(`${field}: `);
  });
});
