import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { MAX_READINGS_PER_REQUEST, type Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger, inSpan, SpanKind } from '@twinline/observability';
import { Readiness } from '@twinline/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { TOPOLOGY } from '@twinline/service-kit';
import { buildRawBatches, parseTelemetryTopic, readingsFromMqttPayload, storableText } from '../telemetry/raw-batch';
import { readingsReceived } from '../telemetry/readings-received.metric';

/**
 * Subscribes to <root>/+/+/telemetry with QoS 1. A message is acknowledged to the broker only after
 * JetStream stored it, so a crash makes the broker deliver it again rather than lose it. Payloads
 * that are not JSON or not readings are forwarded too: integrity quarantines them with reasons.
 */
@Injectable()
export class MqttListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private client?: MqttClient;
  private subscribed = false;
  private readonly log = createLogger('ingestion').child({ component: 'mqtt' });
  private readonly stats = { messages: 0, readings: 0, rejectedTopics: 0 };

  constructor(
    @Inject(INGESTION_CONFIG) private readonly config: IngestionConfig,
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(Readiness) readiness: Readiness,
  ) {
    if (config.MQTT_URL !== 'off') {
      readiness.add({
        name: 'mqtt',
        check: async () => {
          if (!this.client?.connected) throw new Error('not connected to the MQTT broker');
          if (!this.subscribed) throw new Error('not yet subscribed to the telemetry topics');
        },
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.config.MQTT_URL === 'off') return;
    const url = this.config.MQTT_URL === 'embedded' ? `mqtt://127.0.0.1:${this.config.MQTT_EMBEDDED_PORT}` : this.config.MQTT_URL;
    const topic = `${this.config.MQTT_TOPIC_ROOT}/+/+/telemetry`;
    const client = mqtt.connect(url, { clientId: this.config.MQTT_CLIENT_ID, clean: false, reconnectPeriod: 1_000 });
    this.client = client;
    client.handleMessage = (packet, done) => {
      this.onMessage(String(packet.topic), Buffer.from(packet.payload as Uint8Array)).then(
        () => done(),
        (error: unknown) => {
          // Not acknowledged: the broker delivers it again after reconnect.
          this.log.error('could not forward an MQTT message; the broker will redeliver it', { error, topic: packet.topic });
          client.end(true, {}, () => client.reconnect());
        },
      );
    };
    client.on('connect', () => {
      client.subscribe(topic, { qos: 1 }, (error) => {
        if (error) this.log.error('subscribe failed', { error, topic });
        else {
          this.subscribed = true;
          this.log.info('subscribed', { url, topic });
        }
      });
    });
    client.on('error', (error) => this.log.warn('mqtt error', { error }));
  }

  async onMessage(topic: string, payload: Buffer): Promise<void> {
    this.stats.messages++;
    const parsedTopic = parseTelemetryTopic(topic, this.config.MQTT_TOPIC_ROOT);
    if ('error' in parsedTopic) {
      // No asset to attribute it to: it cannot enter an asset's stream. Logged, counted, acknowledged.
      this.stats.rejectedTopics++;
      this.log.warn('message on a topic that is not a telemetry topic', { topic: storableText(topic.slice(0, 300)), reason: parsedTopic.error });
      return;
    }
    const limits = { maxReadings: MAX_READINGS_PER_REQUEST, maxPayloadBytes: this.config.MQTT_MAX_PAYLOAD_BYTES };
    if (payload.byteLength > limits.maxPayloadBytes) {
      this.log.warn('MQTT payload over the size limit: forwarded as one item with an excerpt, to be quarantined', { topic, bytes: payload.byteLength, limit: limits.maxPayloadBytes });
    }
    const received = readingsFromMqttPayload(payload, parsedTopic.assetId, limits);
    const { messages } = buildRawBatches(received, { channel: 'mqtt', receivedAt: new Date().toISOString(), topology: this.topology, topic });
    await inSpan(
      'mqtt receive',
      { service: 'ingestion', kind: SpanKind.CONSUMER, attributes: { 'twinline.channel': 'mqtt', 'messaging.system': 'mqtt', 'messaging.destination.name': topic, 'twinline.asset_id': parsedTopic.assetId, 'twinline.readings': received.length } },
      () => this.bus.publishMany(messages),
    );
    this.stats.readings += received.length;
    readingsReceived.inc({ channel: 'mqtt' }, received.length);
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.client ? this.client.end(false, {}, () => resolve()) : resolve()));
  }
}
