export * from './event-store';
export { GENESIS_HASH, canonicalJson, eventHash, verifyStreamChain, type ChainVerification, type HashedEventContent } from './hash-chain';
export { InMemoryCheckpointStore, InMemoryEventStore } from './in-memory-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions, type TransactionClient } from './postgres-event-store';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
export { CreateEventStoreTables1764028800000, eventStoreMigrations, migrationSchema } from './migrations/event-store.migrations';
export { runEventStoreMigrations, runMigrations, type MigrationCtor, type RunMigrationsOptions } from './migrations/run-migrations';
export {
  GlobalLogReader,
  type GlobalLogReaderErrorContext,
  type GlobalLogReaderOptions,
  type GlobalLogReaderStage,
} from './global-log-reader';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
