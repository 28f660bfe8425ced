import { createReadStream, createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { verifyExport, type ChainBreak, type ExportFormat, type StoreVerification, type StreamHeadEntry } from '@twinline/event-store';
import { cliToken } from '../auth';

export const AUDIT_USAGE = `npx twinline audit verify [--service twin-state|maintenance-scheduler|all] [--stream <streamId>] [--json]
       npx twinline audit heads [--service twin-state|maintenance-scheduler|all] [--stream <streamId>] [--out <file>]
       npx twinline audit export <assetId> [--service twin-state|maintenance-scheduler] [--format jsonl|csv] [--out <file>]
       npx twinline audit verify-file <export.jsonl|export.csv> [--head <head.json>] [--json]
  common: [--token <token>] (else TWINLINE_TOKEN, else an auditor token signed with the local secret)
          [--twin <url>] (TWIN_URL, default http://127.0.0.1:3003) [--scheduler <url>] (SCHEDULER_URL, default http://127.0.0.1:3004)`;

const AUDITED = ['twin-state', 'maintenance-scheduler'] as const;
type Audited = (typeof AUDITED)[number];

const commonOptions = {
  service: { type: 'string' },
  stream: { type: 'string' },
  token: { type: 'string' },
  twin: { type: 'string', default: process.env.TWIN_URL ?? 'http://127.0.0.1:3003' },
  scheduler: { type: 'string', default: process.env.SCHEDULER_URL ?? 'http://127.0.0.1:3004' },
  json: { type: 'boolean', default: false },
  out: { type: 'string' },
  format: { type: 'string' },
  head: { type: 'string' },
} as const;

type Values = ReturnType<typeof parse>['values'];
function parse(args: string[]) {
  return parseArgs({ args, options: commonOptions, allowPositionals: true });
}

/** `twinline audit <verify|heads|export|verify-file>`: read-only; talks to the services' HTTP APIs (verify-file works offline). */
export async function audit(args: string[]): Promise<void> {
  const [action, ...rest] = args;
  const { values, positionals } = parse(rest);
  switch (action) {
    case 'verify':
      return verify(values);
    case 'heads':
      return heads(values);
    case 'export':
      return exportHistory(values, positionals[0]);
    case 'verify-file':
      return verifyFile(values, positionals[0]);
    default:
      throw new Error(`unknown audit command "${action ?? ''}"; usage:\n${AUDIT_USAGE}`);
  }
}

/** The token: --token, TWINLINE_TOKEN, else an auditor token (1 h) signed with the services' secret. */
const tokenOf = (values: Values): string => cliToken(values.token, 'auditor', 'twinline-audit');

function services(values: Values, allowAll = true): Audited[] {
  const service = values.service ?? (allowAll ? 'all' : 'twin-state');
  if (allowAll && service === 'all') return [...AUDITED];
  if (!(AUDITED as readonly string[]).includes(service)) throw new Error(`--service must be ${AUDITED.join(', ')}${allowAll ? ' or all' : ''}, got "${service}"`);
  return [service as Audited];
}

function baseUrl(values: Values, service: Audited): string {
  return (service === 'twin-state' ? values.twin! : values.scheduler!).replace(/\/$/, '');
}

/** GET with the token; a long timeout, as verifying a large store takes a while. */
async function get(url: string, token: string): Promise<Response> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, signal: AbortSignal.timeout(30 * 60_000) });
  if (!response.ok) throw new Error(`GET ${url} → ${response.status}: ${(await response.text()).slice(0, 1000)}`);
  return response;
}

const query = (params: Record<string, string | undefined>) => {
  const entries = Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined);
  return entries.length ? `?${new URLSearchParams(entries).toString()}` : '';
};

function describeBreak(b: ChainBreak): string {
  const where = b.eventId === null ? `${b.streamId} (no event left)` : `${b.streamId} version ${b.streamVersion} (position ${b.position}, event ${b.eventId})`;
  return `  ✖ ${where}: ${b.reason} — ${b.detail}`;
}

async function verify(values: Values): Promise<void> {
  const token = tokenOf(values);
  const results: Record<string, StoreVerification & { checkedAt: string }> = {};
  for (const service of services(values)) {
    results[service] = (await (await get(`${baseUrl(values, service)}/v1/audit/verify${query({ streamId: values.stream })}`, token)).json()) as StoreVerification & { checkedAt: string };
  }
  const intact = Object.values(results).every((r) => r.valid);
  if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
  else {
    for (const [service, r] of Object.entries(results)) {
      const counts = `${r.streams} stream(s), ${r.events} event(s)`;
      if (r.valid) process.stdout.write(`✔ ${service}: OK — every chain intact; ${counts} checked at ${r.checkedAt}\n`);
      else {
        process.stdout.write(`✖ ${service}: BROKEN — ${r.breaks.length}${r.truncated ? '+' : ''} broken stream(s) of ${counts}; the first broken link of each:\n`);
        for (const b of r.breaks) process.stdout.write(`${describeBreak(b)}\n`);
      }
    }
  }
  if (!intact) process.exitCode = 1;
}

async function heads(values: Values): Promise<void> {
  const token = tokenOf(values);
  const out: Record<string, unknown> = {};
  for (const service of services(values)) {
    out[service] = await (await get(`${baseUrl(values, service)}/v1/audit/heads${query({ streamId: values.stream })}`, token)).json();
  }
  const text = `${JSON.stringify(out, null, 2)}\n`;
  if (values.out) {
    writeFileSync(values.out, text);
    for (const [service, h] of Object.entries(out) as Array<[string, { count: number; digest: string }]>) {
      process.stderr.write(`${service}: ${h.count} stream head(s), digest ${h.digest}\n`);
    }
    process.stderr.write(`heads written to ${values.out}\n`);
  } else process.stdout.write(text);
}

function formatOf(value: string | undefined, fallback: ExportFormat): ExportFormat {
  const format = value ?? fallback;
  if (format !== 'jsonl' && format !== 'csv') throw new Error(`--format must be jsonl or csv, got "${format}"`);
  return format;
}

async function exportHistory(values: Values, assetId: string | undefined): Promise<void> {
  if (!assetId) throw new Error(`audit export needs an asset id; usage:\n${AUDIT_USAGE}`);
  const [service] = services(values, false);
  const format = formatOf(values.format, 'jsonl');
  const url =
    service === 'twin-state'
      ? `${baseUrl(values, service!)}/v1/assets/${encodeURIComponent(assetId)}/export${query({ format })}`
      : `${baseUrl(values, service!)}/v1/work-orders/export${query({ assetId, format })}`;
  const response = await get(url, tokenOf(values));
  const head = response.headers.get('twinline-stream-head') ?? '';
  const body = Readable.fromWeb(response.body as never);
  if (values.out) {
    await pipeline(body, createWriteStream(values.out));
    // A CSV holds no head: it goes next to the file, where verify-file finds it.
    if (format === 'csv' && head) writeFileSync(`${values.out}.head.json`, `${head}\n`);
    process.stderr.write(`${service} history of ${assetId} written to ${values.out}${format === 'csv' && head ? ` (its head to ${values.out}.head.json)` : ''}; head ${head}\n`);
  } else {
    await pipeline(body, process.stdout);
    if (format === 'csv' && head) process.stderr.write(`head ${head}\n`);
  }
}

/** Heads for a CSV: --head <file> (a head, a list of heads, or the output of `audit heads`), else <file>.head.json. */
function headsFor(file: string, values: Values): StreamHeadEntry[] {
  const path = values.head ?? (existsSync(`${file}.head.json`) ? `${file}.head.json` : undefined);
  if (!path) return [];
  const parsed = JSON.parse(readFileSync(path, 'utf8')) as unknown;
  const found: StreamHeadEntry[] = [];
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      const h = v as Partial<StreamHeadEntry>;
      if (typeof h.streamId === 'string' && typeof h.version === 'number' && typeof h.hash === 'string') found.push({ streamId: h.streamId, version: h.version, hash: h.hash });
      else Object.values(v).forEach(visit);
    }
  };
  visit(parsed);
  return found;
}

async function verifyFile(values: Values, file: string | undefined): Promise<void> {
  if (!file) throw new Error(`audit verify-file needs the export file; usage:\n${AUDIT_USAGE}`);
  if (!existsSync(file)) throw new Error(`${file} does not exist`);
  const format = formatOf(values.format, file.endsWith('.csv') ? 'csv' : 'jsonl');
  const given = format === 'csv' ? headsFor(file, values) : [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  const result = await verifyExport(lines, format, given);
  if (values.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  else if (result.valid) {
    const anchored = result.withoutHead.length ? `; NO head to compare with for ${result.withoutHead.join(', ')} (pass --head)` : `; matches the head(s) ${result.heads.map((h) => `${h.streamId}@${h.version} ${h.hash}`).join(', ')}`;
    process.stdout.write(`OK — ${result.events} event(s) in ${result.streams} stream(s) re-hashed, every chain intact${anchored}\n`);
  } else {
    process.stdout.write(`BROKEN — the first broken link of each broken stream:\n`);
    for (const b of result.breaks) process.stdout.write(`${describeBreak(b)}\n`);
  }
  if (!result.valid) process.exitCode = 1;
}
