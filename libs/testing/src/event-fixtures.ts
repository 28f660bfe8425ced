import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Where the stored-form fixtures of old event schema versions live (docs/adr/0007). */
export const EVENT_FIXTURES_DIR = join(__dirname, '..', '..', 'contracts', 'fixtures', 'events');

/** A stored event as the event store returns it, kept as a fixture of an old schema version. */
export interface StoredEventFixture {
  /** File name: `<Type>.v<N>.json`. */
  readonly file: string;
  readonly event: {
    readonly streamId: string;
    readonly streamVersion: number;
    readonly eventId: string;
    readonly type: string;
    readonly schemaVersion: number;
    readonly occurredAt: string;
    readonly recordedAt: string;
    readonly position: string;
    readonly data: Readonly<Record<string, unknown>>;
    readonly metadata: { readonly correlationId: string; readonly causationId: string | null; readonly actor: string } & Readonly<Record<string, unknown>>;
    readonly prevHash: string;
    readonly hash: string;
  };
}

/** Every fixture in libs/contracts/fixtures/events, by file name. */
export function storedEventFixtures(): StoredEventFixture[] {
  return readdirSync(EVENT_FIXTURES_DIR)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => ({ file, event: JSON.parse(readFileSync(join(EVENT_FIXTURES_DIR, file), 'utf8')) as StoredEventFixture['event'] }));
}
