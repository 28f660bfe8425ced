import { Controller, Get, HttpCode, Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { Public } from './auth';

export interface ReadinessCheck {
  readonly name: string;
  check(): Promise<void>;
}

/** Checks a service registers (NATS reachable, Postgres reachable, ...). */
@Injectable()
export class Readiness {
  private readonly checks: ReadinessCheck[] = [];
  add(check: ReadinessCheck): void {
    this.checks.push(check);
  }
  async run(timeoutMs = 2_000): Promise<Record<string, string>> {
    const results: Record<string, string> = {};
    await Promise.all(
      this.checks.map(async (c) => {
        try {
          await Promise.race([c.check(), new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer in ${timeoutMs} ms`)), timeoutMs).unref())]);
          results[c.name] = 'up';
        } catch (error) {
          results[c.name] = `down: ${String((error as Error)?.message ?? error)}`;
        }
      }),
    );
    return results;
  }
}

/** Open without a token: probes and load balancers call it. */
@Public()
@Controller('health')
export class HealthController {
  constructor(@Inject(Readiness) private readonly readiness: Readiness) {}

  @Get('live')
  @HttpCode(200)
  live() {
    return { status: 'up' };
  }

  @Get('ready')
  async ready() {
    const checks = await this.readiness.run();
    const up = Object.values(checks).every((v) => v === 'up');
    if (!up) throw new ServiceUnavailableException(`not ready: ${Object.entries(checks).filter(([, v]) => v !== 'up').map(([k, v]) => `${k} ${v}`).join('; ')}`);
    return { status: 'up', checks };
  }
}
