import { HISTORY_SCAN_MAX, type historyQuerySchema } from '@twinline/contracts';
import type { EventStore, StoredEvent } from '@twinline/event-store';
import type { z } from 'zod';
import { DomainError } from './problem-details';

export type HistoryQuery = z.infer<ReturnType<typeof historyQuerySchema>>;

/**
 * One page of a stream's history as the history APIs answer it: events from `fromVersion`, of one
 * type, between two source times (inclusive), and matching `also` (e.g. one work order of the
 * stream). Filtering reads at most HISTORY_SCAN_MAX stored events per request, then answers with
 * what it found; `nextFromVersion` is where to go on (null at the end of the stream).
 */
export async function historyPage(
  store: Pick<EventStore, 'readStream'>,
  streamId: string,
  q: HistoryQuery,
  also?: (event: StoredEvent) => boolean,
): Promise<{ items: StoredEvent[]; nextFromVersion: number | null }> {
  const fromMs = q.from === undefined ? -Infinity : Date.parse(q.from);
  const toMs = q.to === undefined ? Infinity : Date.parse(q.to);
  if (fromMs > toMs) throw new DomainError('CONTRACT.INVALID', `query.from (${q.from}) is after query.to (${q.to})`, 400, { errors: [{ field: 'query.from', message: 'must not be after to' }] });
  if (q.type === undefined && q.from === undefined && q.to === undefined && also === undefined) {
    const page = await store.readStream(streamId, { fromVersion: q.fromVersion, limit: q.limit });
    const last = page[page.length - 1];
    return { items: page, nextFromVersion: page.length === q.limit && last ? last.streamVersion + 1 : null };
  }
  const matches = (e: StoredEvent) => (also === undefined || also(e)) && (q.type === undefined || e.type === q.type) && Date.parse(e.occurredAt) >= fromMs && Date.parse(e.occurredAt) <= toMs;
  const items: StoredEvent[] = [];
  let next: number | null = q.fromVersion;
  let scanned = 0;
  while (next !== null && items.length < q.limit && scanned < HISTORY_SCAN_MAX) {
    const size = Math.min(1000, HISTORY_SCAN_MAX - scanned);
    const chunk = await store.readStream(streamId, { fromVersion: next, limit: size });
    scanned += chunk.length;
    next = chunk.length === 0 ? null : chunk[chunk.length - 1]!.streamVersion + 1;
    for (const e of chunk) {
      if (!matches(e)) continue;
      items.push(e);
      if (items.length === q.limit) {
        next = e.streamVersion + 1;
        break;
      }
    }
    if (chunk.length < size && items.length < q.limit) next = null;
  }
  return { items, nextFromVersion: next };
}
