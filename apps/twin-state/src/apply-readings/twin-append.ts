import { TWIN_EVENT_SCHEMA_VERSIONS, type TwinEvent } from '@twinline/contracts';
import { occurredAtOf, type TwinState } from '@twinline/domain-twin';
import { WrongExpectedVersionError, type AppendRequest, type EventStore, type NewEvent } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { inSpan, trace } from '@twinline/observability';
import type { TwinRepository } from './twin-repository';
import { twinStreamId } from '../streams';

/**
 * The reading behind an event: the first of a ReadingsApplied/ReadingsQuarantined segment, the
 * trigger of the others; null for an event decided from a command (an operator, the scheduler, the
 * alarm timer): its event id derives from its command (commandEventId). The switch is exhaustive, so
 * a new event type must say which it is.
 */
export function readingIdOf(event: TwinEvent): string | null {
  switch (event.type) {
    case 'ReadingsApplied':
    case 'ReadingsQuarantined':
      return event.data.readings[0]!.readingId;
    case 'TwinStatusChanged':
    case 'AlarmRaised':
    case 'AlarmCleared':
    case 'AlarmSeverityChanged':
    case 'AlarmConditionChanged':
    case 'SensorFaultDetected':
    case 'SensorFaultCleared':
    case 'SecurityViolationDetected':
    case 'FailurePredicted':
    case 'FailurePredictionWithdrawn':
    case 'RulEstimated':
    case 'AnomalyDetected':
    case 'AnomalyCleared':
    case 'PredictionConfigured':
      return event.data.readingId;
    case 'AlarmAcknowledged':
    case 'MaintenanceCompleted':
    case 'AlarmShelved':
    case 'AlarmUnshelved':
    case 'AlarmRemovedFromService':
    case 'AlarmReturnedToService':
    case 'AlarmReannounced':
      return null;
    default: {
      const never: never = event;
      throw new Error(`unknown twin event ${String((never as { type: string }).type)}`);
    }
  }
}

/** The reading behind an event caused by a reading (readingIdOf); an event decided from a command has none. */
export function causingReadingId(event: TwinEvent): string {
  const readingId = readingIdOf(event);
  if (readingId === null) throw new Error(`${event.type} is not caused by a reading: its event id derives from its command (commandEventId)`);
  return readingId;
}

/**
 * The cause an event is about, when one reading may decide several of its type (one per alarm
 * cause: THRESHOLD_EXCEEDED, VIBRATION_HIGH, NO_DATA …): added to the event id of every cause but
 * the study's THRESHOLD_EXCEEDED, whose ids stay as they were before causes multiplied.
 */
function causeSuffix(event: TwinEvent): string {
  const cause = (event.data as { cause?: unknown }).cause;
  return typeof cause === 'string' && cause !== 'THRESHOLD_EXCEEDED' ? `:${cause}` : '';
}

/**
 * Which consumer decided an event. A reading can cause events on both paths (quarantined, then
 * released and applied), so the quarantine path names its events apart.
 */
export type TwinPath = 'applied' | 'quarantined';

/**
 * Event ids derive from the reading that caused the event: re-deciding the same reading gives the
 * same id. `<readingId>:<type>` when applying readings, `<readingId>:quarantine:<type>` when
 * recording quarantined ones; `:<cause>` after it for an event of a cause other than
 * THRESHOLD_EXCEEDED (a reading may raise a vibration alarm and a limit alarm at once).
 */
export function eventIdOf(event: TwinEvent, path: TwinPath = 'applied', triggerReadingId?: string): string {
  let reading = readingIdOf(event);
  if (reading === null) {
    // A lifecycle event a batch of readings decided (e.g. a shelve ending at a reading's time): its trigger and what it is about.
    if (triggerReadingId === undefined) throw new Error(`${event.type} is not caused by a reading: its event id derives from its command (commandEventId)`);
    const about = (event.data as { alarmId?: unknown }).alarmId;
    reading = `${triggerReadingId}:${typeof about === 'string' ? about : ''}`;
  }
  const id = path === 'applied' ? `${reading}:${event.type}` : `${reading}:quarantine:${event.type}`;
  return `${id}${causeSuffix(event)}`;
}

/**
 * Event ids of the events decided from commands, stable for a retried command:
 * - `AlarmAcknowledged`: `<alarmId>:AlarmAcknowledged` (an alarm is acknowledged once);
 * - `MaintenanceCompleted`: `<maintenance event id>:twin:MaintenanceCompleted` (a redelivered message gives the same id).
 */
export function commandEventId(event: Extract<TwinEvent, { type: 'AlarmAcknowledged' | 'MaintenanceCompleted' }>, causingEventId?: string): string {
  if (event.type === 'AlarmAcknowledged') return `${event.data.alarmId}:AlarmAcknowledged`;
  if (causingEventId === undefined) throw new Error('MaintenanceCompleted derives its id from the maintenance event that caused it');
  return `${causingEventId}:twin:MaintenanceCompleted`;
}

/** A decided twin event as the store takes it, with its id. */
export function storedForm(event: TwinEvent, eventId: string, metadata: NewEvent['metadata']): NewEvent {
  return { eventId, type: event.type, schemaVersion: TWIN_EVENT_SCHEMA_VERSIONS[event.type], occurredAt: occurredAtOf(event), data: event.data as unknown as Record<string, unknown>, metadata };
}

/** `triggerReadingId`: the reading of the batch that decided a lifecycle event not caused by one reading (see eventIdOf). */
export function toNewEvent(event: TwinEvent, path: TwinPath, metadata: NewEvent['metadata'], triggerReadingId?: string): NewEvent {
  return storedForm(event, eventIdOf(event, path, triggerReadingId), metadata);
}

/** What one batch decided for one twin: its new events, to append after `expectedVersion`, and the state they lead to. */
export interface TwinAppend {
  readonly assetId: string;
  readonly expectedVersion: number;
  readonly events: readonly NewEvent[];
  readonly state: TwinState;
}

/**
 * Appends every twin's events in ONE transaction, each with its expected version, then remembers the
 * new twins. Twin streams have several writers (the validated, quarantined telemetry and maintenance
 * consumers, and alarm acknowledgements over HTTP):
 * when another writer moved a twin on, the twins are forgotten and the WrongExpectedVersionError is
 * thrown as transient, so the consume loop retries the batch against freshly folded twins.
 */
export async function appendTwins(appends: readonly TwinAppend[], deps: { store: EventStore; twins: TwinRepository }, batch: readonly Delivery<unknown>[]): Promise<{ events: number; assets: number }> {
  const requests: AppendRequest[] = appends.filter((a) => a.events.length > 0).map((a) => ({ streamId: twinStreamId(a.assetId), expectedVersion: a.expectedVersion, events: [...a.events] }));
  if (requests.length === 0) return { events: 0, assets: 0 };
  try {
    const [first, ...rest] = batch;
    await inSpan(
      'eventstore append',
      { service: 'twin-state', parent: first!.traceContext, links: rest.map((d) => ({ context: trace.getSpanContext(d.traceContext)! })).filter((l) => l.context), attributes: { 'twinline.streams': requests.length } },
      () => deps.store.appendMany(requests),
    );
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      for (const a of appends) deps.twins.forget(twinStreamId(a.assetId));
      throw Object.assign(error, { transient: true });
    }
    throw error;
  }
  for (const a of appends) if (a.events.length) deps.twins.remember(twinStreamId(a.assetId), { state: a.state, version: a.expectedVersion + a.events.length });
  return { events: requests.reduce((n, r) => n + r.events.length, 0), assets: requests.length };
}
