import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';

/** A TCP port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createNetServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

export interface ReceivedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  /** The JSON body parsed; the text when it is not JSON. */
  readonly body: unknown;
  /** The body exactly as received (what a signature covers). */
  readonly raw: string;
}

/** An HTTP server that records every request (a webhook receiver for tests). */
export async function startRecordingServer(respond: (req: ReceivedRequest) => number = () => 204): Promise<{ url: string; received: ReceivedRequest[]; close(): Promise<void>; server: Server }> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // Decoded once at the end: a character split across chunks stays whole.
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* keep text */
      }
      const entry = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body, raw: text };
      received.push(entry);
      res.writeHead(respond(entry)).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, received, server, close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  };
}
