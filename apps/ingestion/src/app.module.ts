import { Module, type DynamicModule } from '@nestjs/common';
import { serviceBasics } from '@twinline/service-kit';
import { INGESTION_CONFIG, type IngestionConfig } from './config';
import { TelemetryController } from './telemetry/telemetry.controller';
import { MqttListener } from './mqtt/mqtt-listener';

@Module({})
export class IngestionModule {
  static forConfig(config: IngestionConfig): DynamicModule {
    const basics = serviceBasics('ingestion', config, INGESTION_CONFIG, { postgres: false });
    return {
      module: IngestionModule,
      controllers: [...basics.controllers, TelemetryController],
      providers: [...basics.providers, MqttListener],
    };
  }
}
