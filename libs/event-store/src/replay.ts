import type { StoredEvent } from './event-store';
import { assertLimit, assertPosition } from './positions';

/**
 * The lean replay read (issue 4): the global log as a projection replaying it needs it, for
 * rebuilds and benchmarks. Same events, same order and the same gap rule as `readAll` (rows of
 * transactions older than the oldest running one, ordered by (transaction id, position)), but:
 *   - only position, stream, version, event id, type, schema version, data, occurredAt and
 *     recordedAt are read (no hashes, no metadata unless `include` asks for them);
 *   - `data` and the times are parsed when first read, with the parsers `pg` uses for them, so an
 *     event a projection skips costs no JSON.parse and no date parsing;
 *   - pages are cut ahead (`replayBounds`: positions only, cheap) and then read by range, several
 *     at once on separate connections (`replayPages`), while the caller folds the page in hand.
 */

/** Fields beyond the lean set that a reader needs. Reading one that was not asked for throws. */
export interface ReplayInclude {
  readonly metadata?: boolean;
  /** `hash` and `prevHash`. */
  readonly hashes?: boolean;
}

export interface ReplayBoundsOptions {
  /** Exclusive cursor, as for readAll: '0' or the position of the last event read. */
  readonly after: string;
  /** Events per page. */
  readonly pageSize: number;
  /** Pages to cut. */
  readonly pages: number;
}

export interface ReplayRangeOptions {
  /** Exclusive cursor, as for readAll. */
  readonly after: string;
  /** Inclusive end: a position returned by `replayBounds` for the same `after` chain. */
  readonly through: string;
  readonly include?: ReplayInclude;
}

/** A store that can serve the lean replay read (the Postgres, in-memory and upcasting stores). */
export interface ReplaySource {
  /**
   * The positions that end the next `pages` pages of `pageSize` events after `after`, in readAll
   * order, under readAll's gap rule at the time of the call (the last page may be short; none when
   * readAll would return nothing). The events up to the last of them can no longer change: each
   * was written by a transaction that had ended, and no ended transaction adds events.
   */
  replayBounds(options: ReplayBoundsOptions): Promise<string[]>;
  /** The events after `after` through `through`, in readAll order: exactly what readAll pages would return. */
  readReplay(options: ReplayRangeOptions): Promise<StoredEvent[]>;
}

export function isReplaySource(store: unknown): store is ReplaySource {
  const s = store as Partial<ReplaySource> | null;
  return typeof s === 'object' && s !== null && typeof s.replayBounds === 'function' && typeof s.readReplay === 'function';
}

export function assertBounds({ after, pageSize, pages }: ReplayBoundsOptions): void {
  assertPosition(after, 'after');
  assertLimit(pageSize);
  assertLimit(pages);
}

export function assertRange({ after, through }: ReplayRangeOptions): void {
  assertPosition(after, 'after');
  assertPosition(through, 'through');
}

export interface ReplayPagesOptions {
  readonly after: string;
  /** Events per page. Default 5000. */
  readonly pageSize?: number;
  /** Page reads in flight at once (each on its own connection), the page in hand not counted. Default 2. */
  readonly readAhead?: number;
  readonly include?: ReplayInclude;
  /** Wraps each read (e.g. with retries). */
  readonly attempt?: <T>(read: () => Promise<T>) => Promise<T>;
}

/**
 * The log from `after` up to what readAll would return now, page by page, in readAll order,
 * with up to `readAhead` pages read ahead while the caller works on the page in hand. It ends
 * when a cut of bounds comes back empty (caught up); call it again from the last position to go on.
 * The pages are exactly readAll's events: the order and the gap rule are the same (see ReplaySource).
 */
export async function* replayPages(source: ReplaySource, options: ReplayPagesOptions): AsyncGenerator<StoredEvent[], void, undefined> {
  const pageSize = options.pageSize ?? 5000;
  const readAhead = options.readAhead ?? 2;
  assertPosition(options.after, 'after');
  assertLimit(pageSize);
  assertLimit(readAhead);
  const attempt = options.attempt ?? (<T>(read: () => Promise<T>) => read());
  const quiet = <T>(p: Promise<T>): Promise<T> => {
    p.catch(() => undefined); // awaited in order below; a read left behind by a failure must not go unhandled
    return p;
  };
  // Bounds are cut a few pages at a time; the next cut is asked for while the last of its pages is read.
  const cut = (after: string) => quiet(attempt(() => source.replayBounds({ after, pageSize, pages: Math.max(2, readAhead * 2) })));
  const read = (after: string, through: string) => quiet(attempt(() => source.readReplay({ after, through, include: options.include })));

  const queue: Array<Promise<StoredEvent[]>> = [];
  let bounds: string[] = [];
  let from = options.after; // where the next page to start reading begins
  let nextCut: Promise<string[]> | undefined = cut(from);
  let done = false;
  for (;;) {
    while (!done && queue.length <= readAhead) {
      if (bounds.length === 0) {
        bounds = await nextCut!;
        if (bounds.length === 0) {
          done = true;
          break;
        }
        // A short cut means the log ends in it: nothing to cut ahead of it for now.
        nextCut = bounds.length < Math.max(2, readAhead * 2) ? undefined : cut(bounds[bounds.length - 1]!);
      }
      const through = bounds.shift()!;
      queue.push(read(from, through));
      from = through;
      if (bounds.length === 0 && nextCut === undefined) done = true;
    }
    const page = queue.shift();
    if (page === undefined) return;
    yield await page;
  }
}
