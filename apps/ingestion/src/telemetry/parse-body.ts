import { ContractViolation, MAX_READINGS_PER_REQUEST, parseContract, readingSchema, telemetryBatchSchema, type FieldError, type Reading } from '@twinline/contracts';
import { encodeNonFinite, payloadProblem, UNSTORABLE_RULE } from './raw-batch';

/** Field errors listed in one answer at most (a batch of 10 000 bad readings would list tens of thousands). */
export const MAX_FIELD_ERRORS = 100;

/**
 * The readings of a POST /v1/telemetry body: one reading, or `{ readings: [...] }`. Non-finite
 * metrics are encoded as their wire strings (integrity quarantines them with rule "finite"). Throws
 * ContractViolation naming each broken field and its rule (at most MAX_FIELD_ERRORS of them).
 */
export function parseBody(body: unknown): Reading[] {
  const readings = capped(() => {
    if (body && typeof body === 'object' && !Array.isArray(body) && 'readings' in body) {
      const list = (body as { readings: unknown }).readings;
      const encoded = Array.isArray(list) && list.length <= MAX_READINGS_PER_REQUEST ? { readings: list.map(encodeNonFinite) } : body;
      return parseContract(telemetryBatchSchema, encoded, 'telemetry batch').readings;
    }
    return [parseContract(readingSchema, encodeNonFinite(body), 'reading')];
  });
  // The schema bounds every field but the signature's characters; quarantine must be able to store it.
  const batch = body !== null && typeof body === 'object' && !Array.isArray(body) && 'readings' in body;
  const errors: FieldError[] = [];
  for (const [i, reading] of readings.entries()) {
    const problem = payloadProblem(reading);
    if (problem) errors.push({ field: batch ? `readings.${i}.${problem.field}` : problem.field, message: `${problem.field} ${UNSTORABLE_RULE}` });
  }
  if (errors.length) throw limitErrors(new ContractViolation(batch ? 'telemetry batch' : 'reading', errors));
  return readings;
}

function capped<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw error instanceof ContractViolation ? limitErrors(error) : error;
  }
}

function limitErrors(error: ContractViolation): ContractViolation {
  if (error.errors.length <= MAX_FIELD_ERRORS) return error;
  const more = error.errors.length - MAX_FIELD_ERRORS;
  return new ContractViolation(error.contract, [...error.errors.slice(0, MAX_FIELD_ERRORS), { field: '(more)', message: `${more} more errors not listed` }]);
}
