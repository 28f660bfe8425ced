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
});
export type IngestionConfig = ReturnType<typeof loadIngestionConfig>;
export const loadIngestionConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(ingestionEnvSchema, env);
export const INGESTION_CONFIG = Symbol('INGESTION_CONFIG');
