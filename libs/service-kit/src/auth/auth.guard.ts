import { createParamDecorator, Inject, Injectable, SetMetadata, type CanActivate, type ExecutionContext, type Provider } from '@nestjs/common';
import { APP_GUARD, Reflector } from '@nestjs/core';
import type { AccessClaims, Role } from '@twinline/contracts';
import { DomainError } from '../problem-details';
import { TokenError, verifyToken } from './token';

/**
 * Who may call what, for every HTTP route of a service (registered by `serviceBasics`):
 *  - `@Public()`: no token (health, metrics);
 *  - `@DeviceChannel()`: no user token, and one is refused (devices sign each reading instead);
 *  - `@RequireRoles(...roles)`: a valid token with one of the roles (`admin` satisfies any);
 *  - anything else: GET and HEAD need a valid token with any role; other methods are denied.
 */

const PUBLIC = 'twinline:auth:public';
const DEVICE_CHANNEL = 'twinline:auth:device-channel';
const REQUIRED_ROLES = 'twinline:auth:roles';

/** Open to anyone, without a token (health and metrics). On a controller or a route. */
export const Public = () => SetMetadata(PUBLIC, true);

/** Written by devices, which sign each reading; a user token on the request is refused (403). */
export const DeviceChannel = () => SetMetadata(DEVICE_CHANNEL, true);

/** A valid token holding at least one of `roles` (or `admin`). On a controller or a route; the route's wins. */
export const RequireRoles = (...roles: [Role, ...Role[]]) => SetMetadata(REQUIRED_ROLES, roles);

/** Nest token of the guard's settings. */
export const AUTH_OPTIONS = Symbol('AUTH_OPTIONS');
export interface AuthOptions {
  /** The shared token secret (AUTH_SECRET). */
  readonly secret: string;
  /** Seconds since the epoch (default: the system clock). */
  readonly nowSeconds?: () => number;
}

/** The request once the guard accepted its token: the claims are on `user`. */
export interface AuthenticatedRequest {
  user?: AccessClaims;
}

interface HttpRequest extends AuthenticatedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string | string[] | undefined>;
}

export const DEVICE_CHANNEL_DETAIL = 'telemetry is written by devices with signed readings; user tokens cannot write telemetry';
const READ_METHODS = new Set(['GET', 'HEAD']);
const REALM = 'Bearer realm="twinline"';

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(AUTH_OPTIONS) private readonly options: AuthOptions,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return true;
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const route = `${request.method} ${request.url.split('?')[0]}`;
    if (this.reflector.getAllAndOverride<boolean>(DEVICE_CHANNEL, targets)) {
      if (request.headers.authorization !== undefined) throw new DomainError('AUTH.DEVICE_CHANNEL', DEVICE_CHANNEL_DETAIL, 403);
      return true;
    }
    const claims = this.authenticate(request, route);
    request.user = claims;
    const required = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (required) {
      if (claims.roles.includes('admin') || claims.roles.some((r) => required.includes(r))) return true;
      throw new DomainError(
        'AUTH.FORBIDDEN',
        `${route} needs the role ${required.join(' or ')}${required.includes('admin') ? '' : ' (or admin)'}; the token of ${claims.sub} has the role(s) ${claims.roles.join(', ')}`,
        403,
        { requiredRoles: required, tokenRoles: claims.roles },
      );
    }
    if (READ_METHODS.has(request.method)) return true;
    throw new DomainError('AUTH.NO_ROLE_DECLARED', `${route} declares no role that may call it, so it is denied to everyone (deny by default)`, 403, {
      requiredRoles: [],
      tokenRoles: claims.roles,
    });
  }

  private authenticate(request: HttpRequest, route: string): AccessClaims {
    return authenticateBearer(
      request.headers.authorization,
      this.options.secret,
      this.options.nowSeconds?.() ?? Math.floor(Date.now() / 1000),
      `${route} needs an access token: send "Authorization: Bearer <token>" (create one with: npx twinline token create --sub <name> --role <role>)`,
    );
  }
}

/**
 * The claims of a "Bearer <token>" Authorization header, or a 401 AUTH.UNAUTHENTICATED problem with
 * an RFC 6750 challenge: `reason` missing (with `missingDetail`), malformed, or the token's refusal
 * (expired, bad signature, …). The one way every service and the console's live feed read a token.
 */
export function authenticateBearer(header: string | readonly string[] | undefined, secret: string, nowSeconds: number, missingDetail: string): AccessClaims {
  if (header === undefined || header === '' || header.length === 0) {
    throw new DomainError('AUTH.UNAUTHENTICATED', missingDetail, 401, { reason: 'missing' }, { 'www-authenticate': REALM });
  }
  const match = /^Bearer +(\S+) *$/i.exec(typeof header === 'string' ? header : header.join(','));
  if (!match) {
    throw new DomainError('AUTH.UNAUTHENTICATED', 'the Authorization header must be "Bearer <token>"', 401, { reason: 'malformed' }, { 'www-authenticate': invalid('the Authorization header must be Bearer <token>') });
  }
  try {
    return verifyToken(match[1]!, secret, nowSeconds);
  } catch (error) {
    if (!(error instanceof TokenError)) throw error;
    throw new DomainError('AUTH.UNAUTHENTICATED', `the access token is not accepted: ${error.message}`, 401, { reason: error.reason }, { 'www-authenticate': invalid(error.message) });
  }
}

/** RFC 6750 challenge for a token that was sent but refused. */
function invalid(description: string): string {
  return `${REALM}, error="invalid_token", error_description="${description.replace(/["\\]/g, "'")}"`;
}

/** The verified claims of a request; throws when the route took no token (public or device channel). */
export function claimsOf(request: AuthenticatedRequest): AccessClaims {
  if (!request.user) throw new Error('this request carries no verified token: the route is @Public() or @DeviceChannel(), so it has no actor');
  return request.user;
}

/** The actor of what a request writes, `user:<sub>`, for attribution in events and records. */
export const Actor = createParamDecorator((_data: unknown, context: ExecutionContext): string => `user:${claimsOf(context.switchToHttp().getRequest<AuthenticatedRequest>()).sub}`);

/** The guard for every route of a service, checking tokens signed with `secret`. */
export function authProviders(secret: string, nowSeconds?: () => number): Provider[] {
  return [
    { provide: AUTH_OPTIONS, useValue: { secret, ...(nowSeconds ? { nowSeconds } : {}) } satisfies AuthOptions },
    { provide: APP_GUARD, useClass: AuthGuard },
  ];
}
