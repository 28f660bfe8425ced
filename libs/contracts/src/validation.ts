import type { z } from 'zod';

/** One broken rule in an input: the field (dotted path) and what the rule requires. */
export interface FieldError {
  readonly field: string;
  readonly message: string;
}

export function fieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.map(String).join('.') : '(root)',
    message: issue.message,
  }));
}

/** Thrown at a boundary when an input does not satisfy its contract. */
export class ContractViolation extends Error {
  readonly code = 'CONTRACT.INVALID';
  constructor(
    readonly contract: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`${contract} is invalid: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`);
    this.name = 'ContractViolation';
  }
}

export function parseContract<S extends z.ZodType>(schema: S, value: unknown, contract: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ContractViolation(contract, fieldErrors(result.error));
  return result.data;
}
