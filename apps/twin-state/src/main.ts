import { startTelemetry } from '@twinline/observability';
startTelemetry('twin-state');

import { eventStoreMigrations, runMigrations } from '@twinline/event-store';
import { runService, schemaName, start } from '@twinline/service-kit';
import { loadTwinConfig } from './config';
import { TwinStateModule } from './app.module';
import { TWIN_VIEW_MIGRATIONS } from './twin-view/migrations';
import { ALARM_LOG_MIGRATIONS } from './alarm-log/migrations';

start('twin-state', async () => {
  const config = loadTwinConfig();
  const schema = schemaName(config, 'twin-state');
  await runMigrations({ url: config.DATABASE_URL, schema, migrations: [...eventStoreMigrations, ...TWIN_VIEW_MIGRATIONS, ...ALARM_LOG_MIGRATIONS] });
  await runService({ name: 'twin-state', module: TwinStateModule.forConfig(config, schema), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
