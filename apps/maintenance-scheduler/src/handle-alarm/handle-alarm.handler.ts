import { alarmRaisedV1, parseContract, publishedEventV1, type AlarmRaisedData, type MaintenanceEvent, type PublishedEvent } from '@twinline/contracts';
import { decide, evolve, initialMaintenanceState, type MaintenanceState } from '@twinline/domain-maintenance';
import { WrongExpectedVersionError, type AppendRequest, type EventStore, type NewEvent, type StoredEvent } from '@twinline/event-store';
import { messageParser, type Delivery } from '@twinline/messaging';
import { traceparentOf } from '@twinline/observability';
import { AggregateRepository } from '@twinline/service-kit';
import { MAINTENANCE_RULES_METADATA } from '../rules';
import { workOrderStreamId } from '../streams';
import { countOpenedWorkOrders } from '../work-orders/work-orders.metrics';

export interface AlarmRaisedMessage {
  readonly event: PublishedEvent;
  readonly alarm: AlarmRaisedData;
}

export const parseAlarmRaised = messageParser((body): AlarmRaisedMessage => {
  const event = parseContract(publishedEventV1, body, 'twin event');
  if (event.type !== 'AlarmRaised') throw new Error(`expected an AlarmRaised event, got ${event.type}`);
  return { event, alarm: parseContract(alarmRaisedV1, event.data, 'AlarmRaised data') };
});

export function foldWorkOrders(events: readonly Pick<StoredEvent, 'type' | 'data'>[]): MaintenanceState {
  return events.reduce((s, e) => evolve(s, e as unknown as MaintenanceEvent), initialMaintenanceState);
}

export class WorkOrderRepository extends AggregateRepository<MaintenanceState> {
  constructor(store: EventStore) {
    super(store, foldWorkOrders);
  }
}

/**
 * An alarm opens a work order for its asset and cause, or attaches to the one still open. The pure
 * maintenance decider decides; a redelivered alarm decides to nothing (the aggregate remembers every
 * alarm it has seen), so it never opens a second work order.
 */
export async function handleAlarms(batch: readonly Delivery<AlarmRaisedMessage>[], deps: { store: EventStore; orders: WorkOrderRepository; actor: string }): Promise<number> {
  const pending = new Map<string, { version: number; state: MaintenanceState; events: NewEvent[] }>();
  for (const { data, traceContext } of batch) {
    const streamId = workOrderStreamId(data.alarm.assetId);
    let entry = pending.get(streamId);
    if (!entry) {
      const loaded = await deps.orders.load(streamId);
      entry = { version: loaded.version, state: loaded.state, events: [] };
      pending.set(streamId, entry);
    }
    // The alarm as consumed, recorded with each decision: the re-derivation audit decides again from it.
    const consumed = { alarmId: data.alarm.alarmId, cause: data.alarm.cause, severity: data.alarm.severity, message: data.alarm.message, raisedAt: data.alarm.raisedAt };
    const events = decide({ type: 'HandleAlarm', data: { assetId: data.alarm.assetId, ...consumed } }, entry.state);
    const traceparent = traceparentOf(traceContext);
    for (const event of events) {
      entry.state = evolve(entry.state, event);
      entry.events.push({
        eventId: `${data.event.eventId}:${event.type}`,
        type: event.type,
        schemaVersion: 1,
        occurredAt: data.alarm.raisedAt,
        data: event.data as unknown as Record<string, unknown>,
        metadata: { correlationId: data.event.correlationId, causationId: data.event.eventId, actor: deps.actor, ...(traceparent ? { traceparent } : {}), rules: MAINTENANCE_RULES_METADATA, alarm: consumed },
      });
    }
  }
  const requests: AppendRequest[] = [...pending].filter(([, p]) => p.events.length).map(([streamId, p]) => ({ streamId, expectedVersion: p.version, events: p.events }));
  if (requests.length === 0) return 0;
  try {
    await deps.store.appendMany(requests);
  } catch (error) {
    for (const streamId of pending.keys()) deps.orders.forget(streamId);
    if (error instanceof WrongExpectedVersionError) throw Object.assign(error, { transient: true });
    throw error;
  }
  for (const [streamId, p] of pending) deps.orders.remember(streamId, { state: p.state, version: p.version + p.events.length });
  countOpenedWorkOrders(requests);
  return requests.reduce((n, r) => n + r.events.length, 0);
}
