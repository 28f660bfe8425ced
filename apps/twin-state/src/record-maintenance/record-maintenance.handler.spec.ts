import { ROOT_CONTEXT } from '@opentelemetry/api';
import { twinEventSchemas, type PublishedEvent, type TrustedReading, type ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, type ThresholdProfile } from '@twinline/domain-twin';
import { InMemoryEventStore, WrongExpectedVersionError, type StoredEvent } from '@twinline/event-store';
import { isPermanent, isTransient, PermanentError, type Delivery } from '@twinline/messaging';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import { completedEvent, at } from './maintenance-event.fixture';
import { parseMaintenanceCompleted, recordMaintenance, type MaintenanceCompletedMessage, type RecordMaintenanceDeps } from './record-maintenance.handler';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;

let streamSeq = 0;
const delivery = (event: PublishedEvent): Delivery<MaintenanceCompletedMessage> => ({
  data: parseMaintenanceCompleted(JSON.parse(JSON.stringify(event))),
  subject: `maintenance.workorder.${event.assetId}.MaintenanceCompleted`,
  streamSeq: ++streamSeq,
  deliveryCount: 1,
  headers: undefined,
  traceContext: ROOT_CONTEXT,
});

const reading = (seq: number, minute: number, temperatureC = 50): TrustedReading => ({ readingId: `R-${seq}`, deviceId: 'P-101-edge', assetId: 'P-101', seq, ts: at(minute), receivedAt: at(minute), metrics: { temperatureC } });
const validated = (eventId: string, readings: TrustedReading[]): Delivery<ValidatedTelemetry> => ({
  data: { type: 'TelemetryValidated', schemaVersion: 1, eventId, occurredAt: readings[0]!.receivedAt, assetId: 'P-101', correlationId: `C-${eventId}`, causationId: `raw-${eventId}`, readings },
  subject: 'telemetry.validated.P-101',
  streamSeq: ++streamSeq,
  deliveryCount: 1,
  headers: undefined,
  traceContext: ROOT_CONTEXT,
});

describe('recordMaintenance', () => {
  let store: InMemoryEventStore;
  let deps: RecordMaintenanceDeps;
  beforeEach(() => {
    store = new InMemoryEventStore();
    deps = { store, twins: new TwinRepository(store), actor: 'service:twin-state' };
  });
  const stream = (assetId = 'P-101') => store.readStream(`asset-${assetId}`);
  const summary = (events: readonly StoredEvent[]) => events.map((e) => [e.type, e.eventId]);

  it('records the completed work order on the twin: event id from the maintenance event, caused by it, at the completion time', async () => {
    await applyReadings([validated('V-1', [reading(1, 0)])], { ...deps, profileOf: () => pump });
    expect(await recordMaintenance([delivery(completedEvent('M-1'))], deps)).toEqual({ events: 1, assets: 1 });
    const [, recorded] = await stream();
    expect(recorded).toMatchObject({
      eventId: 'M-1:twin:MaintenanceCompleted',
      type: 'MaintenanceCompleted',
      schemaVersion: 1,
      occurredAt: at(60),
      metadata: { correlationId: 'C-M-1', causationId: 'M-1', actor: 'service:twin-state' },
    });
    // The crew's findings stay with the work order.
    expect(recorded!.data).toEqual({ assetId: 'P-101', workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: at(60), failure: { mode: 'bearing wear', failedAt: at(10) }, resets: ['baseline', 'health-index'] });
    expect(twinEventSchemas.MaintenanceCompleted.strict().safeParse(recorded!.data).success).toBe(true);
    expect((await deps.twins.load('asset-P-101')).state).toMatchObject({ maintenanceCount: 1, maintainedSince: at(60), lastMaintenance: { workOrderId: 'WO-1' }, readingsApplied: 1 });
  });

  it('appends nothing for a redelivered message or the same work order sent again, with a warm or a cold repository', async () => {
    await recordMaintenance([delivery(completedEvent('M-1'))], deps);
    const before = await stream();
    expect(await recordMaintenance([delivery(completedEvent('M-1'))], deps)).toEqual({ events: 0, assets: 0 });
    expect(await recordMaintenance([delivery(completedEvent('M-1'))], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 0, assets: 0 });
    expect(await recordMaintenance([delivery(completedEvent('M-1-again', { completedAt: at(61) }))], { ...deps, twins: new TwinRepository(store) })).toEqual({ events: 0, assets: 0 });
    expect(await stream()).toEqual(before);
  });

  it('records a batch in order, per asset, each work order once (a repeat inside the batch too)', async () => {
    const batch = [completedEvent('M-1'), completedEvent('M-2', { workOrderId: 'WO-2', completedAt: at(90), failure: null, resets: [] }), completedEvent('M-1b'), completedEvent('M-3', { assetId: 'C-201' })].map(delivery);
    expect(await recordMaintenance(batch, deps)).toEqual({ events: 3, assets: 2 });
    expect(summary(await stream())).toEqual([
      ['MaintenanceCompleted', 'M-1:twin:MaintenanceCompleted'],
      ['MaintenanceCompleted', 'M-2:twin:MaintenanceCompleted'],
    ]);
    expect(summary(await stream('C-201'))).toEqual([['MaintenanceCompleted', 'M-3:twin:MaintenanceCompleted']]);
    // WO-2 reset nothing: the baseline still starts at WO-1's completion.
    expect((await deps.twins.load('asset-P-101')).state).toMatchObject({ maintenanceCount: 2, maintainedSince: at(60), lastMaintenance: { workOrderId: 'WO-2', failure: null } });
  });

  it('shares the twin stream with the telemetry consumers: a conflict is transient and the retry records it once', async () => {
    await applyReadings([validated('V-1', [reading(1, 0)])], { ...deps, profileOf: () => pump });
    await deps.twins.load('asset-P-101');
    // Another writer moves the twin on.
    await applyReadings([validated('V-2', [reading(2, 5, 90)])], { store, twins: new TwinRepository(store), profileOf: () => pump, actor: 'service:twin-state' });
    const error = await recordMaintenance([delivery(completedEvent('M-1'))], deps).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(isTransient(error)).toBe(true);
    expect(await recordMaintenance([delivery(completedEvent('M-1'))], deps)).toEqual({ events: 1, assets: 1 });
    // Maintenance does not touch the alarm: the readings raised it, the readings clear it.
    expect((await deps.twins.load('asset-P-101')).state).toMatchObject({ status: 'ALARM', alarms: { THRESHOLD_EXCEEDED: { alarmId: 'ALM-R-2' } }, maintenanceCount: 1 });
  });
});

describe('parseMaintenanceCompleted', () => {
  const body = JSON.parse(JSON.stringify(completedEvent('M-1'))) as PublishedEvent;

  it('returns the event and its MaintenanceCompleted data', () => {
    expect(parseMaintenanceCompleted(body)).toEqual({ event: body, completed: body.data });
  });

  it.each([
    ['another event type', { ...body, type: 'WorkOrderCompleted' }, /expected a MaintenanceCompleted event, got WorkOrderCompleted/],
    ['data.completedAt', { ...body, data: { ...body.data, completedAt: 'today' } }, /MaintenanceCompleted data is invalid: completedAt: /],
    ['data.resets', { ...body, data: { ...body.data, resets: ['everything'] } }, /MaintenanceCompleted data is invalid: resets\.0: /],
    ['the envelope', { ...body, eventId: undefined }, /maintenance event is invalid: eventId: /],
  ])('throws a PermanentError (dead letter) for %s', (_, bad, message) => {
    let caught: unknown;
    try {
      parseMaintenanceCompleted(bad);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermanentError);
    expect(isPermanent(caught)).toBe(true);
    expect((caught as Error).message).toMatch(message);
  });
});
