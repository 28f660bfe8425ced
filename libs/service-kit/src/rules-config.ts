import { createHash } from 'node:crypto';
import { configStreamId, RULES_CONFIGURED } from '@twinline/contracts';
import { canonicalJson, WrongExpectedVersionError, type EventStore } from '@twinline/event-store';

/** Short sha256 (16 hex) of a value's canonical JSON: the version of a rule configuration or profile. */
export function rulesVersion(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);
}

/**
 * Records a service's rule configuration as an event: appends `RulesConfigured` (`data` with its
 * `version`) to `config-<service>` unless the last one recorded there has the same version.
 * Returns whether it appended. Two replicas starting at once: the loser of the race re-reads.
 */
export async function recordRulesConfiguration(store: EventStore, service: string, data: { readonly version: string } & Record<string, unknown>, o: { actor: string; now?: Date }): Promise<boolean> {
  const streamId = configStreamId(service);
  for (let attempt = 0; ; attempt++) {
    const version = await store.streamVersion(streamId);
    const [last] = version ? await store.readStream(streamId, { fromVersion: version }) : [];
    if (last && (last.data as { version?: unknown }).version === data.version) return false;
    const at = (o.now ?? new Date()).toISOString();
    try {
      await store.append(
        streamId,
        [{ eventId: `${streamId}:${version + 1}:${data.version}`, type: RULES_CONFIGURED, schemaVersion: 1, occurredAt: at, data: { ...data, configuredAt: at }, metadata: { correlationId: `${streamId}:${data.version}`, causationId: null, actor: o.actor, rules: { version: data.version } } }],
        version,
      );
      return true;
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError) || attempt >= 3) throw error;
    }
  }
}
