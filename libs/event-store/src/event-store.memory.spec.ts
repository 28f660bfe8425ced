import { describeEventStoreContract } from './event-store.contract';
import { InMemoryCheckpointStore, InMemoryEventStore } from './in-memory-event-store';

describeEventStoreContract('InMemoryEventStore', () => ({ store: new InMemoryEventStore(), checkpoints: new InMemoryCheckpointStore() }));
