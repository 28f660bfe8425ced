/** Argument checks shared by the stores: a caller's mistake fails loudly, naming the argument. */

/** A global position: a decimal string of a non-negative integer ('0' = before the first event). */
export function assertPosition(value: string, name: string): void {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]{0,18})$/.test(value)) {
    throw new RangeError(`${name} must be a position: a decimal string such as '0' or '42', got ${JSON.stringify(value)}`);
  }
}

export function assertLimit(value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`limit must be a positive integer, got ${String(value)}`);
}

export function assertCheckpointName(value: string): void {
  if (typeof value !== 'string' || value.length === 0) throw new RangeError('a checkpoint name must be a non-empty string');
}
