import { z } from 'zod';
import { baseEnvSchema, loadConfig, portSchema, DEFAULTS } from '@twinline/service-kit';

export const ingestionEnvSchema = baseEnvSchema.extend({
  PORT: portSchema(3001),
  /** MQTT broker to subscribe to; "off" disables MQTT; "embedded" starts a broker inside ingestion. */
  MQTT_URL: z.string().regex(/^(mqtts?|wss?|tcp):\/\/.+|^off$|^embedded$/, 'must be an mqtt:// URL, "embedded" or "off"').default(DEFAULTS.MQTT_URL),
  MQTT_EMBEDDED_PORT: portSchema(1883),
  /** First topic level: devices publish to <root>/<site>/<assetId>/telemetry. */
  MQTT_TOPIC_ROOT: z.string().regex(/^[A-Za-z0-9_-]+$/, 'must be one topic level of letters, digits, "-" or "_"').default('twinline'),
  MQTT_CLIENT_ID: z.string().min(1).default(`twinline-ingestion-${process.pid}`),
  /**
   * Largest MQTT payload read; a larger one is quarantined as one item with an excerpt. Default: the
   * HTTP body limit, so both channels take the same batches. (The broker's own message size limit,
   * e.g. Mosquitto's message_size_limit, is what keeps a huge message from reaching ingestion at all.)
   */
  /** How long the broker keeps ingestion's session and queues its telemetry while ingestion is away (MQTT 5). */
  MQTT_SESSION_EXPIRY_SECONDS: z.coerce.number().int('must be an integer').min(0, 'must be >= 0').max(4_294_967_295, 'must fit 32 bits').default(7 * 86_400),
  MQTT_MAX_PAYLOAD_BYTES: z.coerce.number().int('must be an integer').min(1024, 'must be >= 1024').max(256 * 1024 * 1024, 'must be <= 268435456').optional(),
});
export type IngestionConfig = ReturnType<typeof loadIngestionConfig>;
export const loadIngestionConfig = (env: NodeJS.ProcessEnv = process.env) => {
  const config = loadConfig(ingestionEnvSchema, env);
  return Object.freeze({ ...config, MQTT_MAX_PAYLOAD_BYTES: config.MQTT_MAX_PAYLOAD_BYTES ?? config.HTTP_BODY_LIMIT_BYTES });
};
export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
