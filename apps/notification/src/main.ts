import { startTelemetry } from '@twinline/observability';
startTelemetry('notification');

import { runMigrations } from '@twinline/event-store';
import { runService, schemaName, start } from '@twinline/service-kit';
import { loadNotificationConfig } from './config';
import { NotificationModule } from './app.module';
import { DeliveriesInitial1732560000300, DeliveriesRetry1732560000500, DeliveriesThrottle1732560000600, DeliveriesTraceparent1732560000400 } from './deliveries/migrations';

start('notification', async () => {
  const config = loadNotificationConfig();
  const schema = schemaName(config, 'notification');
  await runMigrations({ url: config.DATABASE_URL, schema, migrations: [DeliveriesInitial1732560000300, DeliveriesTraceparent1732560000400, DeliveriesRetry1732560000500, DeliveriesThrottle1732560000600] });
  await runService({ name: 'notification', module: NotificationModule.forConfig(config, schema), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
