import { Controller, Get, Inject, Optional, Res, type Provider } from '@nestjs/common';
import { metrics } from '@twinline/observability';
import { Public } from './auth';

/** Nest token of the process's Prometheus registry (the one `metrics` helpers record into). */
export const METRICS = Symbol('METRICS');

export const metricsProvider: Provider = { provide: METRICS, useFactory: () => metrics.getRegistry() };

/** The part of Fastify's reply used here. */
interface Reply {
  header(name: string, value: string): Reply;
  send(body: string): void;
}

/** GET /metrics: every metric of the process in the Prometheus text exposition format. Open without a token. */
@Public()
@Controller('metrics')
export class MetricsController {
  private readonly registry: metrics.Registry;
  constructor(@Optional() @Inject(METRICS) registry?: metrics.Registry) {
    this.registry = registry ?? metrics.getRegistry();
  }

  @Get()
  async scrape(@Res() reply: Reply): Promise<void> {
    const body = await this.registry.metrics();
    reply.header('content-type', this.registry.contentType).send(body);
  }
}
