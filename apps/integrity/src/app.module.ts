import { Module, type DynamicModule } from '@nestjs/common';
import { serviceBasics } from '@twinline/service-kit';
import { INTEGRITY_CONFIG, type IntegrityConfig } from './config';
import { AssessTelemetryConsumer, integrityStoreProviders } from './assess-telemetry/assess-telemetry.consumer';
import { QuarantineController } from './quarantine/quarantine.controller';
import { RegistryController } from './registry/registry.controller';
import { RegistryLoader } from './registry/registry-loader';
import { registryDirectoryProviders } from './registry/registry-directory';

@Module({})
export class IntegrityModule {
  static forConfig(config: IntegrityConfig, schema: string): DynamicModule {
    const basics = serviceBasics('integrity', config, INTEGRITY_CONFIG, { postgres: true });
    return {
      module: IntegrityModule,
      controllers: [...basics.controllers, QuarantineController, RegistryController],
      providers: [...basics.providers, ...integrityStoreProviders(schema), ...registryDirectoryProviders, RegistryLoader, AssessTelemetryConsumer],
    };
  }
}
