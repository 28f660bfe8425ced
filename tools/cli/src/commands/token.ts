import { parseArgs } from 'node:util';
import { authSecret, createToken, parseRoles, parseTtl } from '../auth';

export const TOKEN_USAGE = 'npx twinline token create --sub <name> --role <role> [--role <role> ...] [--ttl 12h|30d|3600]';

/** `twinline token create`: prints an access token (stdout, alone) signed with the services' secret. */
export function token(args: string[]): void {
  const [action, ...rest] = args;
  if (action !== 'create') throw new Error(`unknown token command "${action ?? ''}"; usage: ${TOKEN_USAGE}`);
  const { values } = parseArgs({ args: rest, options: { sub: { type: 'string' }, role: { type: 'string', multiple: true }, ttl: { type: 'string', default: '12h' } } });
  if (!values.sub?.trim()) throw new Error(`--sub is required: the user or service account the token is for; usage: ${TOKEN_USAGE}`);
  const roles = parseRoles(values.role ?? []);
  const ttlSeconds = parseTtl(values.ttl!);
  const { secret, source } = authSecret();
  const created = createToken({ sub: values.sub, roles, ttlSeconds }, secret);
  process.stderr.write(`token for ${values.sub} (${roles.join(', ')}), valid until ${created.expiresAt}, signed with the secret from ${source}\n`);
  process.stdout.write(`${created.token}\n`);
}
