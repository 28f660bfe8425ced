import { startTelemetry } from '@twinline/observability';
startTelemetry('console');

import { runService, start } from '@twinline/service-kit';
import { loadConsoleConfig } from './config';
import { ConsoleModule } from './app.module';

start('console', async () => {
  const config = loadConsoleConfig();
  await runService({ name: 'console', module: ConsoleModule.forConfig(config), port: config.PORT, host: config.HOST, bodyLimitBytes: config.HTTP_BODY_LIMIT_BYTES });
});
