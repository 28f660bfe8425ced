import type { AppliedReading, QuarantinedReading, TrustedReading, TwinEvent } from '@twinline/contracts';
import { DEFAULT_QUARANTINE_POLICY, type QuarantinedItemInput, type QuarantinePolicy, type TwinCommand } from './twin.commands';
import { TwinError } from './twin.errors';
import { decide } from './twin.decide';
import { occurredAtOf } from './twin.at';
import { evolve } from './twin.evolve';
import { assetClassOf, DEFAULT_PROFILES, mergeProfile, profileForAsset, type AssetProfileOverrides, type ThresholdProfile, type ThresholdProfiles } from './twin.profiles';
import { initialTwinState, timeMs, type TwinState } from './twin.state';

/**
 * Re-derivation audit of a twin: the stored readings of an asset (applied and quarantined, in
 * stored order) are run again through the same pure `decide`, with the rules recorded as in force
 * for each of them, and every derived event is compared with the stored one at the same place.
 * An honest history derives exactly what is stored; an edited one (a decision deleted, inserted or
 * changed, even with its hash chain recomputed) diverges at the first edited event.
 * Alarm acknowledgements and maintenance are decided from commands (an operator, the scheduler),
 * not from readings: each stored one stands for its command, decided again at its place in the
 * stream, so it must still follow there (the alarm active and not yet acknowledged; a work order
 * recorded once) but is no divergence by itself. The same holds for the operators' alarm commands
 * (AlarmShelved, AlarmUnshelved by an operator, AlarmRemovedFromService, AlarmReturnedToService).
 * Events of the alarm timer (CheckAlarms: shelve expiry, re-alarm, stale data, off-delays ended
 * without a reading) have no recorded input: a stored decision that nothing derived before the next
 * recorded input is taken as the timer's, and CheckAlarms is decided again at its time (with the
 * rules in force); it must derive exactly the stored events there.
 */

/** The rules twin-state decides by. */
export interface TwinRules {
  readonly profiles: ThresholdProfiles;
  readonly assetClasses: Readonly<Record<string, string>>;
  readonly policy: QuarantinePolicy;
  /** Per-asset profile overrides (TWIN_ASSET_PROFILES), when any were recorded. */
  readonly assetProfiles?: AssetProfileOverrides;
}

/** The profile an asset was decided by under `rules`: its class profile with its own override, if any. */
export function profileOfRules(rules: TwinRules, assetId: string): ThresholdProfile {
  return profileForAsset(assetId, assetClassOf(rules.assetClasses, assetId), rules.profiles, rules.assetProfiles ?? {});
}

/**
 * The profile a stored event was decided by: the one its metadata names (`metadata.rules.profile`)
 * when the rules hold a profile of that name (twin-state takes an asset's class from the asset
 * directory too, which the rules do not record, so the name is what tells), or, for an overridden
 * asset, `<profile>@<assetId>` with the override recorded for that asset. An operator's command
 * records no rules: `inherited` is then the profile the stream's last decision named. When neither
 * names a profile (older events) the profile of the rules' own class mapping (profileOfRules); when
 * the event names one the rules do not hold, the same, with a warning (an inherited name the rules
 * in force do not hold falls back without one).
 */
export function profileOfEvent(event: AuditedEvent, rules: RecordedRules, assetId: string, warnings: string[] = [], inherited?: string): ThresholdProfile {
  const named = event.metadata.rules?.profile ?? inherited;
  const fallback = profileOfRules(rules.rules, assetId);
  if (named === undefined || named === fallback.name) return fallback;
  const byName = (name: string) => Object.values(rules.rules.profiles).find((p) => p.name === name);
  const suffix = `@${assetId}`;
  const overrides = rules.rules.assetProfiles ?? {};
  if (named.endsWith(suffix) && Object.hasOwn(overrides, assetId)) {
    const base = byName(named.slice(0, -suffix.length));
    if (base) return mergeProfile(base, overrides[assetId]!, named);
  } else {
    const own = byName(named);
    if (own) return own;
  }
  // An inherited name the rules in force do not hold (they changed since): the rules' own mapping, silently.
  if (event.metadata.rules?.profile === undefined) return fallback;
  // One warning per unknown name and rules version (the first event naming it), not one per event.
  const unknown = `names profile ${named}, which rules ${rules.version} do not hold`;
  if (!warnings.some((w) => w.includes(unknown))) warnings.push(`event ${event.eventId} (version ${event.streamVersion}) ${unknown}: re-derived with profile ${fallback.name} (so are later events naming it)`);
  return fallback;
}

/** A recorded rule configuration (a `RulesConfigured` event): its version, where it was recorded, the rules. */
export interface RecordedRules {
  readonly version: string;
  /** Global position of the `RulesConfigured` event (decimal string): it applies to events after it. */
  readonly position: string;
  readonly rules: TwinRules;
  /** Short sha256 of each profile by asset class, if recorded. */
  readonly profileVersions?: Readonly<Record<string, string>>;
}

/** A stored event as the audit reads it. */
export interface AuditedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamVersion: number;
  readonly position: string;
  readonly data: unknown;
  readonly metadata: {
    readonly causationId?: string | null;
    readonly rules?: { readonly version: string; readonly profile?: string; readonly profileVersion?: string };
    readonly commandAt?: string;
  };
}

/** The version named when no recorded configuration applies: the built-in rules. */
export const DEFAULT_RULES_VERSION = 'built-in';

export const DEFAULT_TWIN_RULES: TwinRules = Object.freeze({ profiles: DEFAULT_PROFILES, assetClasses: Object.freeze({}), policy: DEFAULT_QUARANTINE_POLICY });

export type DivergenceKind = 'missing' | 'unexpected' | 'different';

export interface Difference {
  readonly path: string;
  readonly stored: unknown;
  readonly derived: unknown;
}

/** One event (a decision, or one reading of a ReadingsApplied/ReadingsQuarantined event). */
export interface AuditItem {
  readonly type: string;
  readonly data: unknown;
}

export interface Divergence {
  /**
   * - `missing`: the rules derive a decision the stored history lacks (e.g. a deleted AlarmCleared);
   * - `unexpected`: the stored history holds a decision the rules do not derive (e.g. an inserted alarm);
   * - `different`: both hold an event here, but not the same.
   */
  readonly kind: DivergenceKind;
  /** The stored event at the divergence (null when the stored history ended first). */
  readonly streamVersion: number | null;
  readonly eventId: string | null;
  /** The stored and the derived event at that place (a reading of a segment stands for itself). */
  readonly stored: AuditItem | null;
  readonly derived: AuditItem | null;
  readonly differences: readonly Difference[];
  /** The rules the derivation used at that place. */
  readonly rulesVersion: string;
  readonly profile: string;
  readonly message: string;
}

export interface RulesUse {
  readonly version: string;
  readonly events: number;
}

/**
 * `readings`: applied and quarantined readings run again; `decisions`: events the rules derived from
 * them; `commands`: acknowledgements and maintenance decided again from their recorded commands.
 */
export type RederiveResult =
  | {
      readonly ok: true;
      readonly events: number;
      readonly readings: number;
      readonly decisions: number;
      readonly commands: number;
      readonly rules: readonly RulesUse[];
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly events: number; readonly divergence: Divergence; readonly rules: readonly RulesUse[]; readonly warnings: readonly string[] };

interface Item extends AuditItem {
  readonly event: AuditedEvent | null;
}

const INPUT_TYPES = new Set(['ReadingsApplied', 'ReadingsQuarantined']);
/** Events decided from a command, not from readings: each is audited by deciding its own command again at its place. */
const COMMAND_TYPES = new Set(['AlarmAcknowledged', 'MaintenanceCompleted', 'AlarmShelved', 'AlarmUnshelved', 'AlarmRemovedFromService', 'AlarmReturnedToService']);
/** Whether a stored event stands for a command (an AlarmUnshelved only when an operator lifted the shelve; an expiry is the timer's). */
function isCommandEvent(type: string, data: unknown): boolean {
  if (type === 'AlarmUnshelved') return (data as { reason?: string }).reason === 'OPERATOR';
  return COMMAND_TYPES.has(type);
}
/** What the stored history records as given (readings, commands); everything else the rules derive. */
function isRecorded(type: string, data: unknown): boolean {
  return INPUT_TYPES.has(type) || isCommandEvent(type, data);
}
const TWIN_EVENT_TYPES = new Set([
  'ReadingsApplied',
  'TwinStatusChanged',
  'AlarmRaised',
  'AlarmCleared',
  'ReadingsQuarantined',
  'SensorFaultDetected',
  'SensorFaultCleared',
  'SecurityViolationDetected',
  'AlarmAcknowledged',
  'MaintenanceCompleted',
  'AlarmSeverityChanged',
  'AlarmConditionChanged',
  'AlarmShelved',
  'AlarmUnshelved',
  'AlarmRemovedFromService',
  'AlarmReturnedToService',
  'AlarmReannounced',
  'FailurePredicted',
  'FailurePredictionWithdrawn',
  'RulEstimated',
  'AnomalyDetected',
  'AnomalyCleared',
  'PredictionConfigured',
]);

/** Events as items: one per reading of a ReadingsApplied/ReadingsQuarantined event, one per other event. */
function itemsOf(type: string, data: unknown, event: AuditedEvent | null): Item[] {
  if (type === 'ReadingsApplied' || type === 'ReadingsQuarantined') {
    const { assetId, readings } = data as { assetId: string; readings: unknown[] };
    return readings.map((reading) => ({ type, data: { assetId, reading }, event }));
  }
  return [{ type, data, event }];
}

/** The value as it comes back from JSON (and jsonb): `undefined` members gone. */
function plain(value: unknown): unknown {
  return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as unknown);
}

/** Where two JSON values differ (leaf paths, at most 20). */
function differencesOf(stored: unknown, derived: unknown, path = '', out: Difference[] = []): Difference[] {
  if (out.length >= 20) return out;
  const bothObjects = typeof stored === 'object' && stored !== null && typeof derived === 'object' && derived !== null && Array.isArray(stored) === Array.isArray(derived);
  if (!bothObjects) {
    if (JSON.stringify(stored) !== JSON.stringify(derived)) out.push({ path: path || '(root)', stored, derived });
    return out;
  }
  const a = stored as Record<string, unknown>;
  const b = derived as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) differencesOf(a[key], b[key], path ? `${path}.${key}` : key, out);
  return out;
}

function describe(item: AuditItem): string {
  const d = item.data as { reading?: { readingId?: string }; alarmId?: string; readingId?: string; to?: string; by?: string; workOrderId?: string };
  if (item.type === 'AlarmAcknowledged') return `AlarmAcknowledged ${d.alarmId ?? '?'} by ${d.by ?? '?'}`;
  if (item.type === 'MaintenanceCompleted') return `MaintenanceCompleted of work order ${d.workOrderId ?? '?'}`;
  if (item.type === 'ReadingsApplied' || item.type === 'ReadingsQuarantined') return `${item.type} of reading ${d.reading?.readingId ?? '?'}`;
  if (item.type === 'AlarmRaised' || item.type === 'AlarmCleared') return `${item.type} ${d.alarmId ?? ''} (reading ${d.readingId ?? '?'})`.replace('  ', ' ');
  if (item.type === 'TwinStatusChanged') return `TwinStatusChanged to ${d.to ?? '?'} (reading ${d.readingId ?? '?'})`;
  return `${item.type}${d.readingId ? ` (reading ${d.readingId})` : ''}`;
}

/** The rule configuration in force for an event: the one its metadata names, else the last recorded before it, else the built-in one. */
export function rulesInForce(event: AuditedEvent, recorded: readonly RecordedRules[], warnings: string[] = []): RecordedRules {
  const named = event.metadata.rules?.version;
  const byPosition = [...recorded].filter((r) => BigInt(r.position) < BigInt(event.position)).sort((x, y) => (BigInt(x.position) < BigInt(y.position) ? -1 : 1)).pop();
  if (named !== undefined) {
    const found = recorded.find((r) => r.version === named);
    if (found) {
      if (byPosition && byPosition.version !== found.version) warnings.push(`event ${event.eventId} (version ${event.streamVersion}) was decided by rules ${found.version}, but rules ${byPosition.version} were recorded as in force before it`);
      return found;
    }
    if (named !== DEFAULT_RULES_VERSION) warnings.push(`event ${event.eventId} names rules ${named}, which no RulesConfigured event records: re-derived with the rules in force by position`);
  }
  return byPosition ?? { version: DEFAULT_RULES_VERSION, position: '0', rules: DEFAULT_TWIN_RULES };
}

interface PlannedCommand {
  readonly command: TwinCommand;
  readonly rules: RecordedRules;
  readonly profile: ThresholdProfile;
  /** The stored event a recorded command (acknowledgement, maintenance) was read from; absent for readings. */
  readonly recorded?: AuditedEvent;
}

/** The command a stored acknowledgement, maintenance or alarm-command event records (its data is the whole command, with the profile in force). */
function recordedCommandOf(event: AuditedEvent, profile: ThresholdProfile): TwinCommand {
  if (event.type === 'AlarmShelved') {
    const d = event.data as { assetId: string; alarmId: string; by: string; at: string; until: string; reason: string };
    return { type: 'ShelveAlarm', data: { assetId: d.assetId, alarmId: d.alarmId, by: d.by, at: d.at, until: d.until, reason: d.reason, profile } };
  }
  if (event.type === 'AlarmUnshelved') {
    const d = event.data as { assetId: string; alarmId: string; by?: string; at: string };
    return { type: 'UnshelveAlarm', data: { assetId: d.assetId, alarmId: d.alarmId, by: d.by ?? '', at: d.at } };
  }
  if (event.type === 'AlarmRemovedFromService') {
    const d = event.data as { assetId: string; cause: string; by: string; at: string; reason: string };
    return { type: 'RemoveAlarmFromService', data: { assetId: d.assetId, cause: d.cause, by: d.by, at: d.at, reason: d.reason } };
  }
  if (event.type === 'AlarmReturnedToService') {
    const d = event.data as { assetId: string; cause: string; by: string; at: string };
    return { type: 'ReturnAlarmToService', data: { assetId: d.assetId, cause: d.cause, by: d.by, at: d.at } };
  }
  if (event.type === 'AlarmAcknowledged') {
    const d = event.data as { assetId: string; alarmId: string; by: string; at: string; note?: string };
    return { type: 'AcknowledgeAlarm', data: { assetId: d.assetId, alarmId: d.alarmId, by: d.by, at: d.at, ...(d.note !== undefined ? { note: d.note } : {}) } };
  }
  const d = event.data as Extract<TwinCommand, { type: 'RecordMaintenance' }>['data'];
  return { type: 'RecordMaintenance', data: { assetId: d.assetId, workOrderId: d.workOrderId, type: d.type, cause: d.cause, completedAt: d.completedAt, failure: d.failure, resets: d.resets } };
}

function trustedOf(assetId: string, r: AppliedReading): TrustedReading {
  return { readingId: r.readingId, deviceId: r.deviceId, assetId, seq: r.seq, ts: r.ts, receivedAt: r.receivedAt as string, metrics: r.metrics, ...(r.release ? { release: r.release } : {}) };
}

function itemOf(r: QuarantinedReading): QuarantinedItemInput {
  return { readingId: r.readingId, deviceId: r.deviceId, receivedAt: r.receivedAt, reasons: r.rules.map((rule) => ({ rule })) };
}

/**
 * The commands behind a stored stream: each applied reading is one ApplyReadings (the twin judges
 * readings one by one, so how they were batched does not change a decision), and the quarantined
 * readings of one message (one causation id, no applied reading between them) one RecordQuarantine
 * at the message's receipt time (`metadata.commandAt`; else the latest receipt time of its readings).
 * A stored acknowledgement or maintenance event is the command it records.
 */
function commandsOf(assetId: string, events: readonly AuditedEvent[], recorded: readonly RecordedRules[], warnings: string[]): PlannedCommand[] {
  const planned: PlannedCommand[] = [];
  let open: { causationId: string | null | undefined; items: QuarantinedItemInput[]; at: string; rules: RecordedRules; profile: ThresholdProfile } | null = null;
  const closeQuarantine = () => {
    if (open) planned.push({ command: { type: 'RecordQuarantine', data: { assetId, items: open.items, at: open.at, policy: open.rules.rules.policy, profile: open.profile } }, rules: open.rules, profile: open.profile });
    open = null;
  };
  // The profile the last decision named: an operator's command (no rules metadata) was judged by it.
  let lastNamed: string | undefined;
  for (const event of events) {
    const named = event.metadata.rules?.profile;
    if (named !== undefined) lastNamed = named;
    if (event.type === 'ReadingsApplied') {
      closeQuarantine();
      const rules = rulesInForce(event, recorded, warnings);
      const profile = profileOfEvent(event, rules, assetId, warnings);
      for (const reading of (event.data as { readings: AppliedReading[] }).readings) {
        planned.push({ command: { type: 'ApplyReadings', data: { assetId, readings: [trustedOf(assetId, reading)], profile } }, rules, profile });
      }
    } else if (event.type === 'ReadingsQuarantined') {
      const readings = (event.data as { readings: QuarantinedReading[] }).readings;
      const causationId = event.metadata.causationId;
      const current = open as { causationId: string | null | undefined; items: QuarantinedItemInput[]; at: string } | null;
      if (current && causationId !== undefined && causationId !== null && current.causationId === causationId) {
        current.items.push(...readings.map(itemOf));
        continue;
      }
      closeQuarantine();
      const rules = rulesInForce(event, recorded, warnings);
      const profile = profileOfEvent(event, rules, assetId, warnings);
      const latest = readings.reduce((a, r) => (timeMs(r.receivedAt) > timeMs(a) ? r.receivedAt : a), readings[0]!.receivedAt);
      open = { causationId, items: readings.map(itemOf), at: event.metadata.commandAt ?? latest, rules, profile };
    } else if (isCommandEvent(event.type, event.data)) {
      closeQuarantine();
      const rules = rulesInForce(event, recorded, warnings);
      const profile = profileOfEvent(event, rules, assetId, warnings, lastNamed);
      planned.push({ command: recordedCommandOf(event, profile), rules, profile, recorded: event });
    }
  }
  closeQuarantine();
  return planned;
}

/**
 * Re-derives the decisions of one twin from its stored events (stream order) and compares them with
 * the stored decisions. `recorded` are the rule configurations recorded in `config-twin-state`.
 * Returns `{ ok: true }` or the first divergence: where (stream version and event id), the stored
 * and the derived event there, the fields that differ, and the rules version it was derived with.
 */
export function rederiveTwin(assetId: string, events: readonly AuditedEvent[], recorded: readonly RecordedRules[] = []): RederiveResult {
  const warnings: string[] = [];
  const twinEvents = events.filter((e) => {
    if (TWIN_EVENT_TYPES.has(e.type)) return true;
    warnings.push(`event ${e.eventId} (version ${e.streamVersion}) has type ${e.type}, which the twin does not decide: left out`);
    return false;
  });
  const stored = twinEvents.flatMap((e) => itemsOf(e.type, plain(e.data), e));
  const commands = commandsOf(assetId, twinEvents, recorded, warnings);
  const uses = new Map<string, number>();

  let state: TwinState = initialTwinState;
  let index = 0;
  let readings = 0;
  let decisions = 0;
  let recordedCommands = 0;
  const result = (divergence: Divergence): RederiveResult => ({ ok: false, events: twinEvents.length, divergence, rules: [...uses].map(([version, n]) => ({ version, events: n })), warnings });

  /**
   * Stored decisions that nothing derived yet, before the next recorded input: the alarm timer's.
   * CheckAlarms at the time of the first is decided again and compared; stops when it derives
   * nothing (the next comparison then reports the stored event).
   */
  const timer = (before: AuditedEvent | undefined): Divergence | null => {
    for (;;) {
      const s = stored[index];
      if (s === undefined || s.event === null || s.event === before || isRecorded(s.type, s.data)) return null;
      let at: string;
      try {
        at = occurredAtOf({ type: s.type, data: s.data } as TwinEvent);
      } catch {
        return null;
      }
      const rules = rulesInForce(s.event, recorded);
      const profile = profileOfEvent(s.event, rules, assetId, warnings);
      const derived = decide({ type: 'CheckAlarms', data: { assetId, at, profile } }, state);
      if (derived.length === 0) return null;
      uses.set(rules.version, (uses.get(rules.version) ?? 0) + 1);
      state = derived.reduce(evolve, state);
      for (const event of derived) {
        for (const d of itemsOf(event.type, plain(event.data), null)) {
          const divergence = compare(stored[index], d, rules, profile);
          if (divergence) return divergence;
          index += 1;
          decisions += 1;
        }
      }
    }
  };

  for (const { command, rules, profile, recorded: from } of commands) {
    const timed = timer(from);
    if (timed) return result(timed);
    // Readings are decided by the rules in force; a recorded command by none.
    if (!from) uses.set(rules.version, (uses.get(rules.version) ?? 0) + 1);
    if (from && stored[index]?.event !== from) {
      // A stored event before the recorded command that nothing derived: it diverges first.
      const divergence = compare(stored[index], { type: from.type, data: plain(from.data), event: null }, rules, profile);
      if (divergence) return result(divergence);
    }
    let derived: TwinEvent[];
    try {
      derived = decide(command, state);
    } catch (error) {
      if (!from || !(error instanceof TwinError)) throw error;
      // The twin refuses the recorded command at its place: the stored event could not have been decided there.
      return result(notDecidedThere(from, rules, profile, `which the twin refuses at that place (${error.code}: ${error.message})`));
    }
    if (from && derived.length === 0) {
      // E.g. a work order recorded a second time: the twin records each once.
      return result(notDecidedThere(from, rules, profile, 'which the twin does not decide at that place (recorded before)'));
    }
    state = derived.reduce(evolve, state);
    for (const event of derived) {
      for (const d of itemsOf(event.type, plain(event.data), null)) {
        const s = stored[index];
        const divergence = compare(s, d, rules, profile);
        if (divergence) return result(divergence);
        index += 1;
        if (INPUT_TYPES.has(d.type)) readings += 1;
        else if (isCommandEvent(d.type, d.data)) recordedCommands += 1;
        else decisions += 1;
      }
    }
  }
  const timed = timer(undefined);
  if (timed) return result(timed);
  const extra = stored[index];
  if (extra) {
    const rules = rulesInForce(extra.event!, recorded);
    return result({
      kind: 'unexpected',
      streamVersion: extra.event!.streamVersion,
      eventId: extra.event!.eventId,
      stored: { type: extra.type, data: extra.data },
      derived: null,
      differences: [],
      rulesVersion: rules.version,
      profile: profileOfEvent(extra.event!, rules, assetId).name,
      message: `version ${extra.event!.streamVersion}: the stored history holds ${describe(extra)}, which the rules do not derive from the stored readings`,
    });
  }
  return { ok: true, events: twinEvents.length, readings, decisions, commands: recordedCommands, rules: [...uses].map(([version, n]) => ({ version, events: n })), warnings };
}

/** A stored acknowledgement or maintenance event whose own command does not decide it at its place. */
function notDecidedThere(from: AuditedEvent, rules: RecordedRules, profile: ThresholdProfile, why: string): Divergence {
  const stored = { type: from.type, data: plain(from.data) };
  return {
    kind: 'unexpected',
    streamVersion: from.streamVersion,
    eventId: from.eventId,
    stored,
    derived: null,
    differences: [],
    rulesVersion: rules.version,
    profile: profile.name,
    message: `version ${from.streamVersion}: the stored history holds ${describe(stored)}, ${why}`,
  };
}

function compare(s: Item | undefined, d: Item, rules: RecordedRules, profile: ThresholdProfile): Divergence | null {
  const base = { rulesVersion: rules.version, profile: profile.name, derived: { type: d.type, data: d.data } };
  if (s === undefined) {
    return { ...base, kind: 'missing', streamVersion: null, eventId: null, stored: null, differences: [], message: `after the last stored event, the rules derive ${describe(d)}, which the stored history lacks` };
  }
  const at = { streamVersion: s.event!.streamVersion, eventId: s.event!.eventId, stored: { type: s.type, data: s.data } };
  if (s.type === d.type) {
    const differences = differencesOf(s.data, d.data);
    if (differences.length === 0) return null;
    return { ...base, ...at, kind: 'different', differences, message: `version ${s.event!.streamVersion}: stored ${describe(s)} differs from the derived one in ${differences.map((x) => x.path).join(', ')}` };
  }
  const derivedIsDecision = !isRecorded(d.type, d.data);
  const storedIsDecision = !isRecorded(s.type, s.data);
  const kind: DivergenceKind = derivedIsDecision && !storedIsDecision ? 'missing' : !derivedIsDecision && storedIsDecision ? 'unexpected' : 'different';
  const message =
    kind === 'missing'
      ? `version ${s.event!.streamVersion}: the rules derive ${describe(d)} here, but the stored history has ${describe(s)}: a decision is missing`
      : kind === 'unexpected'
        ? `version ${s.event!.streamVersion}: the stored history holds ${describe(s)}, which the rules do not derive (they continue with ${describe(d)})`
        : `version ${s.event!.streamVersion}: the stored history holds ${describe(s)} where the rules derive ${describe(d)}`;
  return { ...base, ...at, kind, differences: [], message };
}
