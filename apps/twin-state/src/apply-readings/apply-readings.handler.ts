import { parseContract, validatedTelemetryV1, type RulesMetadata, type TrustedReading, type ValidatedTelemetry } from '@twinline/contracts';
import { decide, evolve, type ThresholdProfile } from '@twinline/domain-twin';
import type { EventStore } from '@twinline/event-store';
import { messageParser, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import type { TwinRepository } from './twin-repository';
import { countAlarms } from './alarms.metrics';
import { appendTwins, readingIdOf, toNewEvent, type TwinAppend } from './twin-append';
import { twinStreamId } from '../streams';

export const parseValidatedTelemetry = messageParser((body) => parseContract(validatedTelemetryV1, body, 'telemetry.validated message') as ValidatedTelemetry);

export interface ApplyReadingsDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  readonly profileOf: (assetId: string) => ThresholdProfile;
  /** The rules in force for an asset, recorded in each event's metadata (the re-derivation audit reads them). */
  readonly rulesOf?: (assetId: string) => RulesMetadata;
  readonly actor: string;
}

/**
 * Applies a batch of validated telemetry messages: one ApplyReadings command per asset (its readings
 * in stream order), decided by the pure twin rules, and all resulting events appended in ONE
 * transaction with each twin's expected version. Redelivered readings decide to nothing (the twin
 * knows each device's last applied seq, and the released readings it applied), so a redelivery never
 * duplicates an event.
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

  const appends: TwinAppend[] = [];
  for (const [assetId, input] of byAsset) {
    const twin = await deps.twins.load(twinStreamId(assetId));
    const events = decide({ type: 'ApplyReadings', data: { assetId, readings: input.readings, profile: deps.profileOf(assetId) } }, twin.state);
    const rules = deps.rulesOf?.(assetId);
    const lastReadingId = input.readings[input.readings.length - 1]!.readingId;
    const newEvents = events.map((event) => {
      const traceparent = traceOfReading.get(readingIdOf(event) ?? lastReadingId);
      return toNewEvent(event, 'applied', { correlationId: input.correlationId, causationId: input.causationId, actor: deps.actor, ...(traceparent ? { traceparent } : {}), ...(rules ? { rules } : {}) }, lastReadingId);
    });
    appends.push({ assetId, expectedVersion: twin.version, events: newEvents, state: events.reduce(evolve, twin.state) });
  }
  const result = await appendTwins(appends, deps, batch);
  if (result.events) countAlarms(appends);
  return result;
}
