import type { UpcasterRegistry } from '@twinline/contracts';
import type { AppendRequest, AppendResult, EventStore, ExpectedVersion, NewEvent, ReadAllOptions, ReadStreamOptions, StoredEvent } from './event-store';
import { isReplaySource, type ReplayBoundsOptions, type ReplayRangeOptions, type ReplaySource } from './replay';
import { ReplayedEvent } from './replayed-event';

/**
 * A view of an event store whose reads return every event at the current schema version of its
 * type (docs/adr/0007): `readStream` and `readAll` run the registry's upcasters over what the store
 * holds. Nothing is written back: the store keeps each event as it was appended, and appends, heads
 * and listings go straight to it.
 *
 * An upcast event keeps the `hash` and `prevHash` of its STORED form, so it does not verify: verify
 * hash chains (verifyStreamChain, chain audits, exports) on the store itself, never through this view.
 * Events already current, and events of types the registry does not know, come back untouched.
 * A version newer than this build knows, or a missing upcaster, fails the read with
 * UnknownSchemaVersionError (from @twinline/contracts) naming the event, its type and version.
 * The lean replay read (replay.ts) is upcast the same way; it needs a store underneath that serves it.
 */
export class UpcastingEventStore implements EventStore, ReplaySource {
  constructor(
    /** The store underneath: stored forms, for hash-chain verification and exports. */
    readonly stored: EventStore,
    private readonly upcasters: Pick<UpcasterRegistry, 'upcast'>,
  ) {}

  append(streamId: string, events: readonly NewEvent[], expectedVersion: ExpectedVersion): Promise<AppendResult> {
    return this.stored.append(streamId, events, expectedVersion);
  }

  appendMany(requests: readonly AppendRequest[]): Promise<AppendResult[]> {
    return this.stored.appendMany(requests);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return this.upcastAll(await this.stored.readStream(streamId, options));
  }

  async readAll(options: ReadAllOptions): Promise<StoredEvent[]> {
    return this.upcastAll(await this.stored.readAll(options));
  }

  replayBounds(options: ReplayBoundsOptions): Promise<string[]> {
    return this.replaySource().replayBounds(options);
  }

  async readReplay(options: ReplayRangeOptions): Promise<StoredEvent[]> {
    const events = await this.replaySource().readReplay(options);
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      const current = this.upcasters.upcast(event);
      // The registry copies an outdated event with a spread, which keeps none of a lean event's fields.
      if (current !== event) events[i] = event instanceof ReplayedEvent ? event.withData(current.schemaVersion, current.data) : current;
    }
    return events;
  }

  headPosition(): Promise<string> {
    return this.stored.headPosition();
  }

  streamVersion(streamId: string): Promise<number> {
    return this.stored.streamVersion(streamId);
  }

  listStreams(prefix: string, options?: { after?: string; limit?: number }): Promise<string[]> {
    return this.stored.listStreams(prefix, options);
  }

  private replaySource(): ReplaySource {
    if (!isReplaySource(this.stored)) throw new TypeError('the store under this UpcastingEventStore has no lean replay read');
    return this.stored;
  }

  private upcastAll(events: StoredEvent[]): StoredEvent[] {
    for (let i = 0; i < events.length; i++) events[i] = this.upcasters.upcast(events[i]!);
    return events;
  }
}
