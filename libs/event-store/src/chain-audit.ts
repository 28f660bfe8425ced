import * as crypto from 'node:crypto';
import type { EventStore, StoredEvent } from './event-store';
import { GENESIS_HASH, canonicalJson, eventHash } from './hash-chain';

/**
 * Why a stream's chain is broken:
 *  - `content-edited`: an event's hash does not match its content (data, metadata or any other hashed
 *    field was changed), or the next event is chained to a different hash than the one stored (the
 *    event was edited and its hash recomputed);
 *  - `event-deleted`: versions are missing (a gap, versions renumbered to close one, or fewer events
 *    than the stream's recorded head);
 *  - `event-inserted`: an event that does not belong to the chain: the events around it link to
 *    each other past it, or it lies beyond the stream's recorded head;
 *  - `reordered`: events in another order than they were chained in (versions swapped: an event
 *    links to one stored after it), or positions out of version order.
 */
export type ChainBreakReason = 'content-edited' | 'event-deleted' | 'event-inserted' | 'reordered';

/** The first broken link of one stream. */
export interface ChainBreak {
  readonly streamId: string;
  /** Version of the stored event the break is at (0 when the stream has no stored event left). */
  readonly streamVersion: number;
  /** Position and id of that event; null only when no event of the stream is left. */
  readonly position: string | null;
  readonly eventId: string | null;
  readonly reason: ChainBreakReason;
  /** For `event-deleted`: the versions that are missing, when known. */
  readonly missingVersions?: { readonly from: number; readonly to: number };
  readonly detail: string;
}

/** The head a store records for a stream (its `streams` row): compared with the last stored event. */
export interface RecordedHead {
  readonly version: number;
  readonly hash: string;
}

export interface StreamHeadEntry {
  readonly streamId: string;
  readonly version: number;
  readonly hash: string;
}

export interface StoreVerification {
  /** True when no stream is broken. */
  readonly valid: boolean;
  /** Streams and events read. */
  readonly streams: number;
  readonly events: number;
  /** The first break of each broken stream, in stream order (at most `maxBreaks`). */
  readonly breaks: readonly ChainBreak[];
  /** True when more streams were broken than `maxBreaks` listed. */
  readonly truncated: boolean;
}

export interface VerifyOptions {
  /** Only this stream. */
  readonly streamId?: string;
  /** Events read per query (default 2000). */
  readonly pageSize?: number;
  /** Broken streams listed at most (default 1000); more are counted by `truncated`. */
  readonly maxBreaks?: number;
}

export interface StreamHeads {
  /** Ascending by the UTF-8 bytes of the stream id. */
  readonly heads: readonly StreamHeadEntry[];
  /** `headsDigest(heads)`. */
  readonly digest: string;
}

/** Verification of the chains of a whole store, and its stream heads. */
export interface ChainAudit {
  verify(options?: VerifyOptions): Promise<StoreVerification>;
  /** The head of every stream (or only of `streamId`) and the digest over them, for anchoring elsewhere. */
  streamHeads(options?: { streamId?: string }): Promise<StreamHeads>;
}

/** What `headsDigest` hashes, in words (served with the heads). */
export const HEADS_DIGEST_ALGORITHM =
  'sha256 hex of the heads as JSON Lines, ascending by the UTF-8 bytes of streamId: one line {"hash":…,"streamId":…,"version":…} (canonical JSON) plus "\\n" per stream';

/** Sorts heads by the UTF-8 bytes of their stream id (as `LC_ALL=C sort` and Postgres `COLLATE "C"` do). */
export function sortHeads(heads: readonly StreamHeadEntry[]): StreamHeadEntry[] {
  return [...heads].sort((a, b) => Buffer.compare(Buffer.from(a.streamId, 'utf8'), Buffer.from(b.streamId, 'utf8')));
}

/**
 * The digest over stream heads an auditor anchors elsewhere: sha256 (hex) of one line per stream,
 * ascending by the UTF-8 bytes of the stream id, each line `canonicalJson({ hash, streamId, version })`
 * followed by `\n`. No heads: the sha256 of the empty string.
 */
export function headsDigest(heads: readonly StreamHeadEntry[]): string {
  const hash = crypto.createHash('sha256');
  for (const head of sortHeads(heads)) hash.update(`${canonicalJson({ hash: head.hash, streamId: head.streamId, version: head.version })}\n`, 'utf8');
  return hash.digest('hex');
}

/** Events looked at past the first misfit of a stream, to tell a reorder or an insertion from an edit. */
const LOOKAHEAD = 64;

/**
 * Walks chains event by event, with constant memory per stream: give the head the store records
 * for a stream (`expectHead`, optional), feed its events in version order (`push`), `endStream()`
 * (or `endStream(head)`), then the next stream. Reports the first break of each
 * stream and classifies it (see `ChainBreakReason`). Pure: the stores and the offline file check
 * share it.
 *
 * How a break is placed and classified, at the first event E that does not fit (its version is not
 * the next one, it does not link to the previous event's hash, its hash does not match its content,
 * or its position is not above the previous event's), with P the previous event and PP the one
 * before it:
 *  1. E's version is above the expected one: `event-deleted` at E (versions in between missing);
 *  2. E links to an event stored after it: `reordered` at E;
 *  3. E links to PP, past P: P does not belong: `event-inserted` at P;
 *  4. the event after E links to P, past E: `event-inserted` at E;
 *  5. E's content matches its hash as a higher version: `event-deleted` at E (versions renumbered);
 *  6. E's hash does not match its content: `content-edited` at E;
 *  7. E matches its content but links to another hash than P's: P was edited and re-hashed:
 *     `content-edited` at P (at E when it is the first event and does not link to GENESIS_HASH);
 *  8. only the position is out of order: `reordered` at P.
 * Then the stream's last event is compared with the recorded head: fewer versions is
 * `event-deleted`, more is `event-inserted` (at the first event past the head), the same version
 * with another hash is `content-edited` (the chain was rewritten up to its end).
 */
export class ChainWalker {
  private readonly broken: ChainBreak[] = [];
  private brokenCount = 0;
  private streams = 0;
  private events = 0;
  private readonly ended = new Set<string>();

  private current: string | undefined;
  /** The head the store records for the current stream: undefined when not known (not compared). */
  private head: RecordedHead | null | undefined;
  private first: StoredEvent | undefined;
  /** The first event past the recorded head, when the head is known before the events. */
  private pastHead: StoredEvent | undefined;
  /** The last two events that fit, newest last. */
  private previous: StoredEvent | undefined;
  private beforePrevious: StoredEvent | undefined;
  /** The first misfit and the events after it (classified at LOOKAHEAD or at the stream's end). */
  private window: StoredEvent[] | undefined;
  private done = false;

  constructor(private readonly options: { maxBreaks?: number } = {}) {}

  /** True once the current stream's break is known: its further events need not be read. */
  get currentStreamBroken(): boolean {
    return this.done;
  }

  get currentStream(): string | undefined {
    return this.current;
  }

  /** The head the store records for the stream of the next (or current) events; null: it records none. */
  expectHead(head: RecordedHead | null): void {
    this.head = head;
  }

  push(event: StoredEvent): void {
    if (this.current !== event.streamId) {
      if (this.current !== undefined) throw new Error(`ChainWalker: endStream() for ${this.current} before the events of ${event.streamId}`);
      this.begin(event.streamId);
      this.first = event;
    }
    this.events += 1;
    if (this.done) return;
    if (this.window) {
      this.window.push(event);
      if (this.window.length > LOOKAHEAD) this.classify();
      return;
    }
    if (this.fits(event)) {
      this.beforePrevious = this.previous;
      this.previous = event;
      if (this.head && event.streamVersion === this.head.version + 1) this.pastHead = event;
    } else {
      this.window = [event];
    }
  }

  /**
   * Ends the current stream. `head`: what the store records as the stream's version and last hash
   * (null: it records none); when left out, the one given to expectHead, else nothing is compared.
   */
  endStream(head?: RecordedHead | null): void {
    const id = this.current;
    if (id === undefined) return;
    if (head !== undefined) this.head = head;
    if (this.window) this.classify();
    if (!this.done) this.checkHead(id);
    this.ended.add(id);
    this.current = undefined;
    this.head = undefined;
    this.first = undefined;
    this.pastHead = undefined;
    this.previous = undefined;
    this.beforePrevious = undefined;
    this.window = undefined;
    this.done = false;
  }

  /** A stream the store records a head for but holds no event of. */
  missingStream(streamId: string, head: RecordedHead): void {
    if (this.current !== undefined) throw new Error(`ChainWalker: endStream() for ${this.current} before missingStream(${streamId})`);
    this.begin(streamId);
    this.endStream(head);
  }

  result(): StoreVerification {
    if (this.current !== undefined) throw new Error(`ChainWalker: endStream() for ${this.current} before result()`);
    return { valid: this.brokenCount === 0, streams: this.streams, events: this.events, breaks: [...this.broken], truncated: this.brokenCount > this.broken.length };
  }

  private begin(streamId: string): void {
    if (this.ended.has(streamId)) throw new Error(`ChainWalker: the events of stream ${streamId} are not contiguous`);
    this.current = streamId;
    this.streams += 1;
  }

  private expectedVersion(): number {
    return (this.previous?.streamVersion ?? 0) + 1;
  }

  private expectedPrevHash(): string {
    return this.previous?.hash ?? GENESIS_HASH;
  }

  private fits(event: StoredEvent): boolean {
    return (
      event.streamVersion === this.expectedVersion() &&
      event.prevHash === this.expectedPrevHash() &&
      (this.previous === undefined || BigInt(event.position) > BigInt(this.previous.position)) &&
      eventHash(event.prevHash, event) === event.hash
    );
  }

  private report(at: StoredEvent | null, reason: ChainBreakReason, detail: string, missing?: { from: number; to: number }): void {
    this.done = true;
    this.window = undefined;
    this.brokenCount += 1;
    if (this.broken.length >= (this.options.maxBreaks ?? 1000)) return;
    this.broken.push({
      streamId: this.current!,
      streamVersion: at?.streamVersion ?? 0,
      position: at?.position ?? null,
      eventId: at?.eventId ?? null,
      reason,
      ...(missing ? { missingVersions: missing } : {}),
      detail,
    });
  }

  private classify(): void {
    const window = this.window!;
    const e = window[0]!;
    const p = this.previous;
    const expectedVersion = this.expectedVersion();
    const expectedPrev = this.expectedPrevHash();

    if (e.streamVersion > expectedVersion) {
      const to = e.streamVersion - 1;
      this.report(e, 'event-deleted', `version${to > expectedVersion ? `s ${expectedVersion}-${to} are` : ` ${expectedVersion} is`} missing before ${at(e)}`, { from: expectedVersion, to });
      return;
    }
    const successor = window.slice(1).find((later) => later.hash === e.prevHash);
    if (successor) {
      this.report(e, 'reordered', `${at(e)} is chained after ${at(successor)}, which is stored after it: the events were reordered`);
      return;
    }
    const beforeP = this.beforePrevious?.hash ?? GENESIS_HASH;
    if (p && e.prevHash !== expectedPrev && e.prevHash === beforeP) {
      this.report(p, 'event-inserted', `${at(p)} does not belong to the chain: the next event, ${at(e)}, is chained to the event before it`);
      return;
    }
    const next = window[1];
    if (next && next.prevHash === expectedPrev) {
      this.report(e, 'event-inserted', `${at(e)} does not belong to the chain: the next event, ${at(next)}, is chained to the event before it`);
      return;
    }
    const contentMatches = eventHash(e.prevHash, e) === e.hash;
    if (e.prevHash !== expectedPrev && !contentMatches) {
      for (let k = 1; k <= LOOKAHEAD; k++) {
        if (eventHash(e.prevHash, { ...e, streamVersion: e.streamVersion + k }) === e.hash) {
          this.report(e, 'event-deleted', `${at(e)} was chained as version ${e.streamVersion + k}: ${k} event(s) before it were deleted and the later ones renumbered`, {
            from: e.streamVersion,
            to: e.streamVersion + k - 1,
          });
          return;
        }
      }
    }
    if (!contentMatches) {
      this.report(e, 'content-edited', `the hash of ${at(e)} does not match its content: the event was edited after it was stored`);
      return;
    }
    if (e.prevHash !== expectedPrev) {
      if (p) this.report(p, 'content-edited', `${at(p)} was changed after it was stored: the next event, ${at(e)}, is chained to another hash than the one it has now`);
      else this.report(e, 'content-edited', `${at(e)} is the first event of the stream but does not link to the genesis hash`);
      return;
    }
    // Only the position is out of order (p exists: a first event has nothing to be out of order with).
    this.report(p ?? e, 'reordered', `${p ? at(p) : at(e)} has a higher position than the next version, ${at(e)}: the events' positions were reordered`);
  }

  private checkHead(streamId: string): void {
    const head = this.head;
    if (head === undefined) return;
    const last = this.previous;
    if (head === null) {
      if (this.first) this.report(this.first, 'event-inserted', `the store records no head for stream ${streamId}, which holds ${last?.streamVersion ?? 0} event(s): the stream was added, or its head removed`);
      return;
    }
    const lastVersion = last?.streamVersion ?? 0;
    if (head.version > lastVersion) {
      this.report(last ?? null, 'event-deleted', `the stream's head is version ${head.version}, but the last stored event is version ${lastVersion}: versions ${lastVersion + 1}-${head.version} are missing`, {
        from: lastVersion + 1,
        to: head.version,
      });
    } else if (head.version < lastVersion) {
      this.report(this.pastHead ?? last!, 'event-inserted', `the stream's head is version ${head.version}, but events up to version ${lastVersion} are stored: events were appended past the head`);
    } else if (last && head.hash !== last.hash) {
      this.report(last, 'content-edited', `the stream's head hash ${head.hash} differs from the hash of its last event, version ${lastVersion}: the chain was rewritten (compare with an anchored head)`);
    }
  }
}

function at(event: StoredEvent): string {
  return `version ${event.streamVersion} (position ${event.position}, event ${event.eventId})`;
}

/** Verifies stored events of one or more streams with a ChainWalker (no head comparison). */
export function verifyEvents(events: Iterable<StoredEvent>): StoreVerification {
  const walker = new ChainWalker();
  for (const event of events) {
    if (walker.currentStream !== undefined && walker.currentStream !== event.streamId) walker.endStream();
    walker.push(event);
  }
  walker.endStream();
  return walker.result();
}

/**
 * ChainAudit over any EventStore through its public API (listStreams and readStream in pages):
 * what the in-memory store uses. Its recorded head is the last stored event, so only the chain
 * itself is checked. The Postgres store has PostgresChainAudit, which reads in batches and also
 * compares with the `streams` table.
 */
export class EventStoreChainAudit implements ChainAudit {
  constructor(private readonly store: EventStore) {}

  async verify(options: VerifyOptions = {}): Promise<StoreVerification> {
    const pageSize = options.pageSize ?? 2000;
    const walker = new ChainWalker({ ...(options.maxBreaks !== undefined ? { maxBreaks: options.maxBreaks } : {}) });
    for await (const streamId of this.streamIds(options.streamId)) {
      for (let from = 1; ; ) {
        const page = await this.store.readStream(streamId, { fromVersion: from, limit: pageSize });
        for (const event of page) walker.push(event);
        const last = page[page.length - 1];
        if (page.length < pageSize || !last || walker.currentStreamBroken) break;
        from = last.streamVersion + 1;
      }
      walker.endStream();
    }
    return walker.result();
  }

  async streamHeads(options: { streamId?: string } = {}): Promise<StreamHeads> {
    const heads: StreamHeadEntry[] = [];
    for await (const streamId of this.streamIds(options.streamId)) {
      const version = await this.store.streamVersion(streamId);
      const [last] = await this.store.readStream(streamId, { fromVersion: version, limit: 1 });
      if (last) heads.push({ streamId, version: last.streamVersion, hash: last.hash });
    }
    const sorted = sortHeads(heads);
    return { heads: sorted, digest: headsDigest(sorted) };
  }

  private async *streamIds(only: string | undefined): AsyncGenerator<string> {
    if (only !== undefined) {
      if ((await this.store.streamVersion(only)) > 0) yield only;
      return;
    }
    for (let after: string | undefined; ; ) {
      const page = await this.store.listStreams('', { ...(after !== undefined ? { after } : {}), limit: 1000 });
      yield* page;
      if (page.length < 1000) return;
      after = page[page.length - 1];
    }
  }
}
