import { maintenanceCompletedV1, parseContract, publishedEventV1, type MaintenanceCompletedData, type PublishedEvent, type Topology } from '@twinline/contracts';
import { decide, evolve } from '@twinline/domain-twin';
import type { EventStore } from '@twinline/event-store';
import { messageParser, type ConsumeOptions, type Delivery, type Messaging, type RunningConsumer } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import { appendTwins, commandEventId, storedForm, type TwinAppend } from '../apply-readings/twin-append';
import type { TwinRepository } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';

/** A maintenance.workorder.<assetId>.MaintenanceCompleted message: the scheduler's stored event and its data. */
export interface MaintenanceCompletedMessage {
  readonly event: PublishedEvent;
  readonly completed: MaintenanceCompletedData;
}

export const parseMaintenanceCompleted = messageParser((body): MaintenanceCompletedMessage => {
  const event = parseContract(publishedEventV1, body, 'maintenance event');
  if (event.type !== 'MaintenanceCompleted') throw new Error(`expected a MaintenanceCompleted event, got ${event.type}`);
  return { event, completed: parseContract(maintenanceCompletedV1, event.data, 'MaintenanceCompleted data') };
});

export interface RecordMaintenanceDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  readonly actor: string;
}

/**
 * Records a batch of completed maintenance on the twins: one RecordMaintenance command per message
 * (in stream order), decided by the pure twin rules, each event caused by its message and with an
 * id derived from it. All events are appended in ONE transaction with each twin's expected version
 * (another writer moving a twin on retries the batch). A work order the twin recorded before decides
 * to nothing, so a redelivery never records it twice.
 */
export async function recordMaintenance(batch: readonly Delivery<MaintenanceCompletedMessage>[], deps: RecordMaintenanceDeps): Promise<{ events: number; assets: number }> {
  const byAsset = new Map<string, Array<Delivery<MaintenanceCompletedMessage>>>();
  for (const delivery of batch) {
    const list = byAsset.get(delivery.data.completed.assetId);
    if (list) list.push(delivery);
    else byAsset.set(delivery.data.completed.assetId, [delivery]);
  }

  const appends: TwinAppend[] = [];
  for (const [assetId, deliveries] of byAsset) {
    const twin = await deps.twins.load(twinStreamId(assetId));
    let state = twin.state;
    const newEvents = [];
    for (const { data: message, traceContext } of deliveries) {
      // The crew's findings stay with the work order; the twin records what changes the asset's model.
      const { workOrderId, type, cause, completedAt, failure, resets } = message.completed;
      const events = decide({ type: 'RecordMaintenance', data: { assetId, workOrderId, type, cause, completedAt, failure, resets } }, state);
      state = events.reduce(evolve, state);
      const traceparent = traceparentOf(traceContext);
      const metadata = { correlationId: message.event.correlationId, causationId: message.event.eventId, actor: deps.actor, ...(traceparent ? { traceparent } : {}) };
      // MaintenanceCompleted, and whatever else a repair decides (e.g. a detector retraining), each with its own id.
      newEvents.push(
        ...events.map((event, i) =>
          storedForm(event, event.type === 'MaintenanceCompleted' ? commandEventId(event, message.event.eventId) : `${message.event.eventId}:twin:${event.type}:${i}`, metadata),
        ),
      );
    }
    appends.push({ assetId, expectedVersion: twin.version, events: newEvents, state });
  }
  return appendTwins(appends, deps, batch);
}

/** The durable of twin-state's completed-maintenance consumer on the MAINTENANCE stream. */
export const MAINTENANCE_DURABLE = 'twin-state__MAINTENANCE';

/**
 * Starts the consumer of maintenance.workorder.*.MaintenanceCompleted: its own durable with ONE
 * filter subject (nats-server 2.9 takes one per consumer); a message that cannot be parsed goes to
 * twin-state's dead letters. `onRecorded` is told how many events a batch appended.
 */
export function consumeCompletedMaintenance(
  bus: Pick<Messaging, 'consume'>,
  topology: Topology,
  deps: RecordMaintenanceDeps & { readonly maxBatch?: number; readonly onRecorded?: (events: number) => void; readonly onError?: ConsumeOptions<unknown>['onError'] },
): Promise<RunningConsumer> {
  return bus.consume({
    stream: topology.streams.maintenance,
    durable: MAINTENANCE_DURABLE,
    filterSubject: topology.filters.maintenanceEvents('MaintenanceCompleted'),
    deadletterSubject: topology.deadletter('twin-state'),
    ...(deps.maxBatch !== undefined ? { maxBatch: deps.maxBatch } : {}),
    parse: parseMaintenanceCompleted,
    handle: async (batch) => {
      const recorded = await recordMaintenance(batch, deps);
      deps.onRecorded?.(recorded.events);
    },
    ...(deps.onError ? { onError: deps.onError } : {}),
  });
}
