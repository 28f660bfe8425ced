import { Controller, Get, Inject, Param } from '@nestjs/common';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { AssetProfiles } from '../asset-profiles';

/**
 * The profile the twin decides an asset by (read-only, any role): its class — TWIN_ASSET_CLASSES,
 * else the asset directory (the registry), else "default" — with the asset's own override
 * (TWIN_ASSET_PROFILES) applied. What the alarms, the maximum shelve time and the predictions of
 * that asset follow; e.g. `GET /v1/assets/P-101/profile`.
 */
@Controller('v1/assets')
export class AssetProfileController {
  constructor(@Inject(AssetProfiles) private readonly profiles: AssetProfiles) {}

  @Get(':assetId/profile')
  one(@Param('assetId') assetId: string) {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const { assetClass, source } = this.profiles.classOf(id);
    return { assetId: id, assetClass, classSource: source, overridden: this.profiles.isOverridden(id), profile: this.profiles.of(id) };
  }
}
