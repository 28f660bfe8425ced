#!/usr/bin/env node
// `npm test`: type check, lint (module boundaries), then every test level. Unit and integration
// suites run in parallel workers; end-to-end suites start all services as processes and run one
// at a time so they do not starve each other on a small machine.
const { spawnSync } = require('node:child_process');

const steps = [
  ['typecheck', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['project graph (for the module-boundary rule)', 'npx', ['nx', 'show', 'projects']],
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  ['unit + integration', 'npx', ['jest', '--selectProjects', 'unit', 'integration', ...process.argv.slice(2)]],
  ['end to end', 'npx', ['jest', '--selectProjects', 'e2e', '--runInBand', ...process.argv.slice(2)]],
];

for (const [name, cmd, args] of steps) {
  console.log(`\n▶ ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, NX_DAEMON: 'false' } });
  if (r.status !== 0) {
    console.error(`✖ ${name} failed (exit ${r.status ?? r.signal})`);
    process.exit(r.status ?? 1);
  }
}
console.log('\n✔ all test levels passed');
