import type { SignedFields } from '@twinline/contracts';
import { DEFAULTS } from '@twinline/service-kit';
import { p101Readings } from '../seed';
import { readingsFromCsv } from '../csv';
import { sendReadings } from '../send';
import { deviceSecret, signAll } from '../dev-registry';

export interface SimulateOptions {
  readonly via: 'mqtt' | 'http';
  readonly csv?: string;
  readonly assetId: string;
  readonly deviceId?: string;
  readonly site: string;
  readonly seqBase?: number;
}

/** `twinline simulate`: sends the P-101 table, or a CSV file of readings, over MQTT or HTTP. */
export async function simulate(o: SimulateOptions): Promise<void> {
  const seqBase = o.seqBase ?? Date.now();
  const deviceId = o.deviceId ?? `${o.assetId}-edge`;
  const unsigned = o.csv ? readingsFromCsv(o.csv, { assetId: o.assetId, deviceId, seqBase }) : p101Readings({ assetId: o.assetId, deviceId, seqBase, start: Date.now() - 9 * 3600_000 - 60_000 });
  const secret = deviceSecret(deviceId);
  if (!secret) console.warn(`! no secret for device ${deviceId} (set TWINLINE_DEVICE_SECRET or register it in REGISTRY_FILE): readings go unsigned, and integrity quarantines them unless ${o.assetId} accepts unsigned readings`);
  const readings = signAll(unsigned as unknown as SignedFields[], () => secret);
  const mqttUrl = process.env.MQTT_URL && !['off', 'embedded'].includes(process.env.MQTT_URL) ? process.env.MQTT_URL : DEFAULTS.MQTT_URL;
  const ingestionUrl = process.env.INGESTION_URL ?? 'http://127.0.0.1:3001';
  const started = Date.now();
  await sendReadings(readings, { via: o.via, mqttUrl, ingestionUrl, site: o.site, topicRoot: process.env.MQTT_TOPIC_ROOT ?? 'twinline' });
  console.log(`sent ${readings.length} readings for ${o.assetId} over ${o.via.toUpperCase()} in ${Date.now() - started} ms (${o.via === 'mqtt' ? mqttUrl : ingestionUrl})`);
}
