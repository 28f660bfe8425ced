import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { exportFormatSchema, sendStreamExport, type StreamReply } from '@twinline/service-kit';
import { twinStreamId } from '../streams';

const exportQuery = z.object({ format: exportFormatSchema });

/**
 * GET /v1/assets/:assetId/export?format=jsonl|csv — every event of the asset's twin stream, read in
 * pages and streamed, for auditors to verify offline (JSON Lines end with the stream head; CSV has
 * it in the Twinline-Stream-Head header and at GET /v1/audit/heads?streamId=asset-<id>). Any role.
 */
@Controller('v1/assets')
export class AssetExportController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get(':assetId/export')
  async export(@Param('assetId') assetId: string, @Query() query: unknown, @Res() reply: StreamReply): Promise<void> {
    const id = parseContract(assetIdSchema, assetId, 'assetId');
    const q = parseContract(exportQuery, query, 'query');
    await sendStreamExport(reply, this.store, twinStreamId(id), q.format, `${id}-twin-history`, `no twin for asset ${id}: it has not reported any accepted reading`);
  }
}
