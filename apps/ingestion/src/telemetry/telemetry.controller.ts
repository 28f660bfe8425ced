import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import type { Topology } from '@twinline/contracts';
import { Messaging } from '@twinline/messaging';
import { inSpan, SpanKind } from '@twinline/observability';
import { buildRawBatches } from './raw-batch';
import { parseBody } from './parse-body';
import { readingsReceived } from './readings-received.metric';
import { DeviceChannel, TOPOLOGY } from '@twinline/service-kit';

/**
 * POST /v1/telemetry: one reading, or { readings: [...] } (up to MAX_READINGS_PER_REQUEST). The device
 * channel: devices sign each reading, so no user token is needed, and one is refused.
 */
@Controller('v1/telemetry')
export class TelemetryController {
  constructor(
    @Inject(Messaging) private readonly bus: Messaging,
    @Inject(TOPOLOGY) private readonly topology: Topology,
  ) {}

  @Post()
  @HttpCode(202)
  @DeviceChannel()
  async receive(@Body() body: unknown) {
    const receivedAt = new Date().toISOString();
    const readings = parseBody(body);
    const { messages, readingIds } = buildRawBatches(
      readings.map((r) => ({ assetId: r.assetId, payload: r })),
      { channel: 'http', receivedAt, topology: this.topology },
    );
    // 202 only once JetStream has stored every reading: what we accept is never lost.
    // The span starts the reading's trace; its context travels in the messages' headers.
    await inSpan(
      'telemetry receive',
      { service: 'ingestion', kind: SpanKind.SERVER, attributes: { 'twinline.channel': 'http', 'twinline.readings': readingIds.length, 'twinline.asset_id': messages.length === 1 ? readings[0]!.assetId : 'multiple' } },
      () => this.bus.publishMany(messages),
    );
    readingsReceived.inc({ channel: 'http' }, readingIds.length);
    return { accepted: readingIds.length, receivedAt, readingIds };
  }
}
