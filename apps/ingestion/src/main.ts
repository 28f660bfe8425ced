import { startTelemetry } from '@twinline/observability';
startTelemetry('ingestion');

import { runService, start } from '@twinline/service-kit';
import { loadIngestionConfig } from './config';
import { IngestionModule } from './app.module';
import { startEmbeddedBroker } from './mqtt/embedded-broker';

start('ingestion', async () => {
  const config = loadIngestionConfig();
  if (config.MQTT_URL === 'embedded') await startEmbeddedBroker(config.MQTT_EMBEDDED_PORT);
  await runService({ name: 'ingestion', module: IngestionModule.forConfig(config), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
