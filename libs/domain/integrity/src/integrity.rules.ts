import type { AssetClass, RuleOverrides } from '@twinline/contracts';

/** The integrity rules of one metric of an asset. */
export interface MetricRule {
  /** Unit label for messages, e.g. "°C". */
  readonly unit: string;
  /** Physically possible range (inclusive): a value outside is a broken or tampered sensor. */
  readonly min: number;
  readonly max: number;
  /** Largest change per second between two readings of one device that the process can make. */
  readonly maxStepPerSecond?: number;
  /** The same value this many readings in a row: the sensor is stuck (where the process always moves). */
  readonly stuckAfterRepeats?: number;
  /** The same value (in at least 3 readings) for this many seconds: the sensor is stuck. */
  readonly stuckAfterSeconds?: number;
}

/** Effective rules of one asset: its class defaults with its own overrides merged over them. */
export interface AssetRules {
  /** The metrics the asset may report (any other metric breaks the 'unit' rule). */
  readonly metrics: Readonly<Record<string, MetricRule>>;
  /** Accepted reading times relative to receipt: no older than maxPastSeconds, no later than maxFutureSeconds. */
  readonly maxPastSeconds: number;
  readonly maxFutureSeconds: number;
}

const DAY = 86_400;
/** AWS IoT SiteWise's window: data up to 7 days old and up to 10 minutes in the future. */
const TIME_WINDOW = { maxPastSeconds: 7 * DAY, maxFutureSeconds: 600 } as const;

/** Below full vacuum a gauge pressure cannot go: -14.7 psi (-1.013 bar). */
const GAUGE_MIN_PSI = -14.7;

/**
 * Defaults per asset class. Ranges are what the instruments and the physics allow, not alarm
 * limits (those are the twin's). Rate limits only where the process has inertia: a motor or fluid
 * temperature does not move 5 °C in a second, while pressure may surge (water hammer) and is not
 * rate-limited by default. Stuck rules only where the signal always moves: an acceleration RMS at
 * milli-g resolution never repeats three times in a row on a running machine; a velocity RMS at
 * 0.01 mm/s resolution can hold for a while, so it is judged by time.
 */
export const CLASS_RULES: Readonly<Record<AssetClass, AssetRules>> = {
  pump: {
    ...TIME_WINDOW,
    metrics: {
      temperatureC: { unit: '°C', min: -60, max: 200, maxStepPerSecond: 5, stuckAfterSeconds: 4 * 3600 },
      pressurePsi: { unit: 'psi', min: GAUGE_MIN_PSI, max: 20_000 },
      vibrationMmS: { unit: 'mm/s', min: 0, max: 500, stuckAfterSeconds: 3600 },
      vibrationG: { unit: 'g', min: 0, max: 50, maxStepPerSecond: 0.5, stuckAfterRepeats: 3 },
    },
  },
  compressor: {
    ...TIME_WINDOW,
    metrics: {
      temperatureC: { unit: '°C', min: -60, max: 260, maxStepPerSecond: 5, stuckAfterSeconds: 4 * 3600 },
      pressurePsi: { unit: 'psi', min: GAUGE_MIN_PSI, max: 15_000 },
      vibrationMmS: { unit: 'mm/s', min: 0, max: 500, stuckAfterSeconds: 3600 },
      vibrationG: { unit: 'g', min: 0, max: 50, maxStepPerSecond: 0.5, stuckAfterRepeats: 3 },
    },
  },
  'pipeline-segment': {
    ...TIME_WINDOW,
    metrics: {
      temperatureC: { unit: '°C', min: -60, max: 150, maxStepPerSecond: 2 },
      pressurePsi: { unit: 'psi', min: GAUGE_MIN_PSI, max: 15_000 },
      vibrationMmS: { unit: 'mm/s', min: 0, max: 500 },
      wallThicknessMm: { unit: 'mm', min: 0, max: 200 },
    },
  },
};

/** Thrown when an asset's overrides cannot make a complete rule (a new metric without a range). */
export class RuleOverrideError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'RuleOverrideError';
  }
}

/**
 * The rules of an asset: its class defaults, with each overridden field replaced. A metric the
 * class does not know can be added by an override that gives at least its range.
 */
export function rulesFor(assetClass: AssetClass, overrides: RuleOverrides = {}): AssetRules {
  const base = CLASS_RULES[assetClass];
  const metrics: Record<string, MetricRule> = { ...base.metrics };
  for (const [name, o] of Object.entries(overrides.metrics ?? {})) {
    const known = metrics[name];
    const merged = { ...known, ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) } as Partial<MetricRule>;
    if (merged.min === undefined || merged.max === undefined) {
      throw new RuleOverrideError(`rules.metrics.${name}`, `${name} is not a metric of asset class ${assetClass}: adding it needs min and max`);
    }
    if (merged.min > merged.max) throw new RuleOverrideError(`rules.metrics.${name}`, `min ${merged.min} is above max ${merged.max}`);
    metrics[name] = { unit: merged.unit ?? '', ...merged } as MetricRule;
  }
  return {
    metrics,
    maxPastSeconds: overrides.maxPastSeconds ?? base.maxPastSeconds,
    maxFutureSeconds: overrides.maxFutureSeconds ?? base.maxFutureSeconds,
  };
}

/** The quantity a unit-suffixed metric name measures: `temperatureC` → `temperature`. */
export function quantityOf(metric: string): string {
  const match = /^([a-z]+(?:[A-Z][a-z]+)*?)(?=[A-Z0-9]|$)/.exec(metric);
  return match?.[1] ?? metric;
}
