import type { ConsumedAlarm, MaintenanceEvent } from '@twinline/contracts';
import type { MaintenanceCommand } from './maintenance.commands';
import { decide } from './maintenance.decide';
import { MaintenanceError } from './maintenance.errors';
import { evolve } from './maintenance.evolve';
import { initialMaintenanceState, type MaintenanceState } from './maintenance.state';

/** The command a work-order event was decided on, as the scheduler records it in the event's metadata. */
export interface RecordedCommand {
  readonly type: string;
  readonly data: unknown;
}

/** A stored work-order event as the audit reads it. */
export interface AuditedWorkOrderEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamVersion: number;
  readonly data: unknown;
  readonly metadata: {
    /** The deciding command (every command type), recorded since the work-order lifecycle. */
    readonly command?: RecordedCommand;
    /** The alarm decided on, recorded before commands were (read as HandleAlarm). */
    readonly alarm?: ConsumedAlarm;
    readonly rules?: { readonly version: string };
  };
}

export interface WorkOrderDivergence {
  /**
   * `unexpected`: nothing follows from the stored event's command (handled already, or rejected by
   * the rules); `different`: another event follows; `missing`: the rules decide an event more than
   * the stream holds for its last command (`stored` null).
   */
  readonly kind: 'unexpected' | 'different' | 'missing';
  readonly streamVersion: number;
  readonly eventId: string | null;
  /** The command re-decided (for events recorded with only an alarm: HandleAlarm of it). */
  readonly command: RecordedCommand;
  /** The alarm, when the command is HandleAlarm. */
  readonly alarm?: ConsumedAlarm;
  readonly stored: { readonly type: string; readonly data: unknown } | null;
  readonly derived: { readonly type: string; readonly data: unknown } | null;
  readonly differences: ReadonlyArray<{ readonly path: string; readonly stored: unknown; readonly derived: unknown }>;
  readonly rulesVersion: string | null;
  readonly message: string;
}

export type WorkOrderRederiveResult =
  | { readonly ok: true; readonly events: number; readonly checked: number; readonly unchecked: number; readonly rulesVersions: readonly string[] }
  | { readonly ok: false; readonly events: number; readonly divergence: WorkOrderDivergence; readonly rulesVersions: readonly string[] };

const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** JSON with object keys sorted: a store may hand data back with its keys in another order (jsonb). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    return `{${Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Fields v1 WorkOrderOpened events (decided before the lifecycle, without `type`) did not have: not compared for them. */
const V2_OPENED_FIELDS = ['type', 'dueAt'];

function differencesOf(stored: unknown, derived: unknown, ignore: readonly string[]): Array<{ path: string; stored: unknown; derived: unknown }> {
  const a = (stored ?? {}) as Record<string, unknown>;
  const b = (derived ?? {}) as Record<string, unknown>;
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter((k) => !ignore.includes(k))
    .sort()
    .filter((k) => canonical(a[k]) !== canonical(b[k]))
    .map((path) => ({ path, stored: a[path], derived: b[path] }));
}

/** The command behind a stored event: `metadata.command`, else HandleAlarm of `metadata.alarm`, else none. */
function commandOf(assetId: string, event: AuditedWorkOrderEvent): { command: RecordedCommand; legacy: boolean; alarm?: ConsumedAlarm } | null {
  const recorded = event.metadata.command;
  if (recorded) {
    const alarm = recorded.type === 'HandleAlarm' ? (recorded.data as ConsumedAlarm) : undefined;
    return { command: { type: recorded.type, data: { assetId, ...(recorded.data as object) } }, legacy: false, ...(alarm ? { alarm } : {}) };
  }
  const alarm = event.metadata.alarm;
  return alarm ? { command: { type: 'HandleAlarm', data: { assetId, ...alarm } }, legacy: true, alarm } : null;
}

const describe = (command: RecordedCommand): string => {
  const data = (command.data ?? {}) as Record<string, unknown>;
  const id = data['alarmId'] ?? data['predictionId'] ?? data['workOrderId'] ?? data['scheduleId'] ?? data['cause'];
  return `${command.type}${id !== undefined ? ` ${String(id)}` : ''}`;
};

/**
 * Re-runs the maintenance rules over the commands the scheduler decided on, as its own events record
 * them (`metadata.command`; events recorded with only `metadata.alarm` are HandleAlarm of it), in
 * stored order, and compares the derived events with the stored ones.
 *
 * One command may decide several events (an attachment and a priority raise; a completion and
 * MaintenanceCompleted): they are stored one after the other, each with the command, and compared in
 * order. The first stored event that does not follow is the divergence: `unexpected` when its command
 * decides nothing (handled already) or is rejected, `different` when another event follows, `missing`
 * when the stream ends before an event the last command decides.
 *
 * Events recorded with only an alarm were decided by the v1 rules, one event per alarm: a priority
 * raise the current rules add after an attachment is not looked for, and the fields v1 opened orders
 * lacked (`type`, `dueAt`) are not compared. An event without a recorded command or alarm cannot be
 * re-derived: it is folded as stored and counted as unchecked. State always folds the stored events.
 */
export function rederiveWorkOrders(assetId: string, events: readonly AuditedWorkOrderEvent[]): WorkOrderRederiveResult {
  let state: MaintenanceState = initialMaintenanceState;
  let checked = 0;
  let unchecked = 0;
  const versions = new Set<string>();
  /** Events the current command decided that the stream has not shown yet. */
  let pending: { command: RecordedCommand; key: string; legacy: boolean; alarm?: ConsumedAlarm; events: MaintenanceEvent[]; rulesVersion: string | null; last: AuditedWorkOrderEvent } | null = null;
  const fail = (divergence: WorkOrderDivergence): WorkOrderRederiveResult => ({ ok: false, events: events.length, rulesVersions: [...versions], divergence });
  /** The command before has decided more than the stream holds (v1 alarms excepted): `missing`. */
  const missing = (): WorkOrderRederiveResult | null => {
    if (!pending || pending.events.length === 0 || pending.legacy) return null;
    const next = pending.events[0]!;
    return fail({
      kind: 'missing',
      streamVersion: pending.last.streamVersion + 1,
      eventId: null,
      command: pending.command,
      ...(pending.alarm ? { alarm: pending.alarm } : {}),
      stored: null,
      derived: { type: next.type, data: plain(next.data) },
      differences: [],
      rulesVersion: pending.rulesVersion,
      message: `after version ${pending.last.streamVersion}: ${describe(pending.command)} also decides ${next.type}, which the stream does not hold`,
    });
  };

  for (const event of events) {
    const rulesVersion = event.metadata.rules?.version ?? null;
    if (rulesVersion) versions.add(rulesVersion);
    const source = commandOf(assetId, event);
    const key = source ? canonical(source.command) : null;
    if (pending && (key === null || key !== pending.key || pending.events.length === 0)) {
      const gap = missing();
      if (gap) return gap;
      pending = null;
    }
    if (!source || key === null) {
      state = evolve(state, { type: event.type, data: event.data } as MaintenanceEvent);
      unchecked += 1;
      continue;
    }
    const stored = { type: event.type, data: plain(event.data) };
    const at = { streamVersion: event.streamVersion, eventId: event.eventId, command: source.command, ...(source.alarm ? { alarm: source.alarm } : {}), stored, rulesVersion };
    if (!pending) {
      let derived: MaintenanceEvent[];
      try {
        derived = decide(source.command as MaintenanceCommand, state);
      } catch (error) {
        if (!(error instanceof MaintenanceError)) throw error;
        return fail({ ...at, kind: 'unexpected', derived: null, differences: [], message: `version ${event.streamVersion}: ${event.type} for ${describe(source.command)}, which the rules reject: ${error.code} ${error.message}` });
      }
      if (derived.length === 0) {
        return fail({ ...at, kind: 'unexpected', derived: null, differences: [], message: `version ${event.streamVersion}: ${event.type} for ${describe(source.command)}, which the rules had handled already: nothing follows from it` });
      }
      pending = { command: source.command, key, legacy: source.legacy, ...(source.alarm ? { alarm: source.alarm } : {}), events: derived, rulesVersion, last: event };
    }
    const next = pending.events.shift()!;
    pending.last = event;
    const mine = { type: next.type, data: plain(next.data) };
    const v1Opened = event.type === 'WorkOrderOpened' && (stored.data as Record<string, unknown> | null)?.['type'] === undefined;
    const differences = next.type === event.type ? differencesOf(stored.data, mine.data, v1Opened ? V2_OPENED_FIELDS : []) : [{ path: 'type', stored: event.type, derived: next.type }];
    if (differences.length) {
      return fail({ ...at, kind: 'different', derived: mine, differences, message: `version ${event.streamVersion}: stored ${event.type} for ${describe(source.command)} differs from the derived ${next.type} in ${differences.map((d) => d.path).join(', ')}` });
    }
    state = evolve(state, { type: event.type, data: event.data } as MaintenanceEvent);
    checked += 1;
  }
  const gap = missing();
  if (gap) return gap;
  return { ok: true, events: events.length, checked, unchecked, rulesVersions: [...versions] };
}
