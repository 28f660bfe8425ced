import { twinEventUpcasting } from '@twinline/contracts';
import { UpcastingEventStore, type EventStore } from '@twinline/event-store';

/**
 * The store as readers of twin events see it: every twin event at the current schema version of
 * its type (upcast on read, docs/adr/0007). Folds, projections, time travel, re-derivation and the
 * outbox read through it; hash-chain verification and exports read the store itself (stored form).
 */
export function currentTwinEvents(store: EventStore): EventStore {
  return store instanceof UpcastingEventStore ? store : new UpcastingEventStore(store, twinEventUpcasting);
}
