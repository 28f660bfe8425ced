import mqtt from 'mqtt';

export interface SendOptions {
  readonly via: 'mqtt' | 'http';
  readonly mqttUrl: string;
  readonly ingestionUrl: string;
  readonly site: string;
  readonly topicRoot?: string;
}

/** Sends readings to the platform: MQTT (one message per reading, QoS 1) or HTTP (batches). */
export async function sendReadings(readings: ReadonlyArray<{ assetId: string }>, o: SendOptions, batchSize = 500): Promise<void> {
  if (o.via === 'mqtt') {
    const client = await mqtt.connectAsync(o.mqttUrl, { clientId: `twinline-cli-${process.pid}-${Date.now()}` });
    try {
      for (const r of readings) {
        await client.publishAsync(`${o.topicRoot ?? 'twinline'}/${o.site}/${r.assetId}/telemetry`, JSON.stringify(r), { qos: 1 });
      }
    } finally {
      await client.endAsync();
    }
    return;
  }
  for (let i = 0; i < readings.length; i += batchSize) {
    const body = JSON.stringify({ readings: readings.slice(i, i + batchSize) });
    const response = await fetch(`${o.ingestionUrl}/v1/telemetry`, {
      method: 'POST',
      // The device channel: readings are signed by their devices; a user token would be refused.
      headers: { 'content-type': 'application/json' },
      body,
    });
    if (response.status !== 202) throw new Error(`ingestion answered ${response.status}: ${await response.text()}`);
  }
}
