import { Catch, Inject, Injectable, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';

/** The services the console calls, by name (as in problem details and logs). */
export type ServiceName = 'integrity' | 'twin-state' | 'maintenance-scheduler' | 'notification';

/**
 * A service's error answer (or its silence), passed on to the browser with its status: problem
 * details of the service go through as they came; a service that does not answer is a 502 or 504
 * problem naming it.
 */
export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
    readonly contentType: string,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(`upstream answered ${status}`);
    this.name = 'UpstreamError';
  }

  static problem(status: number, code: string, detail: string, extra: Record<string, unknown> = {}): UpstreamError {
    const title = status === 502 ? 'Bad Gateway' : status === 504 ? 'Gateway Timeout' : status === 404 ? 'Not Found' : 'Error';
    const body = { ...extra, type: `https://twinline.dev/problems/${code.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`, title, status, detail, code };
    return new UpstreamError(status, JSON.stringify(body), 'application/problem+json');
  }
}

/** The part of Fastify's reply the filter uses. */
interface Reply {
  status(code: number): Reply;
  header(name: string, value: string): Reply;
  send(body: unknown): void;
}

/** Sends an UpstreamError as it came (on the console's controllers, before the global problem filter). */
@Catch(UpstreamError)
export class UpstreamErrorFilter implements ExceptionFilter {
  catch(error: UpstreamError, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<Reply>();
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    reply.status(error.status).header('content-type', error.contentType).header('cache-control', 'no-store').send(error.body);
  }
}

/** Response headers of a service that the browser gets too. */
const PASSED_HEADERS = ['www-authenticate', 'retry-after', 'etag'];

export interface UpstreamRequest {
  readonly method?: 'GET' | 'POST';
  /** The path with its query, e.g. `/v1/assets?limit=10`. */
  readonly path: string;
  /** The caller's Authorization header, forwarded as is (the services check roles too). */
  readonly authorization: string | undefined;
  readonly body?: unknown;
}

/** Builds `path?query` from the defined, non-empty values. */
export function withQuery(path: string, query: Readonly<Record<string, string | number | undefined | null>>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** Calls the services with the caller's token; answers the JSON body or throws an UpstreamError. */
@Injectable()
export class Upstream {
  private readonly baseUrls: Readonly<Record<ServiceName, string>>;
  private readonly timeoutMs: number;

  constructor(@Inject(CONSOLE_CONFIG) config: Pick<ConsoleConfig, 'INTEGRITY_URL' | 'TWIN_URL' | 'SCHEDULER_URL' | 'NOTIFICATION_URL' | 'CONSOLE_UPSTREAM_TIMEOUT_MS'>) {
    this.baseUrls = { integrity: config.INTEGRITY_URL, 'twin-state': config.TWIN_URL, 'maintenance-scheduler': config.SCHEDULER_URL, notification: config.NOTIFICATION_URL };
    this.timeoutMs = config.CONSOLE_UPSTREAM_TIMEOUT_MS;
  }

  async json<T>(service: ServiceName, request: UpstreamRequest): Promise<T> {
    const url = `${this.baseUrls[service]}${request.path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (request.authorization !== undefined) headers.authorization = request.authorization;
    const method = request.method ?? 'GET';
    if (method === 'POST') headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(method === 'POST' ? { body: JSON.stringify(request.body ?? {}) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
        redirect: 'manual',
      });
    } catch (error) {
      const e = error as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw UpstreamError.problem(504, 'CONSOLE.UPSTREAM_TIMEOUT', `${service} did not answer ${method} ${request.path.split('?')[0]} within ${this.timeoutMs} ms`, { service });
      }
      throw UpstreamError.problem(502, 'CONSOLE.UPSTREAM_UNAVAILABLE', `${service} cannot be reached at ${this.baseUrls[service]}: ${e.cause?.code ?? e.cause?.message ?? e.message}`, { service });
    }
    const text = await response.text().catch(() => '');
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    if (!response.ok) {
      const passed = Object.fromEntries(PASSED_HEADERS.map((h) => [h, response.headers.get(h)]).filter((e): e is [string, string] => e[1] !== null));
      if (/\bjson\b/.test(contentType)) throw new UpstreamError(response.status, text, contentType, passed);
      throw UpstreamError.problem(response.status >= 500 ? 502 : response.status, 'CONSOLE.UPSTREAM_ERROR', `${service} answered ${response.status}: ${text.slice(0, 200)}`, { service, upstreamStatus: response.status });
    }
    if (text === '') return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw UpstreamError.problem(502, 'CONSOLE.UPSTREAM_INVALID', `${service} answered ${method} ${request.path.split('?')[0]} with a body that is not JSON`, { service });
    }
  }
}
