import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { TrustedReading, ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, type ThresholdProfile } from '@twinline/domain-twin';
import { InMemoryEventStore } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import type { AlarmCheckQuery } from '../twin-view/twin-view.projection';
import { shelveAlarm } from './alarm-commands';
import { AlarmTimer } from './alarm-timer';

const T0 = Date.parse('2026-03-01T12:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
/** Re-announce after 60 s unacknowledged, stale after 300 s, shelve at most 120 s. */
const profile: ThresholdProfile = { ...(DEFAULT_PROFILES['default'] as ThresholdProfile), alarmPolicy: { deadband: {}, onDelaySeconds: 0, offDelaySeconds: 0, reAlarmAfterSeconds: 60, staleAfterSeconds: 300, maxShelveSeconds: 120 } };
const profiles = { of: () => profile, all: () => [profile] };
const log = createLogger('test', 'error');

let seq = 0;
function telemetry(assetId: string, temperatureC: number, receivedAt: string): Delivery<ValidatedTelemetry> {
  const n = ++seq;
  const reading: TrustedReading = { readingId: `${assetId}-R-${n}`, deviceId: `${assetId}-edge`, assetId, seq: n, ts: receivedAt, receivedAt, metrics: { temperatureC } };
  return {
    data: { type: 'TelemetryValidated', schemaVersion: 1, eventId: `V-${n}`, occurredAt: receivedAt, assetId, correlationId: `C-${n}`, causationId: `raw-${n}`, readings: [reading] },
    subject: `telemetry.validated.${assetId}`,
    streamSeq: n,
    deliveryCount: 1,
    headers: undefined,
    traceContext: ROOT_CONTEXT,
  };
}

describe('AlarmTimer (CheckAlarms for the twins that may need it)', () => {
  let store: InMemoryEventStore;
  let twins: TwinRepository;
  let now: number;
  const queries: AlarmCheckQuery[] = [];
  let candidates: string[][];
  const view = {
    alarmCheckCandidates: async (q: AlarmCheckQuery) => {
      queries.push(q);
      return candidates.shift() ?? [];
    },
  };
  const timer = (o: { batch?: number; onEvents?: () => void } = {}) => new AlarmTimer({ view, store, twins, profiles, intervalMs: 1000, log, clock: () => new Date(now), ...o });
  const types = async (assetId: string) => (await store.readStream(`asset-${assetId}`)).map((e) => e.type);

  beforeEach(async () => {
    store = new InMemoryEventStore();
    twins = new TwinRepository(store);
    queries.length = 0;
    candidates = [];
    await applyReadings([telemetry('P-1', 90, at(0))], { store, twins, profileOf: () => profile, actor: 'service:twin-state' });
  });

  it('asks the view with the shortest times of the profiles: re-alarm 60 s, stale 300 s, shelves ending now', async () => {
    now = T0 + 1000_000;
    await timer().tick();
    expect(queries).toEqual([{ staleBefore: new Date(now - 300_000).toISOString(), staleCause: 'NO_DATA', reAlarmBefore: new Date(now - 60_000).toISOString(), shelvesUntil: new Date(now).toISOString(), after: '', limit: 200 }]);
  });

  it('given an unacknowledged alarm past the re-alarm time, then CheckAlarms re-announces it, once per re-alarm time, attributed to the service', async () => {
    now = T0 + 61_000;
    candidates = [['P-1']];
    let woken = 0;
    expect(await timer({ onEvents: () => woken++ }).tick()).toEqual({ checked: 1, events: 1, errors: 0 });
    const events = await store.readStream('asset-P-1');
    expect(events[events.length - 1]).toMatchObject({ type: 'AlarmReannounced', eventId: `P-1:check:${at(61)}:0:AlarmReannounced`, data: { reason: 'UNACKNOWLEDGED', count: 1 }, metadata: { actor: 'service:twin-state' } });
    expect(woken).toBe(1);
    // Checked again 10 s later: nothing is due, nothing is appended.
    now = T0 + 71_000;
    candidates = [['P-1']];
    expect(await timer().tick()).toEqual({ checked: 1, events: 0, errors: 0 });
  });

  it('given a shelve that has ended, then CheckAlarms unshelves it (EXPIRED)', async () => {
    const alarmId = (await twins.load('asset-P-1')).state.alarms['THRESHOLD_EXCEEDED']!.alarmId;
    await shelveAlarm({ assetId: 'P-1', alarmId, by: 'user:olga', at: at(10), until: at(40), reason: 'swap', profile }, { store, twins }, { correlationId: 'C', actor: 'user:olga' });
    now = T0 + 41_000;
    candidates = [['P-1']];
    await timer().tick();
    expect(await types('P-1')).toContain('AlarmUnshelved');
    expect((await store.readStream('asset-P-1')).find((e) => e.type === 'AlarmUnshelved')).toMatchObject({ data: { reason: 'EXPIRED', alarmId } });
    expect((await twins.load('asset-P-1')).state.shelves).toEqual({});
  });

  it('given no reading for longer than staleAfterSeconds, then CheckAlarms raises NO_DATA', async () => {
    now = T0 + 301_000;
    candidates = [['P-1']];
    await timer().tick();
    expect((await store.readStream('asset-P-1')).filter((e) => e.type === 'AlarmRaised').map((e) => (e.data as { cause: string }).cause)).toEqual(['THRESHOLD_EXCEEDED', 'NO_DATA']);
  });

  it('pages through the candidates and goes on past a twin whose check fails (logged, counted)', async () => {
    await applyReadings([telemetry('P-2', 95, at(0))], { store, twins, profileOf: () => profile, actor: 'service:twin-state' });
    now = T0 + 61_000;
    candidates = [['NO-TWIN', 'P-1'], ['P-2']];
    expect(await timer({ batch: 2 }).tick()).toEqual({ checked: 2, events: 2, errors: 1 });
    expect(queries.map((q) => [q.after, q.limit])).toEqual([
      ['', 2],
      ['P-1', 2],
    ]);
    expect(await types('P-2')).toContain('AlarmReannounced');
  });

  it('runs rounds every interval until stopped; a failing round does not end the loop', async () => {
    let rounds = 0;
    const failing = { alarmCheckCandidates: async () => (++rounds === 1 ? Promise.reject(new Error('database down')) : []) };
    const loop = new AlarmTimer({ view: failing, store, twins, profiles, intervalMs: 5, log });
    loop.start();
    const deadline = Date.now() + 5000;
    while (rounds < 3 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
    await loop.stop();
    expect(rounds).toBeGreaterThanOrEqual(3);
  });
});
