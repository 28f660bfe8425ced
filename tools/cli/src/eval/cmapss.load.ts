import type { RulTrajectory } from '@twinline/domain-twin';

/** Column names of a C-MAPSS text file after `unit` and `cycle` (Saxena et al. 2008). */
export const CMAPSS_COLUMNS = ['setting1', 'setting2', 'setting3', ...Array.from({ length: 21 }, (_, i) => `s${i + 1}`)] as const;

/**
 * Parses a C-MAPSS train or test file (space-separated, no header, 26 numbers a line) into one
 * trajectory per unit, cycles in file order. `source` names the file in error messages.
 */
export function parseCmapss(text: string, source: string): RulTrajectory[] {
  const units = new Map<string, Array<{ cycle: number; values: Record<string, number> }>>();
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (trimmed === '') return;
    const numbers = trimmed.split(/\s+/).map(Number);
    if (numbers.length !== 2 + CMAPSS_COLUMNS.length || numbers.some((n) => !Number.isFinite(n))) {
      throw new Error(`${source}:${i + 1}: expected ${2 + CMAPSS_COLUMNS.length} numbers, got "${trimmed.slice(0, 80)}"`);
    }
    const unitId = String(numbers[0]);
    const values: Record<string, number> = {};
    CMAPSS_COLUMNS.forEach((name, k) => (values[name] = numbers[k + 2]!));
    const cycles = units.get(unitId) ?? [];
    cycles.push({ cycle: numbers[1]!, values });
    units.set(unitId, cycles);
  });
  if (units.size === 0) throw new Error(`${source}: no rows`);
  return [...units].map(([unitId, cycles]) => ({ unitId, cycles }));
}

/** Parses RUL_FDxxx.txt: one true RUL per line, in test-unit order. */
export function parseTrueRul(text: string, source: string): number[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((l, i) => {
      const n = Number(l);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${source}:${i + 1}: expected a non-negative number, got "${l}"`);
      return n;
    });
}
