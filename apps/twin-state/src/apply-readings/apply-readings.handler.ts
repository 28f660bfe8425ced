import { parseContract, validatedTelemetryV1, type TrustedReading, type TwinEvent, type ValidatedTelemetry } from '@twinline/contracts';
import { decide, evolve, occurredAtOf, type ThresholdProfile } from '@twinline/domain-twin';
import { WrongExpectedVersionError, type AppendRequest, type EventStore, type NewEvent } from '@twinline/event-store';
import { PermanentError, type Delivery } from '@twinline/messaging';
import type { TwinRepository } from './twin-repository';
import { twinStreamId } from '../streams';

export function parseValidatedTelemetry(body: unknown): ValidatedTelemetry {
  try {
    return parseContract(validatedTelemetryV1, body, 'telemetry.validated message') as ValidatedTelemetry;
  } catch (error) {
    throw new PermanentError((error as Error).message, { cause: error });
  }
}

/** Event ids derive from the reading that caused the event: re-deciding the same reading gives the same id. */
function eventIdOf(event: TwinEvent): string {
  switch (event.type) {
    case 'ReadingsApplied':
      return `${event.data.readings[0]!.readingId}:ReadingsApplied`;
    case 'TwinStatusChanged':
    case 'AlarmRaised':
    case 'AlarmCleared':
      return `${event.data.readingId}:${event.type}`;
    default: {
      const never: never = event;
      throw new Error(`unknown twin event ${String((never as { type: string }).type)}`);
    }
  }
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
  const byAsset = new Map<string, { readings: TrustedReading[]; correlationId: string; causationId: string; traceparent?: string }>();
  for (const { data, headers } of batch) {
    const entry = byAsset.get(data.assetId);
    if (entry) entry.readings.push(...data.readings);
    else {
      const traceparent = headers?.get('traceparent') || undefined;
      byAsset.set(data.assetId, { readings: [...data.readings], correlationId: data.correlationId, causationId: data.eventId, ...(traceparent ? { traceparent } : {}) });
    }
  }

  const requests: AppendRequest[] = [];
  const next = new Map<string, { state: ReturnType<typeof evolve>; version: number }>();
  for (const [assetId, input] of byAsset) {
    const twin = await deps.twins.load(twinStreamId(assetId));
    const events = decide({ type: 'ApplyReadings', data: { assetId, readings: input.readings, profile: deps.profileOf(assetId) } }, twin.state);
    if (events.length === 0) continue;
    const newEvents: NewEvent[] = events.map((event) => ({
      eventId: eventIdOf(event),
      type: event.type,
      schemaVersion: 1,
      occurredAt: occurredAtOf(event),
      data: event.data as unknown as Record<string, unknown>,
      metadata: {
        correlationId: input.correlationId,
        causationId: input.causationId,
        actor: deps.actor,
        ...(input.traceparent ? { traceparent: input.traceparent } : {}),
      },
    }));
    requests.push({ streamId: twinStreamId(assetId), expectedVersion: twin.version, events: newEvents });
    next.set(assetId, { state: events.reduce(evolve, twin.state), version: twin.version + events.length });
  }
  if (requests.length === 0) return { events: 0, assets: 0 };

  try {
    await deps.store.appendMany(requests);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) {
      // Another writer moved a twin on: fold it again and retry the batch (the consume loop retries in place).
      for (const assetId of byAsset.keys()) deps.twins.forget(twinStreamId(assetId));
      throw Object.assign(error, { transient: true });
    }
    throw error;
  }
  for (const [assetId, twin] of next) deps.twins.remember(twinStreamId(assetId), twin);
  return { events: requests.reduce((n, r) => n + r.events.length, 0), assets: requests.length };
}

