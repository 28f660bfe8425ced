import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '@twinline/cli';

/**
 * Runs the CLI as a user would (`npx twinline ...`) in a child process, collecting stdout and
 * stderr apart. TWINLINE_TOKEN is cleared so that only the token the test passes counts.
 */
export function twinline(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'tools/cli/bin/twinline.js'), ...args], { cwd: ROOT, env: { ...process.env, TWINLINE_TOKEN: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
