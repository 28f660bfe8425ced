import type { RulesMetadata, TwinEvent } from '@twinline/contracts';
import { decide, evolve, TwinError, twinErrorStatus, type TwinCommand, type TwinState } from '@twinline/domain-twin';
import { DuplicateEventError, WrongExpectedVersionError, type EventStore, type NewEvent } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { storedForm } from '../apply-readings/twin-append';
import type { TwinRepository } from '../apply-readings/twin-repository';
import { twinStreamId } from '../streams';

export interface TwinCommandDeps {
  readonly store: EventStore;
  readonly twins: TwinRepository;
  /** Appends tried before giving up while other writers keep moving the twin on (default 5). */
  readonly attempts?: number;
}

export interface TwinCommandMeta {
  readonly correlationId: string;
  readonly traceparent?: string;
  /** Who the events are attributed to (`user:<sub>`, `service:twin-state`). */
  readonly actor: string;
  /** The rules the command was decided by (recorded in each event's metadata, as for readings). */
  readonly rules?: RulesMetadata;
}

export interface TwinCommandResult {
  readonly events: readonly TwinEvent[];
  /** The twin after the events. */
  readonly state: TwinState;
  /** The twin's stream version after the events (unchanged when none were decided). */
  readonly version: number;
}

/** A broken twin rule as the HTTP edge answers it (its code and status, the fields named). */
export function twinProblem(error: TwinError): DomainError {
  return new DomainError(error.code, error.message, twinErrorStatus(error.code), error.errors.length ? { errors: error.errors } : {});
}

/**
 * One command on one twin, decided by the pure twin and appended with the twin's expected version:
 * read, fold, decide, append. Other writers (the telemetry and maintenance consumers, other requests,
 * the alarm timer) append to the same stream: on a conflict the twin is folded again and the command
 * decided again, at most `attempts` times (then 409 TWIN.CONCURRENT_CHANGE). A twin rule the command
 * breaks is a DomainError with the twin's code and status. `eventIdOf` gives each decided event its
 * id (stable for a retried command where it can be). No twin (no event yet): 404 TWIN.NOT_FOUND,
 * unless `allowNew`.
 */
export async function runTwinCommand(
  command: TwinCommand & { data: { assetId: string } },
  deps: TwinCommandDeps,
  meta: TwinCommandMeta,
  eventIdOf: (event: TwinEvent, index: number) => string,
  options: { allowNew?: boolean } = {},
): Promise<TwinCommandResult> {
  const { assetId } = command.data;
  const streamId = twinStreamId(assetId);
  const attempts = deps.attempts ?? 5;
  // No twin: refused before loading, so unknown asset ids are not cached as empty twins.
  if (!options.allowNew && (await deps.store.streamVersion(streamId)) === 0) throw new DomainError('TWIN.NOT_FOUND', `no twin for asset ${assetId}: it has not reported any reading`, 404);
  for (let attempt = 1; ; attempt++) {
    const twin = await deps.twins.load(streamId);
    let events: TwinEvent[];
    try {
      events = decide(command, twin.state);
    } catch (error) {
      if (error instanceof TwinError) throw twinProblem(error);
      throw error;
    }
    if (events.length === 0) return { events, state: twin.state, version: twin.version };
    const metadata: NewEvent['metadata'] = {
      correlationId: meta.correlationId,
      causationId: null,
      actor: meta.actor,
      ...(meta.traceparent ? { traceparent: meta.traceparent } : {}),
      ...(meta.rules ? { rules: meta.rules } : {}),
    };
    try {
      await deps.store.append(
        streamId,
        events.map((event, i) => storedForm(event, eventIdOf(event, i), metadata)),
        twin.version,
      );
    } catch (error) {
      deps.twins.forget(streamId);
      // Another writer moved the twin on (or did the same first): decide again on the fresh twin.
      const conflict = error instanceof WrongExpectedVersionError || error instanceof DuplicateEventError;
      if (!conflict) throw error;
      if (attempt >= attempts) throw new DomainError('TWIN.CONCURRENT_CHANGE', `the twin of asset ${assetId} kept changing while ${command.type} was decided (${attempts} attempts): retry`, 409);
      continue;
    }
    const state = events.reduce(evolve, twin.state);
    const version = twin.version + events.length;
    deps.twins.remember(streamId, { state, version });
    return { events, state, version };
  }
}
