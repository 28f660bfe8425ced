// Three levels (STYLE.md): unit (pure and adapter tests), integration (real Postgres, NATS and
// MQTT on this machine, own schema and stream names per suite), end to end (services as processes).
const preset = require('./jest.preset');

module.exports = {
  projects: [
    {
      ...preset,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
      testPathIgnorePatterns: [...preset.testPathIgnorePatterns, '\\.int\\.spec\\.ts$'],
    },
    {
      ...preset,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,e2e}/**/*.int.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/integration.setup.js'],
    },
    {
      ...preset,
      displayName: 'e2e',
      testMatch: ['<rootDir>/e2e/**/*.e2e.spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/tools/jest/e2e.setup.js'],
    },
  ],
};
