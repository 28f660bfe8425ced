import { NotificationError } from './notification.retry';

/**
 * An alarm's escalation under one rule: started (epoch ms) when the alarm was first notified; level
 * `level` of `afterMs.length` reached so far (0: only the first notification went out). Level k
 * (1-based) is due `afterMs[k-1]` after the start. `levels[0]` are the recipients notified at
 * once, `levels[k]` those level k adds. An acknowledged or cleared alarm stops it (`stopped`).
 */
export interface EscalationState {
  readonly startedAt: number;
  readonly afterMs: readonly number[];
  readonly levels: readonly (readonly string[])[];
  readonly level: number;
  readonly stopped: { readonly at: number; readonly reason: string } | null;
}

/** A level that is due: who is told (everyone notified so far, and those the level adds), and when the next level is due (null: the last). */
export interface DueEscalation {
  readonly level: number;
  readonly of: number;
  readonly notify: readonly string[];
  /** The recipients this level adds (not notified at an earlier level). */
  readonly added: readonly string[];
  /** Levels passed over because a later one was due too (the service was down): their recipients are in `notify`. */
  readonly skipped: number;
  readonly nextAt: number | null;
}

function check(state: EscalationState, now: number): void {
  if (!Number.isFinite(now)) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `now must be a finite epoch-ms time, got ${now}`);
  if (state.levels.length !== state.afterMs.length + 1) {
    throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `an escalation needs the recipients of level 0 and of each of its ${state.afterMs.length} levels, got ${state.levels.length} lists`);
  }
}

/** When the next level is due (epoch ms); null when stopped or every level went out. */
export function nextEscalationAt(state: EscalationState): number | null {
  if (state.stopped !== null || state.level >= state.afterMs.length) return null;
  return state.startedAt + state.afterMs[state.level]!;
}

/**
 * The escalation level due at `now`, or null: none while stopped, before the next level's time, or
 * after the last. When several are due at once (the service was down), only the latest goes out,
 * to everyone the earlier ones would have told as well: one message instead of a burst.
 */
export function dueEscalation(state: EscalationState, now: number): DueEscalation | null {
  check(state, now);
  if (state.stopped !== null) return null;
  let level = state.level;
  while (level < state.afterMs.length && state.startedAt + state.afterMs[level]! <= now) level++;
  if (level === state.level) return null;
  const before = new Set(state.levels.slice(0, state.level + 1).flat());
  const notify = [...new Set(state.levels.slice(0, level + 1).flat())];
  return {
    level,
    of: state.afterMs.length,
    notify,
    added: notify.filter((name) => !before.has(name)),
    skipped: level - state.level - 1,
    nextAt: level < state.afterMs.length ? state.startedAt + state.afterMs[level]! : null,
  };
}

/** The state after a due level went out. */
export function escalated(state: EscalationState, due: Pick<DueEscalation, 'level'>): EscalationState {
  return { ...state, level: Math.max(state.level, due.level) };
}

/** The state after the alarm was acknowledged or cleared: nothing more is due. The first stop counts. */
export function stopEscalation(state: EscalationState, stop: { readonly at: number; readonly reason: string }): EscalationState {
  return state.stopped !== null ? state : { ...state, stopped: stop };
}

/** The notification of a due level: the alarm's subject marked `[ESCALATED level/of]`, kind alarm.escalated. */
export function escalationNotification(
  alarm: { readonly subject: string; readonly body: Readonly<Record<string, unknown>> },
  due: DueEscalation,
  escalation: { readonly escalationId: string; readonly rule: string; readonly startedAt: number },
): { readonly kind: 'alarm.escalated'; readonly subject: string; readonly body: Record<string, unknown> } {
  return {
    kind: 'alarm.escalated',
    subject: `[ESCALATED ${due.level}/${due.of}] ${alarm.subject}`,
    body: {
      ...alarm.body,
      // A receiver de-duplicating by event id must not drop the escalation as the alarm seen before.
      eventId: `${escalation.escalationId}:${due.level}`,
      alarmEventId: alarm.body['eventId'],
      escalation: { rule: escalation.rule, level: due.level, of: due.of, startedAt: new Date(escalation.startedAt).toISOString(), notified: due.notify, added: due.added },
    },
  };
}
