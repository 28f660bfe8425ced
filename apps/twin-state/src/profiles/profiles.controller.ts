import { Controller, Get, Inject, Param } from '@nestjs/common';
import { profileFor } from '@twinline/domain-twin';
import { TWIN_CONFIG, type TwinConfig } from '../config';

/**
 * The threshold profiles the twin applies (read-only, any role), e.g. for the console to draw the
 * limits on its charts:
 *   GET /v1/profiles               every profile by asset class, and the configured class of each asset;
 *   GET /v1/profiles/:assetClass   the profile of a class (an unknown class gets the "default" profile).
 */
@Controller('v1/profiles')
export class ProfilesController {
  constructor(@Inject(TWIN_CONFIG) private readonly config: Pick<TwinConfig, 'profiles' | 'assetClasses'>) {}

  @Get()
  list() {
    const items = Object.entries(this.config.profiles)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([assetClass, profile]) => ({ assetClass, ...profile }));
    return { items, assetClasses: this.config.assetClasses };
  }

  @Get(':assetClass')
  one(@Param('assetClass') assetClass: string) {
    const profile = profileFor(assetClass, this.config.profiles);
    return { assetClass, appliesAs: Object.hasOwn(this.config.profiles, assetClass) ? assetClass : 'default', ...profile };
  }
}
