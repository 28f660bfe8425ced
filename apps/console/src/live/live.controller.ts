import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessClaims } from '@twinline/contracts';
import { authenticateBearer, DomainError, Public } from '@twinline/service-kit';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';
import { LiveFeed } from './live-feed';

/**
 * GET /api/live?token=<token>: the live feed as server-sent events (an EventSource cannot send
 * headers, so the token comes in the query; an Authorization header works too):
 *   event: twin       data {assetId, type, occurredAt, version, data | readings}
 *   event: workorder  data {assetId, workOrderId, type, occurredAt, data}
 * and a comment line every CONSOLE_LIVE_PING_MS. The feed ends when the token expires.
 */
@Controller('api')
export class LiveController {
  constructor(
    @Inject(LiveFeed) private readonly feed: LiveFeed,
    @Inject(CONSOLE_CONFIG) private readonly config: Pick<ConsoleConfig, 'AUTH_SECRET'>,
  ) {}

  @Public()
  @Get('live')
  live(@Query('token') token: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const claims = this.authenticate(typeof token === 'string' ? token : undefined, request.headers.authorization);
    const raw = reply.raw;
    const client = {
      write: (chunk: string) => raw.write(chunk),
      buffered: () => raw.writableLength,
      end: () => {
        if (!raw.writableEnded) raw.end();
      },
    };
    if (!this.feed.add(client)) throw new DomainError('CONSOLE.LIVE_FULL', 'the console serves its maximum of live feeds; retry later', 503, {}, { 'retry-after': '10' });
    reply.hijack();
    raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-content-type-options': 'nosniff',
    });
    raw.write(`retry: 3000\n: live feed of ${claims.sub}\n\n`);
    const expiry = setTimeout(() => {
      raw.write(`event: expired\ndata: ${JSON.stringify({ expiredAt: new Date(claims.exp * 1000).toISOString() })}\n\n`);
      this.feed.remove(client);
      client.end();
    }, Math.max(0, Math.min(claims.exp * 1000 - Date.now(), 2 ** 31 - 1)));
    expiry.unref();
    const close = () => {
      clearTimeout(expiry);
      this.feed.remove(client);
    };
    request.raw.once('close', close);
    raw.once('close', close);
  }

  private authenticate(token: string | undefined, header: string | undefined): AccessClaims {
    // An EventSource cannot send headers: the token comes in the query, or else the header.
    return authenticateBearer(token ? `Bearer ${token}` : header, this.config.AUTH_SECRET, Math.floor(Date.now() / 1000), 'GET /api/live needs an access token: /api/live?token=<token>');
  }
}
