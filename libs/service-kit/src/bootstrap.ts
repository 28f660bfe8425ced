import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { createLogger, type Logger } from '@twinline/observability';
import { DomainError, ProblemDetailsFilter } from './problem-details';

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
  const app = await createServiceApp(options, logger);
  app.enableShutdownHooks();
  await app.listen(options.port, options.host);
  logger.info(`${options.name} listening`, { url: `http://${options.host === '0.0.0.0' ? '127.0.0.1' : options.host}:${options.port}` });
  return app;
}

/**
 * The service's Nest application on Fastify, not yet listening: problem-details errors and request
 * bodies as `acceptJsonBodies` takes them (tests build the same application around a test module).
 */
export async function createServiceApp(options: Pick<ServiceOptions, 'name' | 'module' | 'bodyLimitBytes'>, logger: Logger = createLogger(options.name)): Promise<NestFastifyApplication> {
  const bodyLimit = options.bodyLimitBytes ?? 8 * 1024 * 1024;
  const adapter = new FastifyAdapter({ bodyLimit });
  acceptJsonBodies(adapter.getInstance(), bodyLimit);
  const app = await NestFactory.create<NestFastifyApplication>(options.module as never, adapter, {
    logger: new JsonNestLogger(logger),
    abortOnError: false,
    // Bodies are parsed by acceptJsonBodies, not by Nest's default parsers.
    bodyParser: false,
  });
  app.useGlobalFilters(new ProblemDetailsFilter());
  return app;
}

const bodyProblem = (status: number, code: string, message: string, field = '(body)') => new DomainError(code, message, status, { errors: [{ field, message }] });

/**
 * Request bodies, for every service (all the APIs speak JSON): a body over the limit is refused with
 * 413 before it is read (when its length is announced), a body that is not JSON gets 400 naming the
 * parse error, keys that could pollute an object prototype get 400 naming the field, and any other
 * content type gets 415.
 */
export function acceptJsonBodies(fastify: FastifyInstance, bodyLimit: number): void {
  fastify.addHook('onRequest', (request, _reply, done) => {
    const length = Number(request.headers['content-length']);
    if (length > bodyLimit) done(bodyProblem(413, 'BODY.TOO_LARGE', `the body of ${length} bytes exceeds the limit of ${bodyLimit} bytes`));
    else done();
  });
  fastify.removeAllContentTypeParsers();
  for (const type of ['application/json', /^application\/[\w.-]+\+json$/]) {
    fastify.addContentTypeParser(type, { parseAs: 'string', bodyLimit }, (_request, body: string, done) => {
      try {
        done(null, parseJsonBody(body));
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }
  fastify.addContentTypeParser('*', (request, _payload, done) => {
    const type = request.headers['content-type'];
    done(bodyProblem(415, 'BODY.UNSUPPORTED_MEDIA_TYPE', `${type ? `content-type "${type.slice(0, 100)}" is` : 'a body without a content-type is'} not accepted: send application/json`, 'content-type'), undefined);
  });
}

/** Keys JSON may carry that would replace an object's prototype if copied by assignment. */
const FORBIDDEN_KEY = '__proto__';

/**
 * Parses a JSON request body. Throws a 400 DomainError naming the parse error, or the field of a
 * `__proto__` key or a `constructor` object holding `prototype` (what Fastify's own parser refuses),
 * found without recursion: a deeply nested body cannot exhaust the stack.
 */
export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw bodyProblem(400, 'BODY.EMPTY', 'the body is empty: send a JSON document');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw bodyProblem(400, 'BODY.INVALID_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  const field = pollutingField(value);
  if (field !== null) throw bodyProblem(400, 'BODY.FORBIDDEN_KEY', `${field} is not accepted: keys "__proto__" and "constructor.prototype" could alter objects' prototypes`, field);
  return value;
}

interface Visit {
  readonly value: unknown;
  readonly key: string;
  readonly parent: Visit | null;
}

function pollutingField(root: unknown): string | null {
  const stack: Visit[] = [{ value: root, key: '', parent: null }];
  while (stack.length) {
    const visit = stack.pop()!;
    const { value } = visit;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const child = (value as Record<string, unknown>)[key];
      const bad = key === FORBIDDEN_KEY || (key === 'constructor' && child !== null && typeof child === 'object' && Object.hasOwn(child, 'prototype'));
      if (bad) return pathOf({ value: child, key, parent: visit });
      if (child !== null && typeof child === 'object') stack.push({ value: child, key, parent: visit });
    }
  }
  return null;
}

function pathOf(visit: Visit): string {
  const keys: string[] = [];
  for (let v: Visit | null = visit; v?.parent; v = v.parent) keys.push(v.key);
  const path = keys.reverse().join('.');
  return path.length > 200 ? `…${path.slice(-200)}` : path;
}

/** Runs `main`, and on a start-up failure prints the reason (naming the bad setting) and exits 1. */
export function start(name: string, main: () => Promise<unknown>): void {
  main().catch((error: unknown) => {
    createLogger(name).error(`${name} failed to start: ${(error as Error)?.message ?? String(error)}`, { error });
    process.exit(1);
  });
}
