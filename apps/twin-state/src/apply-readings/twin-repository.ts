import { evolve, initialTwinState, type TwinState } from '@twinline/domain-twin';
import type { EventStore, StoredEvent } from '@twinline/event-store';
import type { TwinEvent } from '@twinline/contracts';
import { AggregateRepository } from '@twinline/service-kit';

export function foldTwin(events: readonly Pick<StoredEvent, 'type' | 'data'>[], from: TwinState = initialTwinState): TwinState {
  return events.reduce((s, e) => evolve(s, e as unknown as TwinEvent), from);
}

/** Twins by stream id (`asset-<assetId>`). */
export class TwinRepository extends AggregateRepository<TwinState> {
  constructor(store: EventStore) {
    super(store, (events) => foldTwin(events));
  }
}
