import { startTelemetry } from '@twinline/observability';
startTelemetry('integrity');

import { runMigrations } from '@twinline/event-store';
import { runService, schemaName, start } from '@twinline/service-kit';
import { loadIntegrityConfig } from './config';
import { IntegrityModule } from './app.module';
import { INTEGRITY_MIGRATIONS } from './store/migrations';

start('integrity', async () => {
  const config = loadIntegrityConfig();
  const schema = schemaName(config, 'integrity');
  await runMigrations({ url: config.DATABASE_URL, schema, migrations: INTEGRITY_MIGRATIONS });
  await runService({ name: 'integrity', module: IntegrityModule.forConfig(config, schema), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
