import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

export const ROOT = resolve(__dirname, '../../..');

export const SERVICES = [
  { name: 'ingestion', port: 3001 },
  { name: 'integrity', port: 3002 },
  { name: 'twin-state', port: 3003 },
  { name: 'maintenance-scheduler', port: 3004 },
  { name: 'notification', port: 3005 },
  // The operators' web app and its API (apps/console): calls the five services above.
  { name: 'console', port: 8080 },
] as const;
export type ServiceName = (typeof SERVICES)[number]['name'];

export interface PlatformOptions {
  /** Environment for every service (NATS_URL, DATABASE_URL, NATS_PREFIX, ...). */
  readonly env: Record<string, string>;
  /** Extra environment per service. */
  readonly serviceEnv?: Partial<Record<ServiceName, Record<string, string>>>;
  readonly ports?: Partial<Record<ServiceName, number>>;
  /** Receives each log line of each service (default: printed with the service name in front). */
  readonly onLog?: (service: ServiceName, line: string) => void;
  readonly readyTimeoutMs?: number;
}

export interface Platform {
  readonly urls: Record<ServiceName, string>;
  start(name: ServiceName): Promise<void>;
  /** Kills a service at once (SIGKILL: no graceful shutdown), as a crash would. */
  kill(name: ServiceName): Promise<void>;
  stop(): Promise<void>;
}

const COLORS = [36, 33, 35, 32, 34, 91];

export function defaultLog(service: ServiceName, line: string): void {
  const i = SERVICES.findIndex((s) => s.name === service);
  let text = line;
  try {
    const parsed = JSON.parse(line) as { level?: string; msg?: string; [k: string]: unknown };
    const { time: _t, service: _s, level, msg, ...rest } = parsed;
    const extra = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
    text = `${level === 'info' ? '' : `${String(level).toUpperCase()} `}${msg}${extra}`;
  } catch {
    /* not JSON: print as is */
  }
  process.stdout.write(`\x1b[${COLORS[i % COLORS.length]}m${service.padEnd(21)}\x1b[0m| ${text}\n`);
}

/** The port of a service: `ports`, else (the console) CONSOLE_PORT, else its default. */
function portOf(name: ServiceName, ports: PlatformOptions['ports']): number {
  const given = ports?.[name];
  if (given !== undefined) return given;
  if (name === 'console' && /^\d{1,5}$/.test(process.env.CONSOLE_PORT ?? '')) return Number(process.env.CONSOLE_PORT);
  return SERVICES.find((s) => s.name === name)!.port;
}

/** What a service needs to know of the others: the console calls the services at their URLs. */
function linksOf(name: ServiceName, urls: Record<ServiceName, string>, port: number): Record<string, string> {
  if (name !== 'console') return {};
  return { INTEGRITY_URL: urls.integrity, TWIN_URL: urls['twin-state'], SCHEDULER_URL: urls['maintenance-scheduler'], NOTIFICATION_URL: urls.notification, CONSOLE_PORT: String(port) };
}

/** Starts the services and the console, each its own Node process, and waits until each answers /health/ready. */
export async function startPlatform(options: PlatformOptions): Promise<Platform> {
  const children = new Map<ServiceName, ChildProcess>();
  const urls = Object.fromEntries(SERVICES.map((s) => [s.name, `http://127.0.0.1:${portOf(s.name, options.ports)}`])) as Record<ServiceName, string>;
  const onLog = options.onLog ?? defaultLog;

  const start = async (name: ServiceName) => {
    const port = portOf(name, options.ports);
    const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', name, 'src', 'main.ts')], {
      cwd: ROOT,
      env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), ...options.env, ...linksOf(name, urls, port), ...options.serviceEnv?.[name], PORT: String(port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.set(name, child);
    for (const stream of [child.stdout!, child.stderr!]) createInterface({ input: stream }).on('line', (line) => onLog(name, line));
    let exited: string | null = null;
    child.once('exit', (code, signal) => (exited = `exited with ${signal ?? code}`));
    const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
    for (;;) {
      if (exited) throw new Error(`${name} ${exited} before it was ready (see its log above)`);
      try {
        const response = await fetch(`${urls[name]}/health/ready`, { signal: AbortSignal.timeout(1_000) });
        if (response.ok) return;
      } catch {
        /* not listening yet */
      }
      if (Date.now() > deadline) throw new Error(`${name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  const stopOne = async (name: ServiceName, signal: NodeJS.Signals) => {
    const child = children.get(name);
    children.delete(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };

  const platform: Platform = {
    urls,
    start,
    kill: (name) => stopOne(name, 'SIGKILL'),
    stop: async () => {
      await Promise.all([...children.keys()].map((name) => stopOne(name, 'SIGTERM')));
    },
  };
  try {
    // Consumers of a stream must exist before the producers' first messages only for clarity: durable
    // consumers start from the beginning of the stream anyway. Starting in parallel is faster.
    await Promise.all(SERVICES.map((s) => start(s.name)));
  } catch (error) {
    await platform.stop();
    throw error;
  }
  return platform;
}
