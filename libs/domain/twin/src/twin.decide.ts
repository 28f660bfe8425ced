import type { AppliedReading, TrustedReading, TwinEvent, TwinStatus } from '@twinline/contracts';
import type { ApplyReadings } from './twin.commands';
import { TwinError } from './twin.errors';
import { evolve } from './twin.evolve';
import { describeConditions, exceededLimits } from './twin.profiles';
import type { TwinState } from './twin.state';

/** The alarm id of the episode a reading started: stable, so a retried command yields the same id. */
export function alarmIdFor(readingId: string): string {
  return `ALM-${readingId}`;
}

function toApplied(reading: TrustedReading): AppliedReading {
  return { readingId: reading.readingId, deviceId: reading.deviceId, seq: reading.seq, ts: reading.ts, metrics: { ...reading.metrics } };
}

function alreadyApplied(state: TwinState, reading: TrustedReading): boolean {
  const last = state.lastSeqByDevice[reading.deviceId];
  return last !== undefined && reading.seq <= last;
}

/**
 * Applies readings in order. A reading at or below its device's last applied seq (including a repeat
 * inside this command) was applied already and is skipped, so a redelivered message yields no events.
 * After each reading the status is ALARM if any profile limit is exceeded by the latest known value
 * of its metric (the reading's own value, or an earlier one for metrics the reading does not carry),
 * else OPERATIONAL. Readings are emitted as `ReadingsApplied` segments; a reading that changes the
 * status closes its segment and is followed by `TwinStatusChanged` and `AlarmRaised` (entering ALARM)
 * or `AlarmCleared` (leaving it): one alarm per episode, not per reading.
 */
export function decide(command: ApplyReadings, state: TwinState): TwinEvent[] {
  const { assetId, readings, profile } = command.data;
  if (state.assetId !== null && state.assetId !== assetId) {
    throw new TwinError('TWIN.ASSET_MISMATCH', `command for asset ${assetId} was sent to the twin of asset ${state.assetId}`);
  }
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
    segment.push(applied);
    working = evolve(working, { type: 'ReadingsApplied', data: { assetId, readings: [applied] } });

    const conditions = exceededLimits(working.metrics, profile);
    const to: TwinStatus = conditions.length ? 'ALARM' : 'OPERATIONAL';
    if (to === working.status) continue;

    closeSegment();
    const changes: TwinEvent[] = [
      {
        type: 'TwinStatusChanged',
        data: {
          assetId,
          from: working.status,
          to,
          label: to === 'ALARM' ? profile.alarmLabel : profile.okLabel,
          at: reading.ts,
          readingId: reading.readingId,
          conditions,
          profile: profile.name,
        },
      },
    ];
    if (to === 'ALARM' && working.activeAlarm === null) {
      changes.push({
        type: 'AlarmRaised',
        data: {
          assetId,
          alarmId: alarmIdFor(reading.readingId),
          cause: profile.cause,
          severity: profile.alarmSeverity,
          message: describeConditions(conditions),
          raisedAt: reading.ts,
          readingId: reading.readingId,
          conditions,
          profile: profile.name,
        },
      });
    } else if (to !== 'ALARM' && working.activeAlarm !== null) {
      changes.push({
        type: 'AlarmCleared',
        data: { assetId, alarmId: working.activeAlarm.alarmId, cause: working.activeAlarm.cause, clearedAt: reading.ts, readingId: reading.readingId },
      });
    }
    for (const change of changes) {
      events.push(change);
      working = evolve(working, change);
    }
  }
  closeSegment();
  return events;
}
