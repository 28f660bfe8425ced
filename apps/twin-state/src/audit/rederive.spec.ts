import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { QuarantinedItem, QuarantinedTelemetry, TrustedReading, ValidatedTelemetry } from '@twinline/contracts';
import { DEFAULT_QUARANTINE_POLICY, parseAssetProfiles, parseProfiles, profileFor, profileForAsset, profileOfRules, rederiveTwin, type TwinRules } from '@twinline/domain-twin';
import { canonicalJson, InMemoryEventStore } from '@twinline/event-store';
import type { Delivery } from '@twinline/messaging';
import { recordRulesConfiguration } from '@twinline/service-kit';
import { applyReadings } from '../apply-readings/apply-readings.handler';
import { TwinRepository } from '../apply-readings/twin-repository';
import { recordQuarantine } from '../record-quarantine/record-quarantine.handler';
import { acknowledgeAlarm } from '../alarms/acknowledge-alarm';
import { completedEvent } from '../record-maintenance/maintenance-event.fixture';
import { parseMaintenanceCompleted, recordMaintenance } from '../record-maintenance/record-maintenance.handler';
import { recordedTwinRules, TWIN_CONFIG_STREAM, TWIN_SERVICE, versionTwinRules } from '../rules';

const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (minute: number) => new Date(T0 + minute * 60_000).toISOString();
let seq = 0;

function delivery<T>(data: T): Delivery<T> {
  return { data, subject: 'x', streamSeq: ++seq, deliveryCount: 1, headers: undefined, traceContext: ROOT_CONTEXT };
}
const reading = (n: number, temperatureC: number): TrustedReading => ({ readingId: `R-${n}`, deviceId: 'P-101-edge', assetId: 'P-101', seq: n, ts: at(n), receivedAt: at(n), metrics: { temperatureC } });
const validated = (id: string, readings: TrustedReading[]) =>
  delivery<ValidatedTelemetry>({ type: 'TelemetryValidated', schemaVersion: 1, eventId: id, occurredAt: at(0), assetId: 'P-101', correlationId: `C-${id}`, causationId: null, readings });
const item = (id: string, rule: string, minute: number): QuarantinedItem => ({ readingId: id, receivedAt: at(minute), deviceId: 'P-101-edge', seq: 1, ts: at(minute), payload: {}, reasons: [{ rule, field: 'metrics', message: rule }] });
const quarantined = (id: string, items: QuarantinedItem[], minute: number) =>
  delivery<QuarantinedTelemetry>({ type: 'TelemetryQuarantined', schemaVersion: 1, eventId: id, occurredAt: at(minute), assetId: 'P-101', correlationId: `C-${id}`, causationId: null, items });

/** twin-state's handlers as the runtime wires them, under `rules`. */
function service(store: InMemoryEventStore, twins: TwinRepository, rules: TwinRules) {
  const versioned = versionTwinRules(rules);
  const profileOf = (assetId: string) => profileFor(rules.assetClasses[assetId] ?? 'default', rules.profiles);
  const deps = { store, twins, profileOf, rulesOf: versioned.metadataFor, policy: rules.policy, actor: 'service:twin-state' };
  return {
    versioned,
    start: () => recordRulesConfiguration(store, TWIN_SERVICE, versioned.configured, { actor: 'service:twin-state', now: new Date(T0) }),
    apply: (...batch: Array<Delivery<ValidatedTelemetry>>) => applyReadings(batch, deps),
    quarantine: (...batch: Array<Delivery<QuarantinedTelemetry>>) => recordQuarantine(batch, deps),
  };
}

describe('re-derivation of what the twin-state handlers stored', () => {
  const study: TwinRules = { profiles: parseProfiles({}), assetClasses: { 'P-101': 'pump' }, policy: { sensorFaultAfter: 2, securityCooldownSeconds: 900 } };
  const strict: TwinRules = { ...study, profiles: parseProfiles({ pump: { limits: { temperatureC: { max: 70 } } } }) };

  it('records the rules in every event, a configuration once per change, and re-derives the stored history without divergence', async () => {
    const store = new InMemoryEventStore();
    const twins = new TwinRepository(store);
    const v1 = service(store, twins, study);
    expect(await v1.start()).toBe(true);
    expect(await v1.start()).toBe(false);

    // Batches of several messages, quarantines of several messages (the second one's items split by the fault it opens), interleaved.
    await v1.apply(validated('V-1', [reading(1, 45), reading(2, 82)]), validated('V-2', [reading(3, 85), reading(4, 60)]));
    await v1.quarantine(quarantined('Q-1', [item('Q-1a', 'range', 5), item('Q-1b', 'signature', 5)], 5), quarantined('Q-2', [item('Q-2a', 'range', 6), item('Q-2b', 'signature', 6)], 6));
    await v1.apply(validated('V-3', [reading(7, 75)]));

    // A new configuration (a stricter pump): recorded at start, applied from then on.
    const v2 = service(store, twins, strict);
    expect(await v2.start()).toBe(true);
    await v2.apply(validated('V-4', [reading(8, 75), reading(9, 50)]));

    const events = await store.readStream('asset-P-101');
    expect(events.map((e) => e.type)).toEqual([
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised',
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared',
      'ReadingsQuarantined', 'SecurityViolationDetected',
      'ReadingsQuarantined', 'SensorFaultDetected', 'TwinStatusChanged', 'ReadingsQuarantined',
      'ReadingsApplied', 'SensorFaultCleared', 'TwinStatusChanged',
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised',
      'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared',
    ]);
    expect(events[0]!.metadata.rules).toEqual({ version: v1.versioned.version, profile: 'pump', profileVersion: v1.versioned.profileVersions['pump'] });
    expect(events[6]!.metadata).toMatchObject({ commandAt: at(5), causationId: 'Q-1' });
    expect(events[events.length - 1]!.metadata.rules?.version).toBe(v2.versioned.version);
    expect(v1.versioned.version).not.toBe(v2.versioned.version);

    const recorded = await recordedTwinRules(store);
    expect(recorded.map((r) => r.version)).toEqual([v1.versioned.version, v2.versioned.version]);
    expect((await store.readStream(TWIN_CONFIG_STREAM)).map((e) => e.type)).toEqual(['RulesConfigured', 'RulesConfigured']);
    const result = rederiveTwin('P-101', events, recorded);
    expect(result).toMatchObject({ ok: true, warnings: [], rules: [{ version: v1.versioned.version }, { version: v2.versioned.version }] });

    // Re-derived by the first rules throughout, the last alarm does not follow.
    expect(rederiveTwin('P-101', events.map((e) => ({ ...e, metadata: { ...e.metadata, rules: { version: v1.versioned.version } } })), recorded)).toMatchObject({
      ok: false,
      divergence: { kind: 'unexpected', streamVersion: 17, stored: { type: 'TwinStatusChanged' } },
    });
  });

  it('re-derives a history with acknowledgements (HTTP) and maintenance (the scheduler) without divergence: they are decided from commands, not readings', async () => {
    const store = new InMemoryEventStore();
    const twins = new TwinRepository(store);
    const v1 = service(store, twins, study);
    await v1.start();
    await v1.apply(validated('V-1', [reading(1, 45), reading(2, 82)]));
    await acknowledgeAlarm({ assetId: 'P-101', alarmId: 'ALM-R-2', by: 'user:olga', at: at(3), note: 'seen' }, { store, twins }, { correlationId: 'C-ack' });
    await v1.apply(validated('V-2', [reading(4, 85)]));
    await recordMaintenance([delivery(parseMaintenanceCompleted(JSON.parse(JSON.stringify(completedEvent('M-1', { completedAt: at(5) })))))], { store, twins, actor: 'service:twin-state' });
    await v1.apply(validated('V-3', [reading(6, 50)]));

    const events = await store.readStream('asset-P-101');
    expect(events.map((e) => e.type)).toEqual(['ReadingsApplied', 'TwinStatusChanged', 'AlarmRaised', 'AlarmAcknowledged', 'ReadingsApplied', 'MaintenanceCompleted', 'ReadingsApplied', 'TwinStatusChanged', 'AlarmCleared']);
    expect(rederiveTwin('P-101', events, await recordedTwinRules(store))).toMatchObject({ ok: true, readings: 4, decisions: 4, commands: 2, warnings: [] });
  });

  it("keeps the order of a profile's limits (the order of an alarm's conditions) through a store that sorts keys, as jsonb does", async () => {
    const configured = { ...versionTwinRules(study).configured, configuredAt: at(0) };
    const sorted = JSON.parse(canonicalJson(configured)) as Record<string, unknown>;
    const store = { readStream: async () => [{ eventId: 'c-1', type: 'RulesConfigured', position: '1', data: sorted }] } as unknown as InMemoryEventStore;
    const [recorded] = await recordedTwinRules(store);
    expect(Object.keys(recorded!.rules.profiles['pump']!.limits)).toEqual(['temperatureC', 'pressurePsi']);
    expect(Object.keys(recorded!.rules.profiles['pump']!.limits)).toEqual(Object.keys(study.profiles['pump']!.limits));
    const swapped = { ...study, profiles: { ...study.profiles, pump: { ...study.profiles['pump']!, limits: { pressurePsi: { max: 1500 }, temperatureC: { max: 80 } } } } };
    expect(versionTwinRules(swapped).version).not.toBe(versionTwinRules(study).version);
  });

  it('names a version that changes with any rule: a limit, an asset class or the policy', () => {
    const base = versionTwinRules(study).version;
    expect(versionTwinRules({ ...study }).version).toBe(base);
    expect(versionTwinRules(strict).version).not.toBe(base);
    expect(versionTwinRules({ ...study, assetClasses: {} }).version).not.toBe(base);
    expect(versionTwinRules({ ...study, policy: DEFAULT_QUARANTINE_POLICY }).version).not.toBe(base);
    expect(base).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts per-asset overrides (TWIN_ASSET_PROFILES) in the version when there are any, and names the overridden profile in the asset\'s metadata', () => {
    const base = versionTwinRules(study);
    expect(versionTwinRules(study, {}).version).toBe(base.version);
    const overridden = versionTwinRules(study, { 'P-101': { alarmPolicy: { onDelaySeconds: 30 } } });
    expect(overridden.version).not.toBe(base.version);
    expect(overridden.metadataFor('P-101')).toMatchObject({ version: overridden.version, profile: `${base.metadataFor('P-101').profile}@P-101` });
    expect(overridden.metadataFor('P-101').profileVersion).not.toBe(base.metadataFor('P-101').profileVersion);
    expect(overridden.metadataFor('P-102')).toEqual({ ...base.metadataFor('P-102'), version: overridden.version });
  });

  it('given rules with vibration zones, an alarm policy and a per-asset override, when recorded and read back, then the audit decides by the same profiles as live', async () => {
    const store = new InMemoryEventStore();
    const assetProfiles = parseAssetProfiles({ 'P-101': { limits: { temperatureC: { max: 75 } }, alarmPolicy: { maxShelveSeconds: 3600 } } }, study.profiles);
    const versioned = versionTwinRules(study, assetProfiles);
    await recordRulesConfiguration(store, TWIN_SERVICE, versioned.configured, { actor: 'service:twin-state', now: new Date(T0) });

    const [recorded] = await recordedTwinRules(store);
    expect(recorded?.rules.profiles).toEqual(study.profiles);
    expect(recorded?.rules.profiles['pump']?.vibration).toBeDefined();
    const live = profileForAsset('P-101', 'pump', study.profiles, assetProfiles);
    expect(profileOfRules(recorded!.rules, 'P-101')).toEqual(live);
    expect(profileOfRules(recorded!.rules, 'P-102')).toEqual(profileFor('default', study.profiles));
  });
});

