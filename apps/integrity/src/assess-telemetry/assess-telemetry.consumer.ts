import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { Pool } from 'pg';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { createLogger } from '@twinline/observability';
import { PG_POOL, TOPOLOGY } from '@twinline/service-kit';
import { INTEGRITY_CONFIG, type IntegrityConfig } from '../config';
import { IntegrityStore } from '../store/integrity-store';
import { RegistryStore } from '../registry/registry-store';
import { assessTelemetry, parseRawTelemetry } from './assess-telemetry.handler';

@Injectable()
export class AssessTelemetryConsumer implements OnApplicationBootstrap {
  private readonly log = createLogger('integrity');
  constructor(
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(TOPOLOGY) private readonly topology: Topology,
    @Inject(IntegrityStore) private readonly store: IntegrityStore,
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(INTEGRITY_CONFIG) private readonly config: IntegrityConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.consume({
      stream: this.topology.streams.telemetry,
      durable: 'integrity__TELEMETRY',
      filterSubject: this.topology.filters.rawTelemetry,
      deadletterSubject: this.topology.deadletter('integrity'),
      maxBatch: this.config.CONSUMER_MAX_BATCH,
      parse: parseRawTelemetry,
      handle: async (batch) => {
        await assessTelemetry(batch, {
          store: this.store,
          registry: (assetIds, deviceIds) => this.registry.view(assetIds, deviceIds),
          publish: (m) => this.bus.publishMany(m),
          topology: this.topology,
        });
      },
      onError: (error, info) => this.log.warn(`consumer ${info.action}`, { error, ...info }),
    });
  }
}

export const integrityStoreProviders = (schema: string) => [
  { provide: IntegrityStore, inject: [PG_POOL], useFactory: (pool: Pool) => new IntegrityStore(pool, schema) },
  { provide: RegistryStore, inject: [PG_POOL], useFactory: (pool: Pool) => new RegistryStore(pool, schema) },
];
