import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@twinline/service-kit';
import { emailChannelOf, loadNotificationConfig, quietHoursOf, throttlePolicyOf } from './config';

const AUTH = { AUTH_SECRET: 'a'.repeat(32) };
const WEBHOOK_SECRET = 'whsec_0123456789abcdef0123456789abcdef';

function problemsOf(env: NodeJS.ProcessEnv): readonly string[] {
  try {
    loadNotificationConfig({ ...AUTH, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('notification config: webhook secret', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-config-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('given neither, then webhooks go unsigned', () => {
    expect(loadNotificationConfig(AUTH).NOTIFY_WEBHOOK_SECRET).toBeUndefined();
  });

  it('given NOTIFY_WEBHOOK_SECRET or NOTIFY_WEBHOOK_SECRET_FILE, then the secret (the file trimmed)', () => {
    expect(loadNotificationConfig({ ...AUTH, NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET }).NOTIFY_WEBHOOK_SECRET).toBe(WEBHOOK_SECRET);
    const file = join(dir, 'secret');
    writeFileSync(file, `${WEBHOOK_SECRET}\n`);
    expect(loadNotificationConfig({ ...AUTH, NOTIFY_WEBHOOK_SECRET_FILE: file }).NOTIFY_WEBHOOK_SECRET).toBe(WEBHOOK_SECRET);
  });

  it('given a short secret, then it stops giving the length, never the value', () => {
    const problems = problemsOf({ NOTIFY_WEBHOOK_SECRET: 'short-secret' });
    expect(problems).toEqual(['NOTIFY_WEBHOOK_SECRET: must be at least 32 characters (got 12 characters)']);
    expect(problems.join()).not.toContain('short-secret');
  });

  it('given both, then it stops: one or the other', () => {
    const file = join(dir, 'both');
    writeFileSync(file, WEBHOOK_SECRET);
    expect(problemsOf({ NOTIFY_WEBHOOK_SECRET: WEBHOOK_SECRET, NOTIFY_WEBHOOK_SECRET_FILE: file })).toEqual(['NOTIFY_WEBHOOK_SECRET_FILE: set NOTIFY_WEBHOOK_SECRET or NOTIFY_WEBHOOK_SECRET_FILE, not both']);
  });
});

describe('notification config: e-mail', () => {
  const EMAIL = { NOTIFY_SMTP_URL: 'smtp://mailer:s3cret@mail.example.com:587', NOTIFY_EMAIL_FROM: 'twinline@example.com', NOTIFY_EMAIL_TO: 'ops@example.com, planner@example.com' };

  it('given none of the three, then no e-mail channel', () => {
    expect(emailChannelOf(loadNotificationConfig(AUTH))).toBeUndefined();
  });

  it('given all three, then the channel with the recipients split at commas', () => {
    expect(emailChannelOf(loadNotificationConfig({ ...AUTH, ...EMAIL }))).toEqual({ smtpUrl: EMAIL.NOTIFY_SMTP_URL, from: 'twinline@example.com', to: ['ops@example.com', 'planner@example.com'] });
  });

  it('given only some of them, then it names the missing ones', () => {
    expect(problemsOf({ NOTIFY_SMTP_URL: EMAIL.NOTIFY_SMTP_URL })).toEqual([
      'NOTIFY_EMAIL_FROM: required when e-mail is configured: set NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO together (got null)',
      'NOTIFY_EMAIL_TO: required when e-mail is configured: set NOTIFY_SMTP_URL, NOTIFY_EMAIL_FROM and NOTIFY_EMAIL_TO together (got null)',
    ]);
  });

  it('given a URL that is not smtp(s), then it stops without printing it (it may hold a password)', () => {
    const problems = problemsOf({ ...EMAIL, NOTIFY_SMTP_URL: 'http://mailer:s3cret@mail.example.com' });
    expect(problems).toEqual([expect.stringMatching(/^NOTIFY_SMTP_URL: must be an smtp:\/\/ or smtps:\/\/ URL \(got \d+ characters\)$/)]);
    expect(problems.join()).not.toContain('s3cret');
  });

  it('given a recipient that is not an address, then it names NOTIFY_EMAIL_TO', () => {
    expect(problemsOf({ ...EMAIL, NOTIFY_EMAIL_TO: 'ops@example.com,nobody' })).toEqual([expect.stringMatching(/^NOTIFY_EMAIL_TO\.1: must be an e-mail address/)]);
    expect(problemsOf({ ...EMAIL, NOTIFY_EMAIL_TO: ' , ' })).toEqual([expect.stringMatching(/^NOTIFY_EMAIL_TO: must name at least one address/)]);
  });
});

describe('notification config: rate limit and quiet hours', () => {
  it('given nothing, then 10 per 600 s per asset and channel, no quiet hours, UTC', () => {
    const c = loadNotificationConfig(AUTH);
    expect([c.NOTIFY_RATE_LIMIT, c.NOTIFY_RATE_WINDOW_SECONDS, c.NOTIFY_QUIET_HOURS, c.NOTIFY_TIMEZONE]).toEqual([10, 600, undefined, 'UTC']);
    expect(throttlePolicyOf(c)).toEqual({ limit: 10, windowMs: 600_000 });
    expect(quietHoursOf(c)).toBeUndefined();
  });

  it('given quiet hours and a time zone, then they are parsed', () => {
    const c = loadNotificationConfig({ ...AUTH, NOTIFY_RATE_LIMIT: '3', NOTIFY_RATE_WINDOW_SECONDS: '60', NOTIFY_QUIET_HOURS: '22:00-06:00', NOTIFY_TIMEZONE: 'Europe/Berlin' });
    expect(throttlePolicyOf(c)).toEqual({ limit: 3, windowMs: 60_000 });
    expect(quietHoursOf(c)).toEqual({ startMinute: 1320, endMinute: 360, timeZone: 'Europe/Berlin' });
  });

  it('given bad values, then each is named with its rule', () => {
    const problems = problemsOf({ NOTIFY_RATE_LIMIT: '0', NOTIFY_RATE_WINDOW_SECONDS: 'x', NOTIFY_QUIET_HOURS: '10pm-6am', NOTIFY_TIMEZONE: 'Mars/Olympus' });
    expect(problems.join('\n')).toContain('NOTIFY_RATE_LIMIT');
    expect(problems.join('\n')).toContain('NOTIFY_RATE_WINDOW_SECONDS');
    expect(problems.join('\n')).toContain('NOTIFY_QUIET_HOURS: must look like HH:MM-HH:MM, e.g. 22:00-06:00');
    expect(problems.join('\n')).toContain('NOTIFY_TIMEZONE: must be an IANA time zone, e.g. Europe/Berlin');
    expect(problemsOf({ NOTIFY_QUIET_HOURS: '06:00-06:00' }).join('\n')).toContain('NOTIFY_QUIET_HOURS: must start and end at different times');
  });
});

describe('notification config: routes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'notify-routes-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const SMTP = { NOTIFY_SMTP_URL: 'smtp://mail.example.com:587', NOTIFY_EMAIL_FROM: 'twinline@example.com' };
  const ROUTES = {
    recipients: [
      { name: 'alice', email: 'alice@example.com', roles: ['operator'] },
      { name: 'planning', webhook: 'https://hooks.example.com/planning', roles: ['planner'], quietHours: '22:00-06:00' },
    ],
    rules: [{ name: 'north-pumps', sites: ['north-field'], minSeverity: 'HIGH', notify: ['alice'], escalation: [{ afterMinutes: 15, notifyRoles: ['planner'] }] }],
  };

  it('given no NOTIFY_ROUTES, then no routes: everything goes to NOTIFY_WEBHOOK_URL and NOTIFY_EMAIL_TO as before', () => {
    expect(loadNotificationConfig(AUTH).routes).toBeUndefined();
  });

  it('given NOTIFY_ROUTES or NOTIFY_ROUTES_FILE, then the routes, recipients\' quiet hours in NOTIFY_TIMEZONE; NOTIFY_EMAIL_TO is optional then', () => {
    const c = loadNotificationConfig({ ...AUTH, ...SMTP, NOTIFY_TIMEZONE: 'Europe/Berlin', NOTIFY_ROUTES: JSON.stringify(ROUTES) });
    expect(c.routes?.recipients.map((r) => r.name)).toEqual(['alice', 'planning']);
    expect(c.routes?.recipients[1]!.quietHours).toEqual({ startMinute: 1320, endMinute: 360, timeZone: 'Europe/Berlin' });
    expect(c.routes?.rules[0]!.escalation).toEqual([{ afterMs: 900_000, notify: [], notifyRoles: ['planner'] }]);
    const file = join(dir, 'routes.json');
    writeFileSync(file, JSON.stringify(ROUTES));
    expect(loadNotificationConfig({ ...AUTH, ...SMTP, NOTIFY_ROUTES_FILE: file }).routes?.rules.map((r) => r.name)).toEqual(['north-pumps']);
  });

  it('given bad routes, then every problem names the variable, the path with the rule or recipient, and what is wrong', () => {
    const bad = { ...ROUTES, rules: [{ ...ROUTES.rules[0], notify: ['bob'], minSeverity: 'URGENT' }] };
    expect(problemsOf({ ...SMTP, NOTIFY_ROUTES: JSON.stringify(bad) })).toEqual(['NOTIFY_ROUTES: rules.0 ("north-pumps").minSeverity: minSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL (or a priority P1-P4)']);
    expect(problemsOf({ ...SMTP, NOTIFY_ROUTES: JSON.stringify({ ...bad, rules: [{ ...bad.rules[0], minSeverity: 'HIGH' }] }) })).toEqual([
      'NOTIFY_ROUTES: rules.0 ("north-pumps").notify.0: no recipient is named "bob" (recipients: alice, planning)',
    ]);
    expect(problemsOf({ ...SMTP, NOTIFY_ROUTES: '{"recipients": [' })).toEqual([expect.stringMatching(/^NOTIFY_ROUTES: \(root\): routes must be JSON: /)]);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify(bad));
    expect(problemsOf({ ...SMTP, NOTIFY_ROUTES_FILE: file })[0]).toMatch(new RegExp(`^NOTIFY_ROUTES_FILE ${file}: rules\\.0 \\("north-pumps"\\)\\.minSeverity: `));
  });

  it('given a recipient with an e-mail address but no SMTP server, then it says what e-mail needs; other variables\' problems come too', () => {
    expect(problemsOf({ NOTIFY_ROUTES: JSON.stringify(ROUTES), NOTIFY_RATE_LIMIT: '0' })).toEqual([
      expect.stringMatching(/^NOTIFY_RATE_LIMIT: /),
      'NOTIFY_ROUTES: recipients.0 ("alice").email: e-mail needs NOTIFY_SMTP_URL and NOTIFY_EMAIL_FROM',
    ]);
  });

  it('given both NOTIFY_ROUTES and NOTIFY_ROUTES_FILE, or a file that cannot be read, then it stops naming them', () => {
    expect(problemsOf({ NOTIFY_ROUTES: '{}', NOTIFY_ROUTES_FILE: join(dir, 'routes.json') })).toEqual(['NOTIFY_ROUTES_FILE: set NOTIFY_ROUTES or NOTIFY_ROUTES_FILE, not both']);
    expect(problemsOf({ NOTIFY_ROUTES_FILE: join(dir, 'missing.json') })).toEqual([`NOTIFY_ROUTES_FILE: cannot read ${join(dir, 'missing.json')} (ENOENT)`]);
  });
});
