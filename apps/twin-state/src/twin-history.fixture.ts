import type { TrustedReading } from '@twinline/contracts';
import { activeAlarmOf, decide, DEFAULT_PROFILES, DEFAULT_QUARANTINE_POLICY, initialTwinState, type ThresholdProfile, type TwinCommand, type TwinState } from '@twinline/domain-twin';
import type { AppendRequest, EventStore } from '@twinline/event-store';
import { foldTwin } from './apply-readings/twin-repository';
import { commandEventId, storedForm, toNewEvent } from './apply-readings/twin-append';
import { twinStreamId } from './streams';

const pump = DEFAULT_PROFILES['pump'] as ThresholdProfile;
const T0 = Date.parse('2024-01-01T00:00:00Z');

/**
 * Writes a realistic twin history for tests: `rounds` batches of readings to each of `assets`
 * assets, decided by the real twin (temperature spikes raise and clear alarms, operators acknowledge
 * them, a run of quarantined readings opens sensor faults, repairs are recorded), appended through
 * the store like the service does. Deterministic.
 * Returns the twins as the writer folded them.
 */
export class TwinHistoryWriter {
  private readonly twins = new Map<string, { state: TwinState; version: number; seq: number }>();
  private minute = 0;

  constructor(
    private readonly store: EventStore,
    private readonly o: { assets: number; readingsPerBatch?: number; prefix?: string },
  ) {}

  assetIds(): string[] {
    return Array.from({ length: this.o.assets }, (_, i) => `${this.o.prefix ?? 'P'}-${String(i + 1).padStart(3, '0')}`);
  }

  state(assetId: string): { state: TwinState; version: number } | undefined {
    return this.twins.get(assetId);
  }

  /** Appends `rounds` rounds (one appendMany per round over every asset); returns the events appended. */
  async write(rounds: number): Promise<number> {
    let appended = 0;
    for (let round = 0; round < rounds; round++) {
      const requests: AppendRequest[] = [];
      const next: Array<[string, { state: TwinState; version: number; seq: number }]> = [];
      this.minute++;
      for (const [a, assetId] of this.assetIds().entries()) {
        const twin = this.twins.get(assetId) ?? { state: initialTwinState, version: 0, seq: 0 };
        const at = (k: number) => new Date(T0 + this.minute * 60_000 + k * 1000).toISOString();
        const phase = (this.minute + a) % 23;
        const alarm = activeAlarmOf(twin.state);
        // An operator acknowledges an alarm in the middle of its episode; a repair is completed now and then.
        const command: TwinCommand | null =
          phase === 11 && alarm !== null && alarm.acknowledgedAt === null
            ? { type: 'AcknowledgeAlarm', data: { assetId, alarmId: alarm.alarmId, by: 'user:operator', at: at(0) } }
            : phase === 17 && this.minute % 2 === 0
              ? { type: 'RecordMaintenance', data: { assetId, workOrderId: `${assetId}-WO-${this.minute}`, type: 'corrective', cause: 'THRESHOLD_EXCEEDED', completedAt: at(0), failure: null, resets: ['baseline', 'health-index'] } }
              : null;
        const events = command
          ? decide(command, twin.state)
          : phase === 7
            ? decide(
                {
                  type: 'RecordQuarantine',
                  data: {
                    assetId,
                    items: Array.from({ length: 6 }, (_, k) => ({ readingId: `${assetId}-Q-${this.minute}-${k}`, deviceId: `D-${assetId}`, receivedAt: at(k), reasons: [{ rule: k === 5 ? 'signature' : 'range' }] })),
                    at: at(5),
                    policy: DEFAULT_QUARANTINE_POLICY,
                    profile: pump,
                  },
                },
                twin.state,
              )
            : decide(
                {
                  type: 'ApplyReadings',
                  data: {
                    assetId,
                    profile: pump,
                    readings: Array.from({ length: this.o.readingsPerBatch ?? 3 }, (_, k): TrustedReading => {
                      const seq = twin.seq + k + 1;
                      const hot = phase >= 10 && phase < 13;
                      return { readingId: `${assetId}-R-${seq}`, deviceId: `D-${assetId}`, assetId, seq, ts: at(k), receivedAt: at(k), metrics: { temperatureC: hot ? 85 + k : 40 + ((seq * 7) % 20), pressurePsi: 1000 + ((seq * 13) % 300) } };
                    }),
                  },
                },
                twin.state,
              );
        if (events.length === 0) continue;
        const metadata = { correlationId: `C-${this.minute}`, causationId: `M-${this.minute}`, actor: 'test' };
        const stored = events.map((e) =>
          e.type === 'AlarmAcknowledged' || e.type === 'MaintenanceCompleted' ? storedForm(e, commandEventId(e, `M-${assetId}-${this.minute}`), metadata) : toNewEvent(e, phase === 7 ? 'quarantined' : 'applied', metadata),
        );
        requests.push({ streamId: twinStreamId(assetId), expectedVersion: twin.version, events: stored });
        next.push([assetId, { state: foldTwin(events, twin.state), version: twin.version + events.length, seq: twin.seq + (command || phase === 7 ? 0 : (this.o.readingsPerBatch ?? 3)) }]);
        appended += events.length;
      }
      await this.store.appendMany(requests);
      for (const [id, twin] of next) this.twins.set(id, twin);
    }
    return appended;
  }
}
