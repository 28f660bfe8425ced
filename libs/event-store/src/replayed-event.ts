import type { EventMetadata } from '@twinline/contracts';
import { types } from 'pg';
import type { StoredEvent } from './event-store';

const JSONB = 3802;
const TIMESTAMPTZ = 1184;

/** The parsers `pg` applies to jsonb and timestamptz (looked up when used: overrides apply as to readAll). */
const parseJsonb = (text: string) => (types.getTypeParser(JSONB, 'text') as (value: string) => unknown)(text);
const parseTimestamp = (text: string) => (types.getTypeParser(TIMESTAMPTZ, 'text') as (value: string) => Date)(text);

/**
 * One event of the lean replay read (see replay.ts), as `pg` text: `data`, `recordedAt`,
 * `occurredAt` (and any included field) are parsed on first read into exactly what readAll gives. A field that was not
 * read (`include`) throws when read, naming the fix, so a projection that needs it fails its
 * rebuild loudly instead of building something else.
 *
 * It is a StoredEvent for every reader that reads its fields; spread (`{ ...event }`) copies none of
 * them, so copy with `toJSON()` (which JSON.stringify calls), e.g. `{ ...event.toJSON(), x }`.
 */
export class ReplayedEvent implements StoredEvent {
  #dataText: string | undefined;
  #data: StoredEvent['data'] | undefined;
  #recordedText: string | undefined;
  #recordedAt: string | undefined;
  #metadataText: string | null | undefined;
  #metadata: EventMetadata | undefined;
  #occurredText: string | undefined;
  #occurredAt: string | undefined;
  #prevHash: string | null | undefined;
  #hash: string | null | undefined;

  constructor(
    readonly position: string,
    readonly streamId: string,
    readonly streamVersion: number,
    readonly eventId: string,
    readonly type: string,
    readonly schemaVersion: number,
    dataText: string,
    recordedText: string,
    occurredText: string,
    /** Texts of the included fields; undefined for a field that was not read. */
    extra?: { metadata?: string | null; prevHash?: string | null; hash?: string | null },
  ) {
    this.#dataText = dataText;
    this.#recordedText = recordedText;
    this.#occurredText = occurredText;
    if (extra) {
      this.#metadataText = extra.metadata;
      this.#prevHash = extra.prevHash;
      this.#hash = extra.hash;
    }
  }

  get data(): StoredEvent['data'] {
    if (this.#data === undefined) {
      this.#data = parseJsonb(this.#dataText!) as StoredEvent['data'];
      this.#dataText = undefined;
    }
    return this.#data;
  }

  get recordedAt(): string {
    if (this.#recordedAt === undefined) {
      this.#recordedAt = parseTimestamp(this.#recordedText!).toISOString();
      this.#recordedText = undefined;
    }
    return this.#recordedAt;
  }

  get metadata(): EventMetadata {
    if (this.#metadata === undefined) {
      if (this.#metadataText === undefined) throw notRead(this, 'metadata', 'metadata');
      this.#metadata = (this.#metadataText === null ? null : parseJsonb(this.#metadataText)) as EventMetadata;
    }
    return this.#metadata;
  }

  get occurredAt(): string {
    if (this.#occurredAt === undefined) {
      this.#occurredAt = parseTimestamp(this.#occurredText!).toISOString();
      this.#occurredText = undefined;
    }
    return this.#occurredAt;
  }

  get hash(): string {
    if (this.#hash === undefined) throw notRead(this, 'hash', 'hashes');
    return this.#hash as string;
  }

  get prevHash(): string {
    if (this.#prevHash === undefined) throw notRead(this, 'prevHash', 'hashes');
    return this.#prevHash as string;
  }

  /** The same event at another schema version (what upcasting makes of it). */
  withData(schemaVersion: number, data: StoredEvent['data']): ReplayedEvent {
    const copy = new ReplayedEvent(this.position, this.streamId, this.streamVersion, this.eventId, this.type, schemaVersion, '', this.#recordedText ?? '', this.#occurredText ?? '', {
      metadata: this.#metadataText,
      prevHash: this.#prevHash,
      hash: this.#hash,
    });
    copy.#data = data;
    copy.#dataText = undefined;
    copy.#recordedAt = this.#recordedAt;
    copy.#metadata = this.#metadata;
    copy.#occurredAt = this.#occurredAt;
    return copy;
  }

  /** The fields that were read, as a plain object (what JSON.stringify writes). */
  toJSON(): Partial<StoredEvent> & Pick<StoredEvent, 'position' | 'streamId' | 'streamVersion' | 'eventId' | 'type' | 'schemaVersion' | 'occurredAt' | 'data' | 'recordedAt'> {
    const plain: Record<string, unknown> = {
      eventId: this.eventId,
      type: this.type,
      schemaVersion: this.schemaVersion,
      occurredAt: this.occurredAt,
      data: this.data,
      streamId: this.streamId,
      streamVersion: this.streamVersion,
      position: this.position,
      recordedAt: this.recordedAt,
    };
    if (this.#metadataText !== undefined) plain['metadata'] = this.metadata;
    if (this.#hash !== undefined) plain['hash'] = this.#hash;
    if (this.#prevHash !== undefined) plain['prevHash'] = this.#prevHash;
    return plain as ReturnType<ReplayedEvent['toJSON']>;
  }
}

function notRead(event: ReplayedEvent, field: string, include: string): Error {
  return new Error(`event ${event.eventId} (position ${event.position}): ${field} was not read by the lean replay read; ask for it with include.${include}`);
}
