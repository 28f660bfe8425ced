import { Module, type DynamicModule } from '@nestjs/common';
import { ConnectionCloser, HealthController, MetricsController, metricsProvider, Readiness, TOPOLOGY, messagingProvider, poolProvider, topologyFrom } from '@twinline/service-kit';
import { INTEGRITY_CONFIG, type IntegrityConfig } from './config';
import { AssessTelemetryConsumer, integrityStoreProvider } from './assess-telemetry/assess-telemetry.consumer';
import { QuarantineController } from './quarantine/quarantine.controller';

@Module({})
export class IntegrityModule {
  static forConfig(config: IntegrityConfig, schema: string): DynamicModule {
    return {
      module: IntegrityModule,
      controllers: [HealthController, MetricsController, QuarantineController],
      providers: [
        Readiness,
        { provide: INTEGRITY_CONFIG, useValue: config },
        { provide: TOPOLOGY, useValue: topologyFrom(config) },
        messagingProvider('integrity', config, topologyFrom(config)),
        poolProvider('integrity', config),
        integrityStoreProvider(schema),
        AssessTelemetryConsumer,
        metricsProvider,
        ConnectionCloser,
      ],
    };
  }
}
