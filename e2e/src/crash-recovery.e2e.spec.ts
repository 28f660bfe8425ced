import { waitFor } from '@twinline/testing';
import { getJson, postJson, startHarness, type Harness } from './harness';
import { testRegistry } from './registry';

interface StoredEvent {
  type: string;
  streamVersion: number;
  eventId: string;
  data: { readings?: Array<{ readingId: string; seq: number }> };
}

/**
 * twin-state is killed (SIGKILL, no graceful shutdown) while readings stream in, then restarted:
 * JetStream redelivers what was not acknowledged and the twin applies it idempotently. No reading is
 * lost and no event is duplicated.
 */
describe('twin-state crash in the middle of a stream', () => {
  let h: Harness;
  beforeAll(async () => {
    // Many short-lived test devices: the assets take unsigned readings (development mode), dated 2024.
    const registry = testRegistry(['C-201', 'C-202', 'C-203'].map((assetId) => ({ assetId, registration: { acceptUnsigned: true, rules: { maxPastSeconds: 20 * 365 * 86_400 } } })));
    h = await startHarness('e2e_crash', registry.env);
  });
  afterAll(async () => {
    await h?.teardown();
  });

  it('loses no reading and duplicates no event', async () => {
    const assets = ['C-201', 'C-202', 'C-203'];
    const batches = 40;
    const perBatch = 25;
    let seq = 0;
    const sent = new Map<string, number>(assets.map((a) => [a, 0]));
    const sendBatch = async () => {
      seq++;
      const readings = Array.from({ length: perBatch }, (_, i) => {
        const assetId = assets[i % assets.length]!;
        sent.set(assetId, sent.get(assetId)! + 1);
        return {
          deviceId: `${assetId}-edge-${i}`,
          assetId,
          seq,
          ts: new Date(Date.UTC(2024, 0, 1) + seq * 60_000).toISOString(),
          metrics: { temperatureC: 40 + ((seq * 7 + i) % 50), pressurePsi: 1000 + ((seq * 13 + i) % 700) },
        };
      });
      const r = await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, { readings });
      expect(r.status).toBe(202);
    };

    for (let b = 0; b < batches / 2; b++) await sendBatch();
    await h.platform.kill('twin-state');
    for (let b = batches / 2; b < batches; b++) await sendBatch();
    await h.platform.start('twin-state');

    for (const assetId of assets) {
      await waitFor(async () => (await getJson<{ readingsApplied: number }>(`${h.platform.urls['twin-state']}/v1/assets/${assetId}`, { token: h.tokens.operator })).body.readingsApplied, {
        accept: (applied) => applied === sent.get(assetId),
        what: `${sent.get(assetId)} readings applied to ${assetId}`,
        timeoutMs: 60_000,
      });
      const events: StoredEvent[] = [];
      for (let from = 1; ; ) {
        const page = await getJson<{ items: StoredEvent[]; nextFromVersion: number | null }>(`${h.platform.urls['twin-state']}/v1/assets/${assetId}/events?fromVersion=${from}&limit=1000`, { token: h.tokens.operator });
        events.push(...page.body.items);
        if (page.body.nextFromVersion === null) break;
        from = page.body.nextFromVersion;
      }
      expect(events.map((e) => e.streamVersion)).toEqual(events.map((_, i) => i + 1));
      expect(new Set(events.map((e) => e.eventId)).size).toBe(events.length);
      const readingIds = events.flatMap((e) => (e.type === 'ReadingsApplied' ? e.data.readings!.map((r) => r.readingId) : []));
      expect(readingIds).toHaveLength(sent.get(assetId)!);
      expect(new Set(readingIds).size).toBe(readingIds.length);
    }
  });
});
