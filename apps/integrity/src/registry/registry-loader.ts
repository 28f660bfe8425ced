import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { createLogger } from '@twinline/observability';
import { INTEGRITY_CONFIG, type IntegrityConfig } from '../config';
import { readRegistryFile } from './registry-file';
import { RegistryDirectory } from './registry-directory';
import { RegistryStore } from './registry-store';

/**
 * Upserts the registry file's assets and devices at start (before the consumer judges anything:
 * module init runs before application bootstrap). Entries registered through the API stay; the
 * file's entries win for what the file names. Then publishes every registered asset to the asset
 * directory (a failure there does not stop the service: it retries in the background).
 */
@Injectable()
export class RegistryLoader implements OnModuleInit {
  constructor(
    @Inject(INTEGRITY_CONFIG) private readonly config: IntegrityConfig,
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(RegistryDirectory) private readonly directory: RegistryDirectory,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.config.REGISTRY_FILE) {
      const entries = readRegistryFile(this.config.REGISTRY_FILE);
      await this.registry.put(entries, 'registry-file');
      createLogger('integrity').info('registry file loaded', { file: this.config.REGISTRY_FILE, assets: entries.assets.length, devices: entries.devices.length });
    }
    await this.directory.syncAll();
  }
}
