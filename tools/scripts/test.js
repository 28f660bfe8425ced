#!/usr/bin/env node
// `npm test`: type check, lint (Nx module boundaries), then every test level. Unit and integration
// suites run in parallel workers; end-to-end suites start all services as processes and run one
// at a time so they do not starve each other on a small machine. Ends with one summary line.
const { spawnSync } = require('node:child_process');
const { mkdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..', '..');
const out = join(root, 'tmp', 'test-results');
mkdirSync(out, { recursive: true });
const extra = process.argv.slice(2);
const jest = (name, args) => [name, 'npx', ['jest', ...args, '--json', `--outputFile=${join(out, `${name.replace(/\W+/g, '-')}.json`)}`, ...extra]];

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['project graph', 'npx', ['nx', 'show', 'projects']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  jest('unit and integration', ['--selectProjects', 'unit', 'integration']),
  jest('end to end', ['--selectProjects', 'e2e', '--runInBand']),
];

let passed = 0;
let failed = 0;
for (const [name, cmd, args] of steps) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env: { ...process.env, NX_DAEMON: 'false' } });
  const results = join(out, `${name.replace(/\W+/g, '-')}.json`);
  if (args.includes('--json') && existsSync(results)) {
    const j = JSON.parse(readFileSync(results, 'utf8'));
    passed += j.numPassedTests;
    failed += j.numFailedTests;
  }
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
    console.log(`tests: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(r.status ?? 1);
  }
}
console.log('\n✔ all test levels passed');
console.log(`tests: ${passed} passed, ${failed} failed`);
