import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import mqtt, { type MqttClient } from 'mqtt';
import { MAX_READINGS_PER_REQUEST, type Topology } from '@twinline/contracts';
import { Messaging, type OutgoingMessage } from '@twinline/messaging';
import { createLogger, inSpan, SpanKind } from '@twinline/observability';
import { Readiness } from '@twinline/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from '../config';
import { TOPOLOGY } from '@twinline/service-kit';
import { buildRawBatches, parseTelemetryTopic, readingsFromMqttPayload, storableText } from '../telemetry/raw-batch';
import { readingsReceived } from '../telemetry/readings-received.metric';
import { StoreThenAck } from './store-then-ack';

/** A message as it arrived, waiting for its batch to be stored. */
interface Arrived {
  readonly topic: string;
  readonly payload: Buffer;
  readonly receivedAt: string;
}

/** The private mqtt.js method every outgoing packet goes through (pinned mqtt 5.x). */
type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: () => void, ...rest: unknown[]) => void;

/** Most MQTT messages stored in one JetStream batch. */
const MAX_MESSAGES_PER_BATCH = 1_000;

/**
 * Subscribes to <root>/+/+/telemetry with QoS 1. A message is acknowledged (PUBACK) to the broker
 * only after JetStream stored it, so a crash makes the broker deliver it again rather than lose it.
 * Payloads that are not JSON or not readings are forwarded too: integrity quarantines them.
 *
 * Batch-first: mqtt.js hands over one message at a time and sends its PUBACK when the handler
 * returns. Waiting there for JetStream would cap the intake at one store round trip per message,
 * and a burst beyond the broker's queue for this client would be dropped by the broker. So the
 * handler returns at once and the PUBACK is held back until the message's batch is stored
 * (acknowledgements leave in arrival order, as MQTT requires); messages arriving meanwhile form the
 * next batch. If a batch cannot be stored, nothing after it is acknowledged and the client
 * reconnects: the broker (persistent session) delivers the unacknowledged messages again, in order.
 */
@Injectable()
export class MqttListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private client?: MqttClient;
  private subscribed = false;
  private readonly log = createLogger('ingestion').child({ component: 'mqtt' });
  private readonly stats = { messages: 0, readings: 0, rejectedTopics: 0 };
  private readonly pipeline = new StoreThenAck<Arrived>((batch) => this.storeBatch(batch), MAX_MESSAGES_PER_BATCH);
  /** PUBACKs held until their message is stored, by MQTT packet id. */
  private readonly awaitingStore = new Map<number, Promise<void>>();
  private restarting = false;

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
    // MQTT 5 lets the client say how many unacknowledged messages it takes at once (Receive
    // Maximum); under 3.1.1 the broker decides (Mosquitto: 20). The embedded broker speaks 3.1.1 only.
    const v5 = this.config.MQTT_URL !== 'embedded';
    const client = mqtt.connect(url, {
      clientId: this.config.MQTT_CLIENT_ID,
      clean: false,
      reconnectPeriod: 1_000,
      ...(v5 ? { protocolVersion: 5 as const, properties: { receiveMaximum: MAX_MESSAGES_PER_BATCH, sessionExpiryInterval: this.config.MQTT_SESSION_EXPIRY_SECONDS } } : {}),
    });
    this.client = client;
    const internals = client as unknown as { _sendPacket: SendPacket };
    const send = internals._sendPacket.bind(client);
    internals._sendPacket = (packet, cb, ...rest) => {
      const stored = packet.cmd === 'puback' && packet.messageId !== undefined ? this.awaitingStore.get(packet.messageId) : undefined;
      if (!stored) return send(packet, cb, ...rest);
      this.awaitingStore.delete(packet.messageId!);
      cb?.(); // mqtt.js goes on with the next message; this acknowledgement waits for the store
      stored.then(
        () => {
          if (client.connected) send(packet);
        },
        () => undefined,
      );
    };
    client.handleMessage = (packet, done) => {
      const stored = this.pipeline.add({ topic: String(packet.topic), payload: Buffer.from(packet.payload as Uint8Array), receivedAt: new Date().toISOString() });
      if (packet.messageId !== undefined && packet.qos > 0) this.awaitingStore.set(packet.messageId, stored);
      stored.catch((error: unknown) => this.restart(client, error));
      done();
    };
    client.on('close', () => this.awaitingStore.clear());
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

  /** Stores a batch of arrived messages in one JetStream round: one raw message per topic and asset run. */
  private async storeBatch(batch: readonly Arrived[]): Promise<void> {
    const messages: OutgoingMessage[] = [];
    let readings = 0;
    for (const { topic, payload, receivedAt } of batch) {
      this.stats.messages++;
      const parsedTopic = parseTelemetryTopic(topic, this.config.MQTT_TOPIC_ROOT);
      if ('error' in parsedTopic) {
        // No asset to attribute it to: it cannot enter an asset's stream. Logged, counted, acknowledged.
        this.stats.rejectedTopics++;
        this.log.warn('message on a topic that is not a telemetry topic', { topic: storableText(topic.slice(0, 300)), reason: parsedTopic.error });
        continue;
      }
      const limits = { maxReadings: MAX_READINGS_PER_REQUEST, maxPayloadBytes: this.config.MQTT_MAX_PAYLOAD_BYTES };
      if (payload.byteLength > limits.maxPayloadBytes) {
        this.log.warn('MQTT payload over the size limit: forwarded as one item with an excerpt, to be quarantined', { topic, bytes: payload.byteLength, limit: limits.maxPayloadBytes });
      }
      const received = readingsFromMqttPayload(payload, parsedTopic.assetId, limits);
      messages.push(...buildRawBatches(received, { channel: 'mqtt', receivedAt, topology: this.topology, topic }).messages);
      readings += received.length;
    }
    if (messages.length === 0) return;
    await inSpan(
      'mqtt receive',
      { service: 'ingestion', kind: SpanKind.CONSUMER, attributes: { 'twinline.channel': 'mqtt', 'messaging.system': 'mqtt', 'twinline.mqtt_messages': batch.length, 'twinline.readings': readings } },
      () => this.bus.publishMany(messages),
    );
    this.stats.readings += readings;
    readingsReceived.inc({ channel: 'mqtt' }, readings);
  }

  /** A batch could not be stored: acknowledge nothing more and reconnect, so the broker redelivers. */
  private restart(client: MqttClient, error: unknown): void {
    if (this.restarting) return;
    this.restarting = true;
    this.log.error('could not store MQTT messages; reconnecting so that the broker delivers them again', { error });
    this.awaitingStore.clear();
    client.end(true, {}, () => {
      this.restarting = false;
      client.reconnect();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await new Promise<void>((resolve) => (this.client ? this.client.end(false, {}, () => resolve()) : resolve()));
  }
}
