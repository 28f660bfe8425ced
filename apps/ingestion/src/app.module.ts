import { Module, type DynamicModule } from '@nestjs/common';
import { HealthController, MetricsController, metricsProvider, Readiness, TOPOLOGY, messagingProvider, topologyFrom, PG_POOL, ConnectionCloser } from '@twinline/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { TelemetryController } from './telemetry/telemetry.controller';
import { MqttListener } from './mqtt/mqtt-listener';

@Module({})
export class IngestionModule {
  static forConfig(config: IngestionConfig): DynamicModule {
    return {
      module: IngestionModule,
      controllers: [HealthController, MetricsController, TelemetryController],
      providers: [
        Readiness,
        { provide: INGESTION_CONFIG, useValue: config },
        { provide: TOPOLOGY, useValue: topologyFrom(config) },
        { provide: PG_POOL, useValue: null },
        messagingProvider('ingestion', config, topologyFrom(config)),
        MqttListener,
        metricsProvider,
        ConnectionCloser,
      ],
    };
  }
}
