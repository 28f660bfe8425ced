import fc from 'fast-check';
import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { DEFAULT_QUARANTINE_POLICY, type TwinCommand } from './twin.commands';
import { decide } from './twin.decide';
import { evolve } from './twin.evolve';
import { DEFAULT_PROFILES, type ThresholdProfile } from './twin.profiles';
import { initialTwinState, TWIN_STATE_VERSION, type TwinState } from './twin.state';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const fold = (events: readonly TwinEvent[], from: TwinState = initialTwinState) => events.reduce(evolve, from);
/** Field paths of a value (objects walked, arrays and empty objects are leaves). */
const paths = (value: unknown, prefix = ''): string[] =>
  value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 ? Object.keys(value).flatMap((k) => paths((value as Record<string, unknown>)[k], `${prefix}${k}.`)) : [prefix.slice(0, -1)];
/** What a snapshot stores and gives back: the state through JSON (as in a jsonb column). */
const throughJson = (state: TwinState): TwinState => JSON.parse(JSON.stringify(state)) as TwinState;

/** One step of a generated history: readings to apply or to record as quarantined. */
const step = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      readings: fc.array(
        fc.record({
          device: fc.constantFrom('D-1', 'D-2'),
          seqStep: fc.integer({ min: -2, max: 3 }), // repeats and late readings too
          minutes: fc.integer({ min: -30, max: 60 }),
          temperatureC: fc.oneof(fc.integer({ min: 20, max: 79 }), fc.integer({ min: 80, max: 120 })),
          pressurePsi: fc.option(fc.double({ min: 500, max: 2000, noNaN: true }), { nil: undefined }),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      release: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
      // H10: the profile's prediction configuration may change between commands (PredictionConfigured).
      config: fc.integer({ min: 0, max: 5 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('quarantine' as const),
      items: fc.array(fc.record({ rule: fc.constantFrom('range', 'json', 'duplicate', 'signature', 'device', 'stale'), device: fc.option(fc.constantFrom('D-1', 'D-9'), { nil: null }) }), { minLength: 1, maxLength: 8 }),
    }),
  },
  // An operator acknowledges an alarm (when there is one not acknowledged yet).
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('acknowledge' as const), note: fc.option(fc.string({ maxLength: 10 }), { nil: undefined }) }) },
  // Alarm lifecycle commands: shelve / unshelve an alarm, a cause out of / back in service, the alarm timer.
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('shelve' as const), minutes: fc.integer({ min: 1, max: 120 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unshelve' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('service' as const), cause: fc.constantFrom('THRESHOLD_EXCEEDED', 'VIBRATION_HIGH', 'NO_DATA') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('check' as const), minutes: fc.integer({ min: 0, max: 200 }) }) },
  // Maintenance completed; work orders repeat (a redelivery records nothing), some completions are late.
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('maintenance' as const), workOrder: fc.integer({ min: 1, max: 4 }), minutes: fc.integer({ min: -60, max: 5 }), failure: fc.boolean(), resets: fc.boolean() }),
  },
);

/** Decides a generated history with the real twin: the events a twin stream would hold. */
/** H10: pump profiles whose prediction fold is configured differently (trend window, anomaly training). */
const CONFIGURED: readonly ThresholdProfile[] = [
  { ...pump, prediction: { trendWindow: { bucketSeconds: 0, maxPoints: 5 } } },
  { ...pump, prediction: { anomaly: { trainingReadings: 4, trainingHours: 0, options: { windowSamples: 2, rateSamples: 1, raiseAbove: 2, raiseAfter: 1, clearAfter: 1, minTrainingSamples: 2 } } } },
  { ...pump, prediction: { trendWindow: { bucketSeconds: 600, maxPoints: 4 }, metrics: { pressurePsi: { trendWindow: { bucketSeconds: 0, maxPoints: 3 } } } } },
];

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function history(steps: readonly Step[]): TwinEvent[] {
  let state = initialTwinState;
  const events: TwinEvent[] = [];
  const seq: Record<string, number> = { 'D-1': 0, 'D-2': 0 };
  let minute = 0;
  let n = 0;
  for (const s of steps) {
    minute += 10;
    const at = (m: number) => new Date(T0 + (minute + m) * 60_000).toISOString();
    let command: TwinCommand;
    if (s.kind === 'acknowledge') {
      const unacknowledged = Object.values(state.alarms).find((a) => a.state !== 'ACTIVE_ACKED');
      if (unacknowledged === undefined) continue;
      command = { type: 'AcknowledgeAlarm', data: { assetId: 'P-1', alarmId: unacknowledged.alarmId, by: 'user:op', at: at(0), ...(s.note !== undefined ? { note: s.note } : {}) } };
    } else if (s.kind === 'shelve') {
      const alarm = Object.values(state.alarms).find((a) => !Object.hasOwn(state.shelves, a.cause));
      if (alarm === undefined) continue;
      command = { type: 'ShelveAlarm', data: { assetId: 'P-1', alarmId: alarm.alarmId, by: 'user:op', at: at(0), until: at(s.minutes), reason: 'work on the sensor', profile: pump } };
    } else if (s.kind === 'unshelve') {
      const shelved = Object.values(state.shelves)[0];
      if (shelved === undefined) continue;
      command = { type: 'UnshelveAlarm', data: { assetId: 'P-1', alarmId: shelved.alarmId, by: 'user:op', at: at(0) } };
    } else if (s.kind === 'service') {
      if (state.assetId === null) continue;
      command = Object.hasOwn(state.outOfService, s.cause)
        ? { type: 'ReturnAlarmToService', data: { assetId: 'P-1', cause: s.cause, by: 'user:op', at: at(0) } }
        : { type: 'RemoveAlarmFromService', data: { assetId: 'P-1', cause: s.cause, by: 'user:op', at: at(0), reason: 'sensor replaced' } };
    } else if (s.kind === 'check') {
      command = { type: 'CheckAlarms', data: { assetId: 'P-1', at: at(s.minutes), profile: pump } };
    } else if (s.kind === 'maintenance') {
      command = {
        type: 'RecordMaintenance',
        data: {
          assetId: 'P-1',
          workOrderId: `WO-${s.workOrder}`,
          type: 'corrective',
          cause: 'THRESHOLD_EXCEEDED',
          completedAt: at(s.minutes),
          failure: s.failure ? { mode: 'bearing wear', failedAt: at(s.minutes - 30) } : null,
          resets: s.resets ? ['baseline', 'health-index'] : [],
        },
      };
    } else if (s.kind === 'apply') {
      const readings = s.readings.map((r, i): TrustedReading => {
        seq[r.device] = Math.max(0, seq[r.device]! + r.seqStep);
        const metrics: Record<string, number> = { temperatureC: r.temperatureC };
        if (r.pressurePsi !== undefined) metrics['pressurePsi'] = r.pressurePsi;
        return {
          readingId: `R-${++n}`,
          deviceId: r.device,
          assetId: 'P-1',
          seq: seq[r.device]!,
          ts: at(r.minutes),
          receivedAt: at(i),
          metrics,
          ...(s.release && i === 0 ? { release: { at: at(i), by: 'user:admin', note: 'reviewed' } } : {}),
        };
      });
      command = { type: 'ApplyReadings', data: { assetId: 'P-1', readings, profile: CONFIGURED[s.config] ?? pump } };
    } else {
      const items = s.items.map((item, i) => ({ readingId: `Q-${++n}`, deviceId: item.device, receivedAt: at(i), reasons: [{ rule: item.rule }] }));
      command = { type: 'RecordQuarantine', data: { assetId: 'P-1', items, at: at(items.length), policy: DEFAULT_QUARANTINE_POLICY, profile: pump } };
    }
    const decided = decide(command, state);
    state = fold(decided, state);
    events.push(...decided);
  }
  return events;
}

describe('twin snapshots', () => {
  it('state from a snapshot (at any version, through JSON) plus the tail equals the state from a full replay', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (steps, where) => {
        const events = history(steps);
        const at = Math.floor(where * events.length);
        const snapshot = throughJson(fold(events.slice(0, at)));
        expect(fold(events.slice(at), snapshot)).toEqual(fold(events));
        // And the snapshot of the full replay is the full replay.
        expect(throughJson(fold(events))).toEqual(fold(events));
      }),
      { numRuns: 300 },
    );
  });

  it('snapshots taken every N events, each from the previous snapshot plus its tail, end where a full replay ends', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 10 }), (steps, every) => {
        const events = history(steps);
        let snapshot = initialTwinState;
        let version = 0;
        while (events.length - version >= every) {
          snapshot = throughJson(fold(events.slice(version, version + every), snapshot));
          version += every;
        }
        expect(fold(events.slice(version), snapshot)).toEqual(fold(events));
      }),
      { numRuns: 200 },
    );
  });

  /**
   * The shape of each TWIN_STATE_VERSION, as field paths of the initial state. A changed TwinState
   * fails here: give it a new version (and add its shape) so that stored snapshots of the old shape
   * are ignored instead of loaded into the new one.
   */
  it('pins the state shape of TWIN_STATE_VERSION', () => {
    const SHAPES: Record<number, string> = {
      1: 'activeAlarm,alarmsRaised,assetId,label,lastAppliedReceivedAt,lastReadingTs,lastSecurityViolation,lastSeqByDevice,metrics,profile,readingsApplied,readingsQuarantined,recentQuarantined.evictedUpTo,recentQuarantined.ids,recentReleased.evictedUpTo,recentReleased.ids,sensorFault,status,violationRulesSinceApplied,violationsSinceApplied',
      2: 'activeAlarm,alarmsRaised,assetId,label,lastAppliedReceivedAt,lastMaintenance,lastReadingTs,lastSecurityViolation,lastSeqByDevice,maintainedSince,maintenanceCount,metrics,profile,readingsApplied,readingsQuarantined,recentQuarantined.evictedUpTo,recentQuarantined.ids,recentReleased.evictedUpTo,recentReleased.ids,recentWorkOrders.evictedUpTo,recentWorkOrders.ids,sensorFault,status,violationRulesSinceApplied,violationsSinceApplied',
      3: 'alarmConditions,alarms,alarmsRaised,assetId,label,lastAppliedReadingId,lastAppliedReceivedAt,lastMaintenance,lastReadingTs,lastSecurityViolation,lastSeqByDevice,maintainedSince,maintenanceCount,metrics,outOfService,prediction.anomaly.active,prediction.anomaly.detected,prediction.anomaly.detector,prediction.anomaly.model,prediction.anomaly.score,prediction.anomaly.training,prediction.anomaly.trainingReadings,prediction.anomaly.trainingSince,prediction.config,prediction.failures,prediction.latestMs,prediction.predictionsRaised,prediction.rul,prediction.trends,profile,readingsApplied,readingsQuarantined,recentQuarantined.evictedUpTo,recentQuarantined.ids,recentReleased.evictedUpTo,recentReleased.ids,recentWorkOrders.evictedUpTo,recentWorkOrders.ids,sensorFault,shelves,status,violationRulesSinceApplied,violationsSinceApplied',
      4: 'alarmConditions,alarms,alarmsRaised,assetId,label,lastAppliedReadingId,lastAppliedReceivedAt,lastMaintenance,lastReadingTs,lastSecurityViolation,lastSeqByDevice,maintainedSince,maintenanceCount,metrics,outOfService,prediction.anomaly.active,prediction.anomaly.detected,prediction.anomaly.detector,prediction.anomaly.model,prediction.anomaly.score,prediction.anomaly.training,prediction.anomaly.trainingReadings,prediction.anomaly.trainingSince,prediction.config,prediction.failures,prediction.health.points,prediction.latestMs,prediction.predictionsRaised,prediction.rul,prediction.trends,profile,readingsApplied,readingsQuarantined,recentQuarantined.evictedUpTo,recentQuarantined.ids,recentReleased.evictedUpTo,recentReleased.ids,recentWorkOrders.evictedUpTo,recentWorkOrders.ids,sensorFault,shelves,status,violationRulesSinceApplied,violationsSinceApplied',
    };
    expect(paths(initialTwinState).sort().join(',')).toBe(SHAPES[TWIN_STATE_VERSION]);
  });

  /** The members of the nested values (an alarm record, its tracked condition, a shelve, the last maintenance) are part of the shape too. */
  it('pins the shape of the alarm records and the last maintenance of TWIN_STATE_VERSION', () => {
    const NESTED: Record<number, string> = {
      3: 'alarm.acknowledgedAt,alarm.acknowledgedBy,alarm.alarmId,alarm.cause,alarm.conditions,alarm.lastAnnouncedAt,alarm.message,alarm.raisedAt,alarm.reannouncements,alarm.returnedAt,alarm.severity,alarm.state,condition.active,condition.conditions,condition.pending,condition.profile,condition.readingId,condition.severity,condition.since,lastMaintenance.cause,lastMaintenance.completedAt,lastMaintenance.failure,lastMaintenance.resets,lastMaintenance.type,lastMaintenance.workOrderId,outOfService.at,outOfService.by,outOfService.reason,shelve.alarmId,shelve.at,shelve.by,shelve.reason,shelve.until',
      4: 'alarm.acknowledgedAt,alarm.acknowledgedBy,alarm.alarmId,alarm.cause,alarm.conditions,alarm.lastAnnouncedAt,alarm.message,alarm.raisedAt,alarm.reannouncements,alarm.returnedAt,alarm.severity,alarm.state,condition.active,condition.conditions,condition.pending,condition.profile,condition.readingId,condition.severity,condition.since,lastMaintenance.cause,lastMaintenance.completedAt,lastMaintenance.failure,lastMaintenance.resets,lastMaintenance.type,lastMaintenance.workOrderId,outOfService.at,outOfService.by,outOfService.reason,shelve.alarmId,shelve.at,shelve.by,shelve.reason,shelve.until',
    };
    const reading: TrustedReading = { readingId: 'R-1', deviceId: 'D-1', assetId: 'P-1', seq: 1, ts: '2024-01-01T00:00:00Z', receivedAt: '2024-01-01T00:00:00Z', metrics: { temperatureC: 90 } };
    let state = fold(decide({ type: 'ApplyReadings', data: { assetId: 'P-1', readings: [reading], profile: pump } }, initialTwinState));
    state = fold(decide({ type: 'RecordMaintenance', data: { assetId: 'P-1', workOrderId: 'WO-1', type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: '2024-01-01T01:00:00Z', failure: null, resets: [] } }, state), state);
    state = fold(decide({ type: 'ShelveAlarm', data: { assetId: 'P-1', alarmId: 'ALM-R-1', by: 'op', at: '2024-01-01T01:00:00Z', until: '2024-01-01T02:00:00Z', reason: 'r', profile: pump } }, state), state);
    state = fold(decide({ type: 'RemoveAlarmFromService', data: { assetId: 'P-1', cause: 'NO_DATA', by: 'op', at: '2024-01-01T01:00:00Z', reason: 'r' } }, state), state);
    const nested = paths({
      alarm: state.alarms['THRESHOLD_EXCEEDED'],
      condition: state.alarmConditions['THRESHOLD_EXCEEDED'],
      shelve: state.shelves['THRESHOLD_EXCEEDED'],
      outOfService: state.outOfService['NO_DATA'],
      lastMaintenance: state.lastMaintenance,
    });
    expect(nested.sort().join(',')).toBe(NESTED[TWIN_STATE_VERSION]);
  });
});
