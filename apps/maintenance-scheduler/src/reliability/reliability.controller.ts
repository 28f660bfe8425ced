import { Controller, Get, Inject, Optional, Query } from '@nestjs/common';
import { ASSET_DIRECTORY, type AssetDirectory } from '@twinline/service-kit';
import { ReliabilityProjection } from './reliability.projection';
import { reliabilityReport } from './reliability.report';

/**
 * GET /v1/reliability?assetId=&assetClass=&from=&to= (any role): MTBF, MTTR, MTTF, availability,
 * predicted and unpredicted failures, mean warning time and the accuracy of predicted failure times,
 * per asset, per asset class and overall, over a window (see reliabilityOf in the maintenance domain).
 */
@Controller('v1/reliability')
export class ReliabilityController {
  constructor(
    @Inject(ReliabilityProjection) private readonly view: ReliabilityProjection,
    // Without a directory (the service started without the registry) every asset is of class `unknown`.
    @Optional() @Inject(ASSET_DIRECTORY) private readonly directory: AssetDirectory | null = null,
  ) {}

  @Get()
  get(@Query() query: unknown) {
    return reliabilityReport(this.view, this.directory ?? null, query);
  }
}
