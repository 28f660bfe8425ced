import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { z } from 'zod';
import { assetIdSchema, parseContract } from '@twinline/contracts';
import { EVENT_STORE, type EventStore } from '@twinline/event-store';
import { exportFormatSchema, sendStreamExport, type StreamReply } from '@twinline/service-kit';
import { workOrderStreamId } from '../streams';

const exportQuery = z.object({ assetId: assetIdSchema, format: exportFormatSchema });

/**
 * GET /v1/work-orders/export?assetId=&format=jsonl|csv — every event of the asset's work-order
 * stream, read in pages and streamed, for auditors to verify offline (JSON Lines end with the stream
 * head; CSV has it in the Twinline-Stream-Head header and at GET /v1/audit/heads?streamId=). Any role.
 */
@Controller('v1/work-orders')
export class WorkOrderExportController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Get('export')
  async export(@Query() query: unknown, @Res() reply: StreamReply): Promise<void> {
    const q = parseContract(exportQuery, query, 'query');
    await sendStreamExport(reply, this.store, workOrderStreamId(q.assetId), q.format, `${q.assetId}-work-orders`, `no work orders for asset ${q.assetId}`);
  }
}
