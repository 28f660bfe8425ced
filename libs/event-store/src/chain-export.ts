import { ChainWalker, type StoreVerification, type StreamHeadEntry } from './chain-audit';
import type { EventStore, StoredEvent } from './event-store';
import { canonicalJson } from './hash-chain';

/**
 * Export of a stream's full history for auditors, in two formats:
 *  - JSON Lines (`application/x-ndjson`): one event per line,
 *    `{"position","streamId","streamVersion","eventId","type","schemaVersion","occurredAt","recordedAt","data","metadata","prevHash","hash"}`,
 *    in version order, then ONE last line `{"head":{"streamId","version","hash"}}`: the stream's
 *    head when the export began (the export stops at that version);
 *  - CSV (RFC 4180, CRLF): a header row of the same column names, one row per event; `data` and
 *    `metadata` are canonical JSON in a quoted cell. The head is not in the file: it is in the
 *    response header `Twinline-Stream-Head` (the same JSON) and from GET /v1/audit/heads?streamId=.
 * Both verify offline with `verifyExport` (`npx twinline audit verify-file`).
 */
export type ExportFormat = 'jsonl' | 'csv';

export const EXPORT_COLUMNS = ['position', 'streamId', 'streamVersion', 'eventId', 'type', 'schemaVersion', 'occurredAt', 'recordedAt', 'data', 'metadata', 'prevHash', 'hash'] as const;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
};

/** The head of a stream as it is now (null when the stream does not exist). */
export async function currentHead(store: EventStore, streamId: string): Promise<StreamHeadEntry | null> {
  const version = await store.streamVersion(streamId);
  if (version === 0) return null;
  const [last] = await store.readStream(streamId, { fromVersion: version, limit: 1 });
  return last ? { streamId, version: last.streamVersion, hash: last.hash } : { streamId, version, hash: '' };
}

/** The events of a stream up to `toVersion`, read `pageSize` at a time. */
export async function* readStreamPaged(store: EventStore, streamId: string, toVersion: number, pageSize = 1000): AsyncGenerator<StoredEvent> {
  for (let from = 1; from <= toVersion; ) {
    const page = await store.readStream(streamId, { fromVersion: from, toVersion, limit: pageSize });
    yield* page;
    const last = page[page.length - 1];
    if (page.length < pageSize || !last) return;
    from = last.streamVersion + 1;
  }
}

/** The export of `events` (one stream, version order) and its `head`, as chunks of text. */
export async function* exportChunks(events: AsyncIterable<StoredEvent>, head: StreamHeadEntry, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield `${EXPORT_COLUMNS.join(',')}\r\n`;
  let chunk = '';
  for await (const event of events) {
    chunk += format === 'csv' ? csvRow(event) : jsonlLine(event);
    if (chunk.length >= 64 * 1024) {
      yield chunk;
      chunk = '';
    }
  }
  if (format === 'jsonl') chunk += `${JSON.stringify({ head: { streamId: head.streamId, version: head.version, hash: head.hash } })}\n`;
  if (chunk) yield chunk;
}

export function jsonlLine(e: StoredEvent): string {
  return `${JSON.stringify({
    position: e.position,
    streamId: e.streamId,
    streamVersion: e.streamVersion,
    eventId: e.eventId,
    type: e.type,
    schemaVersion: e.schemaVersion,
    occurredAt: e.occurredAt,
    recordedAt: e.recordedAt,
    data: e.data,
    metadata: e.metadata,
    prevHash: e.prevHash,
    hash: e.hash,
  })}\n`;
}

export function csvRow(e: StoredEvent): string {
  const cells = [e.position, e.streamId, String(e.streamVersion), e.eventId, e.type, String(e.schemaVersion), e.occurredAt, e.recordedAt, canonicalJson(e.data), canonicalJson(e.metadata), e.prevHash, e.hash];
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Splits CSV text (RFC 4180: quoted cells may hold commas, quotes and line breaks) into rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell !== '' || row.length > 0) rows.push([...row, cell]);
  return rows;
}

/** A line or row of an export that is not what the format says. */
export class ExportFormatError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'ExportFormatError';
  }
}

export interface ExportVerification extends StoreVerification {
  /** The heads the export carried (JSONL) or was given (CSV), per stream. */
  readonly heads: readonly StreamHeadEntry[];
  /** Streams whose events had no head to compare with (only their chain was checked). */
  readonly withoutHead: readonly string[];
}

/**
 * Re-computes the chains of an export offline with the documented algorithm and compares each
 * stream's last event with its head (JSONL: the file's `head` lines; CSV: `heads` given). Lines
 * or rows that are not events or heads throw ExportFormatError naming the line. CSV is read a line
 * at a time: a cell must not hold a line break (none of an export's cells does: JSON escapes them).
 */
export async function verifyExport(lines: AsyncIterable<string> | Iterable<string>, format: ExportFormat, heads: readonly StreamHeadEntry[] = []): Promise<ExportVerification> {
  const walker = new ChainWalker();
  /** Streams whose events were read (a head line of one of them after another stream's events is compared no more). */
  const withEvents = new Set<string>();
  const given = new Map(heads.map((h) => [h.streamId, h]));
  const seenHeads: StreamHeadEntry[] = [];
  const withoutHead: string[] = [];
  const end = () => {
    const id = walker.currentStream;
    if (id === undefined) return;
    const head = given.get(id);
    if (!head) withoutHead.push(id);
    walker.endStream(head ? { version: head.version, hash: head.hash } : undefined);
  };
  let n = 0;
  let header: string[] | undefined;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    if (format === 'csv') {
      const cells = parseCsv(line)[0] ?? [];
      if (!header) {
        header = cells;
        const missing = EXPORT_COLUMNS.filter((c) => !cells.includes(c));
        if (missing.length) throw new ExportFormatError(n, `the CSV header lacks the column(s) ${missing.join(', ')}`);
        continue;
      }
      const event = eventFromCsv(n, header, cells);
      if (walker.currentStream !== undefined && walker.currentStream !== event.streamId) end();
      withEvents.add(event.streamId);
      walker.push(event);
      continue;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      throw new ExportFormatError(n, `not JSON: ${(error as Error).message}`);
    }
    if (typeof parsed === 'object' && parsed !== null && 'head' in parsed) {
      const head = headOf(n, (parsed as { head: unknown }).head);
      seenHeads.push(head);
      given.set(head.streamId, head);
      if (walker.currentStream === head.streamId) end();
      else if (!withEvents.has(head.streamId)) {
        end();
        walker.missingStream(head.streamId, head);
      }
      continue;
    }
    const event = eventOf(n, parsed);
    if (walker.currentStream !== undefined && walker.currentStream !== event.streamId) end();
    withEvents.add(event.streamId);
    walker.push(event);
  }
  end();
  return { ...walker.result(), heads: format === 'csv' ? heads : seenHeads, withoutHead };
}

function headOf(line: number, value: unknown): StreamHeadEntry {
  const h = value as Partial<StreamHeadEntry> | null;
  if (!h || typeof h.streamId !== 'string' || !Number.isInteger(h.version) || typeof h.hash !== 'string') {
    throw new ExportFormatError(line, 'a head line must be {"head":{"streamId":string,"version":integer,"hash":string}}');
  }
  return { streamId: h.streamId, version: h.version!, hash: h.hash };
}

function eventOf(line: number, value: unknown): StoredEvent {
  const e = value as Record<string, unknown> | null;
  const problems: string[] = [];
  const text = (name: string) => (typeof e?.[name] === 'string' ? (e[name] as string) : (problems.push(`${name} must be a string`), ''));
  const integer = (name: string) => (Number.isInteger(e?.[name]) ? (e![name] as number) : (problems.push(`${name} must be an integer`), 0));
  const event = {
    position: text('position'),
    streamId: text('streamId'),
    streamVersion: integer('streamVersion'),
    eventId: text('eventId'),
    type: text('type'),
    schemaVersion: integer('schemaVersion'),
    occurredAt: text('occurredAt'),
    recordedAt: text('recordedAt'),
    data: (e?.data ?? null) as StoredEvent['data'],
    metadata: (e?.metadata ?? null) as StoredEvent['metadata'],
    prevHash: text('prevHash'),
    hash: text('hash'),
  };
  if (!/^\d+$/.test(event.position) && !problems.some((p) => p.startsWith('position'))) problems.push('position must be a decimal string');
  if (e === null || typeof e !== 'object' || !('data' in e) || !('metadata' in e)) problems.push('an event line needs data and metadata');
  if (problems.length) throw new ExportFormatError(line, `not an event: ${problems.join('; ')}`);
  return event;
}

function eventFromCsv(line: number, header: readonly string[], cells: readonly string[]): StoredEvent {
  const get = (name: string) => cells[header.indexOf(name)] ?? '';
  const json = (name: string) => {
    try {
      return JSON.parse(get(name)) as unknown;
    } catch (error) {
      throw new ExportFormatError(line, `${name} is not JSON: ${(error as Error).message}`);
    }
  };
  return eventOf(line, {
    ...Object.fromEntries(EXPORT_COLUMNS.map((c) => [c, get(c)])),
    streamVersion: Number(get('streamVersion')),
    schemaVersion: Number(get('schemaVersion')),
    data: json('data'),
    metadata: json('metadata'),
  });
}
