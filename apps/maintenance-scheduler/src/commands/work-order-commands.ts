import { randomUUID } from 'node:crypto';
import type { ConsumedAlarm, MaintenanceEvent } from '@twinline/contracts';
import { decide, evolve, initialMaintenanceState, type MaintenanceCommand, type MaintenanceState } from '@twinline/domain-maintenance';
import { WrongExpectedVersionError, type AppendRequest, type EventStore, type NewEvent, type StoredEvent } from '@twinline/event-store';
import { AggregateRepository } from '@twinline/service-kit';
import { MAINTENANCE_RULES_METADATA } from '../rules';
import { workOrderStreamId } from '../streams';
import { countOpenedWorkOrders } from '../work-orders/work-orders.metrics';

export function foldWorkOrders(events: readonly Pick<StoredEvent, 'type' | 'data'>[]): MaintenanceState {
  return events.reduce((s, e) => evolve(s, e as unknown as MaintenanceEvent), initialMaintenanceState);
}

/** The work orders of one asset (stream `workorders-<assetId>`), folded once and kept while this process writes them. */
export class WorkOrderRepository extends AggregateRepository<MaintenanceState> {
  constructor(store: EventStore) {
    super(store, foldWorkOrders);
  }
}

/** A maintenance command with what its events record of where it came from. */
export interface CommandEnvelope {
  readonly command: MaintenanceCommand;
  /**
   * The base of the ids of the events decided from it: the causing message's event id for a consumed
   * message (a redelivery derives the same ids), a fresh uuid for a planner's request.
   */
  readonly idBase: string;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly actor: string;
  /** Source time of the events (the alarm's raisedAt, the prediction's at, the request's time). */
  readonly occurredAt: string;
  readonly traceparent?: string;
  /** Alarm commands: the alarm as consumed, which the re-derivation audit of alarm decisions reads. */
  readonly alarm?: ConsumedAlarm;
}

export interface CommandDeps {
  readonly store: EventStore;
  readonly orders: WorkOrderRepository;
}

export interface HandledCommands {
  /** Events appended. */
  readonly appended: number;
  /** The state of each stream the batch touched, after it. */
  readonly states: ReadonlyMap<string, MaintenanceState>;
}

/** Event ids: `<idBase>:<type>`, and `<idBase>:<type>:<n>` for the n-th (n > 1) event of one type from one command. */
function eventIdsOf(idBase: string, events: readonly MaintenanceEvent[]): string[] {
  const seen = new Map<string, number>();
  return events.map((e) => {
    const n = (seen.get(e.type) ?? 0) + 1;
    seen.set(e.type, n);
    return n === 1 ? `${idBase}:${e.type}` : `${idBase}:${e.type}:${n}`;
  });
}

/**
 * One batch of maintenance commands, in order: each asset's work orders are loaded once, every
 * command is decided by the pure maintenance decider on the state its predecessors left, and the
 * events of all assets are appended in one transaction, each stream at the version it was loaded at.
 * A command handled before (a redelivered alarm or prediction) decides to nothing, since the
 * aggregate remembers what it handled; one that appears twice in a batch is decided once.
 * A MaintenanceError of the decider is thrown as it is (the caller maps it); a version conflict
 * forgets the loaded streams and throws the WrongExpectedVersionError, marked transient.
 */
export async function handleCommands(envelopes: readonly CommandEnvelope[], deps: CommandDeps): Promise<HandledCommands> {
  const pending = new Map<string, { version: number; state: MaintenanceState; events: NewEvent[] }>();
  const handled = new Set<string>();
  try {
    for (const envelope of envelopes) {
      if (handled.has(envelope.idBase)) continue;
      handled.add(envelope.idBase);
      const streamId = workOrderStreamId(envelope.command.data.assetId);
      let entry = pending.get(streamId);
      if (!entry) {
        const loaded = await deps.orders.load(streamId);
        entry = { version: loaded.version, state: loaded.state, events: [] };
        pending.set(streamId, entry);
      }
      const events = decide(envelope.command, entry.state);
      const ids = eventIdsOf(envelope.idBase, events);
      // What the re-derivation audit replays: the rules version and the command as decided.
      const metadata = {
        correlationId: envelope.correlationId,
        causationId: envelope.causationId,
        actor: envelope.actor,
        ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
        rules: MAINTENANCE_RULES_METADATA,
        command: { type: envelope.command.type, data: envelope.command.data },
        ...(envelope.alarm ? { alarm: envelope.alarm } : {}),
      };
      const target = entry;
      events.forEach((event, i) => {
        target.state = evolve(target.state, event);
        target.events.push({ eventId: ids[i]!, type: event.type, schemaVersion: 1, occurredAt: envelope.occurredAt, data: event.data as unknown as Record<string, unknown>, metadata });
      });
    }
  } catch (error) {
    // The states decided so far are not stored: fold them again next time.
    for (const streamId of pending.keys()) deps.orders.forget(streamId);
    throw error;
  }
  const requests: AppendRequest[] = [...pending].filter(([, p]) => p.events.length).map(([streamId, p]) => ({ streamId, expectedVersion: p.version, events: p.events }));
  const states = new Map([...pending].map(([streamId, p]) => [streamId, p.state]));
  if (requests.length === 0) return { appended: 0, states };
  try {
    await deps.store.appendMany(requests);
  } catch (error) {
    for (const streamId of pending.keys()) deps.orders.forget(streamId);
    if (error instanceof WrongExpectedVersionError) throw Object.assign(error, { transient: true });
    throw error;
  }
  for (const [streamId, p] of pending) deps.orders.remember(streamId, { state: p.state, version: p.version + p.events.length });
  countOpenedWorkOrders(requests);
  return { appended: requests.reduce((n, r) => n + r.events.length, 0), states };
}

/** Who sent a command through the API. */
export interface CommandContext {
  readonly actor: string;
  readonly at: string;
  readonly traceparent?: string;
}

/**
 * A planner's command: decided on the asset's work orders as stored now and appended at that
 * version; when another writer moved the stream on meanwhile, it is decided again on the new state
 * (up to `attempts` times). Returns the asset's work orders after it.
 */
export async function executeCommand(command: MaintenanceCommand, context: CommandContext, deps: CommandDeps, attempts = 5): Promise<{ state: MaintenanceState; appended: number }> {
  const id = randomUUID();
  const envelope: CommandEnvelope = { command, idBase: id, correlationId: id, causationId: null, actor: context.actor, occurredAt: context.at, ...(context.traceparent ? { traceparent: context.traceparent } : {}) };
  const streamId = workOrderStreamId(command.data.assetId);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await handleCommands([envelope], deps);
      return { state: result.states.get(streamId) ?? initialMaintenanceState, appended: result.appended };
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= attempts) throw error;
    }
  }
}
