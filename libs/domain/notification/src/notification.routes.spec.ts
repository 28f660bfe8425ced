import { parseRoutes, route, severityOf, type Routes, type RoutingInput } from './notification.routes';

const CONFIG = {
  recipients: [
    { name: 'alice', email: 'alice@example.com', roles: ['operator'] },
    { name: 'bob', email: 'bob@example.com', webhook: 'https://hooks.example.com/bob', roles: ['operator'], quietHours: '22:00-06:00', timeZone: 'Europe/Berlin' },
    { name: 'planning', webhook: 'https://hooks.example.com/planning', roles: ['planner'] },
    { name: 'carol', email: 'carol@example.com', roles: ['auditor'] },
  ],
  rules: [
    { name: 'north-pumps', sites: ['north-field'], assetClasses: ['pump'], minSeverity: 'HIGH', kinds: ['alarm.raised'], notify: ['alice'], escalation: [{ afterMinutes: 15, notify: ['bob'] }, { afterMinutes: 60, notifyRoles: ['admin', 'operator'] }] },
    { name: 'work-orders', kinds: ['workorder.opened'], notifyRoles: ['planner'] },
    { name: 'urgent-work', kinds: ['workorder.opened'], minSeverity: 'P1', notify: ['bob'] },
  ],
};

const routes = parseRoutes(CONFIG);
const NORTH_PUMP = { site: 'north-field', assetClass: 'pump' };
const names = (r: ReturnType<typeof route>) => r.recipients.map((x) => [x.recipient.name, x.rules]);

function problemsOf(config: unknown): string[] {
  try {
    parseRoutes(config);
  } catch (error) {
    expect(error).toMatchObject({ code: 'NOTIFICATION.INVALID_ROUTES' });
    return (error as { errors: Array<{ field: string; message: string }> }).errors.map((e) => `${e.field}: ${e.message}`);
  }
  throw new Error('expected NOTIFICATION.INVALID_ROUTES');
}

describe('parseRoutes', () => {
  it('given recipients and rules, then roles, quiet hours in their time zone, and escalation levels in ms', () => {
    expect(routes.recipients[0]).toEqual({ name: 'alice', email: 'alice@example.com', roles: ['operator'] });
    expect(routes.recipients[1]!.quietHours).toEqual({ startMinute: 1320, endMinute: 360, timeZone: 'Europe/Berlin' });
    expect(routes.rules[0]).toMatchObject({ minSeverity: 'HIGH', escalation: [{ afterMs: 900_000, notify: ['bob'], notifyRoles: [] }, { afterMs: 3_600_000, notify: [], notifyRoles: ['admin', 'operator'] }] });
    // A priority stands for its severity: P1 is CRITICAL.
    expect(routes.rules[2]!.minSeverity).toBe('CRITICAL');
    expect(parseRoutes(JSON.stringify(CONFIG))).toEqual(routes);
  });

  it('given quiet hours without a time zone, then the default time zone', () => {
    expect(parseRoutes({ recipients: [{ name: 'a', email: 'a@example.com', quietHours: '22:00-06:00' }], rules: [{ name: 'r', notify: ['a'] }] }, 'America/New_York').recipients[0]!.quietHours?.timeZone).toBe('America/New_York');
  });

  it('names the path, the rule or recipient, and what is wrong', () => {
    expect(
      problemsOf({
        recipients: [
          { name: 'alice', roles: ['boss'] },
          { name: 'alice', email: 'not-an-address' },
          { name: 'x', webhook: 'ftp://example.com', quietHours: '10pm-6am' },
        ],
        rules: [
          { name: 'north', notify: ['bob'], minSeverity: 'SEVERE', escalation: [{ afterMinutes: 5, afterSeconds: 3, notify: ['alice'] }] },
          { name: 'empty', sites: [] },
          { name: 'wo', kinds: ['workorder.opened'], notify: ['alice'], escalation: [{ afterSeconds: 60, notify: ['alice'] }, { afterSeconds: 30, notifyRoles: ['admin'] }], colour: 'red' },
        ],
      }),
    ).toEqual([
      'recipients.0 ("alice").roles.0: must be one of operator, planner, auditor, admin',
      'recipients.1 ("alice").email: email must be an e-mail address',
      'recipients.2 ("x").webhook: webhook must be an http(s) URL',
      'rules.0 ("north").minSeverity: minSeverity must be one of LOW, MEDIUM, HIGH, CRITICAL (or a priority P1-P4)',
      'rules.1 ("empty").sites: sites must name at least one, or be left out',
      'rules.2 ("wo"): a rule has name, kinds, sites, assetClasses, minSeverity, notify, notifyRoles and escalation, not "colour"',
    ]);
  });

  it('checks what the schema cannot: unknown and duplicate names, channels, levels in order', () => {
    expect(
      problemsOf({
        recipients: [{ name: 'alice', email: 'a@example.com' }, { name: 'alice', webhook: 'https://h.example.com' }, { name: 'nobody-reachable', timeZone: 'Europe/Berlin' }, { name: 'q', email: 'q@example.com', quietHours: '06:00-06:00' }],
        rules: [
          { name: 'north', notify: ['bob'], escalation: [{ afterMinutes: 5, afterSeconds: 3, notify: ['alice'] }] },
          { name: 'north', notifyRoles: [] },
          { name: 'wo', kinds: ['workorder.opened'], notify: ['alice'], escalation: [{ afterSeconds: 60, notify: ['alice'] }, { afterSeconds: 30, notifyRoles: ['admin'] }, { afterSeconds: 90 }] },
        ],
      }),
    ).toEqual([
      'recipients.1 ("alice").name: another recipient is already named "alice"',
      'recipients.2 ("nobody-reachable"): a recipient needs an email, a webhook or both',
      'recipients.2 ("nobody-reachable").timeZone: timeZone applies to quietHours: set quietHours too, or leave timeZone out',
      'recipients.3 ("q").quietHours: quiet hours must start and end at different times, got "06:00-06:00"',
      'rules.0 ("north").notify.0: no recipient is named "bob" (recipients: alice, nobody-reachable, q)',
      'rules.0 ("north").escalation.0: give afterMinutes or afterSeconds (one of them)',
      'rules.1 ("north").name: another rule is already named "north"',
      'rules.1 ("north"): a rule must notify someone: give notify (recipient names), notifyRoles or both',
      'rules.2 ("wo").escalation: only alarms escalate: kinds must include alarm.raised (or be left out)',
      'rules.2 ("wo").escalation.1: levels count from the first notification and must come later than the level before (60 s), got 30 s',
      'rules.2 ("wo").escalation.2: an escalation level must notify someone: give notify, notifyRoles or both',
    ]);
  });

  it('rejects text that is not JSON, and a shape that is not routes', () => {
    expect(problemsOf('{"recipients": [')).toEqual([expect.stringMatching(/^\(root\): routes must be JSON: /)]);
    expect(problemsOf([])).toEqual(['(root): routes must be an object { "recipients": [...], "rules": [...] }']);
    expect(problemsOf({ recipients: [], rules: [] })).toEqual(['recipients: recipients must name at least one recipient', 'rules: rules must hold at least one rule']);
  });
});

describe('severityOf', () => {
  it.each([
    ['alarm.raised', { severity: 'HIGH' }, 'HIGH'],
    ['alarm.raised', { severity: 'bogus' }, null],
    ['workorder.opened', { priority: 'P1' }, 'CRITICAL'],
    ['workorder.opened', { priority: 'P2' }, 'HIGH'],
    ['workorder.opened', { priority: 'P3' }, 'MEDIUM'],
    ['workorder.opened', { priority: 'P4' }, 'LOW'],
    ['workorder.opened', {}, null],
    ['security-violation', {}, 'HIGH'],
    ['sensor-fault', {}, 'HIGH'],
    ['digest', { severity: 'HIGH' }, null],
  ])('given %s with %j, then %s', (kind, body, expected) => {
    expect(severityOf(kind, body)).toBe(expected);
  });
});

describe('route', () => {
  const n = (over: Partial<RoutingInput>): RoutingInput => ({ kind: 'alarm.raised', severity: 'HIGH', asset: NORTH_PUMP, ...over });

  it('given a HIGH alarm on a north-field pump, then alice by the rule, and its escalation with level 0 and the levels resolved by name and role', () => {
    const r = route(routes, n({}));
    expect(names(r)).toEqual([['alice', ['north-pumps']]]);
    expect(r.escalations).toEqual([{ rule: 'north-pumps', levels: [['alice'], ['bob'], ['alice', 'bob']], afterMs: [900_000, 3_600_000] }]);
  });

  it('given a CRITICAL alarm, then it matches HIGH and above too; a MEDIUM one matches nothing', () => {
    expect(names(route(routes, n({ severity: 'CRITICAL' })))).toEqual([['alice', ['north-pumps']]]);
    expect(route(routes, n({ severity: 'MEDIUM' }))).toEqual({ recipients: [], escalations: [] });
  });

  it('given another site, another class, or an asset not in the directory, then the site and class rule does not match', () => {
    expect(route(routes, n({ asset: { site: 'south-field', assetClass: 'pump' } })).recipients).toEqual([]);
    expect(route(routes, n({ asset: { site: 'north-field', assetClass: 'compressor' } })).recipients).toEqual([]);
    expect(route(routes, n({ asset: { site: null, assetClass: 'pump' } })).recipients).toEqual([]);
    expect(route(routes, n({ asset: undefined })).recipients).toEqual([]);
  });

  it('given a work order, then every planner; a P1 one also bob, each recipient once with every rule that chose them', () => {
    expect(names(route(routes, { kind: 'workorder.opened', severity: 'HIGH', asset: undefined }))).toEqual([['planning', ['work-orders']]]);
    expect(names(route(routes, { kind: 'workorder.opened', severity: 'CRITICAL', asset: undefined }))).toEqual([
      ['bob', ['urgent-work']],
      ['planning', ['work-orders']],
    ]);
    // Work orders never escalate.
    expect(route(routes, { kind: 'workorder.opened', severity: 'CRITICAL', asset: undefined }).escalations).toEqual([]);
  });

  it('given a recipient chosen by two rules, then once, naming both', () => {
    const both: Routes = parseRoutes({ ...CONFIG, rules: [...CONFIG.rules, { name: 'all-alarms', kinds: ['alarm.raised'], notifyRoles: ['operator'] }] });
    expect(names(route(both, n({})))).toEqual([
      ['alice', ['north-pumps', 'all-alarms']],
      ['bob', ['all-alarms']],
    ]);
  });

  it('given a digest or an escalation, then routing leaves it alone', () => {
    expect(route(routes, n({ kind: 'digest' }))).toEqual({ recipients: [], escalations: [] });
    expect(route(routes, n({ kind: 'alarm.escalated' }))).toEqual({ recipients: [], escalations: [] });
  });
});
