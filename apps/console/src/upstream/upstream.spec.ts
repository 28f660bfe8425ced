import { createServer, type Server } from 'node:http';
import { freePort } from '@twinline/testing';
import { Upstream, UpstreamError, withQuery } from './upstream';

describe('calling the services', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/slow') return; // never answers
      if (req.url === '/problem') return void res.writeHead(401, { 'content-type': 'application/problem+json', 'www-authenticate': 'Bearer realm="twinline"' }).end('{"status":401,"code":"AUTH.UNAUTHENTICATED"}');
      if (req.url === '/html') return void res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>boom</h1>');
      if (req.url === '/garbage') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ auth: req.headers.authorization ?? null }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const upstream = (twinUrl: string) => new Upstream({ TWIN_URL: twinUrl, INTEGRITY_URL: twinUrl, SCHEDULER_URL: twinUrl, NOTIFICATION_URL: twinUrl, CONSOLE_UPSTREAM_TIMEOUT_MS: 300 });
  const failure = async (promise: Promise<unknown>) => {
    try {
      await promise;
    } catch (error) {
      expect(error).toBeInstanceOf(UpstreamError);
      const e = error as UpstreamError;
      return { status: e.status, contentType: e.contentType, body: JSON.parse(e.body) as Record<string, unknown>, headers: e.headers };
    }
    throw new Error('expected an UpstreamError');
  };

  it('forwards the Authorization header and answers the JSON', async () => {
    expect(await upstream(url).json('twin-state', { path: '/ok', authorization: 'Bearer abc' })).toEqual({ auth: 'Bearer abc' });
  });

  it('passes a problem through with its status, body and challenge', async () => {
    expect(await failure(upstream(url).json('twin-state', { path: '/problem', authorization: undefined }))).toEqual({
      status: 401,
      contentType: 'application/problem+json',
      body: { status: 401, code: 'AUTH.UNAUTHENTICATED' },
      headers: { 'www-authenticate': 'Bearer realm="twinline"' },
    });
  });

  it('turns a service that is slow, down, or answers no JSON into a 504 or 502 problem naming it', async () => {
    expect(await failure(upstream(url).json('twin-state', { path: '/slow', authorization: undefined }))).toMatchObject({ status: 504, body: { code: 'CONSOLE.UPSTREAM_TIMEOUT', service: 'twin-state' } });
    const down = `http://127.0.0.1:${await freePort()}`;
    expect(await failure(upstream(down).json('integrity', { path: '/x', authorization: undefined }))).toMatchObject({ status: 502, body: { code: 'CONSOLE.UPSTREAM_UNAVAILABLE', service: 'integrity', detail: expect.stringContaining('ECONNREFUSED') } });
    expect(await failure(upstream(url).json('twin-state', { path: '/html', authorization: undefined }))).toMatchObject({ status: 502, body: { code: 'CONSOLE.UPSTREAM_ERROR', upstreamStatus: 500 } });
    expect(await failure(upstream(url).json('twin-state', { path: '/garbage', authorization: undefined }))).toMatchObject({ status: 502, body: { code: 'CONSOLE.UPSTREAM_INVALID' } });
  });

  it('builds queries from the values that are set', () => {
    expect(withQuery('/v1/x', { a: 1, b: undefined, c: null, d: '', e: 'x y' })).toBe('/v1/x?a=1&e=x+y');
    expect(withQuery('/v1/x', {})).toBe('/v1/x');
  });
});
