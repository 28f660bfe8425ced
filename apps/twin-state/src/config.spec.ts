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
