import { markdownTable } from '../table';
import { FAULT_CLASSES, type FaultClass } from './security.inject';
import type { SecurityScore } from './security.score';

/** The issue's targets: the share of each class to detect (null: no target set). */
export const DETECTION_TARGETS: Readonly<Record<FaultClass, number | null>> = {
  'out-of-range': 1,
  nan: 1,
  spike: 0.95,
  stuck: 0.95,
  forged: 1,
  replay: 1,
  'wrong-asset': 1,
  timestamp: null,
};
/** At most this share of clean readings may be quarantined. */
export const FALSE_QUARANTINE_TARGET = 0.001;

const LABELS: Readonly<Record<FaultClass, string>> = {
  'out-of-range': 'out-of-range',
  nan: 'NaN',
  spike: 'spike',
  stuck: 'stuck (readings)',
  forged: 'forged signature',
  replay: 'replay',
  'wrong-asset': 'wrong-asset write',
  timestamp: 'timestamp manipulation',
};

/** What was run: printed with the results so that the table can be reproduced. */
export interface SecurityRun {
  readonly command: string;
  readonly seed: number;
  readonly rows: number;
  readonly faultsPerClass: number;
  readonly stuckEpisodes: number;
  readonly stuckLength: number;
  readonly dataFile: string;
  readonly startedAt: string;
  readonly sendSeconds: number;
  /** Seconds from the last send until every reading was accounted for (or the timeout). */
  readonly settleSeconds: number;
  readonly timedOut: boolean;
}

const pct = (r: number | null, digits = 1) => (r === null ? '—' : `${(r * 100).toFixed(digits)} %`);
const int = (n: number) => n.toLocaleString('en-US');
const rules = (counts: Readonly<Record<string, number>>) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([rule, n]) => `${rule} ×${n}`)
    .join(', ');

/** The --json output: per class injected/detected/missed, clean readings, false quarantines, the invariant. */
export function securityJson(run: SecurityRun, score: SecurityScore) {
  return {
    eval: 'security',
    ...run,
    classes: Object.fromEntries(FAULT_CLASSES.map((c) => [c, { ...score.classes[c], target: DETECTION_TARGETS[c], ...(c === 'stuck' ? { episodes: score.stuckEpisodes } : {}) }])),
    cleanReadings: score.cleanReadings,
    falselyQuarantined: score.falselyQuarantined,
    falselyQuarantinedRate: score.falselyQuarantinedRate,
    falselyQuarantinedTarget: FALSE_QUARANTINE_TARGET,
    falseRules: score.falseRules,
    falseExamples: score.falseExamples,
    assets: score.assets,
    invariant: score.invariant,
    unmatchedQuarantined: score.unmatchedQuarantined,
  };
}

/** The markdown report (what docs/evaluation.md holds). */
export function securityMarkdown(run: SecurityRun, score: SecurityScore): string {
  const met = (rate: number | null, target: number | null) => (target === null || rate === null ? '' : rate >= target ? ' ✓' : ' ✗');
  const rows = FAULT_CLASSES.map((c) => {
    const s = score.classes[c];
    const target = DETECTION_TARGETS[c];
    return [
      LABELS[c],
      int(s.injected),
      int(s.detected),
      int(s.missed),
      s.otherRule ? `${int(s.otherRule)} (${rules(s.otherRules)})` : '0',
      `${pct(s.detectionRate)}${met(s.detectionRate, target)}`,
      target === null ? '—' : target === 1 ? '100 %' : `≥ ${pct(target, 0)}`,
      s.expectedRules.join(' / '),
    ];
  });
  const ep = score.stuckEpisodes;
  const epRate = ep.injected ? ep.detected / ep.injected : null;
  rows.push(['stuck (episodes)', int(ep.injected), int(ep.detected), int(ep.injected - ep.detected), '', pct(epRate), '', 'stuck']);

  const fr = score.falselyQuarantinedRate;
  const lines = [
    `## Security stress test`,
    '',
    `\`${run.command}\``,
    '',
    `Seed ${run.seed}; SKAB \`anomaly-free.csv\` (${int(run.rows)} rows per asset, motor temperature → temperatureC, pressure bar → pressurePsi, Accelerometer1RMS → vibrationG), ` +
      `${run.faultsPerClass} faults per class and ${run.stuckEpisodes} stuck episodes of ${run.stuckLength} readings per asset; two pumps, one over MQTT and one over HTTP. Run ${run.startedAt}.`,
    '',
    markdownTable(['Fault class', 'Injected', 'Detected', 'Missed', 'Other rule', 'Detection', 'Target', 'Expected rule'], rows),
    '',
    `Clean readings: ${int(score.cleanReadings)}; wrongly quarantined: ${int(score.falselyQuarantined)} (${pct(fr, 3)}, target ≤ ${pct(FALSE_QUARANTINE_TARGET, 1)})${fr === null ? '' : fr <= FALSE_QUARANTINE_TARGET ? ' ✓' : ' ✗'}` +
      (score.falselyQuarantined ? ` — rules: ${rules(score.falseRules)}` : ''),
  ];
  for (const f of score.falseExamples.slice(0, 5)) lines.push(`- ${f.deviceId} seq ${f.seq} at ${f.ts}: ${f.rules.join(', ')} (${Object.entries(f.metrics).map(([k, v]) => `${k} ${v}`).join(', ')})`);
  lines.push(
    '',
    markdownTable(
      ['Asset', 'Device / channel', 'Received', 'Applied', 'Quarantined', 'received = applied + quarantined'],
      [
        ...score.assets.map((a) => [a.assetId, `${a.deviceId} / ${a.channel.toUpperCase()}`, int(a.received), int(a.applied), int(a.quarantined), a.holds ? 'holds' : 'FAILS']),
        ['all', '', int(score.invariant.received), int(score.invariant.applied), int(score.invariant.quarantined), score.invariant.holds ? 'holds' : 'FAILS'],
      ],
    ),
    '',
    `Missed = reached the twin; other rule = quarantined, but not by the class's rule. A stuck run is only ` +
      `recognisable once the value has repeated as often as the rule asks: the first repeat(s) of each run look like a clean reading, which is why stuck readings cannot reach 100 % while stuck episodes can. ` +
      `Sent in ${run.sendSeconds.toFixed(1)} s; all readings accounted for ${run.timedOut ? `NOT within the timeout (waited ${run.settleSeconds.toFixed(1)} s)` : `${run.settleSeconds.toFixed(1)} s later`}.` +
      (score.unmatchedQuarantined ? ` ${int(score.unmatchedQuarantined)} quarantine record(s) matched no sent reading.` : ''),
  );
  return lines.join('\n');
}
