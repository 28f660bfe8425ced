import { parseContract, quarantinedTelemetryV1, type QuarantinedTelemetry, type RulesMetadata } from '@twinline/contracts';
import { decide, evolve, type QuarantinePolicy, type ThresholdProfile } from '@twinline/domain-twin';
import type { EventStore } from '@twinline/event-store';
import { messageParser, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import { appendTwins, toNewEvent, type TwinAppend } from '../apply-readings/twin-append';
import type { TwinRepository } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';

export const parseQuarantinedTelemetry = messageParser((body): QuarantinedTelemetry => parseContract(quarantinedTelemetryV1, body, 'telemetry.quarantined message'));

export interface RecordQuarantineDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  readonly profileOf: (assetId: string) => ThresholdProfile;
  readonly policy: QuarantinePolicy;
  /** The rules in force for an asset, recorded in each event's metadata (the re-derivation audit reads them). */
  readonly rulesOf?: (assetId: string) => RulesMetadata;
  readonly actor: string;
}

/**
 * Records a batch of quarantined telemetry messages on the twins: one RecordQuarantine command per
 * message (in stream order, `at` = the message's receipt time), decided by the pure twin rules, each
 * event caused by its message. All events are appended in ONE transaction with each twin's expected
 * version. Readings recorded before decide to nothing, so a redelivery never duplicates an event.
 */
export async function recordQuarantine(batch: readonly Delivery<QuarantinedTelemetry>[], deps: RecordQuarantineDeps): Promise<{ events: number; assets: number }> {
  const byAsset = new Map<string, Array<Delivery<QuarantinedTelemetry>>>();
  for (const delivery of batch) {
    const list = byAsset.get(delivery.data.assetId);
    if (list) list.push(delivery);
    else byAsset.set(delivery.data.assetId, [delivery]);
  }

  const appends: TwinAppend[] = [];
  for (const [assetId, deliveries] of byAsset) {
    const twin = await deps.twins.load(twinStreamId(assetId));
    const profile = deps.profileOf(assetId);
    let state = twin.state;
    const rules = deps.rulesOf?.(assetId);
    const newEvents = [];
    for (const { data: message, traceContext } of deliveries) {
      const events = decide({ type: 'RecordQuarantine', data: { assetId, items: message.items, at: message.occurredAt, policy: deps.policy, profile } }, state);
      state = events.reduce(evolve, state);
      const traceparent = traceparentOf(traceContext);
      // The message's receipt time is the command's `at`: recorded, so the audit can decide again.
      const metadata = { correlationId: message.correlationId, causationId: message.eventId, actor: deps.actor, ...(traceparent ? { traceparent } : {}), ...(rules ? { rules } : {}), commandAt: message.occurredAt };
      newEvents.push(...events.map((event) => toNewEvent(event, 'quarantined', metadata, message.items[message.items.length - 1]?.readingId)));
    }
    appends.push({ assetId, expectedVersion: twin.version, events: newEvents, state });
  }
  return appendTwins(appends, deps, batch);
}
