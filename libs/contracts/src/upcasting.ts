/**
 * Event evolution (docs/adr/0007): stored events are never rewritten. When the schema of an event
 * type changes, its schema version goes up by one and an upcaster turns data of the old version
 * into data of the new one. Readers apply the upcasters after reading (and after any hash-chain
 * verification, which covers the stored form), so every reader sees the current schema only.
 */

/** Event data as stored: a JSON object. */
export type EventData = Readonly<Record<string, unknown>>;

/**
 * A pure function from the data of `type` at `fromSchemaVersion` to its data at
 * `fromSchemaVersion + 1`. No I/O, no clock, no randomness, no mutation of its argument: the same
 * stored event must upcast to the same data on every read, in every process, forever.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromSchemaVersion: number;
  readonly upcast: (data: EventData) => EventData;
}

/** The current schema version of each event type a reader knows. */
export type SchemaVersions = Readonly<Record<string, number>>;

/** An event as the store holds it: what upcasting looks at and replaces. */
export interface VersionedEvent {
  readonly eventId?: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: EventData;
}

/**
 * An event that this build cannot bring to the current schema: its version is newer than the one
 * this build knows (written by a newer build: upgrade the reader), or no upcaster covers a step.
 */
export class UnknownSchemaVersionError extends Error {
  readonly code = 'EVENT.UNKNOWN_SCHEMA_VERSION';
  constructor(
    readonly type: string,
    readonly schemaVersion: number,
    readonly currentSchemaVersion: number,
    readonly eventId: string | undefined,
    detail: string,
  ) {
    super(`${eventId === undefined ? '' : `event ${eventId}: `}${type} schema version ${schemaVersion}: ${detail}`);
    this.name = 'UnknownSchemaVersionError';
  }
}

/**
 * The upcasters of a reader and the current versions they lead to. Checked when built: at most one
 * upcaster per (type, version), only for known types, and only below the current version.
 */
export class UpcasterRegistry {
  private readonly steps = new Map<string, Upcaster>();

  constructor(
    readonly currentVersions: SchemaVersions,
    upcasters: readonly Upcaster[],
  ) {
    for (const [type, version] of Object.entries(currentVersions)) {
      if (!Number.isInteger(version) || version < 1) throw new RangeError(`current schema version of ${type} must be a positive integer, got ${String(version)}`);
    }
    for (const upcaster of upcasters) {
      const { type, fromSchemaVersion } = upcaster;
      const current = currentVersions[type];
      if (current === undefined) throw new RangeError(`upcaster for ${type} v${fromSchemaVersion}: ${type} has no current schema version`);
      if (!Number.isInteger(fromSchemaVersion) || fromSchemaVersion < 1 || fromSchemaVersion >= current) {
        throw new RangeError(`upcaster for ${type} v${fromSchemaVersion}: must upcast from a version between 1 and ${current - 1} (current is v${current})`);
      }
      const key = stepKey(type, fromSchemaVersion);
      if (this.steps.has(key)) throw new RangeError(`two upcasters for ${type} v${fromSchemaVersion}`);
      this.steps.set(key, upcaster);
    }
  }

  /** The current schema version of `type`, undefined for a type this registry does not know. */
  currentVersion(type: string): number | undefined {
    return this.currentVersions[type];
  }

  /**
   * The event at the current schema version of its type: the same object when it is current or
   * its type unknown to the registry (such types pass through untouched), else a copy with
   * `schemaVersion` and `data` replaced. Throws UnknownSchemaVersionError for a version newer than
   * the current one or a missing step.
   */
  upcast<E extends VersionedEvent>(event: E): E {
    const current = this.currentVersions[event.type];
    if (current === undefined || event.schemaVersion === current) return event;
    if (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1 || event.schemaVersion > current) {
      throw new UnknownSchemaVersionError(event.type, event.schemaVersion, current, event.eventId, `this build knows ${event.type} up to version ${current}; a newer build wrote it`);
    }
    let data = event.data;
    for (let version = event.schemaVersion; version < current; version++) {
      const step = this.steps.get(stepKey(event.type, version));
      if (step === undefined) {
        throw new UnknownSchemaVersionError(event.type, event.schemaVersion, current, event.eventId, `no upcaster from version ${version} to ${version + 1} (current is ${current})`);
      }
      data = step.upcast(data);
    }
    return { ...event, schemaVersion: current, data };
  }
}

function stepKey(type: string, fromSchemaVersion: number): string {
  return `${fromSchemaVersion}:${type}`;
}
