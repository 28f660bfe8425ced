/** A pipeline calculation was given an input it cannot use: `field` names which one. */
export class PipelineError extends Error {
  readonly code = 'PIPELINE.INVALID_INPUT';

  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'PipelineError';
  }
}

/** `value` as a finite number, else a PipelineError naming `field`. */
export function finiteOrThrow(field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new PipelineError(field, `must be a finite number, got ${String(value)}`);
  return value;
}

/** `value` when finite and > 0, else a PipelineError naming `field`. */
export function positiveOrThrow(field: string, value: number): number {
  if (finiteOrThrow(field, value) <= 0) throw new PipelineError(field, `must be > 0, got ${value}`);
  return value;
}

/** `value` when finite and >= 0, else a PipelineError naming `field`. */
export function nonNegativeOrThrow(field: string, value: number): number {
  if (finiteOrThrow(field, value) < 0) throw new PipelineError(field, `must be >= 0, got ${value}`);
  return value;
}

/** A factor in (0, 1] (design, joint, temperature derating), else a PipelineError naming `field`. */
export function factorOrThrow(field: string, value: number): number {
  if (finiteOrThrow(field, value) <= 0 || value > 1) throw new PipelineError(field, `must be in (0, 1], got ${value}`);
  return value;
}
