import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { TrustedReading, ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_PROFILES, DEFAULT_TWIN_RULES, rederiveTwin, type RecordedRules, type ThresholdProfile } from '@twinline/domain-twin';
import { InMemoryEventStore, verifyStreamChain, type NewEvent, type StoredEvent } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { applyReadings } from './apply-readings/apply-readings.handler';
import { TwinRepository } from './apply-readings/twin-repository';
import { currentTwinEvents } from './twin-events';

/**
 * A twin history written before AlarmCleared v2 (its time was `clearedAt`) reads, through
 * currentTwinEvents, as the same history written today: same events, same twin, and re-derivation
 * finds no divergence. The store keeps the old form, and its hash chain verifies.
 */

const START = Date.parse('2024-01-01T00:00:00Z');
const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');
const TEMPERATURES = [45, 48, 82, 85, 46, 44, 95, 98, 50];
const readings: TrustedReading[] = TEMPERATURES.map((temperatureC, i) => ({
  readingId: `P-101-R-${i + 1}`,
  deviceId: 'P-101-edge',
  assetId: 'P-101',
  seq: i + 1,
  ts: iso(START + i * 3600_000),
  receivedAt: iso(START + i * 3600_000 + 500),
  metrics: { temperatureC, pressurePsi: 1100 },
}));
const delivery: Delivery<ValidatedTelemetry> = {
  data: { type: 'TelemetryValidated', schemaVersion: 1, eventId: 'V-1', occurredAt: readings[0]!.receivedAt, assetId: 'P-101', correlationId: 'C-V-1', causationId: 'raw-V-1', readings },
  subject: 'telemetry.validated.P-101',
  streamSeq: 1,
  deliveryCount: 1,
  headers: undefined,
  traceContext: ROOT_CONTEXT,
};
const pumpRules: RecordedRules = { version: 'pump', position: '0', rules: { ...DEFAULT_TWIN_RULES, assetClasses: { 'P-101': 'pump' } } };

/** The event as the code before AlarmCleared v2 wrote it. */
function asWrittenBeforeV2({ eventId, type, schemaVersion, occurredAt, data, metadata }: StoredEvent): NewEvent {
  if (type !== 'AlarmCleared') return { eventId, type, schemaVersion, occurredAt, data, metadata };
  const { at, ...rest } = data;
  return { eventId, type, schemaVersion: 1, occurredAt, data: { ...rest, clearedAt: at }, metadata };
}

describe('a twin history stored before AlarmCleared v2', () => {
  let written: InMemoryEventStore;
  let today: StoredEvent[];
  let old: InMemoryEventStore;

  beforeAll(async () => {
    written = new InMemoryEventStore();
    await applyReadings([delivery], { store: written, twins: new TwinRepository(written), profileOf: () => DEFAULT_PROFILES['pump'] as ThresholdProfile, actor: 'service:twin-state' });
    today = await written.readStream('asset-P-101');
    old = new InMemoryEventStore();
    await old.append('asset-P-101', today.map(asWrittenBeforeV2), 0);
  });

  it('is stored in the old form, and its hash chain verifies', async () => {
    const stored = await old.readStream('asset-P-101');
    const cleared = stored.filter((e) => e.type === 'AlarmCleared');
    expect(cleared).toHaveLength(2);
    for (const e of cleared) expect(e).toMatchObject({ schemaVersion: 1, data: { clearedAt: expect.any(String) } });
    expect(verifyStreamChain(stored)).toMatchObject({ valid: true, checked: today.length });
  });

  it('reads as the history written today', async () => {
    const current = await currentTwinEvents(old).readStream('asset-P-101');
    const summary = (events: readonly StoredEvent[]) => events.map(({ eventId, type, schemaVersion, occurredAt, data }) => ({ eventId, type, schemaVersion, occurredAt, data }));
    expect(summary(current)).toEqual(summary(today));
    expect(await currentTwinEvents(old).readAll({ after: '0', limit: 100 })).toEqual(current);
  });

  it('loads the same twin and re-derives without divergence (read raw, the renamed field would diverge)', async () => {
    const [before, now] = await Promise.all([new TwinRepository(old).load('asset-P-101'), new TwinRepository(written).load('asset-P-101')]);
    expect(before).toEqual(now);

    expect(rederiveTwin('P-101', await currentTwinEvents(old).readStream('asset-P-101'), [pumpRules])).toMatchObject({ ok: true });
    expect(rederiveTwin('P-101', await old.readStream('asset-P-101'), [pumpRules])).toMatchObject({ ok: false, divergence: { kind: 'different', stored: { type: 'AlarmCleared' } } });
  });
});

