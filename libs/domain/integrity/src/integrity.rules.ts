/** A physically possible range of a metric (inclusive). */
export interface MetricRange {
  readonly min: number;
  readonly max: number;
}

/**
 * Plausibility rules. A value beyond a tampering bound is reported as suspected tampering (a sensor
 * cannot physically report it); any other value outside its range is implausible ('range').
 */
export interface IntegrityRules {
  readonly ranges: Readonly<Record<string, MetricRange>>;
  readonly tampering: {
    readonly temperatureCMax: number;
    readonly pressurePsiMin: number;
  };
}

export const DEFAULT_INTEGRITY_RULES: IntegrityRules = Object.freeze({
  ranges: Object.freeze({
    temperatureC: Object.freeze({ min: -60, max: 200 }),
    pressurePsi: Object.freeze({ min: 0, max: 20_000 }),
    vibrationMmS: Object.freeze({ min: 0, max: 500 }),
  }),
  tampering: Object.freeze({ temperatureCMax: 200, pressurePsiMin: 0 }),
});

/** Rule names as they appear in `Violation.rule` (and in the quarantine store's filter). */
export const INTEGRITY_RULES = ['json', 'schema', 'asset', 'finite', 'tampering', 'range', 'sequence'] as const;
export type IntegrityRule = (typeof INTEGRITY_RULES)[number];
