import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService } from '@nestjs/common';
import { createLogger, type Logger } from '@twinline/observability';
import { ProblemDetailsFilter } from './problem-details';

export interface ServiceOptions {
  readonly name: string;
  readonly module: unknown;
  readonly port: number;
  readonly host: string;
  readonly bodyLimitBytes?: number;
}

/** Nest's start-up chatter (modules, routes) is debug detail; everything else keeps its level. */
const STARTUP_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

class JsonNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && STARTUP_CONTEXTS.has(context)) this.logger.debug(String(message), { context });
    else this.logger.info(String(message), { context });
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error(String(message), { context, trace });
  }
  warn(message: unknown, context?: string) {
    this.logger.warn(String(message), { context });
  }
  debug(message: unknown, context?: string) {
    this.logger.debug(String(message), { context });
  }
  verbose(message: unknown, context?: string) {
    this.logger.debug(String(message), { context });
  }
}

/** Starts a NestJS service on Fastify with problem-details errors, JSON logs and graceful shutdown. */
export async function runService(options: ServiceOptions): Promise<NestFastifyApplication> {
  const logger = createLogger(options.name);
  const adapter = new FastifyAdapter({ bodyLimit: options.bodyLimitBytes ?? 8 * 1024 * 1024 });
  const app = await NestFactory.create<NestFastifyApplication>(options.module as never, adapter, {
    logger: new JsonNestLogger(logger),
    abortOnError: false,
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  logger.info(`${options.name} listening`, { url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.port}` });
  return app;
}

/** Runs `main`, and on a start-up failure prints the reason (naming the bad setting) and exits 1. */
export function start(name: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    createLogger(name).error(`${name} failed to start: ${(error as Error)?.message ?? String(error)}`, { error });
    process.exit(1);
  });
}
