import { z } from 'zod';
import { fieldErrors, ROLES, type Role } from '@twinline/contracts';
import { parseQuietHours, isTimeZone, type QuietHours } from './notification.quiet-hours';
import { NotificationError } from './notification.retry';

/** Severities from least to most urgent; a work order's priority counts as one of them (P1 CRITICAL … P4 LOW). */
export const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export type Severity = (typeof SEVERITIES)[number];

const PRIORITY_SEVERITY: Readonly<Record<string, Severity>> = { P1: 'CRITICAL', P2: 'HIGH', P3: 'MEDIUM', P4: 'LOW' };

/** The kinds a routing rule can name: the ones events call for (digests and escalations follow their notification). */
export const ROUTABLE_KINDS = ['alarm.raised', 'workorder.opened', 'security-violation', 'sensor-fault'] as const;
export type RoutableKind = (typeof ROUTABLE_KINDS)[number];

/**
 * The severity a notification counts as for routing and quiet hours: an alarm's own, a work order's
 * priority mapped (P1 CRITICAL, P2 HIGH, P3 MEDIUM, P4 LOW), HIGH for security violations and sensor
 * faults (they carry none, and are never routine); null for anything else.
 */
export function severityOf(kind: string, body: Readonly<Record<string, unknown>>): Severity | null {
  const own = (value: unknown): Severity | null => (typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value.toUpperCase()) ? (value.toUpperCase() as Severity) : null);
  switch (kind) {
    case 'alarm.raised':
    case 'alarm.escalated':
      return own(body['severity']);
    case 'workorder.opened':
      return typeof body['priority'] === 'string' ? (PRIORITY_SEVERITY[body['priority'].toUpperCase()] ?? null) : null;
    case 'security-violation':
    case 'sensor-fault':
      return 'HIGH';
    default:
      return null;
  }
}

const rank = (s: Severity) => SEVERITIES.indexOf(s);

/** A person or system notifications go to, by e-mail and/or webhook. */
export interface Recipient {
  readonly name: string;
  readonly email?: string;
  readonly webhook?: string;
  readonly roles: readonly Role[];
  /** Their own quiet hours (LOW/MEDIUM alarms and P3/P4 work orders wait for the end); none: the global ones apply. */
  readonly quietHours?: QuietHours;
}

/** A level of an escalation: `afterMs` after the alarm was first notified, while neither acknowledged nor cleared. */
export interface EscalationLevel {
  readonly afterMs: number;
  readonly notify: readonly string[];
  readonly notifyRoles: readonly Role[];
}

export interface RoutingRule {
  readonly name: string;
  /** Conditions; an absent one matches everything. */
  readonly kinds?: readonly RoutableKind[];
  readonly sites?: readonly string[];
  readonly assetClasses?: readonly string[];
  readonly minSeverity?: Severity;
  readonly notify: readonly string[];
  readonly notifyRoles: readonly Role[];
  /** For alarms only: who is told when the alarm stays unacknowledged. */
  readonly escalation: readonly EscalationLevel[];
}

export interface Routes {
  readonly recipients: readonly Recipient[];
  readonly rules: readonly RoutingRule[];
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const names = (what: string) => z.array(z.string({ error: `${what} must be names` }), { error: `${what} must be a list of names` });
const roles = z.array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), { error: `notifyRoles must be a list of roles (${ROLES.join(', ')})` });
const texts = (what: string) => z.array(z.string().min(1, `${what} must not be empty`), { error: `${what} must be a list of names` }).min(1, `${what} must name at least one, or be left out`);

const recipientSchema = z.strictObject(
  {
    name: z.string({ error: 'name is required' }).regex(NAME, 'name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
    email: z.email({ message: 'email must be an e-mail address' }).optional(),
    webhook: z.url({ protocol: /^https?$/, message: 'webhook must be an http(s) URL' }).optional(),
    roles: z.array(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }), { error: `roles must be a list of roles (${ROLES.join(', ')})` }).default([]),
    quietHours: z.string({ error: 'quietHours must look like HH:MM-HH:MM, e.g. 22:00-06:00' }).optional(),
    timeZone: z.string().refine(isTimeZone, 'timeZone must be an IANA time zone, e.g. Europe/Berlin').optional(),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `a recipient has name, email, webhook, roles, quietHours and timeZone, not ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'a recipient must be an object') },
);

const levelSchema = z.strictObject(
  {
    afterMinutes: z.number({ error: 'afterMinutes must be a number' }).positive('afterMinutes must be > 0').optional(),
    afterSeconds: z.number({ error: 'afterSeconds must be a number' }).positive('afterSeconds must be > 0').optional(),
    notify: names('notify').default([]),
    notifyRoles: roles.default([]),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `an escalation level has afterMinutes or afterSeconds, notify and notifyRoles, not ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'an escalation level must be an object') },
);

const severityInput = z
  .string({ error: 'minSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL (or a priority P1-P4)' })
  .transform((v) => v.toUpperCase())
  .refine((v) => (SEVERITIES as readonly string[]).includes(v) || v in PRIORITY_SEVERITY, 'minSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL (or a priority P1-P4)')
  .transform((v) => (PRIORITY_SEVERITY[v] ?? v) as Severity);

const ruleSchema = z.strictObject(
  {
    name: z.string({ error: 'name is required' }).regex(NAME, 'name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
    kinds: z.array(z.enum(ROUTABLE_KINDS, { error: `must be one of ${ROUTABLE_KINDS.join(', ')}` }), { error: 'kinds must be a list' }).min(1, 'kinds must name at least one, or be left out').optional(),
    sites: texts('sites').optional(),
    assetClasses: texts('assetClasses').optional(),
    minSeverity: severityInput.optional(),
    notify: names('notify').default([]),
    notifyRoles: roles.default([]),
    escalation: z.array(levelSchema, { error: 'escalation must be a list of levels' }).default([]),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `a rule has name, kinds, sites, assetClasses, minSeverity, notify, notifyRoles and escalation, not ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : 'a rule must be an object',
  },
);

const routesSchema = z.strictObject(
  {
    recipients: z.array(recipientSchema, { error: 'recipients must be a list' }).min(1, 'recipients must name at least one recipient'),
    rules: z.array(ruleSchema, { error: 'rules must be a list' }).min(1, 'rules must hold at least one rule'),
  },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? `routes have "recipients" and "rules" only, not ${issue.keys.map((k) => `"${k}"`).join(', ')}` : 'routes must be an object { "recipients": [...], "rules": [...] }') },
);

type FieldError = { field: string; message: string };

/** `rules.0.notify.1` → `rules.0 ("north-pumps").notify.1`: the path, and the rule or recipient by name. */
function named(field: string, input: unknown): string {
  const m = /^(rules|recipients)\.(\d+)(.*)$/.exec(field);
  if (!m) return field;
  const list = (input as Record<string, unknown> | null)?.[m[1]!];
  const item = Array.isArray(list) ? (list[Number(m[2])] as { name?: unknown } | undefined) : undefined;
  return typeof item?.name === 'string' && item.name !== '' ? `${m[1]}.${m[2]} (${JSON.stringify(item.name)})${m[3]}` : field;
}

/**
 * Parses routing configuration (an object, or its JSON text):
 * `{ "recipients": [{ "name", "email"?, "webhook"?, "roles"?, "quietHours"?, "timeZone"? }],
 *    "rules": [{ "name", "kinds"?, "sites"?, "assetClasses"?, "minSeverity"?, "notify"?, "notifyRoles"?,
 *               "escalation"?: [{ "afterMinutes" | "afterSeconds", "notify"?, "notifyRoles"? }] }] }`.
 * Every problem names its path and the rule or recipient (`rules.0 ("north-pumps").notify.0: …`);
 * a bad configuration throws NOTIFICATION.INVALID_ROUTES with all of them. A recipient's time zone
 * defaults to `defaultTimeZone`.
 */
export function parseRoutes(json: unknown, defaultTimeZone = 'UTC'): Routes {
  let input = json;
  if (typeof json === 'string') {
    try {
      input = JSON.parse(json) as unknown;
    } catch (error) {
      const message = `routes must be JSON: ${(error as Error).message}`;
      throw new NotificationError('NOTIFICATION.INVALID_ROUTES', message, [{ field: '(root)', message }]);
    }
  }
  const fail = (errors: FieldError[]): never => {
    const located = errors.map((e) => ({ field: named(e.field, input), message: e.message }));
    throw new NotificationError('NOTIFICATION.INVALID_ROUTES', `routes are invalid: ${located.map((e) => `${e.field}: ${e.message}`).join('; ')}`, located);
  };
  const parsed = routesSchema.safeParse(input);
  if (!parsed.success) return fail(fieldErrors(parsed.error));

  const errors: FieldError[] = [];
  const recipients: Recipient[] = [];
  const seen = new Set<string>();
  parsed.data.recipients.forEach((r, i) => {
    const at = `recipients.${i}`;
    if (seen.has(r.name)) errors.push({ field: `${at}.name`, message: `another recipient is already named "${r.name}"` });
    seen.add(r.name);
    if (r.email === undefined && r.webhook === undefined) errors.push({ field: at, message: 'a recipient needs an email, a webhook or both' });
    if (r.timeZone !== undefined && r.quietHours === undefined) errors.push({ field: `${at}.timeZone`, message: 'timeZone applies to quietHours: set quietHours too, or leave timeZone out' });
    let quietHours: QuietHours | undefined;
    if (r.quietHours !== undefined) {
      try {
        quietHours = parseQuietHours(r.quietHours, r.timeZone ?? defaultTimeZone);
      } catch (error) {
        errors.push({ field: `${at}.quietHours`, message: (error as Error).message });
      }
    }
    recipients.push({ name: r.name, roles: r.roles, ...(r.email !== undefined ? { email: r.email } : {}), ...(r.webhook !== undefined ? { webhook: r.webhook } : {}), ...(quietHours ? { quietHours } : {}) });
  });

  const known = (list: readonly string[], at: string) =>
    list.forEach((name, j) => {
      if (!seen.has(name)) errors.push({ field: `${at}.${j}`, message: `no recipient is named "${name}" (recipients: ${[...seen].join(', ')})` });
    });
  const ruleNames = new Set<string>();
  const rules: RoutingRule[] = parsed.data.rules.map((rule, i) => {
    const at = `rules.${i}`;
    if (ruleNames.has(rule.name)) errors.push({ field: `${at}.name`, message: `another rule is already named "${rule.name}"` });
    ruleNames.add(rule.name);
    known(rule.notify, `${at}.notify`);
    if (rule.notify.length === 0 && rule.notifyRoles.length === 0) errors.push({ field: at, message: 'a rule must notify someone: give notify (recipient names), notifyRoles or both' });
    if (rule.escalation.length > 0 && rule.kinds !== undefined && !rule.kinds.includes('alarm.raised')) {
      errors.push({ field: `${at}.escalation`, message: 'only alarms escalate: kinds must include alarm.raised (or be left out)' });
    }
    let previous = 0;
    const escalation = rule.escalation.map((level, j) => {
      const lat = `${at}.escalation.${j}`;
      if ((level.afterMinutes === undefined) === (level.afterSeconds === undefined)) errors.push({ field: lat, message: 'give afterMinutes or afterSeconds (one of them)' });
      const afterMs = Math.round(((level.afterMinutes ?? 0) * 60 + (level.afterSeconds ?? 0)) * 1000);
      if (afterMs <= previous && j > 0) errors.push({ field: lat, message: `levels count from the first notification and must come later than the level before (${previous / 1000} s), got ${afterMs / 1000} s` });
      previous = Math.max(previous, afterMs);
      known(level.notify, `${lat}.notify`);
      if (level.notify.length === 0 && level.notifyRoles.length === 0) errors.push({ field: lat, message: 'an escalation level must notify someone: give notify, notifyRoles or both' });
      return { afterMs, notify: level.notify, notifyRoles: level.notifyRoles };
    });
    return {
      name: rule.name,
      notify: rule.notify,
      notifyRoles: rule.notifyRoles,
      escalation,
      ...(rule.kinds ? { kinds: rule.kinds } : {}),
      ...(rule.sites ? { sites: rule.sites } : {}),
      ...(rule.assetClasses ? { assetClasses: rule.assetClasses } : {}),
      ...(rule.minSeverity ? { minSeverity: rule.minSeverity } : {}),
    };
  });
  if (errors.length > 0) fail(errors);
  return { recipients, rules };
}

/** What routing knows of a notification: its kind and severity, and the asset's site and class (undefined: not in the directory). */
export interface RoutingInput {
  readonly kind: string;
  readonly severity: Severity | null;
  readonly asset: { readonly site: string | null; readonly assetClass: string } | undefined;
}

/** Whether a rule's conditions all hold. An asset not in the directory matches only rules without site or class conditions. */
export function ruleMatches(rule: RoutingRule, n: RoutingInput): boolean {
  if (rule.kinds && !(rule.kinds as readonly string[]).includes(n.kind)) return false;
  if (rule.sites && (n.asset === undefined || n.asset.site === null || !rule.sites.includes(n.asset.site))) return false;
  if (rule.assetClasses && (n.asset === undefined || !rule.assetClasses.includes(n.asset.assetClass))) return false;
  if (rule.minSeverity && (n.severity === null || rank(n.severity) < rank(rule.minSeverity))) return false;
  return true;
}

/** The recipients named or holding one of the roles, in the order they are configured. */
export function recipientsFor(routes: Routes, who: { readonly notify: readonly string[]; readonly notifyRoles: readonly Role[] }): string[] {
  return routes.recipients.filter((r) => who.notify.includes(r.name) || r.roles.some((role) => who.notifyRoles.includes(role))).map((r) => r.name);
}

/** An escalation a routed alarm starts: the recipients per level (level 0: those the rule notified at once) and when each later level is due. */
export interface EscalationPlan {
  readonly rule: string;
  readonly levels: readonly (readonly string[])[];
  readonly afterMs: readonly number[];
}

export interface Routing {
  /** Each recipient once, with the rules that chose it. */
  readonly recipients: readonly { readonly recipient: Recipient; readonly rules: readonly string[] }[];
  readonly escalations: readonly EscalationPlan[];
}

/**
 * Who a notification goes to: every recipient a matching rule names or whose role it notifies,
 * once each; and, for an alarm, the escalation of every matching rule that has one. Digests and
 * escalations are not routed here (they follow the notification they are about).
 */
export function route(routes: Routes, n: RoutingInput): Routing {
  if (!(ROUTABLE_KINDS as readonly string[]).includes(n.kind)) return { recipients: [], escalations: [] };
  const chosen = new Map<string, string[]>();
  const escalations: EscalationPlan[] = [];
  for (const rule of routes.rules) {
    if (!ruleMatches(rule, n)) continue;
    const level0 = recipientsFor(routes, rule);
    for (const name of level0) chosen.set(name, [...(chosen.get(name) ?? []), rule.name]);
    if (n.kind === 'alarm.raised' && rule.escalation.length > 0) {
      escalations.push({ rule: rule.name, levels: [level0, ...rule.escalation.map((level) => recipientsFor(routes, level))], afterMs: rule.escalation.map((level) => level.afterMs) });
    }
  }
  return { recipients: routes.recipients.filter((r) => chosen.has(r.name)).map((recipient) => ({ recipient, rules: chosen.get(recipient.name)! })), escalations };
}

/** The channels a recipient is reached on, with the address of each. */
export function channelsOf(recipient: Recipient): { channel: 'email' | 'webhook'; target: string }[] {
  return [...(recipient.email !== undefined ? [{ channel: 'email' as const, target: recipient.email }] : []), ...(recipient.webhook !== undefined ? [{ channel: 'webhook' as const, target: recipient.webhook }] : [])];
}
