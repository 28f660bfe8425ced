import { EVAL_SECURITY_USAGE, evalSecurity } from './eval-security';

export const EVAL_USAGE = `evaluations: security (${EVAL_SECURITY_USAGE})`;

/** `twinline eval <name>`: the evaluations whose results docs/evaluation.md holds. */
export async function evaluate(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  switch (name) {
    case 'security':
      await evalSecurity(rest);
      return;
    default:
      throw new Error(`unknown evaluation "${name ?? ''}"; one of: security\nusage: ${EVAL_SECURITY_USAGE}`);
  }
}
