import { Catch, HttpException, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ContractViolation, type FieldError } from '@twinline/contracts';

/** An error with a stable code that maps to an HTTP status at the edge. */
export class DomainError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly details: Record<string, unknown> = {},
    /** Response headers the answer needs (e.g. `WWW-Authenticate` on a 401). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: readonly FieldError[];
  [extra: string]: unknown;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Maps any error to RFC 9457 problem details. */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  if (error instanceof ContractViolation) {
    return problem(400, error.code, error.message, instance, { errors: error.errors });
  }
  if (error instanceof DomainError) {
    return problem(error.status, error.code, error.message, instance, error.details);
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : ((response as { message?: unknown }).message ?? error.message);
    return problem(status, `HTTP.${status}`, Array.isArray(message) ? message.join('; ') : String(message), instance);
  }
  const e = error as { statusCode?: number; code?: string; message?: string };
  // Fastify's own errors (body too large, malformed JSON, wrong content type) carry a statusCode.
  if (typeof e?.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    const field = e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'content-type' : '(body)';
    return problem(e.statusCode, `HTTP.${e.code ?? e.statusCode}`, e.message ?? 'bad request', instance, { errors: [{ field, message: e.message ?? '' }] });
  }
  return problem(500, 'INTERNAL', 'internal error; the request was not completed, retry later', instance);
}

function problem(status: number, code: string, detail: string, instance?: string, extra: Record<string, unknown> = {}): ProblemDetails {
  return {
    // Extra members first: they may add to the problem, never replace its standard members.
    ...extra,
    type: `https://twinline.dev/problems/${code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    code,
    ...(instance ? { instance } : {}),
  };
}

/** The part of Fastify's reply the filter uses. */
interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<{ url?: string }>();
    const reply = ctx.getResponse<Reply>();
    const body = toProblem(exception, request?.url);
    if (body.status >= 500) process.stderr.write(`${JSON.stringify({ level: 'error', msg: 'request failed', url: request?.url, error: String((exception as Error)?.stack ?? exception) })}\n`);
    if (exception instanceof DomainError) for (const [name, value] of Object.entries(exception.headers)) reply.header(name, value);
    reply.status(body.status).header('content-type', 'application/problem+json').send(body);
  }
}
