/**
 * Milliseconds since the epoch of an ISO 8601 time. Times are compared as numbers: strings with
 * different offsets or fractions ("…T01:00:00+01:00", "…T00:00:00.5Z") do not sort as text.
 */
export function timeMs(iso: string): number {
  // Parsing dominates the twin's hot path (the same few times are compared per reading and
  // metric): remember recent results. A pure cache: the same text always gives the same number.
  let ms = PARSED.get(iso);
  if (ms === undefined) {
    if (PARSED.size >= PARSED_MAX) PARSED.clear();
    ms = Date.parse(iso);
    PARSED.set(iso, ms);
  }
  return ms;
}
const PARSED = new Map<string, number>();
const PARSED_MAX = 50_000;
