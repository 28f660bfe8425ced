import { randomUUID } from 'node:crypto';
import type { RulesMetadata } from '@twinline/contracts';
import { alarmPolicyOf, NO_DATA } from '@twinline/domain-twin';
import type { EventStore } from '@twinline/event-store';
import { metrics, type Logger } from '@twinline/observability';
import type { TwinRepository } from '../apply-readings/twin-repository';
import { countAlarms } from '../apply-readings/alarms.metrics';
import type { AssetProfiles } from '../asset-profiles';
import type { TwinViewProjection } from '../twin-view/twin-view.projection';
import { runTwinCommand } from './twin-command';

const checks = metrics.counter('twinline_alarm_checks_total', 'CheckAlarms commands the alarm timer sent (twins that may have a shelve expiring, an alarm to re-announce or stale data).');
const checkEvents = metrics.counter('twinline_alarm_check_events_total', 'Events the alarm timer appended (shelves expired, re-announcements, no-data alarms).');
const checkErrors = metrics.counter('twinline_alarm_check_errors_total', 'Alarm timer failures (a twin whose check failed, or a round that could not list its twins); the timer goes on.');
checks.inc(0);
checkEvents.inc(0);
checkErrors.inc(0);

export interface AlarmTimerDeps {
  readonly view: Pick<TwinViewProjection, 'alarmCheckCandidates'>;
  readonly store: EventStore;
  readonly twins: TwinRepository;
  readonly profiles: Pick<AssetProfiles, 'of' | 'all'>;
  readonly rulesOf?: (assetId: string) => RulesMetadata;
  readonly intervalMs: number;
  /** Twins per page of candidates (default 200). */
  readonly batch?: number;
  readonly log: Logger;
  /** After a round that appended events (wake the projection and the outbox). */
  readonly onEvents?: () => void;
  readonly clock?: () => Date;
}

/** The shortest positive value of a policy field across the profiles, in seconds (undefined: none set it). */
function shortest(values: readonly number[]): number | undefined {
  const positive = values.filter((v) => v > 0);
  return positive.length ? Math.min(...positive) : undefined;
}

/**
 * The alarm timer (ISA-18.2 needs time to pass without readings): every ALARM_CHECK_INTERVAL_MS it
 * asks the twin view which twins may need it (a shelve expiring, an unacknowledged alarm due for
 * re-announcement, data older than the shortest staleAfterSeconds without a NO_DATA alarm), in pages,
 * and sends each CheckAlarms with the wall-clock time and the asset's profile; the pure twin decides
 * (nothing when nothing is due). Nothing escapes the loop: a failing twin is logged and counted
 * (twinline_alarm_check_errors_total) and the round goes on; a failing round is retried next time.
 */
export class AlarmTimer {
  private stopped = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: AlarmTimerDeps) {}

  start(): void {
    if (this.loop) return;
    this.stopped = false;
    this.loop = (async () => {
      while (!this.stopped) {
        await this.tick().catch((error: unknown) => {
          checkErrors.inc();
          this.deps.log.warn('alarm timer round failed; retrying at the next', { error });
        });
        if (this.stopped) break;
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          this.timer = setTimeout(resolve, this.deps.intervalMs);
        });
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** One round: every candidate twin checked once. Returns the twins checked, the events appended and the failures. */
  async tick(): Promise<{ checked: number; events: number; errors: number }> {
    const now = (this.deps.clock ?? (() => new Date()))();
    const at = now.toISOString();
    const policies = this.deps.profiles.all().map(alarmPolicyOf);
    const stale = shortest(policies.map((p) => p.staleAfterSeconds));
    const reAlarm = shortest(policies.map((p) => p.reAlarmAfterSeconds));
    const before = (seconds: number | undefined) => (seconds === undefined ? undefined : new Date(now.getTime() - seconds * 1000).toISOString());
    const batch = this.deps.batch ?? 200;
    const correlationId = randomUUID();
    let after = '';
    const totals = { checked: 0, events: 0, errors: 0 };
    for (;;) {
      const ids = await this.deps.view.alarmCheckCandidates({ staleBefore: before(stale), staleCause: NO_DATA, reAlarmBefore: before(reAlarm), shelvesUntil: at, after, limit: batch });
      for (const assetId of ids) {
        if (this.stopped) return totals;
        try {
          const rules = this.deps.rulesOf?.(assetId);
          const result = await runTwinCommand(
            { type: 'CheckAlarms', data: { assetId, at, profile: this.deps.profiles.of(assetId) } },
            { store: this.deps.store, twins: this.deps.twins },
            { correlationId, actor: 'service:twin-state', ...(rules ? { rules } : {}) },
            (event, index) => `${assetId}:check:${at}:${index}:${event.type}`,
          );
          totals.checked++;
          checks.inc();
          if (result.events.length) {
            totals.events += result.events.length;
            checkEvents.inc(result.events.length);
            countAlarms([{ events: result.events }]);
          }
        } catch (error) {
          totals.errors++;
          checkErrors.inc();
          this.deps.log.warn('alarm check failed; the twin is checked again at the next round', { assetId, error });
        }
      }
      if (ids.length < batch) break;
      after = ids[ids.length - 1]!;
    }
    if (totals.events > 0) this.deps.onEvents?.();
    return totals;
  }
}
