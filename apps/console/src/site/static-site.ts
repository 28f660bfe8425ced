import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CONSOLE_CONFIG, type ConsoleConfig } from '../config';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

/** Every page: only the console's own files, no framing, no inline scripts. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export type Resolved = { kind: 'file'; path: string } | { kind: 'app' } | { kind: 'not-found' };

/**
 * What a GET of `urlPath` serves from `root`: a file under it, or the app's index.html for a path
 * that names no file (a deep link such as /assets/P-101). /api paths and paths that try to leave the
 * root are not found. Pure: the caller checks the file exists (and falls back as `fallback` says).
 */
export function resolveSitePath(root: string, urlPath: string): Resolved {
  const pathname = urlPath.split('?')[0]!.split('#')[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { kind: 'not-found' };
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return { kind: 'not-found' };
  if (decoded === '/api' || decoded.startsWith('/api/')) return { kind: 'not-found' };
  if (decoded === '/' || decoded === '') return { kind: 'file', path: join(root, 'index.html') };
  const segments = decoded.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return { kind: 'not-found' };
  const path = normalize(join(root, ...segments));
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return { kind: 'not-found' };
  // A name with an extension is a file (missing: 404); anything else is a route of the app.
  return extname(segments[segments.length - 1]!) ? { kind: 'file', path } : { kind: 'app' };
}

interface CachedFile {
  readonly mtimeMs: number;
  readonly size: number;
  readonly body: Buffer;
  readonly etag: string;
}

/**
 * Serves the web app (apps/console/public) at / from Fastify directly, next to the Nest routes:
 * the right content type, an ETag with `Cache-Control: no-cache` (the browser revalidates, a
 * 304 costs nothing), index.html for deep links, and a JSON 404 problem under /api.
 */
@Injectable()
export class StaticSite implements OnModuleInit {
  private readonly cache = new Map<string, CachedFile>();

  constructor(
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
    @Inject(CONSOLE_CONFIG) private readonly config: Pick<ConsoleConfig, 'publicDir'>,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    fastify.route({ method: ['GET', 'HEAD'], url: '/*', handler: (request, reply) => this.serve(request, reply) });
    fastify.route({ method: ['GET', 'HEAD'], url: '/', handler: (request, reply) => this.serve(request, reply) });
  }

  private async read(path: string): Promise<CachedFile | undefined> {
    let info;
    try {
      info = await stat(path);
    } catch {
      return undefined;
    }
    if (!info.isFile()) return undefined;
    const cached = this.cache.get(path);
    if (cached && cached.mtimeMs === info.mtimeMs && cached.size === info.size) return cached;
    const body = await readFile(path);
    const file = { mtimeMs: info.mtimeMs, size: info.size, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` };
    if (this.cache.size > 500) this.cache.clear();
    this.cache.set(path, file);
    return file;
  }

  private async serve(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const root = this.config.publicDir;
    const resolved = resolveSitePath(root, request.url);
    if (resolved.kind === 'not-found') return this.notFound(request, reply);
    const path = resolved.kind === 'app' ? join(root, 'index.html') : resolved.path;
    const file = await this.read(path);
    if (!file) {
      if (path === join(root, 'index.html')) {
        return reply.code(503).type('text/plain; charset=utf-8').header('cache-control', 'no-store').send(`the console's pages are missing: no index.html in ${root}`);
      }
      return this.notFound(request, reply);
    }
    const type = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    reply
      .header('content-type', type)
      .header('cache-control', 'no-cache')
      .header('etag', file.etag)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer');
    if (type.startsWith('text/html')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY).header('x-frame-options', 'DENY');
    if (request.headers['if-none-match'] === file.etag) return reply.code(304).send();
    return reply.code(200).send(file.body);
  }

  private notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const path = request.url.split('?')[0]!;
    return reply
      .code(404)
      .header('content-type', 'application/problem+json')
      .header('cache-control', 'no-store')
      .send({ type: 'https://twinline.dev/problems/http-404', title: 'Not Found', status: 404, detail: `${request.method} ${path.slice(0, 200)} does not exist`, code: 'HTTP.404', instance: request.url.slice(0, 500) });
  }
}
