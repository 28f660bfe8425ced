import { randomBytes } from 'node:crypto';
import { Body, Controller, Get, Inject, Param, Put, Query } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, assetRegistrationSchema, deviceIdSchema, deviceRegistrationSchema, parseContract } from '@twinline/contracts';
import { RuleOverrideError, rulesFor } from '@twinline/domain-integrity';
import { Actor, DomainError, RequireRoles } from '@twinline/service-kit';
import { RegistryDirectory } from './registry-directory';
import { RegistryStore } from './registry-store';

const assetsQuery = z.object({ assetId: assetIdSchema.optional() });
const devicesQuery = z.object({ assetId: assetIdSchema.optional() });

function notFound(what: string, id: string): DomainError {
  return new DomainError('REGISTRY.NOT_FOUND', `${what} ${id} is not registered`, 404);
}

/** The rules an override would give, or a 400 naming the override field that cannot work. */
export function checkOverrides(registration: { assetClass: Parameters<typeof rulesFor>[0]; rules: Parameters<typeof rulesFor>[1] }): void {
  try {
    rulesFor(registration.assetClass, registration.rules);
  } catch (error) {
    if (error instanceof RuleOverrideError) {
      throw new DomainError('CONTRACT.INVALID', error.message, 400, { errors: [{ field: error.field, message: error.message.slice(error.field.length + 2) }] });
    }
    throw error;
  }
}

/**
 * The asset and device registry: `admin` registers, every role reads. Secrets are write-only: a
 * device registered without one gets a generated secret in the answer, once. An asset's class and
 * site go to the asset directory the other services read, once the registry has stored them.
 */
@Controller('v1/registry')
export class RegistryController {
  constructor(
    @Inject(RegistryStore) private readonly registry: RegistryStore,
    @Inject(RegistryDirectory) private readonly directory: RegistryDirectory,
  ) {}

  @Put('assets/:assetId')
  @RequireRoles('admin')
  async putAsset(@Param('assetId') assetId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const registration = parseContract(assetRegistrationSchema, body ?? {}, 'asset registration');
    checkOverrides(registration);
    await this.registry.put({ assets: [{ assetId: id, ...registration }] }, actor);
    const stored = await this.registry.assets({ assetId: id });
    await this.directory.published(stored);
    return stored[0];
  }

  @Get('assets')
  async listAssets(@Query() query: unknown) {
    return { items: await this.registry.assets(parseContract(assetsQuery, query, 'query')) };
  }

  @Get('assets/:assetId')
  async getAsset(@Param('assetId') assetId: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const [asset] = await this.registry.assets({ assetId: id });
    if (!asset) throw notFound('asset', id);
    return { ...asset, deviceIds: (await this.registry.devices({ assetId: id })).map((d) => d.deviceId) };
  }

  @Put('devices/:deviceId')
  @RequireRoles('admin')
  async putDevice(@Param('deviceId') deviceId: string, @Body() body: unknown, @Actor() actor: string) {
    const id = parseContract(deviceIdSchema, deviceId, 'deviceId');
    const registration = parseContract(deviceRegistrationSchema, body ?? {}, 'device registration');
    const generated = registration.secret === undefined && !(await this.registry.deviceExists(id)) ? randomBytes(32).toString('base64url') : undefined;
    await this.registry.put({ devices: [{ deviceId: id, assetId: registration.assetId, enabled: registration.enabled, ...(registration.secret ?? generated ? { secret: registration.secret ?? generated } : {}) }] }, actor);
    const [device] = await this.registry.devices({ deviceId: id });
    // A generated secret is shown this once: store it in the device now.
    return generated ? { ...device, secret: generated } : device;
  }

  @Get('devices')
  async listDevices(@Query() query: unknown) {
    return { items: await this.registry.devices(parseContract(devicesQuery, query, 'query')) };
  }
}
