import { EVAL_AZURE_PDM_USAGE, evalAzurePdm } from './eval-azure-pdm';
import { EVAL_CMAPSS_USAGE, evalCmapss } from './eval-cmapss';
import { EVAL_SECURITY_USAGE, evalSecurity } from './eval-security';
import { EVAL_SEED_USAGE, evalSeed } from './eval-seed';
import { EVAL_SKAB_USAGE, evalSkab } from './eval-skab';

const EVALUATIONS: Readonly<Record<string, { readonly usage: string; readonly run: (args: string[]) => Promise<void> }>> = {
  skab: { usage: EVAL_SKAB_USAGE, run: evalSkab },
  cmapss: { usage: EVAL_CMAPSS_USAGE, run: (args) => evalCmapss(args) },
  'azure-pdm': { usage: EVAL_AZURE_PDM_USAGE, run: evalAzurePdm },
  seed: { usage: EVAL_SEED_USAGE, run: evalSeed },
  security: { usage: EVAL_SECURITY_USAGE, run: evalSecurity },
};

export const EVAL_USAGE = Object.values(EVALUATIONS)
  .map((e) => e.usage)
  .join('\n');

/** `twinline eval <name>`: the evaluations whose results docs/evaluation.md holds. */
export async function evaluate(args: string[]): Promise<void> {
  const [name, ...rest] = args;
  const evaluation = name !== undefined && Object.hasOwn(EVALUATIONS, name) ? EVALUATIONS[name] : undefined;
  if (!evaluation) throw new Error(`unknown evaluation "${name ?? ''}"; one of: ${Object.keys(EVALUATIONS).join(', ')}\nusage:\n${EVAL_USAGE}`);
  await evaluation.run(rest);
}
