import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../platform';

/**
 * `npx twinline bench replay [--events n] [--assets n] [--batch n] [--keep]`: runs the replay
 * benchmark of twin-state (apps/twin-state/src/replay-bench.ts, where the twin and its read model
 * live) against DATABASE_URL. It needs Postgres only, not the platform.
 */
export async function benchReplay(args: string[]): Promise<void> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', join('apps', 'twin-state', 'src', 'replay-bench.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, SWC_NODE_PROJECT: join(ROOT, 'tsconfig.json'), LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
    stdio: 'inherit',
  });
  const code = await new Promise<number>((resolve) => child.once('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))));
  if (code !== 0) throw new Error(`replay benchmark exited with ${code}`);
}
