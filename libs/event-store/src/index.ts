export * from './event-store';
export { GENESIS_HASH, canonicalJson, eventHash, verifyStreamChain, type ChainVerification, type HashedEventContent } from './hash-chain';
export { InMemoryCheckpointStore, InMemoryEventStore } from './in-memory-event-store';
export { PostgresEventStore, type PostgresEventStoreOptions, type TransactionClient } from './postgres-event-store';
export { PostgresCheckpointStore } from './postgres-checkpoint-store';
export { InMemorySnapshotStore, PostgresSnapshotStore, type Snapshot, type SnapshotStore } from './snapshot-store';
export { CreateEventStoreTables1764028800000, CreateSnapshotsTable1764806400000, eventStoreMigrations, migrationSchema } from './migrations/event-store.migrations';
export { runEventStoreMigrations, runMigrations, type MigrationCtor, type RunMigrationsOptions } from './migrations/run-migrations';
export {
  GlobalLogReader,
  type GlobalLogReaderErrorContext,
  type GlobalLogReaderOptions,
  type GlobalLogReaderStage,
} from './global-log-reader';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay';
export { UpcastingEventStore } from './upcasting-event-store';
export {
  isReplaySource,
  replayPages,
  type ReplayBoundsOptions,
  type ReplayInclude,
  type ReplayPagesOptions,
  type ReplayRangeOptions,
  type ReplaySource,
} from './replay';
export { ReplayedEvent } from './replayed-event';
export {
  ChainWalker,
  EventStoreChainAudit,
  HEADS_DIGEST_ALGORITHM,
  headsDigest,
  sortHeads,
  verifyEvents,
  type ChainAudit,
  type ChainBreak,
  type ChainBreakReason,
  type RecordedHead,
  type StoreVerification,
  type StreamHeadEntry,
  type StreamHeads,
  type VerifyOptions,
} from './chain-audit';
export { PostgresChainAudit } from './postgres-chain-audit';
export {
  EXPORT_COLUMNS,
  EXPORT_CONTENT_TYPES,
  ExportFormatError,
  currentHead,
  exportChunks,
  parseCsv,
  readStreamPaged,
  verifyExport,
  type ExportFormat,
  type ExportVerification,
} from './chain-export';
export { withTransaction } from './sql';
