import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTwinConfig } from './config';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('loadTwinConfig: quarantine policy', () => {
  it('defaults to a sensor fault after 5 violations and a 900 s security cooldown', () => {
    expect(loadTwinConfig({ AUTH_SECRET: SECRET }).quarantinePolicy).toEqual({ sensorFaultAfter: 5, securityCooldownSeconds: 900 });
  });

  it('reads TWIN_SENSOR_FAULT_AFTER and SECURITY_COOLDOWN_SECONDS', () => {
    expect(loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_SENSOR_FAULT_AFTER: '3', SECURITY_COOLDOWN_SECONDS: '0' }).quarantinePolicy).toEqual({ sensorFaultAfter: 3, securityCooldownSeconds: 0 });
  });

  it('names the variable and the rule of a bad value', () => {
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_SENSOR_FAULT_AFTER: '0' })).toThrow(/TWIN_SENSOR_FAULT_AFTER: must be >= 1 \(got "0"\)/);
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, SECURITY_COOLDOWN_SECONDS: '1.5' })).toThrow(/SECURITY_COOLDOWN_SECONDS: must be an integer/);
  });
});

describe('loadTwinConfig: snapshots', () => {
  it('takes a twin snapshot every 500 events by default; 0 turns snapshots off', () => {
    expect(loadTwinConfig({ AUTH_SECRET: SECRET }).TWIN_SNAPSHOT_EVERY).toBe(500);
    expect(loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_SNAPSHOT_EVERY: '0' }).TWIN_SNAPSHOT_EVERY).toBe(0);
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_SNAPSHOT_EVERY: '-1' })).toThrow(/TWIN_SNAPSHOT_EVERY: must be >= 0/);
  });
});

describe('loadTwinConfig: the alarm timer and per-asset profiles', () => {
  it('checks alarms every 5000 ms by default; ALARM_CHECK_INTERVAL_MS sets it, within 100 ms..1 h', () => {
    expect(loadTwinConfig({ AUTH_SECRET: SECRET }).ALARM_CHECK_INTERVAL_MS).toBe(5000);
    expect(loadTwinConfig({ AUTH_SECRET: SECRET, ALARM_CHECK_INTERVAL_MS: '250' }).ALARM_CHECK_INTERVAL_MS).toBe(250);
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, ALARM_CHECK_INTERVAL_MS: '50' })).toThrow(/ALARM_CHECK_INTERVAL_MS: must be >= 100 \(got "50"\)/);
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, ALARM_CHECK_INTERVAL_MS: 'soon' })).toThrow(/ALARM_CHECK_INTERVAL_MS: /);
  });

  it('has no per-asset profiles by default; TWIN_ASSET_PROFILES gives them', () => {
    expect(loadTwinConfig({ AUTH_SECRET: SECRET }).assetProfiles).toEqual({});
    const config = loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_ASSET_PROFILES: '{"P-101": {"alarmPolicy": {"onDelaySeconds": 30}}}' });
    expect(config.assetProfiles).toEqual({ 'P-101': { alarmPolicy: { onDelaySeconds: 30 } } });
  });

  it('reads TWIN_ASSET_PROFILES_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'twin-config-'));
    const file = join(dir, 'assets.json');
    writeFileSync(file, '{"P-7": {"alarmPolicy": {"maxShelveSeconds": 600}}}');
    expect(loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_ASSET_PROFILES_FILE: file }).assetProfiles).toEqual({ 'P-7': { alarmPolicy: { maxShelveSeconds: 600 } } });
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_ASSET_PROFILES_FILE: join(dir, 'missing.json') })).toThrow(/TWIN_ASSET_PROFILES_FILE: cannot read .*missing\.json \(ENOENT\)/);
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_ASSET_PROFILES_FILE: file, TWIN_ASSET_PROFILES: '{}' })).toThrow(/TWIN_ASSET_PROFILES_FILE: set TWIN_ASSET_PROFILES or TWIN_ASSET_PROFILES_FILE, not both/);
  });

  it.each([
    ['not JSON', '{oops', /TWIN_ASSET_PROFILES: \(root\): per-asset profiles must be JSON/],
    ['a bad field', '{"P-101": {"alarmPolicy": {"onDelaySeconds": -1}}}', /TWIN_ASSET_PROFILES: P-101\.alarmPolicy\.onDelaySeconds: /],
    ['an unknown field', '{"P-101": {"colour": "red"}}', /TWIN_ASSET_PROFILES: P-101: unknown field "colour"/],
  ])('stops the start on %s, naming the variable and the field', (_what, value, message) => {
    expect(() => loadTwinConfig({ AUTH_SECRET: SECRET, TWIN_ASSET_PROFILES: value })).toThrow(message);
  });
});
