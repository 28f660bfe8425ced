import { resolve } from 'node:path';
import { loadConsoleConfig } from './config';

const SECRET = 'a-console-test-secret-of-32-characters';

describe('the console configuration', () => {
  it('given only the secret, then port 8080, the services on this machine and the public directory next to src', () => {
    const config = loadConsoleConfig({ AUTH_SECRET: SECRET });
    expect(config).toMatchObject({
      PORT: 8080,
      TWIN_URL: 'http://127.0.0.1:3003',
      INTEGRITY_URL: 'http://127.0.0.1:3002',
      SCHEDULER_URL: 'http://127.0.0.1:3004',
      NOTIFICATION_URL: 'http://127.0.0.1:3005',
      CONSOLE_UPSTREAM_TIMEOUT_MS: 10_000,
      CONSOLE_LIVE_PING_MS: 15_000,
      publicDir: resolve(__dirname, '..', 'public'),
    });
  });

  it('given CONSOLE_PORT and PORT, then CONSOLE_PORT; URLs lose their trailing slash', () => {
    expect(loadConsoleConfig({ AUTH_SECRET: SECRET, PORT: '3000' }).PORT).toBe(3000);
    expect(loadConsoleConfig({ AUTH_SECRET: SECRET, PORT: '3000', CONSOLE_PORT: '9090' }).PORT).toBe(9090);
    expect(loadConsoleConfig({ AUTH_SECRET: SECRET, TWIN_URL: 'http://twin-state:3003/' }).TWIN_URL).toBe('http://twin-state:3003');
  });

  it('given bad values, then every one is named', () => {
    expect(() => loadConsoleConfig({ TWIN_URL: 'ftp://x', CONSOLE_PORT: 'abc' })).toThrow(/AUTH_SECRET: required[\s\S]*CONSOLE_PORT: must be a port number[\s\S]*TWIN_URL: must be an http\(s\) URL/);
  });
});
