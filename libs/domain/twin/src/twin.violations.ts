import { isSecurityRule } from '@twinline/contracts';

/** Rules that say nothing about the sensor: a repeat of a reading already seen. */
const NOT_A_SENSOR_RULE = 'duplicate';

/** The security rules among a quarantined reading's rules (who sent it, not what it says). */
export function securityRulesOf(rules: readonly string[]): string[] {
  return rules.filter(isSecurityRule);
}

/**
 * The data rules of a reading that speak about the sensor: none if any security rule was broken
 * (an untrusted reading says nothing about the sensor), and never `duplicate`.
 */
export function sensorRulesOf(rules: readonly string[]): string[] {
  if (rules.some(isSecurityRule)) return [];
  return rules.filter((r) => r !== NOT_A_SENSOR_RULE);
}

/** `a` followed by the members of `b` it lacks (order kept, no repeats). */
export function union(a: readonly string[], b: readonly string[]): readonly string[] {
  const extra = b.filter((x, i) => !a.includes(x) && b.indexOf(x) === i);
  return extra.length ? [...a, ...extra] : a;
}
