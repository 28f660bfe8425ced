import type { Pool, PoolClient } from 'pg';
import { ChainWalker, headsDigest, sortHeads, type ChainAudit, type StoreVerification, type StreamHeadEntry, type StreamHeads, type VerifyOptions } from './chain-audit';
import { toStoredEvent, type EventRow } from './postgres-event-store';
import { assertLimit } from './positions';
import { quoteIdent, withTransaction } from './sql';

const MAX_VERSION = 2_147_483_647;

/**
 * Verifies every chain of one store schema (tables from `eventStoreMigrations`) in batches: events
 * are read in pages ordered by (stream_id, stream_version), the order of their unique index, with a
 * keyset cursor, so memory stays at one page whatever the size of the store; the rest of a stream
 * is skipped once its first break is found. Each stream's last event is compared with its row in
 * `streams` (the head the store records), and a head without events is reported too. Everything is
 * read in one REPEATABLE READ READ ONLY transaction: one consistent snapshot while appends go on
 * (a read-only transaction takes no transaction id, so it does not hold back readAll).
 */
export class PostgresChainAudit implements ChainAudit {
  private readonly sql: ReturnType<typeof statements>;

  constructor(
    private readonly pool: Pool,
    options: { readonly schema: string },
  ) {
    this.sql = statements(quoteIdent(options.schema));
  }

  async verify(options: VerifyOptions = {}): Promise<StoreVerification> {
    const pageSize = options.pageSize ?? 2000;
    assertLimit(pageSize);
    const walker = new ChainWalker({ ...(options.maxBreaks !== undefined ? { maxBreaks: options.maxBreaks } : {}) });
    return this.inSnapshot(async (client) => {
      const only = options.streamId;
      const page = (after: { streamId: string; version: number } | undefined) =>
        !after
          ? client.query<PageRow>(this.sql.firstPage, [pageSize])
          : only !== undefined
            ? client.query<PageRow>(this.sql.streamPage, [only, after.version, pageSize])
            : client.query<PageRow>(this.sql.nextPage, [after.streamId, after.version, pageSize]);
      // The next page is asked for before this one is hashed: Postgres reads while Node hashes.
      let pending = page(only === undefined ? undefined : { streamId: only, version: 0 });
      for (;;) {
        const { rows } = await pending;
        if (rows.length === 0) break;
        const last = rows[rows.length - 1]!;
        const full = rows.length === pageSize;
        let next = full ? page({ streamId: last.stream_id, version: last.stream_version }) : undefined;
        next?.catch(() => undefined); // awaited below, or replaced; never an unhandled rejection
        for (const row of rows) {
          if (walker.currentStream !== row.stream_id) {
            walker.endStream();
            walker.expectHead(row.head_version === null ? null : { version: row.head_version, hash: row.head_hash! });
          }
          walker.push(toStoredEvent(row));
        }
        if (!next) break;
        // A broken stream's further events do not change its report: skip them.
        if (walker.currentStreamBroken) {
          await next.catch(() => undefined);
          next = page({ streamId: last.stream_id, version: MAX_VERSION });
        }
        pending = next;
      }
      walker.endStream();
      const { rows: empty } = await client.query<HeadRow>(this.sql.headsWithoutEvents, [only ?? null]);
      for (const row of empty) walker.missingStream(row.stream_id, { version: row.version, hash: row.last_hash });
      return walker.result();
    });
  }

  /** The recorded head (`streams` row) of every stream, or of `streamId`, and their digest. */
  async streamHeads(options: { streamId?: string } = {}): Promise<StreamHeads> {
    return this.inSnapshot(async (client) => {
      const heads: StreamHeadEntry[] = [];
      if (options.streamId !== undefined) {
        const { rows } = await client.query<HeadRow>(this.sql.heads, [[options.streamId]]);
        heads.push(...rows.map(toHead));
      } else {
        for (let after: string | null = null; ; ) {
          const { rows }: { rows: HeadRow[] } = await client.query<HeadRow>(this.sql.headsPage, [after, 5000]);
          heads.push(...rows.map(toHead));
          if (rows.length < 5000) break;
          after = rows[rows.length - 1]!.stream_id;
        }
      }
      const sorted = sortHeads(heads);
      return { heads: sorted, digest: headsDigest(sorted) };
    });
  }

  /** One read-only snapshot: every page of a walk sees the same committed store. */
  private inSnapshot<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return withTransaction(this.pool, work, 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  }

}

interface HeadRow {
  stream_id: string;
  version: number;
  last_hash: string;
}

const toHead = (row: HeadRow): StreamHeadEntry => ({ streamId: row.stream_id, version: row.version, hash: row.last_hash });


/** An event with its stream's recorded head (null: the stream has no `streams` row). */
interface PageRow extends EventRow {
  head_version: number | null;
  head_hash: string | null;
}


function statements(schema: string) {
  const events = `${schema}."events"`;
  const streams = `${schema}."streams"`;
  const columns = `e.position, e.stream_id, e.stream_version, e.event_id, e.type, e.schema_version, e.occurred_at, e.recorded_at, e.data, e.metadata,
    e.prev_hash, e.hash, s.version AS head_version, s.last_hash AS head_hash`;
  const from = `${events} AS e LEFT JOIN ${streams} AS s ON s.stream_id = e.stream_id`;
  // Ordered as the UNIQUE (stream_id, stream_version) index is (the column's collation): keyset pages.
  return {
    firstPage: `SELECT ${columns} FROM ${from} ORDER BY e.stream_id, e.stream_version LIMIT $1`,
    nextPage: `SELECT ${columns} FROM ${from} WHERE (e.stream_id, e.stream_version) > ($1::text, $2::int) ORDER BY e.stream_id, e.stream_version LIMIT $3`,
    streamPage: `SELECT ${columns} FROM ${from} WHERE e.stream_id = $1 AND e.stream_version > $2 ORDER BY e.stream_version LIMIT $3`,
    heads: `SELECT stream_id, version, last_hash FROM ${streams} WHERE stream_id = ANY($1::text[])`,
    headsPage: `SELECT stream_id, version, last_hash FROM ${streams} WHERE $1::text IS NULL OR stream_id > $1::text ORDER BY stream_id LIMIT $2`,
    headsWithoutEvents: `SELECT stream_id, version, last_hash FROM ${streams} AS s
      WHERE ($1::text IS NULL OR s.stream_id = $1::text) AND NOT EXISTS (SELECT 1 FROM ${events} AS e WHERE e.stream_id = s.stream_id)
      ORDER BY stream_id`,
  };
}
