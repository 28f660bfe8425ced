import { evolve, initialTwinState, TWIN_STATE_VERSION, type TwinState } from '@twinline/domain-twin';
import type { EventStore, SnapshotStore, StoredEvent } from '@twinline/event-store';
import type { TwinEvent } from '@twinline/contracts';
import { AggregateRepository } from '@twinline/service-kit';
import { currentTwinEvents } from '../twin-events';

export function foldTwin(events: readonly Pick<StoredEvent, 'type' | 'data'>[], from: TwinState = initialTwinState): TwinState {
  return events.reduce((s, e) => evolve(s, e as unknown as TwinEvent), from);
}

/**
 * Twins by stream id (`asset-<assetId>`). With `snapshots`, a twin is loaded from its latest
 * snapshot (of TWIN_STATE_VERSION) plus the events after it, and a snapshot is taken every `every`
 * events (TWIN_SNAPSHOT_EVERY).
 */
export class TwinRepository extends AggregateRepository<TwinState> {
  constructor(store: EventStore, snapshots?: { store: SnapshotStore; every: number; onError?: (error: unknown, streamId: string) => void }) {
    super(currentTwinEvents(store), (events) => foldTwin(events), undefined, snapshots && { ...snapshots, stateVersion: TWIN_STATE_VERSION, foldFrom: (state, events) => foldTwin(events, state) });
  }
}
