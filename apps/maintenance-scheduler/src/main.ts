import { startTelemetry } from '@twinline/observability';
startTelemetry('maintenance-scheduler');

import { runMigrations } from '@twinline/event-store';
import { runService, schemaName, start } from '@twinline/service-kit';
import { loadSchedulerConfig } from './config';
import { SchedulerModule } from './app.module';
import { SCHEDULER_MIGRATIONS } from './migrations';

start('maintenance-scheduler', async () => {
  const config = loadSchedulerConfig();
  const schema = schemaName(config, 'maintenance-scheduler');
  await runMigrations({ url: config.DATABASE_URL, schema, migrations: SCHEDULER_MIGRATIONS });
  await runService({ name: 'maintenance-scheduler', module: SchedulerModule.forConfig(config, schema), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
