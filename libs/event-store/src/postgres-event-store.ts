import type { EventMetadata } from '@twinline/contracts';
import type { ClientBase, Pool, types } from 'pg';
import { metrics } from '@twinline/observability';
import { planAppend, streamIdsOf, type AppendPlan, type PlannedEvent, type StreamHead } from './append-plan';
import {
  DuplicateEventError,
  WrongExpectedVersionError,
  type AppendRequest,
  type AppendResult,
  type EventStore,
  type ExpectedVersion,
  type NewEvent,
  type ReadAllOptions,
  type ReadStreamOptions,
  type StoredEvent,
} from './event-store';
import { CONSTRAINTS } from './migrations/event-store.migrations';
import { assertLimit, assertPosition } from './positions';
import { assertBounds, assertRange, type ReplayBoundsOptions, type ReplayInclude, type ReplayRangeOptions, type ReplaySource } from './replay';
import { ReplayedEvent } from './replayed-event';
import { PG_DEADLOCK_DETECTED, PG_UNIQUE_VIOLATION, isPgError, quoteIdent, withTransaction } from './sql';

export interface PostgresEventStoreOptions {
  /** Schema holding the tables created by `eventStoreMigrations`. */
  readonly schema: string;
}

/** A connection inside a transaction that the caller owns (a `PoolClient` after BEGIN). */
export type TransactionClient = Pick<ClientBase, 'query'>;

/** Attempts of appendMany when Postgres ends its transaction as a deadlock victim. */
const MAX_ATTEMPTS = 3;

/**
 * The event store on Postgres (tables from `eventStoreMigrations`).
 *
 * Write path (appendMany: one transaction, six round trips whatever the batch size):
 *   1. lock the target streams: transaction-level advisory locks, in key order (no deadlocks);
 *   2. read their heads (version, last hash) — a fresh snapshot, taken after the locks;
 *   3. check expected versions, number and hash the events (`planAppend`, in process);
 *   4. upsert the stream heads (one statement over unnest(arrays));
 *   5. insert all events with one statement (jsonb_to_recordset over one JSON array).
 * Concurrent appends to a stream queue on its lock; the next one then reads the winner's version
 * and fails with WrongExpectedVersionError (or, with 'any', appends after it).
 *
 * Why advisory locks rather than SELECT ... FOR UPDATE: readAll orders by (transaction id,
 * position), and a transaction gets its id at its first write. Row locks are writes, so a writer
 * would take its id while locking its first stream and could then wait for another stream behind a
 * younger transaction, landing its events before that transaction's in read order: a stream read
 * out of version order. Advisory locks are no writes: a writer takes its id (step 4) only once it
 * holds all its streams, that is after every earlier writer of those streams has committed.
 *
 * Read path (readAll): only rows of transactions older than the oldest running one (the snapshot's
 * xmin), ordered by (transaction id, position), so an event committed late is never skipped.
 *
 * Lean replay read (replayBounds + readReplay, see replay.ts): the bounds are cut under readAll's
 * rule (same cursor lookup, same xmin filter, same order) and return positions only. A range
 * (after, through] below such a bound is frozen: every row in it belongs to a transaction older
 * than the xmin the bound was cut under, which has ended, and an ended transaction adds no rows.
 * So ranges can be read later, in any order and on any connection, and still give exactly the
 * events readAll's pages would have given.
 */
export class PostgresEventStore implements EventStore, ReplaySource {
  private readonly sql: Statements;
  /** Advisory locks are per database: the schema keeps two stores' stream locks apart. */
  private readonly lockPrefix: string;
  private readonly appendSeconds = metrics.histogram('twinline_eventstore_append_seconds', 'Duration of a successful appendMany: one transaction, deadlock retries included.', metrics.SECONDS_BUCKETS);
  private readonly appendEvents = metrics.histogram('twinline_eventstore_append_events', 'Events written per successful appendMany.', metrics.SIZE_BUCKETS);

  constructor(
    private readonly pool: Pool,
    options: PostgresEventStoreOptions,
  ) {
    this.sql = statements(quoteIdent(options.schema));
    this.lockPrefix = `twinline.stream:${options.schema}:`;
  }

  async append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    const [result] = await this.appendMany([{ streamId, events, expectedVersion }]);
    return result!;
  }

  async appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    const started = performance.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const results = await withTransaction(this.pool, (client) => this.write(client, requests));
        this.appendSeconds.observe((performance.now() - started) / 1_000);
        this.appendEvents.observe(requests.reduce((n, r) => n + r.events.length, 0));
        return results;
      } catch (error) {
        // Sorted stream locks rule out deadlocks among appends, but two batches inserting the same
        // eventIds in opposite orders can still deadlock on the unique index: a new transaction
        // then reports the duplicate.
        if (isPgError(error) && error.code === PG_DEADLOCK_DETECTED && attempt < MAX_ATTEMPTS) continue;
        throw await this.translate(error, requests);
      }
    }
  }

  /**
   * appendMany inside a transaction the caller owns, e.g. to store events atomically with the
   * caller's own rows. The caller commits; after any error it must roll back.
   * Best called before the transaction's other writes: a transaction that already wrote something
   * has its transaction id, and if a younger transaction appended to one of the streams meanwhile,
   * these events would read before that one's; that case fails with WrongExpectedVersionError, and
   * the command is retried in a new transaction like any other version conflict.
   */
  async appendManyWithin(client: TransactionClient, requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    if (requests.length === 0) return [];
    try {
      return await this.write(client, requests);
    } catch (error) {
      throw await this.translate(error, requests);
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const { fromVersion = 1, toVersion = 2_147_483_647, limit } = options;
    if (limit !== undefined) assertLimit(limit);
    const { rows } = await this.pool.query<EventRow>(this.sql.readStream, [streamId, fromVersion, toVersion, limit ?? null]);
    return rows.map(toStoredEvent);
  }

  async readAll({ after, limit }: ReadAllOptions): Promise<StoredEvent[]> {
    assertPosition(after, 'after');
    assertLimit(limit);
    const { rows } = await this.pool.query<EventRow>(this.sql.readAll, [after, limit]);
    return rows.map(toStoredEvent);
  }

  async replayBounds(options: ReplayBoundsOptions): Promise<string[]> {
    assertBounds(options);
    const { after, pageSize, pages } = options;
    const { rows } = await this.pool.query<{ position: string }>(this.sql.replayBounds, [after, pageSize * pages, pageSize]);
    return rows.map((row) => row.position);
  }

  async readReplay(options: ReplayRangeOptions): Promise<StoredEvent[]> {
    assertRange(options);
    const include = options.include ?? {};
    const text = this.sql.readReplay(include);
    const { rows } = await this.pool.query<string[]>({ text, values: [options.after, options.through], rowMode: 'array', types: AS_TEXT });
    const events: StoredEvent[] = new Array(rows.length);
    const extras = include.metadata || include.hashes;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      events[i] = new ReplayedEvent(
        r[0]!,
        r[1]!,
        parseInt(r[2]!, 10),
        r[3]!,
        r[4]!,
        parseInt(r[5]!, 10),
        r[6]!,
        r[7]!,
        r[8]!,
        extras ? { metadata: include.metadata ? r[9] : undefined, prevHash: include.hashes ? r[10] : undefined, hash: include.hashes ? r[11] : undefined } : undefined,
      );
    }
    return events;
  }

  async headPosition(): Promise<string> {
    const { rows } = await this.pool.query<{ position: string }>(this.sql.headPosition);
    return rows[0]?.position ?? '0';
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>(this.sql.streamVersion, [streamId]);
    return rows[0]?.version ?? 0;
  }

  async listStreams(prefix: string, options: { after?: string; limit?: number } = {}): Promise<string[]> {
    const { after, limit } = options;
    if (limit !== undefined) assertLimit(limit);
    const { rows } = await this.pool.query<{ stream_id: string }>(this.sql.listStreams, [prefix, after ?? null, limit ?? null]);
    return rows.map((row) => row.stream_id);
  }

  private async write(client: TransactionClient, requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    const streamIds = streamIdsOf(requests);
    await client.query(this.sql.lockStreams, [streamIds, this.lockPrefix]);
    const { rows } = await client.query<HeadRow>(this.sql.readHeads, [streamIds]);
    const heads = new Map<string, StreamHead>(rows.map((row) => [row.stream_id, { version: row.version, lastHash: row.last_hash }]));
    const plan = planAppend(requests, heads);
    if (plan.events.length === 0) return plan.results.map((result) => ({ ...result, lastPosition: '0' }));
    assertTransactionIsYounger(rows, plan, requests);

    await client.query(this.sql.saveHeads, headColumns([...plan.heads]));
    // The insert returns the positions of the last event of each request that wrote any.
    const lasts = plan.results.filter((_, i) => requests[i]!.events.length > 0);
    const inserted = await client.query<{ stream_id: string; stream_version: number; position: string }>(this.sql.insertEvents, [
      eventRecords(plan.events),
      lasts.map((r) => r.streamId),
      lasts.map((r) => r.nextExpectedVersion),
    ]);
    const positions = new Map(inserted.rows.map((row) => [`${row.stream_version}@${row.stream_id}`, row.position]));
    return plan.results.map(({ streamId, nextExpectedVersion }, i) => ({
      streamId,
      nextExpectedVersion,
      lastPosition: (requests[i]!.events.length > 0 && positions.get(`${nextExpectedVersion}@${streamId}`)) || '0',
    }));
  }

  /** Maps the database's errors to the store's. */
  private async translate(error: unknown, requests: readonly AppendRequest[]): Promise<unknown> {
    if (!isPgError(error) || error.code !== PG_UNIQUE_VIOLATION) return error;
    if (error.constraint === CONSTRAINTS.eventId) {
      const eventId = /^Key \(event_id\)=\((.*)\) already exists\.$/s.exec(error.detail ?? '')?.[1];
      return new DuplicateEventError(eventId ?? requests.flatMap((r) => r.events.map((e) => e.eventId)).join(', '));
    }
    if (error.constraint === CONSTRAINTS.streamVersion) {
      // A version written twice: the stream locks prevent it, the constraint is the last guard.
      // Report it as the version conflict it is, naming the stream that differs now.
      const streamIds = streamIdsOf(requests);
      const { rows } = await this.pool.query<{ stream_id: string; version: number }>(this.sql.streamVersions, [streamIds]);
      const actual = new Map(rows.map((row) => [row.stream_id, row.version]));
      const firstPerStream = streamIds.map((id) => requests.find((r) => r.streamId === id)!);
      const conflict = firstPerStream.find((r) => r.expectedVersion !== 'any' && r.expectedVersion !== (actual.get(r.streamId) ?? 0)) ?? firstPerStream[0]!;
      return new WrongExpectedVersionError(conflict.streamId, conflict.expectedVersion, actual.get(conflict.streamId) ?? 0);
    }
    return error;
  }
}

interface HeadRow {
  stream_id: string;
  version: number;
  last_hash: string;
  /** Transaction that wrote the stream's last event. */
  last_transaction_id: string | null;
  /** This transaction's id if it already has one (only in appendManyWithin after other writes). */
  own_transaction_id: string | null;
}

/**
 * A transaction that got its id before a younger one appended to the same stream would put its
 * events before the younger one's in readAll order. Only appendManyWithin can get here (appendMany
 * takes its id after the stream locks); it is refused as a version conflict, which callers retry.
 */
function assertTransactionIsYounger(rows: readonly HeadRow[], plan: AppendPlan, requests: readonly AppendRequest[]): void {
  for (const row of rows) {
    if (row.own_transaction_id === null || row.last_transaction_id === null || !plan.heads.has(row.stream_id)) continue;
    if (BigInt(row.last_transaction_id) > BigInt(row.own_transaction_id)) {
      const expected = requests.find((r) => r.streamId === row.stream_id)!.expectedVersion;
      throw new WrongExpectedVersionError(row.stream_id, expected, row.version);
    }
  }
}

/** An `events` row as `pg` returns it. */
export interface EventRow {
  position: string;
  stream_id: string;
  stream_version: number;
  event_id: string;
  type: string;
  schema_version: number;
  occurred_at: Date;
  recorded_at: Date;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  prev_hash: string;
  hash: string;
}

export function toStoredEvent(row: EventRow): StoredEvent {
  return {
    eventId: row.event_id,
    type: row.type,
    schemaVersion: row.schema_version,
    occurredAt: row.occurred_at.toISOString(),
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    streamVersion: row.stream_version,
    position: row.position,
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}

function headColumns(heads: ReadonlyArray<readonly [string, StreamHead]>): [string[], number[], string[]] {
  return [heads.map(([id]) => id), heads.map(([, head]) => head.version), heads.map(([, head]) => head.lastHash)];
}

/**
 * The events as one JSON array for jsonb_to_recordset: built by concatenation, because data and
 * metadata are JSON already (canonical, as hashed) and the batch can be large. `n` keeps the order.
 */
function eventRecords(events: readonly PlannedEvent[]): string {
  let json = '[';
  events.forEach((e, n) => {
    json +=
      `${n === 0 ? '' : ','}{"n":${n},"stream_id":${JSON.stringify(e.streamId)},"stream_version":${e.streamVersion},` +
      `"event_id":${JSON.stringify(e.eventId)},"type":${JSON.stringify(e.type)},"schema_version":${e.schemaVersion},` +
      `"occurred_at":"${e.occurredAt}","data":${e.dataJson},"metadata":${e.metadataJson},"prev_hash":"${e.prevHash}","hash":"${e.hash}"}`;
  });
  return `${json}]`;
}

/** Every column as the text Postgres sends (the lean read parses what is read, when it is read). */
const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as typeof types;

type Statements = ReturnType<typeof statements>;

function statements(schema: string) {
  const events = `${schema}."events"`;
  const streams = `${schema}."streams"`;
  const columns = `position, stream_id, stream_version, event_id, type, schema_version, occurred_at, recorded_at, data, metadata, prev_hash, hash`;
  // The transaction id of the event at a cursor; a position that is not an event's (a gap) counts as
  // the nearest event below it, '0' as before the first.
  const transactionOf = (cursor: string) => `COALESCE((SELECT transaction_id FROM ${events} WHERE position <= ${cursor}::bigint ORDER BY position DESC LIMIT 1), '0'::xid8)`;
  // readAll's rule (see readAll below), shared by the lean replay read.
  const readAllRule = (selected: string) => `SELECT ${selected} FROM ${events}
      WHERE (transaction_id, position) > (${transactionOf('$1')}, $1::bigint)
        AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id, position`;
  return {
    // Sorted by key so that two writers of overlapping streams take their locks in the same order.
    lockStreams: `SELECT pg_advisory_xact_lock(key)
      FROM (SELECT DISTINCT hashtextextended($2::text || stream_id, 0) AS key FROM unnest($1::text[]) AS s(stream_id) ORDER BY key) AS keys`,
    readHeads: `SELECT s.stream_id, s.version, s.last_hash, e.transaction_id::text AS last_transaction_id,
        pg_current_xact_id_if_assigned()::text AS own_transaction_id
      FROM ${streams} AS s LEFT JOIN ${events} AS e ON e.stream_id = s.stream_id AND e.stream_version = s.version
      WHERE s.stream_id = ANY($1::text[])`,
    // Safe as a plain upsert: the stream locks serialise writers, and should two writers ever write
    // one version, the events' UNIQUE (stream_id, stream_version) fails the second.
    saveHeads: `INSERT INTO ${streams} (stream_id, version, last_hash)
      SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
      ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version, last_hash = EXCLUDED.last_hash`,
    // One parameter whatever the batch size; rows take positions (and, by default, this
    // transaction's id) in array order.
    insertEvents: `WITH inserted AS (
        INSERT INTO ${events} (stream_id, stream_version, event_id, type, schema_version, occurred_at, data, metadata, prev_hash, hash)
        SELECT stream_id, stream_version, event_id, type, schema_version, occurred_at, data, metadata, prev_hash, hash
        FROM jsonb_to_recordset($1::jsonb) AS e(n int, stream_id text, stream_version int, event_id text, type text,
          schema_version int, occurred_at timestamptz, data jsonb, metadata jsonb, prev_hash text, hash text)
        ORDER BY n
        RETURNING stream_id, stream_version, position)
      SELECT stream_id, stream_version, position FROM inserted
      JOIN unnest($2::text[], $3::int[]) AS last(stream_id, stream_version) USING (stream_id, stream_version)`,
    readStream: `SELECT ${columns} FROM ${events}
      WHERE stream_id = $1 AND stream_version BETWEEN $2 AND $3 ORDER BY stream_version LIMIT $4`,
    // The cursor is the position of the last event read; its transaction id is looked up, and the
    // read goes on after (transaction id, position). Rows of transactions at or above the snapshot's
    // xmin are left for later: they may be joined by rows with lower positions that commit later.
    // A position that is not an event's (a gap) counts as the nearest event below it.
    readAll: `${readAllRule(columns)}
      LIMIT $2`,
    // The lean replay read (see the class comment). Bounds: the position of every $3-th event of
    // the next $2 that readAll would return now, and of the last of them. The range read is readAll
    // between two cursors; its xmin filter can exclude nothing below a bound and is kept as a guard.
    replayBounds: `SELECT position::text AS position FROM (
        SELECT position, row_number() OVER w AS n, lead(position) OVER w AS following
        FROM (${readAllRule('position, transaction_id')} LIMIT $2) AS next
        WINDOW w AS (ORDER BY transaction_id, position)
      ) AS cut
      WHERE n % $3 = 0 OR following IS NULL
      ORDER BY n`,
    readReplay: (include: ReplayInclude) => {
      const more = include.metadata || include.hashes ? `, ${include.metadata ? 'metadata' : 'NULL'}, ${include.hashes ? 'prev_hash, hash' : 'NULL, NULL'}` : '';
      return `SELECT position, stream_id, stream_version, event_id, type, schema_version, data, recorded_at, occurred_at${more} FROM ${events}
        WHERE (transaction_id, position) > (${transactionOf('$1')}, $1::bigint)
          AND (transaction_id, position) <= ((SELECT transaction_id FROM ${events} WHERE position = $2::bigint), $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, position`;
    },
    headPosition: `SELECT COALESCE(MAX(position), 0)::text AS position FROM ${events}`,
    streamVersion: `SELECT version FROM ${streams} WHERE stream_id = $1`,
    streamVersions: `SELECT stream_id, version FROM ${streams} WHERE stream_id = ANY($1::text[])`,
    listStreams: `SELECT stream_id FROM ${streams}
      WHERE starts_with(stream_id, $1) AND ($2::text IS NULL OR stream_id COLLATE "C" > $2::text)
      ORDER BY stream_id COLLATE "C" LIMIT $3`,
  };
}
