/**
 * Polls `probe` until it returns a value that `accept` takes (default: anything not undefined/false),
 * or fails after `timeoutMs` with the last value seen. Tests wait for outcomes this way, never by sleeping.
 */
export async function waitFor<T>(
  probe: () => Promise<T> | T,
  options: { timeoutMs?: number; intervalMs?: number; accept?: (value: T) => boolean; what?: string } = {},
): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 50, accept = (v: T) => v !== undefined && v !== null && (v as unknown) !== false, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await probe();
      if (accept(last)) return last;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const detail = lastError ? ` (last error: ${String(lastError)})` : ` (last value: ${JSON.stringify(last)?.slice(0, 500)})`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
