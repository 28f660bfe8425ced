import { parseArgs } from 'node:util';
import { cliToken } from '../auth';
import { requestJson } from '../api';

export const AUDIT_REDERIVE_HELP = `Usage: npx twinline audit rederive <assetId> [--json] [--twin <url>] [--scheduler <url>] [--token <token>]

Re-derives every decision of an asset from its stored readings, by the rules recorded as in force
(GET /v1/audit/rederive/<assetId> on twin-state), and its work orders from the alarms the scheduler
consumed (GET /v1/audit/rederive/work-orders/<assetId> on maintenance-scheduler). Prints OK, or the
first divergence: where (stream version, event id), what the stored and the derived event hold, and
the rules version. Exit code 0 when both agree, 1 on a divergence.
  --twin       twin-state URL (TWIN_URL, default http://127.0.0.1:3003)
  --scheduler  maintenance-scheduler URL (SCHEDULER_URL, default http://127.0.0.1:3004)
  --token      a token of any role (TWINLINE_TOKEN; else an auditor token is signed with AUTH_SECRET,
               AUTH_SECRET_FILE or .twinline/auth-secret)
  --json       print both answers as JSON`;

interface Divergence {
  kind: string;
  streamVersion: number | null;
  eventId: string | null;
  stored: { type: string; data: unknown } | null;
  derived: { type: string; data: unknown } | null;
  differences: Array<{ path: string; stored: unknown; derived: unknown }>;
  rulesVersion: string | null;
  profile?: string;
  message: string;
}

export interface TwinRederiveAnswer {
  ok: boolean;
  assetId: string;
  events: number;
  readings?: number;
  decisions?: number;
  /** Recorded commands (alarm acknowledgements, maintenance) decided again at their place. */
  commands?: number;
  rules?: Array<{ version: string; events: number }>;
  warnings: string[];
  divergence?: Divergence;
}

export interface WorkOrdersRederiveAnswer {
  ok: boolean;
  assetId: string;
  events: number;
  checked?: number;
  unchecked?: number;
  rulesVersion: string;
  warnings: string[];
  divergence?: Divergence;
}

export interface RederiveReport {
  readonly ok: boolean;
  readonly twin: TwinRederiveAnswer;
  /** null when the asset has no work orders. */
  readonly workOrders: WorkOrdersRederiveAnswer | null;
}

/** GET with a long timeout (a long history takes a while); a 404 is an answer, other failures are errors. */
async function get<T>(url: string, token: string): Promise<{ status: number; body: T }> {
  const r = await requestJson<T>('GET', url, token, { timeoutMs: 120_000 });
  if ((r.status < 200 || r.status > 299) && r.status !== 404) throw new Error(`GET ${url} → ${r.status}: ${JSON.stringify(r.body).slice(0, 500)}`);
  return r;
}

/** Asks both services to re-derive the asset's decisions. */
export async function rederive(o: { assetId: string; twin: string; scheduler: string; token: string }): Promise<RederiveReport> {
  const id = encodeURIComponent(o.assetId);
  const twin = await get<TwinRederiveAnswer & { detail?: string }>(`${o.twin.replace(/\/$/, '')}/v1/audit/rederive/${id}`, o.token);
  if (twin.status === 404) throw new Error(`twin-state has no history for asset ${o.assetId}: ${twin.body.detail ?? ''}`.trim());
  const orders = await get<WorkOrdersRederiveAnswer>(`${o.scheduler.replace(/\/$/, '')}/v1/audit/rederive/work-orders/${id}`, o.token);
  const workOrders = orders.status === 404 ? null : orders.body;
  return { ok: twin.body.ok && (workOrders?.ok ?? true), twin: twin.body, workOrders };
}

const json = (value: unknown) => JSON.stringify(value);

function divergenceLines(d: Divergence): string[] {
  const lines = [`  ${d.message}`, `  where:    stream version ${d.streamVersion ?? '(after the last)'}${d.eventId ? `, event ${d.eventId}` : ''} (${d.kind})`];
  lines.push(`  stored:   ${d.stored ? `${d.stored.type} ${json(d.stored.data)}` : '(nothing)'}`);
  lines.push(`  derived:  ${d.derived ? `${d.derived.type} ${json(d.derived.data)}` : '(nothing)'}`);
  for (const x of d.differences) lines.push(`  differs:  ${x.path}: stored ${json(x.stored)}, derived ${json(x.derived)}`);
  lines.push(`  rules:    version ${d.rulesVersion ?? 'unknown'}${d.profile ? `, profile ${d.profile}` : ''}`);
  return lines;
}

/** The report as text: one OK line per part, or the first divergence in detail. */
export function formatRederive(report: RederiveReport): string {
  const { twin, workOrders } = report;
  const lines: string[] = [];
  if (twin.ok) {
    const rules = (twin.rules ?? []).map((r) => `${r.version} ×${r.events}`).join(', ');
    lines.push(`OK twin ${twin.assetId}: ${twin.events} events; ${twin.readings} readings re-decided, ${twin.decisions} decisions match${twin.commands ? `, ${twin.commands} recorded commands (acknowledgements, maintenance) decided again` : ''} (rules ${rules || 'none'})`);
  } else {
    lines.push(`DIVERGENCE twin ${twin.assetId}:`, ...divergenceLines(twin.divergence!));
  }
  if (workOrders === null) lines.push(`OK work orders: the asset has none`);
  else if (workOrders.ok) lines.push(`OK work orders ${workOrders.assetId}: ${workOrders.events} events, ${workOrders.checked} re-derived${workOrders.unchecked ? `, ${workOrders.unchecked} without a recorded alarm (not checked)` : ''} (rules ${workOrders.rulesVersion})`);
  else lines.push(`DIVERGENCE work orders ${workOrders.assetId}:`, ...divergenceLines(workOrders.divergence!));
  for (const w of [...twin.warnings, ...(workOrders?.warnings ?? [])]) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** `twinline audit rederive <assetId>`: prints the report; returns the exit code (1 on a divergence). */
export async function auditRederive(args: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      twin: { type: 'string', default: process.env.TWIN_URL ?? 'http://127.0.0.1:3003' },
      scheduler: { type: 'string', default: process.env.SCHEDULER_URL ?? 'http://127.0.0.1:3004' },
      token: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(AUDIT_REDERIVE_HELP);
    return 0;
  }
  const [assetId, ...extra] = positionals;
  if (!assetId || extra.length) throw new Error(`audit rederive takes one asset id\n\n${AUDIT_REDERIVE_HELP}`);
  const token = cliToken(values.token, 'auditor', 'twinline-audit');
  const report = await rederive({ assetId, twin: values.twin!, scheduler: values.scheduler!, token });
  console.log(values.json ? JSON.stringify(report, null, 2) : formatRederive(report));
  return report.ok ? 0 : 1;
}
