import { createServer, type Server } from 'node:http';
import { relative } from 'node:path';
import { defaultLog, ROOT, startPlatform, type Platform } from '../platform';
import { provideInfra } from '../infra';
import { authSecret, createToken, ensureLocalSecret } from '../auth';
import { runDemo } from './demo';
import { DEMO_ASSETS, LOCAL_DIR, writeDevRegistry } from '../dev-registry';
import { TOKEN_USAGE } from './token';

export interface UpOptions {
  readonly demo: boolean;
  readonly quiet: boolean;
}

/** A webhook receiver for the demo: prints each notification the platform sends. */
function startDemoWebhook(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      try {
        const n = JSON.parse(body) as { kind?: string; subject?: string };
        process.stdout.write(`\x1b[1m🔔 notification\x1b[0m ${n.kind}: ${n.subject}\n`);
      } catch {
        process.stdout.write(`🔔 notification (not JSON): ${body.slice(0, 200)}\n`);
      }
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * The token secret of the services: AUTH_SECRET / AUTH_SECRET_FILE when set (the services inherit
 * them), else `.twinline/auth-secret`, created on first use and passed as AUTH_SECRET_FILE.
 */
function prepareAuth(): { secret: string; env: Record<string, string> } {
  if (process.env.AUTH_SECRET || process.env.AUTH_SECRET_FILE) {
    const { secret, source } = authSecret();
    console.log(`• Tokens: signed with the secret from ${source}`);
    return { secret, env: {} };
  }
  const { file, created } = ensureLocalSecret();
  console.log(`• Tokens: ${created ? 'created the secret' : 'signed with the secret in'} ${relative(ROOT, file)} (set AUTH_SECRET or AUTH_SECRET_FILE to use your own)`);
  return { secret: authSecret({}, file).secret, env: { AUTH_SECRET_FILE: file } };
}

/**
 * The device registry integrity loads at start: REGISTRY_FILE when set, else `.twinline/registry.json`
 * with the demo asset P-101 and its device P-101-edge, whose secret is generated once into
 * `.twinline/devices/P-101-edge.key` (the simulator signs with it).
 */
function prepareRegistry(): Record<string, string> {
  if (process.env.REGISTRY_FILE) {
    console.log(`• Devices: registry from ${process.env.REGISTRY_FILE}`);
    return {};
  }
  const file = writeDevRegistry(LOCAL_DIR, DEMO_ASSETS);
  console.log(`• Devices: ${relative(ROOT, file)} registers ${DEMO_ASSETS.map((a) => `${a.assetId} (device ${a.deviceId})`).join(', ')} (set REGISTRY_FILE to use your own)`);
  return { REGISTRY_FILE: file };
}

/** `twinline up [--demo]`: the whole platform on this machine, stopped together on Ctrl-C. */
export async function up(options: UpOptions): Promise<void> {
  const auth = prepareAuth();
  const registry = prepareRegistry();
  const infra = await provideInfra();
  for (const note of infra.notes) console.log(`• ${note}`);
  let webhook: Server | undefined;
  const serviceEnv: Record<string, string> = {};
  if (options.demo && !process.env.NOTIFY_WEBHOOK_URL) {
    const port = Number(process.env.DEMO_WEBHOOK_PORT ?? 3099);
    webhook = await startDemoWebhook(port);
    serviceEnv.NOTIFY_WEBHOOK_URL = `http://127.0.0.1:${port}/notify`;
    console.log(`• Notifications: demo webhook receiver on http://127.0.0.1:${port}/notify (set NOTIFY_WEBHOOK_URL to send them elsewhere)`);
  }
  let platform: Platform | undefined;
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the platform…');
    await platform?.stop();
    await infra.stop();
    webhook?.close();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const env = { ...infra.env, ...auth.env, ...registry, ...(process.env.NATS_PREFIX ? { NATS_PREFIX: process.env.NATS_PREFIX } : {}) };
  const quietLog = (service: Parameters<typeof defaultLog>[0], line: string) => {
    if (/"level":"(warn|error)"/.test(line) || !line.startsWith('{')) defaultLog(service, line);
  };
  try {
    platform = await startPlatform({ env, serviceEnv: { notification: serviceEnv }, onLog: options.quiet ? quietLog : defaultLog });
  } catch (error) {
    console.error(`✖ ${(error as Error).message}`);
    await shutdown(1);
    return;
  }
  console.log('\n✔ Twinline is up:');
  for (const [name, url] of Object.entries(platform.urls)) console.log(`  ${name.padEnd(22)} ${url}`);
  const admin = createToken({ sub: 'admin', roles: ['admin'], ttlSeconds: 12 * 3600 }, auth.secret);
  console.log(`\nAdmin token, valid 12 h (until ${admin.expiresAt}); send it as "Authorization: Bearer <token>":\n  ${admin.token}`);
  console.log(`More tokens: ${TOKEN_USAGE}`);
  const consoleBanner = `\n\x1b[1m▶ Console: ${platform.urls.console}\x1b[0m  (open it in a browser and sign in with a token, e.g. the admin token above)`;
  console.log(consoleBanner);
  if (options.demo) {
    try {
      const token = createToken({ sub: 'demo', roles: ['admin'], ttlSeconds: 3600 }, auth.secret).token;
      await runDemo(platform, { mqttUrl: infra.env.MQTT_URL === 'embedded' ? `mqtt://127.0.0.1:${infra.env.MQTT_EMBEDDED_PORT}` : infra.env.MQTT_URL!, token });
    } catch (error) {
      console.error(`✖ demo failed: ${(error as Error).message}`);
    }
  }
  if (options.demo) console.log(consoleBanner);
  console.log('\nPress Ctrl-C to stop.');
}
