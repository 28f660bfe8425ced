import type { WorkOrderPriority } from '@twinline/contracts';
import { occurrenceKey, preventiveDue, type PreventiveSchedule } from '@twinline/domain-maintenance';
import { DuplicateEventError, WrongExpectedVersionError } from '@twinline/event-store';
import { handleCommands, type CommandDeps, type CommandEnvelope } from '../commands/work-order-commands';
import { workOrderStreamId } from '../streams';
import type { PreventiveScheduleView, PreventiveStore } from './preventive.store';

/** Who opens preventive orders (metadata.actor of their events). */
export const PREVENTIVE_ACTOR = 'service:maintenance-scheduler';

export interface OpenDuePreventiveDeps extends CommandDeps {
  readonly schedules: PreventiveStore;
  readonly actor?: string;
  readonly onError?: (error: unknown, scheduleId: string) => void;
}

export interface OpenDuePreventiveResult {
  /** Occurrences whose work order this run opened. */
  readonly opened: number;
  /** Occurrences that were found opened already (a run before ended before it recorded them). */
  readonly found: number;
  /** Due occurrences not opened because the schedule's previous order is still open (opened once it is closed). */
  readonly held: number;
  /** Schedules that failed (told to onError; tried again next run). */
  readonly failed: number;
}

export function scheduleOf(view: PreventiveScheduleView): PreventiveSchedule {
  return {
    scheduleId: view.scheduleId,
    assetId: view.assetId,
    title: view.title,
    startAt: view.startAt,
    ...(view.priority !== null ? { priority: view.priority } : {}),
    ...(view.everyDays !== null ? { everyDays: view.everyDays } : {}),
    ...(view.everyRunningHours !== null ? { everyRunningHours: view.everyRunningHours } : {}),
  };
}

/** The command of one occurrence: event ids `preventive:<scheduleId>:<occurrence>:<type>`, whoever decides it and however often. */
export function openPreventiveEnvelope(view: PreventiveScheduleView, due: { occurrence: number; dueAt: string }, at: string, actor: string): CommandEnvelope {
  const idBase = `preventive:${view.scheduleId}:${due.occurrence}`;
  const priority: WorkOrderPriority | undefined = view.priority ?? undefined;
  return {
    command: { type: 'OpenPreventive', data: { assetId: view.assetId, scheduleId: view.scheduleId, occurrence: due.occurrence, title: view.title, dueAt: due.dueAt, at, ...(priority ? { priority } : {}) } },
    idBase,
    correlationId: idBase,
    causationId: view.setEventId,
    actor,
    occurredAt: at,
  };
}

/**
 * One run of the preventive timer: every active schedule is evaluated by the domain's
 * preventiveDue with its asset's running hours and its last occurrence; a due occurrence is decided
 * as OpenPreventive on the asset's work orders. Exactly once per (schedule, occurrence): the event
 * ids derive from both, and the work orders remember the occurrences they opened, so a run that
 * repeats one (two runs at once, a crash before the occurrence was recorded) appends nothing.
 */
export async function openDuePreventive(deps: OpenDuePreventiveDeps, now: Date = new Date()): Promise<OpenDuePreventiveResult> {
  const at = now.toISOString();
  const actor = deps.actor ?? PREVENTIVE_ACTOR;
  const schedules = await deps.schedules.list();
  const hours = await deps.schedules.runningHours([...new Set(schedules.map((s) => s.assetId))]);
  let opened = 0;
  let found = 0;
  let failed = 0;
  let held = 0;
  for (const view of schedules) {
    const schedule = scheduleOf(view);
    const runningHours = hours.get(view.assetId) ?? null;
    try {
      const due = preventiveDue(schedule, { now: at, runningHours, lastOccurrence: view.lastOccurrence, lastOccurrenceAt: view.lastOccurrenceAt, lastOccurrenceRunningHours: view.lastOccurrenceRunningHours });
      if (due === null || due.occurrence <= view.lastOccurrence) continue;
      let appended = 0;
      let isOpen: boolean;
      try {
        const result = await handleCommands([openPreventiveEnvelope(view, due, at, actor)], deps);
        appended = result.appended;
        // Decided to nothing: opened before (seen), or held back while the schedule's last order is still open.
        isOpen = result.states.get(workOrderStreamId(view.assetId))?.seenOccurrences[occurrenceKey(view.scheduleId, due.occurrence)] === true;
      } catch (error) {
        // Stored already under the same ids: that occurrence is open, only its record was missing.
        if (!(error instanceof DuplicateEventError)) throw error;
        isOpen = true;
      }
      if (!isOpen) {
        held++;
        continue;
      }
      if (appended > 0) opened++;
      else found++;
      // The next running-hours occurrence counts from the hours when this one opened.
      await deps.schedules.recordOccurrence({ scheduleId: view.scheduleId, occurrence: due.occurrence, at, dueAt: due.dueAt, runningHours: runningHours ?? 0 });
    } catch (error) {
      failed++;
      // A version conflict (an alarm decided on the same asset meanwhile) is tried again next run.
      if (!(error instanceof WrongExpectedVersionError)) deps.onError?.(error, view.scheduleId);
    }
  }
  return { opened, found, held, failed };
}
