import { parseArgs } from 'node:util';
import { cliToken } from '../auth';
import { requestJson } from '../api';

/** The rebuildable read models and the service (and its default URL) that keeps each. */
export const PROJECTIONS = {
  'twin-view': { service: 'twin-state', env: 'TWIN_URL', url: 'http://127.0.0.1:3003' },
  'alarm-log': { service: 'twin-state', env: 'TWIN_URL', url: 'http://127.0.0.1:3003' },
  'work-orders': { service: 'maintenance-scheduler', env: 'SCHEDULER_URL', url: 'http://127.0.0.1:3004' },
} as const;
export type ProjectionName = keyof typeof PROJECTIONS;

/** What GET /v1/admin/projections/:name answers (see ProjectionRebuilder in @twinline/service-kit). */
export interface RebuildStatus {
  readonly projection: string;
  readonly state: 'idle' | 'rebuilding' | 'swapping' | 'swapped' | 'failed';
  readonly startedAt: string | null;
  readonly position: string;
  readonly headPosition: string;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly error: string | null;
}

export const PROJECTIONS_HELP = `Usage: npx twinline projections rebuild <${Object.keys(PROJECTIONS).join('|')}> [--service-url <url>] [--token <admin token>]
       npx twinline projections list [--service-url <url>] [--token <token>]

rebuild: rebuilds the read model from position 0 next to the live one (which keeps answering) and
swaps it in when caught up; prints progress (position/head, events/s, ETA) until it has swapped.
Service URLs default to TWIN_URL / SCHEDULER_URL or the local ports 3003 / 3004. The token comes
from --token, TWINLINE_TOKEN, or is minted with the local AUTH_SECRET (rebuild needs admin).`;

function describe(body: unknown): string {
  const b = body as { title?: string; detail?: string } | string;
  return typeof b === 'string' ? b : `${b.title ?? ''}${b.detail ? `: ${b.detail}` : ''}`;
}

export function progressLine(s: RebuildStatus): string {
  const eta = s.etaSeconds === null ? '?' : `${s.etaSeconds.toFixed(1)} s`;
  return `${s.projection}: ${s.state} position ${s.position}/${s.headPosition}, ${s.events} events, ${s.eventsPerSecond} events/s, ETA ${eta}`;
}

/**
 * Starts a rebuild over HTTP and polls its progress until it has swapped (resolves) or failed
 * (throws). `print` gets a progress line per poll.
 */
export async function rebuildProjection(o: { name: ProjectionName; serviceUrl: string; token: string; pollMs?: number; print?: (line: string) => void }): Promise<RebuildStatus> {
  const base = `${o.serviceUrl.replace(/\/$/, '')}/v1/admin/projections/${o.name}`;
  const started = await requestJson<RebuildStatus>('POST', `${base}/rebuild`, o.token);
  if (started.status !== 202) throw new Error(`POST ${base}/rebuild → ${started.status}: ${describe(started.body)}`);
  const print = o.print ?? ((line: string) => console.log(line));
  print(progressLine(started.body));
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, o.pollMs ?? 1000));
    const polled = await requestJson<RebuildStatus>('GET', base, o.token);
    if (polled.status !== 200) throw new Error(`GET ${base} → ${polled.status}: ${describe(polled.body)}`);
    const s = polled.body;
    print(progressLine(s));
    if (s.startedAt !== started.body.startedAt) throw new Error(`another rebuild of ${o.name} started meanwhile (at ${s.startedAt})`);
    if (s.state === 'swapped') return s;
    if (s.state === 'failed') throw new Error(`rebuild of ${o.name} failed (the live read model is unchanged): ${s.error}`);
  }
}

export async function projections(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { 'service-url': { type: 'string' }, token: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  const [action, name] = positionals;
  if (values.help || action === undefined) {
    console.log(PROJECTIONS_HELP);
    return;
  }
  if (action === 'list') {
    const urls = values['service-url'] ? [values['service-url']] : [...new Set(Object.values(PROJECTIONS).map((p) => process.env[p.env] ?? p.url))];
    const t = cliToken(values.token, 'auditor');
    for (const url of urls) {
      const r = await requestJson<{ items: RebuildStatus[] }>('GET', `${url.replace(/\/$/, '')}/v1/admin/projections`, t);
      if (r.status !== 200) throw new Error(`GET ${url}/v1/admin/projections → ${r.status}: ${describe(r.body)}`);
      for (const s of r.body.items) console.log(progressLine(s));
    }
    return;
  }
  if (action !== 'rebuild') throw new Error(`unknown projections action "${action}"\n\n${PROJECTIONS_HELP}`);
  if (name === undefined || !(name in PROJECTIONS)) throw new Error(`projections rebuild needs a projection: one of ${Object.keys(PROJECTIONS).join(', ')}${name ? ` (got "${name}")` : ''}`);
  const p = PROJECTIONS[name as ProjectionName];
  const serviceUrl = values['service-url'] ?? process.env[p.env] ?? p.url;
  const done = await rebuildProjection({ name: name as ProjectionName, serviceUrl, token: cliToken(values.token, 'admin') });
  console.log(`✔ ${name} rebuilt from position 0 and swapped in: ${done.events} events at ${done.eventsPerSecond} events/s (${p.service} at ${serviceUrl})`);
}
