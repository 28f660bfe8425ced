import { assetIdSchema, parseContract } from '@twinline/contracts';
import { DomainError, type AuthenticatedRequest } from '@twinline/service-kit';

/** A request the console's controllers forward: its claims (auth guard) and headers. */
export interface ConsoleRequest extends AuthenticatedRequest {
  readonly headers: Record<string, string | string[] | undefined>;
}

/** The caller's own Authorization header, passed on to the services (they enforce roles again). */
export function authorizationOf(request: ConsoleRequest): string | undefined {
  const h = request.headers.authorization;
  return Array.isArray(h) ? h[0] : h;
}

/** A path segment for a service's URL: the asset id checked as the services check it; other ids 1-200 characters, never "." or "..". */
export function pathSegment(value: string, field: string): string {
  if (field === 'assetId') return encodeURIComponent(parseContract(assetIdSchema, value, field));
  if (value === '' || value === '.' || value === '..' || value.length > 200) {
    throw new DomainError('CONTRACT.INVALID', `${field} must be an id of 1-200 characters, not "." or ".."`, 400, { errors: [{ field, message: 'must be an id' }] });
  }
  return encodeURIComponent(value);
}
