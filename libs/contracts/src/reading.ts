import { z } from 'zod';
import { assetIdSchema, deviceIdSchema } from './ids';

/**
 * A metric value as it travels on the wire. JSON cannot carry NaN or ±Infinity (and `1e999` parses
 * to Infinity), so ingestion encodes non-finite numbers as these strings; integrity then rejects
 * them with a reason instead of losing the information.
 */
export const NON_FINITE = ['NaN', 'Infinity', '-Infinity'] as const;
export type NonFinite = (typeof NON_FINITE)[number];
export type WireNumber = number | NonFinite;

export function encodeNumber(value: number): WireNumber {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(value: WireNumber): number {
  if (typeof value === 'number') return value;
  return value === 'NaN' ? Number.NaN : value === 'Infinity' ? Infinity : -Infinity;
}

/** Known metrics and their units (the unit is part of the name; conversion happens at ingestion). */
export const KNOWN_METRICS = {
  temperatureC: 'degree Celsius',
  pressurePsi: 'pound-force per square inch',
  vibrationMmS: 'millimetre per second RMS',
} as const;
export type KnownMetric = keyof typeof KNOWN_METRICS;

/**
 * Metric names carry their unit as a suffix: camelCase letters and digits. Never a name every object
 * inherits (constructor, toString, ...): looked up in a rules or state object, it would seem known.
 */
export const METRIC_NAME_PATTERN = /^(?!(?:constructor|hasOwnProperty|isPrototypeOf|propertyIsEnumerable|toLocaleString|toString|valueOf)$)[a-z][A-Za-z0-9]{0,63}$/;
export const MAX_METRICS_PER_READING = 64;

const wireNumberSchema = z.union([z.number(), z.enum(NON_FINITE)], {
  error: 'must be a number (NaN and Infinity are accepted on the wire only as the strings "NaN", "Infinity", "-Infinity")',
});

/** Metrics as received: any unit-suffixed name, numbers possibly non-finite (integrity decides). */
export const wireMetricsSchema = z
  .record(z.string().regex(METRIC_NAME_PATTERN, { message: 'metric names are camelCase with a unit suffix, e.g. temperatureC (not a built-in name such as constructor)' }), wireNumberSchema, {
    // zod reports a bad key as "Invalid key in record": name the rule it broke instead.
    error: (issue) => (issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined),
  })
  .refine((m) => Object.keys(m).length > 0, { message: 'metrics must hold at least one metric' })
  .refine((m) => Object.keys(m).length <= MAX_METRICS_PER_READING, { message: `metrics may hold at most ${MAX_METRICS_PER_READING} metrics` });

/** ISO 8601 date-time with an explicit offset, e.g. 2024-01-01T00:00:00Z. */
export const isoTimeSchema = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with offset, e.g. 2024-01-01T00:00:00Z' });

/** A reading as a device sends it (v1). */
export const readingSchema = z.object({
  deviceId: deviceIdSchema,
  assetId: assetIdSchema,
  seq: z.number({ error: 'seq must be a number' }).int('seq must be an integer').nonnegative('seq must be >= 0').max(Number.MAX_SAFE_INTEGER, 'seq must be a safe integer'),
  ts: isoTimeSchema,
  metrics: wireMetricsSchema,
  signature: z.string().max(256, 'signature may be at most 256 characters').optional(),
});
export type Reading = z.infer<typeof readingSchema>;

/** A reading that passed integrity: every metric is a finite number. */
export type TrustedReading = {
  readonly readingId: string;
  readonly deviceId: string;
  readonly assetId: string;
  readonly seq: number;
  readonly ts: string;
  readonly receivedAt: string;
  readonly metrics: Readonly<Record<string, number>>;
  /** Set when an admin released the reading from quarantine after review: it bypassed the rules. */
  readonly release?: ReleaseInfo;
};

/** Who released a quarantined reading, when, and why. */
export interface ReleaseInfo {
  readonly by: string;
  readonly at: string;
  readonly note: string;
}

export const trustedReadingSchema = z.object({
  readingId: z.string().min(1),
  deviceId: deviceIdSchema,
  assetId: assetIdSchema,
  seq: z.number().int().nonnegative(),
  ts: isoTimeSchema,
  receivedAt: isoTimeSchema,
  metrics: z.record(z.string(), z.number()),
  release: z.object({ by: z.string().min(1), at: isoTimeSchema, note: z.string() }).optional(),
});

/** HTTP body of POST /v1/telemetry: one reading or `{ readings: [...] }`. */
export const MAX_READINGS_PER_REQUEST = 10_000;
export const telemetryBatchSchema = z.object({
  readings: z.array(readingSchema).min(1, 'readings must hold at least one reading').max(MAX_READINGS_PER_REQUEST, `readings may hold at most ${MAX_READINGS_PER_REQUEST} readings`),
});
