/**
 * How the consume loop treats an error thrown by a handler.
 * - permanent: the message can never succeed (contract violation): dead-letter at once.
 * - transient: the world is not ready (database or NATS unreachable): retry in place, without limit,
 *   keeping per-asset order, and tell JetStream we are still working on it.
 * - anything else: retried a bounded number of times, then isolated and dead-lettered.
 */
export class PermanentError extends Error {
  readonly permanent = true;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}

const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P02', '57P03', '53300', '40001', '40P01', 'TIMEOUT', '503']);

export function isPermanent(error: unknown): boolean {
  return Boolean((error as { permanent?: boolean })?.permanent) || (error as Error)?.name === 'ContractViolation';
}

export function isTransient(error: unknown): boolean {
  const e = error as { code?: string; transient?: boolean; message?: string };
  if (e?.transient) return true;
  if (e?.code && (TRANSIENT_CODES.has(String(e.code)) || String(e.code).startsWith('08'))) return true;
  const text = String(e?.message ?? '');
  return /Connection terminated|connection (?:is )?closed|timeout exceeded when trying to connect|CONNECTION_CLOSED/i.test(text);
}

/**
 * A consumer's `parse`: the message must satisfy its contract, else it can never be handled and is
 * dead-lettered at once (a PermanentError naming each broken field).
 */
export function messageParser<T>(parse: (body: unknown) => T): (body: unknown) => T {
  return (body) => {
    try {
      return parse(body);
    } catch (error) {
      throw new PermanentError((error as Error).message, { cause: error });
    }
  };
}
