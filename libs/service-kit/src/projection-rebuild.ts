import type { Pool, PoolClient } from 'pg';
import { isReplaySource, replayPages, type CheckpointStore, type EventStore, type ReplayInclude, type ReplaySource, type StoredEvent } from '@twinline/event-store';
import { metrics, type Logger } from '@twinline/observability';
import { quoteIdent, withTransaction } from './postgres';
import type { LiveProjectionLoop } from './store-loops';

/** A read model that can be rebuilt: the projection writes to whatever table it is given. */
export interface RebuildableProjection {
  /** Checkpoint name of the live projection loop, e.g. `twin-view`; also the name in the admin API. */
  readonly name: string;
  /** The live table in the service's schema, e.g. `twin_view`. */
  readonly table: string;
  /** A projection writing into `table` (a table of the same shape as the live one). */
  writer(table: string): { handle(events: readonly StoredEvent[]): Promise<void> };
  /**
   * What handle() reads beyond the lean replay read (position, stream, version, event id, type,
   * schema version, data, recordedAt): metadata, occurredAt, hashes. Reading a field left out fails
   * the rebuild (the live model stays as it is), naming the field to add here.
   */
  readonly include?: ReplayInclude;
}

export type RebuildState = 'idle' | 'rebuilding' | 'swapping' | 'swapped' | 'failed';

export interface RebuildStatus {
  readonly projection: string;
  readonly table: string;
  readonly state: RebuildState;
  readonly requestedBy: string | null;
  readonly startedAt: string | null;
  readonly finishedAt: string | null;
  /** Checkpoint of the rebuilt table (the position of the last event it handled). */
  readonly position: string;
  /** Latest position in the events table when last looked at (at most once a second). */
  readonly headPosition: string;
  readonly events: number;
  readonly eventsPerSecond: number;
  /** Seconds left at the current rate to reach the head (positions left / events per second); null when unknown. */
  readonly etaSeconds: number | null;
  readonly error: string | null;
}

const gauges = () => ({
  position: metrics.gauge('twinline_projection_rebuild_position', 'Checkpoint (global position) of the read model being rebuilt next to the live one.', ['projection']),
  head: metrics.gauge('twinline_projection_rebuild_head', 'Latest position in the event log while a read model is rebuilt: the rebuild is done when its position reaches it.', ['projection']),
  rate: metrics.gauge('twinline_projection_rebuild_events_per_second', 'Events per second of the running (or last) read-model rebuild, averaged since it started.', ['projection']),
  eta: metrics.gauge('twinline_projection_rebuild_eta_seconds', 'Estimated seconds until the running read-model rebuild reaches the head (0 when done).', ['projection']),
});

/** Attempts of a failing read, handle or checkpoint step before the rebuild fails (the live model is untouched). */
const ATTEMPTS = 5;

/**
 * Rebuilds a read model from position 0 next to the live one and swaps it in without downtime:
 *   1. `<table>__rebuild` is created like the live table (columns, defaults, indexes) and filled by
 *      the projection from position 0, with its own checkpoint `<name>__rebuild`, while the live
 *      table keeps serving reads and its loop keeps projecting;
 *   2. when a read of the log comes back empty (caught up), the live loop is paused (after its
 *      batch in hand), the rebuild catches up with what came in meanwhile;
 *   3. one transaction renames the live table away, the rebuilt one into its place (and its indexes
 *      to the live names), drops the old one and moves the live checkpoint to the rebuilt one;
 *   4. the live loop resumes from that checkpoint.
 * Reads wait only for the swap transaction (a few renames). A rebuild that fails leaves the live
 * model as it was; a rebuild cut short by a restart is not resumed (the next one starts again).
 */
export class ProjectionRebuilder {
  private current: RebuildStatus;
  private running: Promise<RebuildStatus> | undefined;
  private cancelled = false;
  private readonly s: string;
  private readonly gauges = gauges();

  constructor(
    private readonly o: {
      readonly pool: Pool;
      readonly schema: string;
      /** With the lean replay read (ReplaySource: the Postgres, in-memory and upcasting stores), the rebuild uses it. */
      readonly store: Pick<EventStore, 'readAll' | 'headPosition'> & Partial<ReplaySource>;
      readonly checkpoints: CheckpointStore;
      readonly projection: RebuildableProjection;
      readonly live: LiveProjectionLoop;
      readonly log?: Logger;
      /** Events per read of the log (and per handle()). Default 5000. */
      readonly batchSize?: number;
      /** Reads of the log in flight while a batch is handled (lean read only; each takes a connection). Default 2. */
      readonly readAhead?: number;
      /** false: read with readAll even when the store has the lean replay read (to compare). Default true. */
      readonly lean?: boolean;
      /** Backoff after a failed step; default 200 ms, doubling. */
      readonly retryMs?: number;
    },
  ) {
    this.s = quoteIdent(o.schema);
    this.current = { projection: o.projection.name, table: o.projection.table, state: 'idle', requestedBy: null, startedAt: null, finishedAt: null, position: '0', headPosition: '0', events: 0, eventsPerSecond: 0, etaSeconds: null, error: null };
  }

  get name(): string {
    return this.o.projection.name;
  }

  status(): RebuildStatus {
    return this.current;
  }

  isRunning(): boolean {
    return this.running !== undefined;
  }

  /** Starts a rebuild; false when one is running already. */
  start(requestedBy: string): boolean {
    if (this.running) return false;
    this.cancelled = false;
    this.current = { ...this.current, state: 'rebuilding', requestedBy, startedAt: new Date().toISOString(), finishedAt: null, position: '0', events: 0, eventsPerSecond: 0, etaSeconds: null, error: null };
    this.running = this.run().finally(() => (this.running = undefined));
    return true;
  }

  /** Ends a running rebuild after its batch in hand (on shutdown): it fails, the live model is unchanged. */
  async cancel(): Promise<void> {
    this.cancelled = true;
    await this.running;
  }

  /** Resolves with the status once the running rebuild (if any) has swapped or failed. */
  async done(): Promise<RebuildStatus> {
    return (await this.running) ?? this.current;
  }

  private get tables() {
    const { table } = this.o.projection;
    return { live: table, rebuild: `${table}__rebuild`, old: `${table}__old` };
  }

  private get checkpointName(): string {
    return `${this.o.projection.name}__rebuild`;
  }

  private async run(): Promise<RebuildStatus> {
    const t = this.tables;
    const started = performance.now();
    const progress = new Progress(this, started);
    try {
      await this.step(() =>
        withTransaction(this.o.pool, async (c) => {
          await c.query(`DROP TABLE IF EXISTS ${this.s}.${quoteIdent(t.rebuild)}`);
          await c.query(`CREATE TABLE ${this.s}.${quoteIdent(t.rebuild)} (LIKE ${this.s}.${quoteIdent(t.live)} INCLUDING ALL)`);
        }),
      );
      await this.step(() => this.o.checkpoints.save(this.checkpointName, '0'));
      const writer = this.o.projection.writer(t.rebuild);
      let cursor = await this.catchUp('0', writer, progress);
      await this.o.live.pause();
      try {
        cursor = await this.catchUp(cursor, writer, progress);
        this.update({ state: 'swapping' });
        await this.step(() => this.swap(cursor));
      } finally {
        this.o.live.resume();
      }
      const seconds = (performance.now() - started) / 1000;
      this.update({ state: 'swapped', finishedAt: new Date().toISOString(), etaSeconds: 0, eventsPerSecond: rate(this.current.events, seconds) });
      this.publishGauges();
      this.o.log?.info(`projection ${this.name} rebuilt and swapped in`, { events: this.current.events, position: cursor, seconds: Number(seconds.toFixed(3)) });
    } catch (error) {
      this.update({ state: 'failed', finishedAt: new Date().toISOString(), error: (error as Error)?.message ?? String(error) });
      this.o.log?.warn(`projection ${this.name} rebuild failed; the live read model is unchanged`, { error });
    }
    return this.current;
  }

  /** Reads and handles batches from `cursor` until a read comes back empty; returns the last position handled. */
  private async catchUp(cursor: string, writer: { handle(events: readonly StoredEvent[]): Promise<void> }, progress: Progress): Promise<string> {
    const store = this.o.store;
    if (this.o.lean !== false && isReplaySource(store)) return this.catchUpLean(store, cursor, writer, progress);
    const batchSize = this.o.batchSize ?? 5000;
    const read = (after: string) => {
      const p = this.step(() => this.o.store.readAll({ after, limit: batchSize }));
      p.catch(() => undefined); // awaited below; a prefetch left behind by a failure must not go unhandled
      return p;
    };
    let next = read(cursor);
    for (;;) {
      if (this.cancelled) throw new Error('rebuild cancelled: the service is stopping');
      const batch = await next;
      const last = batch[batch.length - 1];
      if (last === undefined) return cursor;
      // Read the next batch while this one is folded and written.
      next = batch.length === batchSize ? read(last.position) : Promise.resolve([]);
      await this.step(() => writer.handle(batch));
      await this.step(() => this.o.checkpoints.save(this.checkpointName, last.position));
      cursor = last.position;
      await progress.add(batch.length, cursor);
      if (batch.length < batchSize) next = read(cursor);
    }
  }

  /**
   * catchUp over the lean replay read: the same events in the same order as readAll's pages (see
   * replayPages), fewer columns, parsed when read, with `readAhead` pages read on other connections
   * while a batch is handled.
   */
  private async catchUpLean(store: ReplaySource, cursor: string, writer: { handle(events: readonly StoredEvent[]): Promise<void> }, progress: Progress): Promise<string> {
    const options = { pageSize: this.o.batchSize ?? 5000, readAhead: this.o.readAhead ?? 2, include: this.o.projection.include, attempt: <T>(read: () => Promise<T>) => this.step(read) };
    for (;;) {
      if (this.cancelled) throw new Error('rebuild cancelled: the service is stopping');
      let handled = false;
      for await (const batch of replayPages(store, { ...options, after: cursor })) {
        if (this.cancelled) throw new Error('rebuild cancelled: the service is stopping');
        const last = batch[batch.length - 1];
        if (last === undefined) continue;
        await this.step(() => writer.handle(batch));
        await this.step(() => this.o.checkpoints.save(this.checkpointName, last.position));
        cursor = last.position;
        handled = true;
        await progress.add(batch.length, cursor);
      }
      if (!handled) return cursor;
    }
  }

  /** One transaction: live table out, rebuilt table (and its indexes) in, live checkpoint moved. */
  private async swap(position: string): Promise<void> {
    const t = this.tables;
    const q = (name: string) => `${this.s}.${quoteIdent(name)}`;
    await withTransaction(this.o.pool, async (c) => {
      const liveIndexes = await indexesOf(c, this.o.schema, t.live);
      const rebuiltIndexes = await indexesOf(c, this.o.schema, t.rebuild);
      await c.query(`ALTER TABLE ${q(t.live)} RENAME TO ${quoteIdent(t.old)}`);
      await c.query(`ALTER TABLE ${q(t.rebuild)} RENAME TO ${quoteIdent(t.live)}`);
      await c.query(`DROP TABLE ${q(t.old)}`);
      // Give the rebuilt indexes the live names (migrations refer to them), matched by definition.
      const unused = [...liveIndexes];
      for (const index of rebuiltIndexes) {
        const i = unused.findIndex((l) => l.definition === index.definition);
        if (i < 0) continue;
        const [match] = unused.splice(i, 1);
        if (match!.name !== index.name) await c.query(`ALTER INDEX ${q(index.name)} RENAME TO ${quoteIdent(match!.name)}`);
      }
      await c.query(
        `INSERT INTO ${this.s}."checkpoints" (name, position, updated_at) VALUES ($1, $2::bigint, now())
         ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = EXCLUDED.updated_at`,
        [this.o.projection.name, position],
      );
      await c.query(`DELETE FROM ${this.s}."checkpoints" WHERE name = $1`, [this.checkpointName]);
    });
  }

  private async step<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (attempt >= ATTEMPTS || this.cancelled) throw error;
        this.o.log?.warn(`projection ${this.name} rebuild step failed, retrying`, { error, attempt });
        await new Promise((resolve) => setTimeout(resolve, (this.o.retryMs ?? 200) * 2 ** (attempt - 1)));
      }
    }
  }

  /** @internal progress bookkeeping */
  update(patch: Partial<RebuildStatus>): void {
    this.current = { ...this.current, ...patch };
  }

  /** @internal */
  async head(): Promise<string> {
    return this.o.store.headPosition();
  }

  /** @internal */
  publishGauges(): void {
    const labels = { projection: this.name };
    const c = this.current;
    this.gauges.position.set(labels, Number(c.position));
    this.gauges.head.set(labels, Number(c.headPosition));
    this.gauges.rate.set(labels, c.eventsPerSecond);
    this.gauges.eta.set(labels, c.etaSeconds ?? 0);
  }
}

class Progress {
  private headReadAt = -Infinity;
  constructor(
    private readonly rebuilder: ProjectionRebuilder,
    private readonly started: number,
  ) {}

  async add(events: number, position: string): Promise<void> {
    const now = performance.now();
    let headPosition = this.rebuilder.status().headPosition;
    if (now - this.headReadAt >= 1000) {
      this.headReadAt = now;
      headPosition = await this.rebuilder.head().catch(() => headPosition);
    }
    const total = this.rebuilder.status().events + events;
    const eventsPerSecond = rate(total, (now - this.started) / 1000);
    const left = BigInt(headPosition) - BigInt(position);
    const etaSeconds = eventsPerSecond > 0 ? Math.max(0, Number(left > 0n ? left : 0n) / eventsPerSecond) : null;
    this.rebuilder.update({ events: total, position, headPosition: BigInt(headPosition) > BigInt(position) ? headPosition : position, eventsPerSecond, etaSeconds: etaSeconds === null ? null : Number(etaSeconds.toFixed(1)) });
    this.rebuilder.publishGauges();
  }
}

function rate(events: number, seconds: number): number {
  return seconds > 0 ? Math.round(events / seconds) : 0;
}

async function indexesOf(c: PoolClient, schema: string, table: string): Promise<Array<{ name: string; definition: string }>> {
  const { rows } = await c.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, regexp_replace(pg_get_indexdef(i.oid), '^.* USING ', '') || CASE WHEN x.indisprimary THEN ' primary' WHEN x.indisunique THEN ' unique' ELSE '' END AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = $1 AND t.relname = $2 ORDER BY i.relname`,
    [schema, table],
  );
  return rows;
}

/** The rebuildable read models of one service, by name (what GET/POST /v1/admin/projections see). */
export class ProjectionRebuilds {
  private readonly byName = new Map<string, ProjectionRebuilder>();

  add(rebuilder: ProjectionRebuilder): void {
    this.byName.set(rebuilder.name, rebuilder);
  }

  get(name: string): ProjectionRebuilder | undefined {
    return this.byName.get(name);
  }

  list(): ProjectionRebuilder[] {
    return [...this.byName.values()];
  }

  /** Ends running rebuilds (on shutdown, before the pool closes). */
  async cancelAll(): Promise<void> {
    await Promise.all(this.list().map((r) => r.cancel()));
  }
}
