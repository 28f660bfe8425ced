import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import * as fc from 'fast-check';
import { DEFAULT_QUARANTINE_POLICY, type QuarantinedItemInput, type QuarantinePolicy, type TwinCommand } from './twin.commands';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, parseAssetProfiles, parseProfiles, profileFor, type ThresholdProfile } from './twin.profiles';
import { DEFAULT_TWIN_RULES, profileOfRules, rederiveTwin, type AuditedEvent, type RecordedRules, type TwinRules } from './twin.rederive';
import { initialTwinState, type TwinState } from './twin.state';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);

const STUDY: RecordedRules = { version: 'v-study', position: '1', rules: DEFAULT_TWIN_RULES };
const STRICT: RecordedRules = { version: 'v-strict', position: '1000', rules: { ...DEFAULT_TWIN_RULES, profiles: parseProfiles({ pump: { limits: { temperatureC: { max: 70 } } } }), assetClasses: { 'P-101': 'pump' } } };

function reading(seq: number, temperatureC: number, over: Partial<TrustedReading> = {}): TrustedReading {
  return { readingId: `R-${seq}`, deviceId: 'D-1', assetId: 'P-101', seq, ts: at(seq), receivedAt: at(seq), metrics: { temperatureC }, ...over };
}

/** A command as the service receives it, with the rules it decides by and the message it came in. */
interface Step {
  readonly kind: 'apply' | 'quarantine' | 'acknowledge' | 'maintenance';
  readonly readings?: TrustedReading[];
  readonly items?: QuarantinedItemInput[];
  readonly at?: string;
  /** acknowledge: the alarm (default: the active one; the step is left out when there is none or it is acknowledged). */
  readonly alarmId?: string;
  /** maintenance: the work order completed at `at`. */
  readonly workOrderId?: string;
  readonly rules: RecordedRules;
}

/** The command of an acknowledgement or maintenance step (null: nothing to acknowledge). */
function commandOf(step: Step, state: TwinState, i: number): TwinCommand | null {
  if (step.kind === 'acknowledge') {
    const unacknowledged = Object.values(state.alarms).find((a) => a.state !== 'ACTIVE_ACKED');
    const alarmId = step.alarmId ?? unacknowledged?.alarmId ?? null;
    return alarmId === null ? null : { type: 'AcknowledgeAlarm', data: { assetId: 'P-101', alarmId, by: 'user:olga', at: step.at ?? at(i), note: `step ${i}` } };
  }
  return {
    type: 'RecordMaintenance',
    data: { assetId: 'P-101', workOrderId: step.workOrderId!, type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: step.at ?? at(i), failure: { mode: 'seal leak', failedAt: at(i - 1) }, resets: ['baseline', 'health-index'] },
  };
}

const profileOf = (rules: TwinRules): ThresholdProfile => profileFor(rules.assetClasses['P-101'] ?? 'default', rules.profiles);

/**
 * Runs steps as twin-state does and stores the events with their metadata (rules version, the
 * message they were caused by, a quarantine's receipt time); positions after `positionBase`.
 */
function store(steps: readonly Step[], positionBase = 2000): AuditedEvent[] {
  let state = initialTwinState;
  const stored: AuditedEvent[] = [];
  steps.forEach((step, i) => {
    const profile = profileOf(step.rules.rules);
    const recorded = step.kind === 'acknowledge' || step.kind === 'maintenance';
    const command: TwinCommand | null =
      step.kind === 'apply'
        ? { type: 'ApplyReadings', data: { assetId: 'P-101', readings: step.readings!, profile } }
        : step.kind === 'quarantine'
          ? { type: 'RecordQuarantine', data: { assetId: 'P-101', items: step.items!, at: step.at!, policy: step.rules.rules.policy, profile } }
          : commandOf(step, state, i);
    if (command === null) return;
    const events = decide(command, state);
    state = fold(events, state);
    for (const event of events) {
      const version = stored.length + 1;
      stored.push({
        eventId: `E-${version}`,
        type: event.type,
        streamVersion: version,
        position: String(positionBase + version),
        data: JSON.parse(JSON.stringify(event.data)) as unknown,
        // An acknowledgement or maintenance is decided by no rules: its metadata names none.
        metadata: recorded ? { causationId: `msg-${i}` } : { causationId: `msg-${i}`, rules: { version: step.rules.version, profile: profile.name }, ...(step.kind === 'quarantine' ? { commandAt: step.at! } : {}) },
      });
    }
  });
  return stored;
}

/** Removes the event at `version` and renumbers the rest, as an insider who also recomputes the chain would. */
function without(events: readonly AuditedEvent[], version: number): AuditedEvent[] {
  return events.filter((e) => e.streamVersion !== version).map((e, i) => ({ ...e, streamVersion: i + 1 }));
}

const P101: Step[] = [
  { kind: 'apply', readings: [reading(1, 45), reading(2, 82), reading(3, 85)], rules: STUDY },
  { kind: 'apply', readings: [reading(4, 60), reading(5, 90)], rules: STUDY },
  { kind: 'apply', readings: [reading(6, 50)], rules: STUDY },
];

describe('rederiveTwin', () => {
  it('given an honest history, when it is re-derived, then no divergence', () => {
    const events = store(P101);
    const result = rederiveTwin('P-101', events, [STUDY]);
    expect(result).toMatchObject({ ok: true, events: events.length, readings: 6, rules: [{ version: 'v-study', events: 6 }], warnings: [] });
    expect(result.ok && result.decisions).toBe(events.filter((e) => e.type !== 'ReadingsApplied').length);
  });

  it('given a deleted AlarmCleared, when re-derived, then the missing decision is reported at its place', () => {
    const events = store(P101);
    const cleared = events.find((e) => e.type === 'AlarmCleared')!;
    const result = rederiveTwin('P-101', without(events, cleared.streamVersion), [STUDY]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.divergence).toMatchObject({
      kind: 'missing',
      streamVersion: cleared.streamVersion,
      derived: { type: 'AlarmCleared', data: { alarmId: 'ALM-R-2', readingId: 'R-4' } },
      stored: { type: 'ReadingsApplied' },
      rulesVersion: 'v-study',
      profile: 'default',
    });
    expect(result.divergence.message).toMatch(/AlarmCleared ALM-R-2/);
  });

  it('given an inserted alarm, when re-derived, then the stored decision the rules do not derive is reported', () => {
    const events = store(P101);
    const raised = events.find((e) => e.type === 'AlarmRaised')!;
    const forged: AuditedEvent = { ...raised, eventId: 'forged', data: { ...(raised.data as object), alarmId: 'ALM-FORGED' } };
    // After the first alarm episode's AlarmRaised (version 3) comes the segment of R-3.
    const doctored = [...events.slice(0, 3), forged, ...events.slice(3)].map((e, i) => ({ ...e, streamVersion: i + 1 }));
    const result = rederiveTwin('P-101', doctored, [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 4, eventId: 'forged', stored: { type: 'AlarmRaised' }, derived: { type: 'ReadingsApplied', data: { reading: { readingId: 'R-3' } } } } });
  });

  it('given an edited decision, when re-derived, then the differing fields are named', () => {
    const events = store(P101);
    const doctored = events.map((e) => (e.type === 'AlarmRaised' ? { ...e, data: { ...(e.data as object), severity: 'LOW' } } : e));
    const raised = events.find((e) => e.type === 'AlarmRaised')!;
    const result = rederiveTwin('P-101', doctored, [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'different', streamVersion: raised.streamVersion, differences: [{ path: 'severity', stored: 'LOW', derived: 'HIGH' }] } });
  });

  it('given an edited reading (the evidence), when re-derived, then the decision it no longer supports diverges', () => {
    const events = store(P101);
    // 82 °C becomes 78 °C: the alarm that followed no longer follows.
    const doctored = events.map((e, i) =>
      i === 0 ? { ...e, data: { assetId: 'P-101', readings: (e.data as { readings: Array<{ metrics: object }> }).readings.map((r, k) => (k === 1 ? { ...r, metrics: { temperatureC: 78 } } : r)) } } : e,
    );
    const result = rederiveTwin('P-101', doctored, [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 2, stored: { type: 'TwinStatusChanged' }, derived: { type: 'ReadingsApplied' } } });
  });

  it('given a decision appended after the last reading, when re-derived, then it is unexpected', () => {
    const events = store(P101);
    const raised = events.find((e) => e.type === 'AlarmRaised')!;
    const result = rederiveTwin('P-101', [...events, { ...raised, eventId: 'late', streamVersion: events.length + 1 }], [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: events.length + 1, derived: null } });
  });

  it('given a rule change in the middle, when re-derived, then each event is judged by the rules recorded for it', () => {
    // 75 °C is fine for the study rule, an alarm for the strict one configured later.
    const steps: Step[] = [
      { kind: 'apply', readings: [reading(1, 75)], rules: STUDY },
      { kind: 'apply', readings: [reading(2, 75)], rules: STRICT },
    ];
    const events = store(steps).map((e) => ({ ...e, position: e.streamVersion === 1 ? '500' : '5000' }));
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
    expect(rederiveTwin('P-101', events, [STUDY, STRICT])).toMatchObject({ ok: true, rules: [{ version: 'v-study' }, { version: 'v-strict' }] });
    // Without rule versions in the metadata (older events), the rules in force by position decide.
    const bare = events.map((e) => ({ ...e, metadata: { causationId: e.metadata.causationId } }));
    expect(rederiveTwin('P-101', bare, [STUDY, STRICT])).toMatchObject({ ok: true });
    // Judged by the study rule throughout, the alarm does not follow.
    expect(rederiveTwin('P-101', bare, [STUDY])).toMatchObject({ ok: false, divergence: { kind: 'unexpected', stored: { type: 'TwinStatusChanged' }, rulesVersion: 'v-study' } });
  });

  it('warns when an event names rules that were not in force by position, and when it names rules nobody recorded', () => {
    const events = store([{ kind: 'apply', readings: [reading(1, 45)], rules: STUDY }]).map((e) => ({ ...e, position: '5000' }));
    const result = rederiveTwin('P-101', events, [STUDY, STRICT]);
    expect(result.ok).toBe(true);
    expect(result.warnings).toEqual([expect.stringMatching(/decided by rules v-study, but rules v-strict were recorded as in force/)]);
    const unknown = rederiveTwin('P-101', events, []);
    expect(unknown.warnings).toEqual([expect.stringMatching(/names rules v-study, which no RulesConfigured event records/)]);
  });

  it('re-derives quarantines by message: a sensor fault and one security alert per message', () => {
    const policy: QuarantinePolicy = { sensorFaultAfter: 2, securityCooldownSeconds: 900 };
    const rules: RecordedRules = { ...STUDY, rules: { ...STUDY.rules, policy } };
    const item = (id: string, rule: string, minute: number): QuarantinedItemInput => ({ readingId: id, deviceId: 'D-1', receivedAt: at(minute), reasons: [{ rule }] });
    const steps: Step[] = [
      { kind: 'apply', readings: [reading(1, 45)], rules },
      { kind: 'quarantine', items: [item('Q-1', 'range', 2), item('Q-2', 'range', 3), item('Q-3', 'signature', 3), item('Q-4', 'range', 3)], at: at(3), rules },
      { kind: 'quarantine', items: [item('Q-5', 'signature', 4)], at: at(4), rules },
      { kind: 'apply', readings: [reading(5, 46)], rules },
    ];
    const events = store(steps);
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'ReadingsQuarantined', 'SensorFaultDetected', 'TwinStatusChanged', 'ReadingsQuarantined', 'SecurityViolationDetected', 'ReadingsQuarantined', 'ReadingsApplied', 'SensorFaultCleared', 'TwinStatusChanged']);
    expect(rederiveTwin('P-101', events, [rules])).toMatchObject({ ok: true, readings: 7 });
    // Judged with a threshold of 5, the fault does not follow.
    expect(rederiveTwin('P-101', events, [{ ...rules, rules: { ...rules.rules, policy: DEFAULT_QUARANTINE_POLICY } }])).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 3, stored: { type: 'SensorFaultDetected' } } });
    const security = events.find((e) => e.type === 'SecurityViolationDetected')!;
    expect(rederiveTwin('P-101', without(events, security.streamVersion), [rules])).toMatchObject({ ok: false, divergence: { kind: 'missing', streamVersion: security.streamVersion, derived: { type: 'SecurityViolationDetected', data: { count: 1, at: at(3) } } } });
  });

  describe('acknowledgements and maintenance (decided from commands, not readings)', () => {
    // R-2 raises ALM-R-2 (acknowledged at minute 3), R-4 clears it; WO-1 completed at minute 5.
    const steps: Step[] = [
      { kind: 'apply', readings: [reading(1, 45), reading(2, 82)], rules: STUDY },
      { kind: 'acknowledge', at: at(3), rules: STUDY },
      { kind: 'apply', readings: [reading(4, 60)], rules: STUDY },
      { kind: 'maintenance', workOrderId: 'WO-1', at: at(5), rules: STUDY },
      { kind: 'apply', readings: [reading(6, 90)], rules: STUDY },
    ];
    const events = store(steps);
    const insertAt = (version: number, event: AuditedEvent) => [...events.slice(0, version - 1), event, ...events.slice(version - 1)].map((e, i) => ({ ...e, streamVersion: i + 1 }));

    it('given an honest history with them, when re-derived, then no divergence; they count as commands, not as decisions by the rules', () => {
      expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmAcknowledged', 'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'MaintenanceCompleted', 'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
      expect(rederiveTwin('P-101', events, [STUDY])).toMatchObject({ ok: true, readings: 4, decisions: 6, commands: 2, rules: [{ version: 'v-study', events: 4 }], warnings: [] });
    });

    it('given an acknowledgement inserted after its alarm cleared, when re-derived, then it is unexpected: the twin refuses it there', () => {
      const ack = events.find((e) => e.type === 'AlarmAcknowledged')!;
      const result = rederiveTwin('P-101', insertAt(8, { ...ack, eventId: 'forged' }), [STUDY]);
      expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 8, eventId: 'forged', stored: { type: 'AlarmAcknowledged' }, derived: null } });
      expect(!result.ok && result.divergence.message).toMatch(/AlarmAcknowledged ALM-R-2 by user:olga, which the twin refuses at that place \(TWIN.ALARM_NOT_ACTIVE/);
    });

    it('given a second acknowledgement of the same alarm, when re-derived, then it is unexpected (acknowledged once)', () => {
      const ack = events.find((e) => e.type === 'AlarmAcknowledged')!;
      const result = rederiveTwin('P-101', insertAt(5, { ...ack, eventId: 'again', data: { ...(ack.data as object), by: 'user:mallory' } }), [STUDY]);
      expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 5, eventId: 'again' } });
      expect(!result.ok && result.divergence.message).toMatch(/TWIN.ALARM_ALREADY_ACKNOWLEDGED/);
    });

    it('given a work order recorded twice, when re-derived, then the second is unexpected', () => {
      const done = events.find((e) => e.type === 'MaintenanceCompleted')!;
      const result = rederiveTwin('P-101', insertAt(9, { ...done, eventId: 'twice' }), [STUDY]);
      expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 9, eventId: 'twice', stored: { type: 'MaintenanceCompleted' }, derived: null } });
      expect(!result.ok && result.divergence.message).toMatch(/which the twin does not decide at that place \(recorded before\)/);
    });

    it('given a decision inserted right before an acknowledgement, when re-derived, then that decision is unexpected', () => {
      const raised = events.find((e) => e.type === 'AlarmRaised')!;
      const result = rederiveTwin('P-101', insertAt(4, { ...raised, eventId: 'forged', data: { ...(raised.data as object), alarmId: 'ALM-FORGED' } }), [STUDY]);
      expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', streamVersion: 4, eventId: 'forged', derived: { type: 'AlarmAcknowledged' } } });
    });

    it('given a deleted AlarmRaised, when re-derived, then it is missing (before the acknowledgement that follows it)', () => {
      const raised = events.find((e) => e.type === 'AlarmRaised')!;
      expect(rederiveTwin('P-101', without(events, raised.streamVersion), [STUDY])).toMatchObject({ ok: false, divergence: { kind: 'missing', streamVersion: 3, derived: { type: 'AlarmRaised' }, stored: { type: 'AlarmAcknowledged' } } });
    });
  });

  it('leaves out events of types the twin does not decide, with a warning', () => {
    const events = store(P101);
    const result = rederiveTwin('P-101', [...events, { ...events[0]!, eventId: 'x', type: 'SomethingElse', streamVersion: events.length + 1 }], [STUDY]);
    expect(result).toMatchObject({ ok: true, warnings: [expect.stringMatching(/SomethingElse/)] });
  });
});

describe('rederiveTwin properties', () => {
  const RULES = ['range', 'stuck', 'duplicate', 'signature', 'replay', 'json'];
  const stepArb = fc.oneof(
    fc.record({
      kind: fc.constant('apply' as const),
      readings: fc.array(
        fc.record({ device: fc.constantFrom('D-1', 'D-2'), seqStep: fc.integer({ min: -1, max: 2 }), temperatureC: fc.integer({ min: 60, max: 100 }), pressurePsi: fc.option(fc.integer({ min: 1400, max: 1600 }), { nil: undefined }), released: fc.boolean() }),
        { minLength: 1, maxLength: 4 },
      ),
    }),
    fc.record({
      kind: fc.constant('quarantine' as const),
      items: fc.array(fc.record({ rules: fc.subarray(RULES, { minLength: 1 }), device: fc.constantFrom('D-1', 'D-2', null), lag: fc.integer({ min: 0, max: 3 }) }), { minLength: 1, maxLength: 4 }),
    }),
    fc.record({ kind: fc.constant('acknowledge' as const) }),
    fc.record({ kind: fc.constant('maintenance' as const), workOrder: fc.integer({ min: 1, max: 3 }) }),
  );
  const rulesArb = fc.record({ sensorFaultAfter: fc.integer({ min: 1, max: 4 }), securityCooldownSeconds: fc.constantFrom(0, 120, 900), maxTemperature: fc.integer({ min: 70, max: 90 }) });

  /** Steps a minute apart under two rule configurations (the second from `switchAt`), with redeliveries now and then. */
  const historyArb = fc.tuple(fc.array(stepArb, { minLength: 1, maxLength: 25 }), rulesArb, rulesArb, fc.nat(), fc.array(fc.nat(), { maxLength: 4 })).map(([raw, a, b, switchAt, redeliveries]) => {
    const configs = [a, b].map(
      (c, k): RecordedRules => ({
        version: `v${k}`,
        position: String(k * 100_000),
        rules: { profiles: parseProfiles({ pump: { limits: { temperatureC: { max: c.maxTemperature } } } }), assetClasses: { 'P-101': 'pump' }, policy: { sensorFaultAfter: c.sensorFaultAfter, securityCooldownSeconds: c.securityCooldownSeconds } },
      }),
    );
    const seqs: Record<string, number> = { 'D-1': 0, 'D-2': 0 };
    const steps: Step[] = raw.map((step, i) => {
      const rules = configs[i >= switchAt % (raw.length + 1) ? 1 : 0]!;
      if (step.kind === 'apply') {
        const readings = step.readings.map((r, k) => {
          const seq = (seqs[r.device] = Math.max(0, (seqs[r.device] ?? 0) + r.seqStep));
          const metrics: Record<string, number> = { temperatureC: r.temperatureC, ...(r.pressurePsi !== undefined ? { pressurePsi: r.pressurePsi } : {}) };
          return { readingId: `R-${i}-${k}`, deviceId: r.device, assetId: 'P-101', seq, ts: at(i), receivedAt: at(i), metrics, ...(r.released ? { release: { by: 'admin', at: at(i), note: '' } } : {}) } as TrustedReading;
        });
        return { kind: 'apply', readings, rules };
      }
      if (step.kind === 'acknowledge') return { kind: 'acknowledge', rules };
      // Work orders repeat: a repeat records nothing.
      if (step.kind === 'maintenance') return { kind: 'maintenance', workOrderId: `WO-${step.workOrder}`, rules };
      return { kind: 'quarantine', items: step.items.map((it, k) => ({ readingId: `Q-${i}-${k}`, deviceId: it.device, receivedAt: at(i - it.lag), reasons: it.rules.map((rule) => ({ rule })) })), at: at(i), rules };
    });
    for (const n of redeliveries) steps.push(steps[n % steps.length]!);
    return { steps, configs };
  });

  it('finds no divergence in any history decide produced, under the rules recorded for each event', () => {
    fc.assert(
      fc.property(historyArb, ({ steps, configs }) => {
        const events = store(steps, 50_000);
        const result = rederiveTwin('P-101', events, configs);
        expect(result).toMatchObject({ ok: true, events: events.length });
      }),
    );
  });

  it('finds the first divergence when any one decision is deleted', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), ({ steps, configs }, pick) => {
        const events = store(steps, 50_000);
        // Readings and commands are what the history records as given: the audit re-decides from them.
        const given = new Set(['ReadingsApplied', 'ReadingsQuarantined', 'AlarmAcknowledged', 'MaintenanceCompleted']);
        const decisions = events.filter((e) => !given.has(e.type));
        fc.pre(decisions.length > 0);
        const deleted = decisions[pick % decisions.length]!;
        const result = rederiveTwin('P-101', without(events, deleted.streamVersion), configs);
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.divergence.derived).toEqual({ type: deleted.type, data: deleted.data });
          expect(result.divergence.streamVersion ?? events.length).toBe(deleted.streamVersion);
        }
      }),
    );
  });
});

it('the built-in rules are the study rule for every class', () => {
  expect(DEFAULT_TWIN_RULES.profiles).toBe(DEFAULT_PROFILES);
});

describe('the alarm lifecycle (operators’ commands and the alarm timer)', () => {
  const profile = profileFor('default', DEFAULT_TWIN_RULES.profiles);
  const RECORDED = new Set(['AlarmAcknowledged', 'AlarmShelved', 'AlarmUnshelved', 'AlarmRemovedFromService', 'AlarmReturnedToService']);
  /** Decides commands as twin-state does and stores the events (rules metadata on the decisions of readings and of the timer). */
  function storeCommands(commands: readonly TwinCommand[]): AuditedEvent[] {
    let state = initialTwinState;
    const stored: AuditedEvent[] = [];
    commands.forEach((command, i) => {
      const events = decide(command, state);
      state = fold(events, state);
      for (const event of events) {
        const version = stored.length + 1;
        const byOperator = RECORDED.has(event.type) && !(event.type === 'AlarmUnshelved' && event.data.reason === 'EXPIRED');
        stored.push({
          eventId: `E-${version}`,
          type: event.type,
          streamVersion: version,
          position: String(2000 + version),
          data: JSON.parse(JSON.stringify(event.data)) as unknown,
          metadata: byOperator ? { causationId: `cmd-${i}` } : { causationId: `cmd-${i}`, rules: { version: STUDY.version, profile: profile.name } },
        });
      }
    });
    return stored;
  }
  const apply = (...readings: TrustedReading[]): TwinCommand => ({ type: 'ApplyReadings', data: { assetId: 'P-101', readings, profile } });
  const check = (minute: number): TwinCommand => ({ type: 'CheckAlarms', data: { assetId: 'P-101', at: at(minute), profile } });
  const commands: TwinCommand[] = [
    apply(reading(1, 85)),
    check(30),
    { type: 'ShelveAlarm', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: at(31), until: at(61), reason: 'crew on site', profile } },
    check(61), // shelve expires: AlarmUnshelved EXPIRED + AlarmReannounced
    check(100),
    check(121), // re-alarm (1 h after the announcement at 61)
    { type: 'RemoveAlarmFromService', data: { assetId: 'P-101', cause: 'NO_DATA', by: 'user:olga', at: at(122), reason: 'gateway swap' } },
    { type: 'ReturnAlarmToService', data: { assetId: 'P-101', cause: 'NO_DATA', by: 'user:olga', at: at(123) } },
    { type: 'AcknowledgeAlarm', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: at(124) } },
    apply(reading(200, 60)),
    check(320), // stale (2 h): OFFLINE + NO_DATA
  ];
  const events = storeCommands(commands);

  it('given an honest history with shelving, expiry, re-alarm, out of service and stale data, when re-derived, then no divergence', () => {
    expect(events.map((e) => e.type)).toEqual([
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised',
      'AlarmShelved',
      'AlarmUnshelved', 'AlarmReannounced', // check 61
      'AlarmRaised', 'AlarmReannounced', // check 121: NO_DATA (2 h without data; the status stays ALARM), re-alarm
      'AlarmRemovedFromService', 'AlarmReturnedToService', 'AlarmRaised', // NO_DATA still active: raised again on return
      'AlarmAcknowledged',
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared', 'AlarmCleared', // R-200 ends both
      'TwinStatusChanged', 'AlarmRaised', // check 320: OFFLINE, NO_DATA
    ]);
    const result = rederiveTwin('P-101', events, [STUDY]);
    expect(result).toMatchObject({ ok: true, readings: 2, commands: 4, warnings: [] });
    expect(result.ok && result.decisions).toBe(12);
  });

  it('given a deleted re-announcement, when re-derived, then the timer’s missing decision is reported', () => {
    const reannounced = events.filter((e) => e.type === 'AlarmReannounced')[1]!;
    const result = rederiveTwin('P-101', without(events, reannounced.streamVersion), [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'missing', streamVersion: reannounced.streamVersion, derived: { type: 'AlarmReannounced' } } });
  });

  it('given a forged re-announcement where the timer decides none, when re-derived, then it is unexpected', () => {
    const reannounced = events.find((e) => e.type === 'AlarmReannounced')!;
    const forged: AuditedEvent = { ...reannounced, eventId: 'forged', data: { ...(reannounced.data as object), at: at(70), count: 2 } };
    const doctored = [...events.slice(0, 6), forged, ...events.slice(6)].map((e, i) => ({ ...e, streamVersion: i + 1 }));
    const result = rederiveTwin('P-101', doctored, [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { streamVersion: 7, eventId: 'forged' } });
  });

  it('re-derives any honest lifecycle history without divergence (property)', () => {
    const P: ThresholdProfile = { ...DEFAULT_PROFILES['pump']!, alarmPolicy: { ...DEFAULT_PROFILES['pump']!.alarmPolicy, onDelaySeconds: 120, offDelaySeconds: 120, reAlarmAfterSeconds: 600, staleAfterSeconds: 1200 } };
    const RULES: RecordedRules = { version: 'v-life', position: '1', rules: { ...DEFAULT_TWIN_RULES, profiles: { ...DEFAULT_PROFILES, pump: P }, assetClasses: { 'P-101': 'pump' } } };
    const stepArb = fc.oneof(
      { weight: 5, arbitrary: fc.record({ kind: fc.constant('reading' as const), gap: fc.integer({ min: 0, max: 8 }), temperatureC: fc.integer({ min: 70, max: 90 }), vibrationMmS: fc.double({ min: 0, max: 6, noNaN: true }) }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), gap: fc.integer({ min: 0, max: 30 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('ack' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('shelve' as const), minutes: fc.integer({ min: 1, max: 40 }) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('unshelve' as const) }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), cause: fc.constantFrom('THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'NO_DATA') }) },
    );
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 30 }), (steps) => {
        let state = initialTwinState;
        const stored: AuditedEvent[] = [];
        let minute = 0;
        let n = 0;
        steps.forEach((step, i) => {
          let command: TwinCommand | null = null;
          if (step.kind === 'reading') {
            minute += step.gap;
            n += 1;
            command = { type: 'ApplyReadings', data: { assetId: 'P-101', readings: [{ ...reading(n, step.temperatureC), ts: at(minute), receivedAt: at(minute), metrics: { temperatureC: step.temperatureC, vibrationMmS: step.vibrationMmS } }], profile: P } };
          } else if (step.kind === 'check') {
            minute += step.gap;
            command = { type: 'CheckAlarms', data: { assetId: 'P-101', at: at(minute), profile: P } };
          } else if (step.kind === 'ack') {
            const open = Object.values(state.alarms).find((a) => a.state !== 'ACTIVE_ACKED');
            if (open) command = { type: 'AcknowledgeAlarm', data: { assetId: 'P-101', alarmId: open.alarmId, by: 'user:olga', at: at(minute) } };
          } else if (step.kind === 'shelve') {
            const open = Object.values(state.alarms).find((a) => !Object.hasOwn(state.shelves, a.cause));
            if (open) command = { type: 'ShelveAlarm', data: { assetId: 'P-101', alarmId: open.alarmId, by: 'user:olga', at: at(minute), until: at(minute + step.minutes), reason: 'r', profile: P } };
          } else if (step.kind === 'unshelve') {
            const shelved = Object.values(state.shelves)[0];
            if (shelved) command = { type: 'UnshelveAlarm', data: { assetId: 'P-101', alarmId: shelved.alarmId, by: 'user:olga', at: at(minute) } };
          } else if (state.assetId !== null) {
            command = Object.hasOwn(state.outOfService, step.cause)
              ? { type: 'ReturnAlarmToService', data: { assetId: 'P-101', cause: step.cause, by: 'user:olga', at: at(minute) } }
              : { type: 'RemoveAlarmFromService', data: { assetId: 'P-101', cause: step.cause, by: 'user:olga', at: at(minute), reason: 'r' } };
          }
          if (command === null) return;
          const events = decide(command, state);
          state = fold(events, state);
          const byOperator = !['ApplyReadings', 'CheckAlarms'].includes(command.type);
          for (const event of events) {
            const version = stored.length + 1;
            stored.push({
              eventId: `E-${version}`,
              type: event.type,
              streamVersion: version,
              position: String(2000 + version),
              data: JSON.parse(JSON.stringify(event.data)) as unknown,
              metadata: byOperator ? { causationId: `cmd-${i}` } : { causationId: `cmd-${i}`, rules: { version: RULES.version, profile: P.name } },
            });
          }
        });
        const result = rederiveTwin('P-101', stored, [RULES]);
        expect(result.ok ? 'ok' : result.divergence.message).toBe('ok');
      }),
      { numRuns: 200 },
    );
  });

  it('re-derives an asset with its own recorded profile override (TWIN_ASSET_PROFILES)', () => {
    const overrides = parseAssetProfiles({ 'P-101': { limits: { temperatureC: { max: 70 } } } });
    const RULES: RecordedRules = { version: 'v-asset', position: '1', rules: { ...DEFAULT_TWIN_RULES, assetProfiles: overrides } };
    const own = profileOfRules(RULES.rules, 'P-101');
    expect(own).toMatchObject({ name: 'default@P-101', limits: { temperatureC: { max: 70 } } });
    const stored = storeCommands([{ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [reading(1, 75)], profile: own } }]).map((e) => ({ ...e, metadata: { causationId: 'x', rules: { version: 'v-asset' } } }));
    expect(stored.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised']);
    expect(rederiveTwin('P-101', stored, [RULES])).toMatchObject({ ok: true });
    // Without the override, 75 °C is no alarm: the audit reports the stored one.
    expect(rederiveTwin('P-101', stored, [{ ...RULES, rules: DEFAULT_TWIN_RULES }])).toMatchObject({ ok: false, divergence: { kind: 'unexpected', stored: { type: 'TwinStatusChanged' } } });
  });

  it('given a shelve longer than the profile allows (edited until), when re-derived, then the twin refuses it at its place', () => {
    const doctored = events.map((e) => (e.type === 'AlarmShelved' ? { ...e, data: { ...(e.data as object), until: at(31 + 600) } } : e));
    const result = rederiveTwin('P-101', doctored, [STUDY]);
    expect(result).toMatchObject({ ok: false, divergence: { kind: 'unexpected', stored: { type: 'AlarmShelved' } } });
    expect(!result.ok && result.divergence.message).toMatch(/TWIN.SHELVE_TOO_LONG/);
  });
});

describe('the profile each event names (an asset class from the asset directory)', () => {
  // twin-state takes an asset's class from TWIN_ASSET_CLASSES, else the asset directory (the registry);
  // the rules record only TWIN_ASSET_CLASSES, so each event's metadata names the profile it was decided by.
  const PUMP = DEFAULT_PROFILES['pump']!;
  /** Decides commands as twin-state does; decisions name `profileName` (operators' commands name no rules). */
  function storeAs(commands: readonly TwinCommand[], rules: RecordedRules, profileName: string): AuditedEvent[] {
    let state = initialTwinState;
    const stored: AuditedEvent[] = [];
    commands.forEach((command, i) => {
      const events = decide(command, state);
      state = fold(events, state);
      const byOperator = !['ApplyReadings', 'CheckAlarms'].includes(command.type);
      for (const event of events) {
        const version = stored.length + 1;
        stored.push({
          eventId: `E-${version}`,
          type: event.type,
          streamVersion: version,
          position: String(2000 + version),
          data: JSON.parse(JSON.stringify(event.data)) as unknown,
          metadata: byOperator ? { causationId: `cmd-${i}` } : { causationId: `cmd-${i}`, rules: { version: rules.version, profile: profileName } },
        });
      }
    });
    return stored;
  }
  const vibrating = (seq: number, temperatureC: number, vibrationMmS: number): TrustedReading => ({ ...reading(seq, temperatureC), metrics: { temperatureC, vibrationMmS } });
  // The study's P-101 episodes with the vibration of its ALARM rows (ISO 10816-3 group 2 rigid: ALARM from 4.5 mm/s).
  const P101_VIBRATING = [vibrating(1, 45, 1.2), vibrating(2, 85, 5.8), vibrating(3, 60, 1.5), vibrating(4, 90, 9.1), vibrating(5, 50, 1.1)];

  it('given a pump known only to the directory (not in the recorded assetClasses), when its events name the pump profile, then it is re-derived by the pump profile without divergence, vibration alarms included', () => {
    expect(STUDY.rules.assetClasses).toEqual({});
    const stored = storeAs([{ type: 'ApplyReadings', data: { assetId: 'P-101', readings: P101_VIBRATING, profile: PUMP } }], STUDY, 'pump');
    const raised = stored.filter((e) => e.type === 'AlarmRaised').map((e) => (e.data as { cause: string }).cause);
    expect(raised).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']);
    expect(rederiveTwin('P-101', stored, [STUDY])).toMatchObject({ ok: true, readings: 5, warnings: [] });
    // By the recorded class mapping alone ("default": no vibration zones) the vibration alarms would be unexplained.
    const unnamed = stored.map((e) => ({ ...e, metadata: { causationId: e.metadata.causationId, rules: { version: STUDY.version } } }));
    const byDefault = rederiveTwin('P-101', unnamed, [STUDY]);
    expect(byDefault).toMatchObject({ ok: false, divergence: { kind: 'different', profile: 'default', stored: { type: 'TwinStatusChanged', data: { profile: 'pump' } } } });
    expect(!byDefault.ok && byDefault.divergence.differences.map((d) => d.path)).toEqual(['conditions.1', 'profile']);
  });

  it('given an operator’s shelve (no rules metadata) of a directory pump, when re-derived, then it is judged by the profile the last decision named', () => {
    // A pump profile that allows shelving for 10 h; the default profile allows 8 h.
    const longShelves: ThresholdProfile = { ...PUMP, alarmPolicy: { ...PUMP.alarmPolicy, maxShelveSeconds: 36_000 } };
    const RULES: RecordedRules = { version: 'v-long', position: '1', rules: { ...DEFAULT_TWIN_RULES, profiles: { ...DEFAULT_PROFILES, pump: longShelves } } };
    const stored = storeAs(
      [
        { type: 'ApplyReadings', data: { assetId: 'P-101', readings: [vibrating(1, 85, 1.0)], profile: longShelves } },
        { type: 'ShelveAlarm', data: { assetId: 'P-101', alarmId: 'ALM-R-1', by: 'user:olga', at: at(2), until: at(2 + 9 * 60), reason: 'pump swap', profile: longShelves } },
      ],
      RULES,
      'pump',
    );
    expect(stored.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmShelved']);
    expect(rederiveTwin('P-101', stored, [RULES])).toMatchObject({ ok: true, commands: 1, warnings: [] });
  });

  it('given an overridden directory pump, when its events name pump@P-101, then the recorded override is applied to the pump profile', () => {
    const overrides = parseAssetProfiles({ 'P-101': { limits: { temperatureC: { max: 70 } } } });
    const RULES: RecordedRules = { version: 'v-asset', position: '1', rules: { ...DEFAULT_TWIN_RULES, assetProfiles: overrides } };
    const own = { ...PUMP, ...{ name: 'pump@P-101', limits: { ...PUMP.limits, temperatureC: { max: 70 } } } };
    const stored = storeAs([{ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [vibrating(1, 75, 5.0), vibrating(2, 50, 1.0)], profile: own } }], RULES, 'pump@P-101');
    expect(stored.filter((e) => e.type === 'AlarmRaised').map((e) => (e.data as { cause: string }).cause)).toEqual(['THRESHOLD_EXCEEDED', 'VIBRATION_HIGH']);
    expect(rederiveTwin('P-101', stored, [RULES])).toMatchObject({ ok: true, warnings: [] });
  });

  it('given events naming a profile the recorded rules do not hold, when re-derived, then the rules’ own profile decides them, with a warning', () => {
    const stored = storeAs([{ type: 'ApplyReadings', data: { assetId: 'P-101', readings: [reading(1, 45), reading(2, 85), reading(3, 50)], profile: profileOfRules(STUDY.rules, 'P-101') } }], STUDY, 'turbine');
    const result = rederiveTwin('P-101', stored, [STUDY]);
    expect(result).toMatchObject({ ok: true, readings: 3 });
    expect(result.warnings).toEqual(['event E-1 (version 1) names profile turbine, which rules v-study do not hold: re-derived with profile default (so are later events naming it)']);
  });
});
