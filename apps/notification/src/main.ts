import { startTelemetry } from '@twinline/observability';
startTelemetry('notification');

import { runMigrations } from '@twinline/event-store';
import { runService, schemaName, start } from '@twinline/service-kit';
import { loadNotificationConfig } from './config';
import { NotificationModule } from './app.module';
import { NOTIFICATION_MIGRATIONS } from './deliveries/migrations';

start('notification', async () => {
  const config = loadNotificationConfig();
  const schema = schemaName(config, 'notification');
  await runMigrations({ url: config.DATABASE_URL, schema, migrations: NOTIFICATION_MIGRATIONS });
  await runService({ name: 'notification', module: NotificationModule.forConfig(config, schema), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
