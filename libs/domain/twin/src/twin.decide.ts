import type { AppliedReading, TrustedReading, TwinEvent } from '@twinline/contracts';
import type { ApplyReadings, TwinCommand } from './twin.commands';
import { assertSameAsset, TwinError } from './twin.errors';
import { evolve } from './twin.evolve';
import { decideAcknowledge } from './twin.acknowledge';
import { alarmEventsAfterReading, decideCheckAlarms, decideRemoveFromService, decideReturnToService, decideShelve, decideUnshelve } from './twin.alarming';
import { decideMaintenance } from './twin.maintenance';
import { decideQuarantine } from './twin.quarantine';
import { configurePrediction, predictAfterReading } from './twin.predict';
import { wasSeen, type TwinState } from './twin.state';

export { alarmIdFor } from './twin.status';

function toApplied(reading: TrustedReading): AppliedReading {
  return {
    readingId: reading.readingId,
    deviceId: reading.deviceId,
    seq: reading.seq,
    ts: reading.ts,
    metrics: { ...reading.metrics },
    receivedAt: reading.receivedAt,
    ...(reading.release ? { release: { ...reading.release } } : {}),
  };
}

/**
 * A reading at or below its device's last applied seq was applied already. A released reading was
 * quarantined, so never applied under its seq: it is recognised by its id instead.
 */
function alreadyApplied(state: TwinState, reading: TrustedReading): boolean {
  if (reading.release) return wasSeen(state.recentReleased, reading.readingId, reading.release.at);
  const last = Object.hasOwn(state.lastSeqByDevice, reading.deviceId) ? state.lastSeqByDevice[reading.deviceId] : undefined;
  return last !== undefined && reading.seq <= last;
}

/**
 * Applies readings in order. A reading at or below its device's last applied seq (including a repeat
 * inside this command) was applied already and is skipped, so a redelivered message yields no events;
 * a released reading (`release` set) is applied once by its id, whatever its seq.
 * After each reading every alarm cause is judged on the latest known value of each metric (the
 * reading's own value, or an earlier one for metrics the reading does not carry): the profile's
 * limits (THRESHOLD_EXCEEDED), its ISO 10816-3 vibration zones (VIBRATION_HIGH), and NO_DATA, which
 * a reading that is not a release ends; with the profile's deadband and on/off delays
 * (alarms/lifecycle.ts). The status follows the tracked conditions, precedence
 * ALARM > SENSOR_FAULT > OFFLINE > WARNING > OPERATIONAL. A reading that is not a release closes an
 * open sensor fault (`SensorFaultCleared`, at its receipt time): the sensor works again.
 * Readings are emitted as `ReadingsApplied` segments; a reading that changes something closes its
 * segment and is followed by `SensorFaultCleared`, `TwinStatusChanged` and, per cause,
 * `AlarmRaised` / `AlarmCleared` / `AlarmSeverityChanged` / `AlarmConditionChanged`: one alarm per
 * cause and episode, not per reading.
 */
function decideApply(command: ApplyReadings, state: TwinState): TwinEvent[] {
  const { assetId, readings, profile } = command.data;
  assertSameAsset(state.assetId, assetId);
  for (const reading of readings) {
    if (reading.assetId !== assetId) {
      throw new TwinError('TWIN.ASSET_MISMATCH', `reading ${reading.readingId} is for asset ${reading.assetId}, not ${assetId}: readings of one asset only`);
    }
  }

  const events: TwinEvent[] = [];
  let working = state;
  let segment: AppliedReading[] = [];
  const closeSegment = () => {
    if (segment.length) events.push({ type: 'ReadingsApplied', data: { assetId, readings: segment } });
    segment = [];
  };

  for (const reading of readings) {
    if (alreadyApplied(working, reading)) continue;
    const applied = toApplied(reading);
    // H10: the prediction fold's configuration (trend windows, anomaly training) is recorded before the reading it first applies to.
    const configured = configurePrediction(working, assetId, reading, profile);
    if (configured !== null) {
      closeSegment();
      events.push(configured);
      working = evolve(working, configured);
    }
    segment.push(applied);
    working = evolve(working, { type: 'ReadingsApplied', data: { assetId, readings: [applied] } });

    const changes: TwinEvent[] = [];
    const apply = (event: TwinEvent) => {
      changes.push(event);
      working = evolve(working, event);
    };
    if (!reading.release && working.sensorFault !== null) apply({ type: 'SensorFaultCleared', data: { assetId, at: reading.receivedAt, readingId: reading.readingId } });
    for (const change of alarmEventsAfterReading(working, { readingId: reading.readingId, ts: reading.ts, release: reading.release !== undefined }, assetId, profile)) apply(change);
    for (const event of predictAfterReading(working, reading, profile)) apply(event);
    if (changes.length === 0) continue;

    // The segment ends with the reading behind the changes, which follow it.
    closeSegment();
    events.push(...changes);
  }
  closeSegment();
  return events;
}

/** The twin's decision on a command; throws TwinError for a broken rule (never for an expected outcome). */
export function decide(command: TwinCommand, state: TwinState): TwinEvent[] {
  switch (command.type) {
    case 'ApplyReadings':
      return decideApply(command, state);
    case 'RecordQuarantine':
      return decideQuarantine(command, state);
    case 'AcknowledgeAlarm':
      return decideAcknowledge(command, state);
    case 'RecordMaintenance':
      return decideMaintenance(command, state);
    case 'ShelveAlarm':
      return decideShelve(command, state);
    case 'UnshelveAlarm':
      return decideUnshelve(command, state);
    case 'RemoveAlarmFromService':
      return decideRemoveFromService(command, state);
    case 'ReturnAlarmToService':
      return decideReturnToService(command, state);
    case 'CheckAlarms':
      return decideCheckAlarms(command, state);
    default: {
      const unknown: never = command;
      throw new TwinError('TWIN.UNKNOWN_COMMAND', `unknown twin command ${JSON.stringify((unknown as { type?: unknown }).type)}`);
    }
  }
}
