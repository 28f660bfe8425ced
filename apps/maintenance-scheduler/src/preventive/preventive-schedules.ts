import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { assetIdSchema, isoTimeSchema, parseContract, workOrderPrioritySchema } from '@twinline/contracts';
import { MaintenanceError, maintenanceErrorStatus, validateSchedule } from '@twinline/domain-maintenance';
import { WrongExpectedVersionError } from '@twinline/event-store';
import { DomainError } from '@twinline/service-kit';
import { scheduleIdSchema, type PreventiveScheduleRemovedData, type PreventiveScheduleSetData } from './preventive.events';
import type { PreventiveScheduleView, PreventiveStore } from './preventive.store';

/** PUT /v1/preventive-schedules/:scheduleId body: a calendar interval (everyDays) or a running-hours one (everyRunningHours). */
export const preventiveScheduleBodySchema = z
  .object({
    assetId: assetIdSchema,
    title: z.string({ error: 'title must be a string' }).trim().min(1, 'title must not be empty').max(200, 'title may be at most 200 characters'),
    everyDays: z.number({ error: 'everyDays must be a number of days' }).positive('everyDays must be > 0').optional(),
    everyRunningHours: z.number({ error: 'everyRunningHours must be a number of hours' }).positive('everyRunningHours must be > 0').optional(),
    /** When the first interval starts; default: now. */
    startAt: isoTimeSchema.optional(),
    priority: workOrderPrioritySchema.optional(),
  })
  .strict();
export type PreventiveScheduleBody = z.infer<typeof preventiveScheduleBodySchema>;

/** A domain rule the schedule breaks, as a 400 naming each field (validateSchedule says `<field>: <rule>; ...`). */
function invalidSchedule(error: MaintenanceError): DomainError {
  const errors = error.message.split('; ').map((problem) => {
    const colon = problem.indexOf(': ');
    return colon > 0 ? { field: problem.slice(0, colon), message: problem.slice(colon + 2) } : { field: '(body)', message: problem };
  });
  return new DomainError(error.code, `preventive schedule is invalid: ${error.message}`, maintenanceErrorStatus(error.code), { errors });
}

/** The path parameter, a 400 naming `scheduleId` when it is not an id. */
const parseScheduleId = (scheduleId: string) => parseContract(z.object({ scheduleId: scheduleIdSchema }), { scheduleId }, 'path').scheduleId;

const notFound = (scheduleId: string) => new DomainError('PREVENTIVE.NOT_FOUND', `no preventive schedule ${scheduleId}`, 404);

/** Attempts of a change when another one moved the schedule's stream on meanwhile. */
const ATTEMPTS = 3;

/**
 * The planner's commands on preventive schedules. Each change is an event on the schedule's stream
 * (`preventive-<scheduleId>`), attributed to the caller; setting a schedule to what it is already
 * records nothing.
 */
export class PreventiveSchedules {
  constructor(private readonly store: PreventiveStore) {}

  async set(scheduleId: string, body: unknown, actor: string, now: Date = new Date()): Promise<PreventiveScheduleView> {
    const id = parseScheduleId(scheduleId);
    const input = parseContract(preventiveScheduleBodySchema, body ?? {}, 'preventive schedule');
    const at = now.toISOString();
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get(id);
      if (current && current.assetId !== input.assetId) {
        throw new DomainError('PREVENTIVE.ASSET_CHANGE', `assetId: preventive schedule ${id} belongs to asset ${current.assetId}; a schedule cannot move to another asset (remove it and set one with another id)`, 409, {
          errors: [{ field: 'assetId', message: `must be ${current.assetId}, the asset of schedule ${id}` }],
        });
      }
      // A change that gives no start keeps the schedule's; a new schedule starts now.
      const startAt = input.startAt ?? current?.startAt ?? at;
      try {
        validateSchedule({
          scheduleId: id,
          assetId: input.assetId,
          title: input.title,
          startAt,
          ...(input.everyDays !== undefined ? { everyDays: input.everyDays } : {}),
          ...(input.everyRunningHours !== undefined ? { everyRunningHours: input.everyRunningHours } : {}),
          ...(input.priority !== undefined ? { priority: input.priority } : {}),
        });
      } catch (error) {
        if (error instanceof MaintenanceError) throw invalidSchedule(error);
        throw error;
      }
      if (current?.active && sameSchedule(current, input, startAt)) return current;
      if (current && current.lastOccurrence > 0 && input.everyDays !== undefined) {
        // Calendar occurrences are numbered from startAt in periods of everyDays, and a number opens once:
        // another grid would number the next periods with numbers already used, and open nothing for them.
        const field = current.everyDays === null ? 'everyDays' : current.everyDays !== input.everyDays ? 'everyDays' : Date.parse(current.startAt) !== Date.parse(startAt) ? 'startAt' : null;
        if (field !== null) {
          const message = `preventive schedule ${id} has opened ${current.lastOccurrence} occurrence(s) numbered from startAt ${current.startAt}${current.everyDays === null ? '' : ` every ${current.everyDays} days`}; its calendar (startAt, everyDays) cannot change: remove it and set a schedule with another id`;
          throw new DomainError('PREVENTIVE.CALENDAR_CHANGE', `${field}: ${message}`, 409, { errors: [{ field, message }] });
        }
      }
      const data: PreventiveScheduleSetData = {
        scheduleId: id,
        assetId: input.assetId,
        title: input.title,
        ...(input.everyDays !== undefined ? { everyDays: input.everyDays } : {}),
        ...(input.everyRunningHours !== undefined ? { everyRunningHours: input.everyRunningHours } : {}),
        startAt,
        ...(input.priority !== undefined ? { priority: input.priority } : {}),
        by: actor,
        at,
      };
      const correlationId = randomUUID();
      try {
        await this.store.setSchedule(current?.version ?? 0, { eventId: `preventive-set:${correlationId}`, type: 'PreventiveScheduleSet', schemaVersion: 1, occurredAt: at, data, metadata: { correlationId, causationId: null, actor } });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < ATTEMPTS) continue;
        if (error instanceof WrongExpectedVersionError) throw conflict(id);
        throw error;
      }
      return (await this.store.get(id))!;
    }
  }

  async remove(scheduleId: string, actor: string, now: Date = new Date()): Promise<PreventiveScheduleView> {
    const id = parseScheduleId(scheduleId);
    const at = now.toISOString();
    for (let attempt = 1; ; attempt++) {
      const current = await this.store.get(id);
      if (!current || !current.active) throw notFound(id);
      const data: PreventiveScheduleRemovedData = { scheduleId: id, assetId: current.assetId, by: actor, at };
      const correlationId = randomUUID();
      try {
        await this.store.removeSchedule(current.version, { eventId: `preventive-removed:${correlationId}`, type: 'PreventiveScheduleRemoved', schemaVersion: 1, occurredAt: at, data, metadata: { correlationId, causationId: null, actor } });
      } catch (error) {
        if (error instanceof WrongExpectedVersionError && attempt < ATTEMPTS) continue;
        if (error instanceof WrongExpectedVersionError) throw conflict(id);
        throw error;
      }
      return (await this.store.get(id))!;
    }
  }

  async get(scheduleId: string): Promise<PreventiveScheduleView> {
    const id = parseScheduleId(scheduleId);
    const found = await this.store.get(id);
    if (!found) throw notFound(id);
    return found;
  }

  list(filter: { assetId?: string; includeRemoved?: boolean }): Promise<PreventiveScheduleView[]> {
    return this.store.list(filter);
  }
}

const conflict = (scheduleId: string) => new DomainError('PREVENTIVE.CONFLICT', `preventive schedule ${scheduleId} was changed by another request meanwhile; read it and try again`, 409);

function sameSchedule(current: PreventiveScheduleView, input: PreventiveScheduleBody, startAt: string): boolean {
  return (
    current.title === input.title &&
    current.everyDays === (input.everyDays ?? null) &&
    current.everyRunningHours === (input.everyRunningHours ?? null) &&
    Date.parse(current.startAt) === Date.parse(startAt) &&
    current.priority === (input.priority ?? null)
  );
}
