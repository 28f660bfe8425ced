import { Module, type DynamicModule } from '@nestjs/common';
import { serviceBasics } from '@twinline/service-kit';
import { CONSOLE_CONFIG, type ConsoleConfig } from './config';
import { AlarmConsoleController } from './api/alarms.controller';
import { ConsoleController } from './api/console.controller';
import { LiveController } from './live/live.controller';
import { LiveFeed } from './live/live-feed';
import { StaticSite } from './site/static-site';
import { Upstream } from './upstream/upstream';

@Module({})
export class ConsoleModule {
  static forConfig(config: ConsoleConfig): DynamicModule {
    const basics = serviceBasics('console', config, CONSOLE_CONFIG, { postgres: false });
    return {
      module: ConsoleModule,
      controllers: [...basics.controllers, ConsoleController, AlarmConsoleController, LiveController],
      providers: [...basics.providers, Upstream, LiveFeed, StaticSite],
    };
  }
}
