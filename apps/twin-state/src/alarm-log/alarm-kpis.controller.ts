import { Controller, Get, Inject, Optional, Query } from '@nestjs/common';
import { z } from 'zod';
import { ContractViolation, isoTimeSchema, parseContract } from '@twinline/contracts';
import { alarmKpis, kpiWindowOf } from '@twinline/domain-twin';
import { ASSET_DIRECTORY, RequireRoles, type AssetDirectory } from '@twinline/service-kit';
import { AlarmLogProjection, withSites } from './alarm-log.projection';

/** The longest window GET /v1/alarm-kpis takes. */

const kpiQuery = z
  .object({
    site: z.string({ error: 'site must be a string' }).trim().min(1, 'site must name a site (leave it out for every site)').max(200, 'site may be at most 200 characters').optional(),
    from: isoTimeSchema.optional(),
    to: isoTimeSchema.optional(),
  })
  .strict();

/**
 * ISA-18.2 alarm KPIs per site over the alarm log (reliability managers, auditors): alarms per 10
 * minutes, flood periods (> 10 alarms in a 10-minute period), chattering alarms, the top-10 share,
 * with the ISA-18.2 targets beside them. The site of each asset is the asset directory's now.
 */
@Controller('v1')
export class AlarmKpisController {
  constructor(
    @Inject(AlarmLogProjection) private readonly log: AlarmLogProjection,
    @Optional() @Inject(ASSET_DIRECTORY) private readonly directory: AssetDirectory | null = null,
  ) {}

  /**
   * GET /v1/alarm-kpis?site=&from=&to= — from/to ISO 8601 (default: the last 24 h, at most 31
   * days); site: only the assets the directory places there. 400 CONTRACT.INVALID naming the field.
   */
  @Get('alarm-kpis')
  @RequireRoles('operator', 'planner', 'auditor')
  async kpis(@Query() query: unknown) {
    const q = parseContract(kpiQuery, query ?? {}, 'query');
    const asked = kpiWindowOf(q, Date.now());
    if ('errors' in asked) throw new ContractViolation('query', asked.errors);
    const { window } = asked;
    const siteOf = (assetId: string) => this.directory?.describe(assetId)?.site ?? null;
    const assetIds = q.site === undefined ? undefined : (this.directory?.all() ?? []).filter((a) => a.site === q.site).map((a) => a.assetId);
    const raises = assetIds !== undefined && assetIds.length === 0 ? [] : await this.log.raises({ ...window, ...(assetIds ? { assetIds } : {}) });
    return { ...alarmKpis(withSites(raises, siteOf), window), ...(q.site !== undefined ? { site: q.site } : {}) };
  }
}
