import { eventStoreMigrations } from '@twinline/event-store';
import { PREVENTIVE_MIGRATIONS } from './preventive/migrations';
import { RELIABILITY_MIGRATIONS } from './reliability/migrations';
import { WORK_ORDERS_MIGRATIONS } from './work-orders/migrations';

/** Every migration of the scheduler's schema, in order: the event store, then its read models and the preventive schedules. */
export const SCHEDULER_MIGRATIONS = [...eventStoreMigrations, ...WORK_ORDERS_MIGRATIONS, ...RELIABILITY_MIGRATIONS, ...PREVENTIVE_MIGRATIONS];
