import { parseContract, validatedTelemetryV1, type TrustedReading, type TwinEvent, type ValidatedTelemetry } from '@twinline/contracts';
import { decide, evolve, occurredAtOf, type ThresholdProfile } from '@twinline/domain-twin';
import { WrongExpectedVersionError, type AppendRequest, type EventStore, type NewEvent } from '@twinline/event-store';
import { PermanentError, type Delivery } from '@twinline/messaging';
import { inSpan, trace, traceparentOf } from '@twinline/observability';
import type { TwinRepository } from './twin-repository';
import { countAlarms } from './alarms.metrics';
import { twinStreamId } from '../streams';

export function parseValidatedTelemetry(body: unknown): ValidatedTelemetry {
  try {
    return parseContract(validatedTelemetryV1, body, 'telemetry.validated message') as ValidatedTelemetry;
  } catch (error) {
    throw new PermanentError((error as Error).message, { cause: error });
  }
}

/** The reading behind an event: the first of a ReadingsApplied segment, the trigger of the others. */
function causingReadingId(event: TwinEvent): string {
  switch (event.type) {
    case 'ReadingsApplied':
      return event.data.readings[0]!.readingId;
    case 'TwinStatusChanged':
    case 'AlarmRaised':
    case 'AlarmCleared':
      return event.data.readingId;
    default: {
      const never: never = event;
      throw new Error(`unknown twin event ${String((never as { type: string }).type)}`);
    }
  }
}

/** Event ids derive from the reading that caused the event: re-deciding the same reading gives the same id. */
function eventIdOf(event: TwinEvent): string {
  return `${causingReadingId(event)}:${event.type}`;
}

export interface ApplyReadingsDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  readonly profileOf: (assetId: string) => ThresholdProfile;
  readonly actor: string;
}

/**
 * Applies a batch of validated telemetry messages: one ApplyReadings command per asset (its readings
 * in stream order), decided by the pure twin rules, and all resulting events appended in ONE
 * transaction with each twin's expected version. Redelivered readings decide to nothing (the twin
 * knows each device's last applied seq), so a redelivery never duplicates an event.
 */
export async function applyReadings(batch: readonly Delivery<ValidatedTelemetry>[], deps: ApplyReadingsDeps): Promise<{ events: number; assets: number }> {
  const byAsset = new Map<string, { readings: TrustedReading[]; correlationId: string; causationId: string }>();
  // Each event continues the trace of the message that carried the reading behind it.
  const traceOfReading = new Map<string, string | undefined>();
  for (const { data, traceContext } of batch) {
    const traceparent = traceparentOf(traceContext);
    for (const r of data.readings) traceOfReading.set(r.readingId, traceparent);
    const entry = byAsset.get(data.assetId);
    if (entry) entry.readings.push(...data.readings);
    else byAsset.set(data.assetId, { readings: [...data.readings], correlationId: data.correlationId, causationId: data.eventId });
  }

  const requests: AppendRequest[] = [];
  const next = new Map<string, { state: ReturnType<typeof evolve>; version: number }>();
  for (const [assetId, input] of byAsset) {
    const twin = await deps.twins.load(twinStreamId(assetId));
    const events = decide({ type: 'ApplyReadings', data: { assetId, readings: input.readings, profile: deps.profileOf(assetId) } }, twin.state);
    if (events.length === 0) continue;
    const newEvents: NewEvent[] = events.map((event) => {
      const traceparent = traceOfReading.get(causingReadingId(event));
      return {
      eventId: eventIdOf(event),
      type: event.type,
      schemaVersion: 1,
      occurredAt: occurredAtOf(event),
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        correlationId: input.correlationId,
        causationId: input.causationId,
        actor: deps.actor,
        ...(traceparent ? { traceparent } : {}),
      },
    };
    });
    requests.push({ streamId: twinStreamId(assetId), expectedVersion: twin.version, events: newEvents });
    next.set(assetId, { state: events.reduce(evolve, twin.state), version: twin.version + events.length });
  }
  if (requests.length === 0) return { events: 0, assets: 0 };

  try {
    const [first, ...rest] = batch;
    await inSpan('eventstore append', { service: 'twin-state', parent: first!.traceContext, links: rest.map((d) => ({ context: trace.getSpanContext(d.traceContext)! })).filter((l) => l.context), attributes: { 'twinline.streams': requests.length } }, () =>
      deps.store.appendMany(requests),
    );
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      // Another writer moved a twin on: fold it again and retry the batch (the consume loop retries in place).
      for (const assetId of byAsset.keys()) deps.twins.forget(twinStreamId(assetId));
      throw Object.assign(error, { transient: true });
    }
    throw error;
  }
  for (const [assetId, twin] of next) deps.twins.remember(twinStreamId(assetId), twin);
  countAlarms(requests);
  return { events: requests.reduce((n, r) => n + r.events.length, 0), assets: requests.length };
}

