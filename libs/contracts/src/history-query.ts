import { z } from 'zod';
import { isoTimeSchema } from './reading';

/** `?at=` (source time) or `?version=` (stream version): the state as of then (time travel). */
export const timeTravelQuerySchema = z.object({
  at: isoTimeSchema.optional(),
  version: z.coerce.number().int('version must be an integer').min(0, 'version must be >= 0').optional(),
});

/** A page of a stream's history: from a version, at most `limit`, of one type, between two source times (inclusive). */
export function historyQuerySchema(exampleType: string) {
  return z.object({
    fromVersion: z.coerce.number().int('fromVersion must be an integer').min(1, 'fromVersion must be >= 1').default(1),
    limit: z.coerce.number().int('limit must be an integer').min(1, 'limit must be >= 1').max(1000, 'limit must be <= 1000').default(100),
    type: z.string().regex(/^[A-Za-z]+$/, `type must be an event type such as ${exampleType}`).optional(),
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
  });
}

/** How many stored events one history request reads at most while filtering (then it answers with where to go on). */
export const HISTORY_SCAN_MAX = 10_000;
