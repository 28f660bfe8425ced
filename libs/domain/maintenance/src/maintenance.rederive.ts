import type { ConsumedAlarm, MaintenanceEvent } from '@twinline/contracts';
import { decide } from './maintenance.decide';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState, type MaintenanceState } from './maintenance.state';

/** A stored work-order event as the audit reads it. */
export interface AuditedWorkOrderEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamVersion: number;
  readonly data: unknown;
  readonly metadata: { readonly alarm?: ConsumedAlarm; readonly rules?: { readonly version: string } };
}

export interface WorkOrderDivergence {
  /** `unexpected`: the stored event does not follow from its alarm; `different`: another event follows. */
  readonly kind: 'unexpected' | 'different';
  readonly streamVersion: number;
  readonly eventId: string;
  readonly alarm: ConsumedAlarm;
  readonly stored: { readonly type: string; readonly data: unknown };
  readonly derived: { readonly type: string; readonly data: unknown } | null;
  readonly differences: ReadonlyArray<{ readonly path: string; readonly stored: unknown; readonly derived: unknown }>;
  readonly rulesVersion: string | null;
  readonly message: string;
}

export type WorkOrderRederiveResult =
  | { readonly ok: true; readonly events: number; readonly checked: number; readonly unchecked: number; readonly rulesVersions: readonly string[] }
  | { readonly ok: false; readonly events: number; readonly divergence: WorkOrderDivergence; readonly rulesVersions: readonly string[] };

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

function differencesOf(stored: unknown, derived: unknown): Array<{ path: string; stored: unknown; derived: unknown }> {
  const a = (stored ?? {}) as Record<string, unknown>;
  const b = (derived ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort()
    .filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((path) => ({ path, stored: a[path], derived: b[path] }));
}

/**
 * Re-runs the maintenance rules over the alarms the scheduler consumed, as its own events record
 * them (`metadata.alarm`), in stored order, and compares each derived event with the stored one.
 * Every stored work-order event is the decision on one alarm; an event without a recorded alarm
 * (written before alarms were recorded) cannot be re-derived: it is folded as stored and counted as
 * unchecked.
 */
export function rederiveWorkOrders(assetId: string, events: readonly AuditedWorkOrderEvent[]): WorkOrderRederiveResult {
  let state: MaintenanceState = initialMaintenanceState;
  let checked = 0;
  let unchecked = 0;
  const versions = new Set<string>();
  for (const event of events) {
    const rulesVersion = event.metadata.rules?.version ?? null;
    if (rulesVersion) versions.add(rulesVersion);
    const alarm = event.metadata.alarm;
    if (!alarm) {
      state = evolve(state, { type: event.type, data: event.data } as MaintenanceEvent);
      unchecked += 1;
      continue;
    }
    const derived = decide({ type: 'HandleAlarm', data: { assetId, ...alarm } }, state);
    const stored = { type: event.type, data: plain(event.data) };
    const first = derived[0];
    const at = { streamVersion: event.streamVersion, eventId: event.eventId, alarm, stored, rulesVersion };
    if (first === undefined) {
      return { ok: false, events: events.length, rulesVersions: [...versions], divergence: { ...at, kind: 'unexpected', derived: null, differences: [], message: `version ${event.streamVersion}: ${event.type} for alarm ${alarm.alarmId}, which the rules had handled already: nothing follows from it` } };
    }
    const mine = { type: first.type, data: plain(first.data) };
    const differences = first.type === event.type ? differencesOf(stored.data, mine.data) : [{ path: 'type', stored: event.type, derived: first.type }];
    if (differences.length) {
      return {
        ok: false,
        events: events.length,
        rulesVersions: [...versions],
        divergence: { ...at, kind: 'different', derived: mine, differences, message: `version ${event.streamVersion}: stored ${event.type} for alarm ${alarm.alarmId} differs from the derived ${first.type} in ${differences.map((d) => d.path).join(', ')}` },
      };
    }
    state = derived.reduce(evolve, state);
    checked += 1;
  }
  return { ok: true, events: events.length, checked, unchecked, rulesVersions: [...versions] };
}
