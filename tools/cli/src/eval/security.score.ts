import { canonicalJson } from '@twinline/contracts';
import { EXPECTED_RULES, FAULT_CLASSES, type FaultClass, type SentReading } from './security.inject';

/** A quarantine record as GET /v1/quarantine lists it (the fields the scoring reads). */
export interface QuarantineRecord {
  readonly assetId: string;
  readonly reasons: ReadonlyArray<{ readonly rule: string }>;
  /** The reading as received. */
  readonly payload: unknown;
}

export interface AssetCounts {
  readonly assetId: string;
  readonly deviceId: string;
  readonly channel: 'mqtt' | 'http';
  /** Readings sent on this asset's channel. */
  readonly received: number;
  /** readingsApplied of the asset's twin. */
  readonly applied: number;
  /** Quarantine records of the asset. */
  readonly quarantined: number;
  readonly holds: boolean;
}

export interface ClassScore {
  readonly injected: number;
  /** Quarantined by one of the class's expected rules. */
  readonly detected: number;
  /** Not quarantined: the fault reached the twin. */
  readonly missed: number;
  /** Quarantined, but only for other rules. */
  readonly otherRule: number;
  readonly detectionRate: number | null;
  readonly expectedRules: readonly string[];
  /** Rules of the readings counted in otherRule. */
  readonly otherRules: Readonly<Record<string, number>>;
  /** Injected per variant (how the fault was made) and how many of those were detected. */
  readonly variants: Readonly<Record<string, { injected: number; detected: number }>>;
}

export interface FalseQuarantine {
  readonly deviceId: string;
  readonly seq: number;
  readonly ts: string;
  readonly metrics: Readonly<Record<string, number | string>>;
  readonly rules: readonly string[];
}

export interface SecurityScore {
  readonly classes: Readonly<Record<FaultClass, ClassScore>>;
  /** Stuck faults per run: detected when at least one reading of the run was. */
  readonly stuckEpisodes: { readonly injected: number; readonly detected: number };
  readonly cleanReadings: number;
  readonly falselyQuarantined: number;
  readonly falselyQuarantinedRate: number | null;
  readonly falseRules: Readonly<Record<string, number>>;
  readonly falseExamples: readonly FalseQuarantine[];
  readonly assets: readonly AssetCounts[];
  readonly invariant: { readonly received: number; readonly applied: number; readonly quarantined: number; readonly holds: boolean };
  /** Quarantine records that match no sent reading (should be 0). */
  readonly unmatchedQuarantined: number;
}

/** A reading's identity on the wire: device, seq, time and metrics (a replay shares it with its original). */
export function readingKey(payload: unknown): string | null {
  if (!payload || typeof payload !== 'object') return null;
  const p = payload as { deviceId?: unknown; seq?: unknown; ts?: unknown; metrics?: unknown };
  if (typeof p.deviceId !== 'string' || typeof p.seq !== 'number' || typeof p.ts !== 'string' || !p.metrics || typeof p.metrics !== 'object') return null;
  try {
    return `${p.deviceId}\u0000${p.seq}\u0000${p.ts}\u0000${canonicalJson(p.metrics)}`;
  } catch {
    return null;
  }
}

const expectedOf = (s: SentReading): readonly string[] => (s.kind === 'clean' ? [] : EXPECTED_RULES[s.kind]);
const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const bump = (counts: Record<string, number>, key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/**
 * Matches quarantine records to the sent readings by (deviceId, seq, ts, metrics) and scores each
 * fault class. Readings sharing a key (a replay and its original) are told apart by the rules: a
 * record goes first to a reading it detects (a record naming 'replay' to the replay), the rest in
 * send order. Invariant per asset: received = applied + quarantined.
 */
export function scoreSecurity(input: {
  readonly sent: readonly SentReading[];
  readonly records: readonly QuarantineRecord[];
  readonly assets: ReadonlyArray<{ readonly assetId: string; readonly deviceId: string; readonly channel: 'mqtt' | 'http'; readonly applied: number }>;
}): SecurityScore {
  const byKey = new Map<string, number[]>();
  input.sent.forEach((s, i) => {
    const key = readingKey(s.reading)!;
    const list = byKey.get(key);
    if (list) list.push(i);
    else byKey.set(key, [i]);
  });
  const rulesOf: Array<readonly string[] | undefined> = new Array(input.sent.length);
  const pendingByKey = new Map<string, Array<readonly string[]>>();
  let unmatched = 0;
  for (const record of input.records) {
    const key = readingKey(record.payload);
    if (key === null || !byKey.has(key)) {
      unmatched++;
      continue;
    }
    const list = pendingByKey.get(key);
    const rules = record.reasons.map((r) => r.rule);
    if (list) list.push(rules);
    else pendingByKey.set(key, [rules]);
  }
  for (const [key, recordRules] of pendingByKey) {
    const readings = byKey.get(key)!;
    const left: Array<readonly string[]> = [];
    for (const rules of recordRules) {
      const target = readings.find((i) => rulesOf[i] === undefined && expectedOf(input.sent[i]!).some((r) => rules.includes(r)));
      if (target === undefined) left.push(rules);
      else rulesOf[target] = rules;
    }
    for (const rules of left) {
      const target = readings.find((i) => rulesOf[i] === undefined);
      if (target === undefined) unmatched++;
      else rulesOf[target] = rules;
    }
  }

  const classes = Object.fromEntries(
    FAULT_CLASSES.map((kind) => {
      const expectedRules = EXPECTED_RULES[kind];
      let injected = 0;
      let detected = 0;
      let missed = 0;
      const otherRules: Record<string, number> = {};
      const variants: Record<string, { injected: number; detected: number }> = {};
      input.sent.forEach((s, i) => {
        if (s.kind !== kind) return;
        injected++;
        const rules = rulesOf[i];
        const hit = rules !== undefined && rules.some((r) => expectedRules.includes(r));
        const v = (variants[s.variant ?? kind] ??= { injected: 0, detected: 0 });
        v.injected++;
        if (hit) {
          detected++;
          v.detected++;
        } else if (rules === undefined) missed++;
        else for (const r of new Set(rules)) bump(otherRules, r);
      });
      const score: ClassScore = { injected, detected, missed, otherRule: injected - detected - missed, detectionRate: ratio(detected, injected), expectedRules, otherRules, variants };
      return [kind, score];
    }),
  ) as Record<FaultClass, ClassScore>;

  const episodes = new Map<string, boolean>();
  input.sent.forEach((s, i) => {
    if (s.kind !== 'stuck') return;
    const id = `${s.reading.deviceId}#${s.episode}`;
    episodes.set(id, (episodes.get(id) ?? false) || (rulesOf[i]?.includes('stuck') ?? false));
  });

  let cleanReadings = 0;
  const falseRules: Record<string, number> = {};
  const falseExamples: FalseQuarantine[] = [];
  input.sent.forEach((s, i) => {
    if (s.kind !== 'clean') return;
    cleanReadings++;
    const rules = rulesOf[i];
    if (rules === undefined) return;
    for (const r of new Set(rules)) bump(falseRules, r);
    falseExamples.push({ deviceId: s.reading.deviceId, seq: s.reading.seq, ts: s.reading.ts, metrics: s.reading.metrics, rules });
  });

  const quarantinedByAsset = new Map<string, number>();
  for (const r of input.records) quarantinedByAsset.set(r.assetId, (quarantinedByAsset.get(r.assetId) ?? 0) + 1);
  const assets: AssetCounts[] = input.assets.map((a) => {
    const received = input.sent.filter((s) => s.destinationAssetId === a.assetId).length;
    const quarantined = quarantinedByAsset.get(a.assetId) ?? 0;
    return { assetId: a.assetId, deviceId: a.deviceId, channel: a.channel, received, applied: a.applied, quarantined, holds: received === a.applied + quarantined };
  });
  const sum = (f: (a: AssetCounts) => number) => assets.reduce((n, a) => n + f(a), 0);

  return {
    classes,
    stuckEpisodes: { injected: episodes.size, detected: [...episodes.values()].filter(Boolean).length },
    cleanReadings,
    falselyQuarantined: falseExamples.length,
    falselyQuarantinedRate: ratio(falseExamples.length, cleanReadings),
    falseRules,
    falseExamples: falseExamples.slice(0, 20),
    assets,
    invariant: { received: sum((a) => a.received), applied: sum((a) => a.applied), quarantined: sum((a) => a.quarantined), holds: assets.every((a) => a.holds) },
    unmatchedQuarantined: unmatched,
  };
}
