import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evalCmapss } from '../commands/eval-cmapss';
import { parseCmapss, parseTrueRul } from './cmapss.load';

/** C-MAPSS lines for one unit: s2 rises and s7 falls over the last 125 cycles; the rest stays put. */
function unitLines(unit: number, life: number, keep = life): string[] {
  return Array.from({ length: keep }, (_, i) => {
    const wear = Math.max(0, 125 - (life - 1 - i));
    const sensors = Array.from({ length: 21 }, (_, s) => (s === 1 ? 642 + 0.01 * wear : s === 6 ? 554 - 0.02 * wear : 100 + s));
    return [unit, i + 1, 0, 0, 100, ...sensors].join(' ') + '  ';
  });
}

describe('eval cmapss with a test split (tiny synthetic files)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'twinline-cmapss-'));
    writeFileSync(join(dir, 'train.txt'), [150, 180, 210, 240, 170, 200, 230, 190].flatMap((life, i) => unitLines(i + 1, life)).join('\n'));
    // Three test units cut before failure: true RUL 20, 60, 100.
    writeFileSync(join(dir, 'test.txt'), [unitLines(1, 200, 180), unitLines(2, 220, 160), unitLines(3, 180, 80)].flat().join('\n'));
    writeFileSync(join(dir, 'rul.txt'), '20\n60\n100\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('parses units, cycles and the true RUL file', () => {
    const units = parseCmapss(unitLines(7, 200, 40).join('\n'), 'x');
    expect(units).toHaveLength(1);
    expect(units[0]!.unitId).toBe('7');
    expect(units[0]!.cycles).toHaveLength(40);
    expect(units[0]!.cycles[0]!.values.s2).toBe(642);
    expect(parseTrueRul('112\n98\n', 'r')).toEqual([112, 98]);
    expect(() => parseCmapss('1 2 3', 'bad.txt')).toThrow('bad.txt:1');
  });

  it('given train, test and true RUL files, when run with --json, then it scores the last cycle of every test unit', async () => {
    let text = '';
    await evalCmapss(['--train', join(dir, 'train.txt'), '--test', join(dir, 'test.txt'), '--rul', join(dir, 'rul.txt'), '--json'], (t) => (text += t));
    const result = JSON.parse(text) as { mode: string; units: number; rmse: number; phmScore: number; seconds: number };
    expect(result.mode).toBe('test-set');
    expect(result.units).toBe(3);
    expect(result.rmse).toBeLessThan(10);
    // Every |d| ≤ RMSE·√3 < 17.4 cycles, so the PHM08 score of 3 units is below 3·(e^1.74 − 1) ≈ 14.
    expect(result.phmScore).toBeGreaterThanOrEqual(0);
    expect(result.phmScore).toBeLessThan(14);
  });

  it('given --test without --rul, then it refuses', async () => {
    await expect(evalCmapss(['--test', join(dir, 'test.txt')])).rejects.toThrow('--test and --rul go together');
  });
});
