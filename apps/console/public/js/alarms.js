// ISA-18.2 alarm records as the twin answers them (issue 5): which to show first, causes in words,
// the problem text of a refused alarm command, and a remaining useful life in words.
import { dateTime, num, relative } from './dom.js';

/**
 * @typedef {{ alarmId: string, by: string, at: string, until: string, reason: string }} Shelve
 * @typedef {{ by: string, at: string, reason: string }} OutOfService
 * @typedef {{ alarmId: string, cause: string, severity: string, state?: string, raisedAt: string, message?: string,
 *   conditions?: Array<{ metric: string, value: number, limit: number, comparator: string }>,
 *   acknowledgedBy?: string | null, acknowledgedAt?: string | null, returnedAt?: string | null,
 *   lastAnnouncedAt?: string | null, reannouncements?: number, shelved?: Shelve | null }} AlarmRecord
 */

/** @type {Record<string, string>} */
export const CAUSE_TEXT = {
  THRESHOLD_EXCEEDED: 'Threshold exceeded',
  VIBRATION_HIGH: 'Vibration high (ISO 10816-3)',
  NO_DATA: 'No data (stale readings)',
};

/** @param {string} cause */
export function causeText(cause) {
  return CAUSE_TEXT[cause] ?? cause;
}

const SEVERITY_RANK = /** @type {Record<string, number>} */ ({ CRITICAL: 4, HIGH: 3, MEDIUM: 2, LOW: 1 });

/** @param {string | undefined} severity */
export function severityRank(severity) {
  return SEVERITY_RANK[String(severity)] ?? 0;
}

/**
 * The state of a record: old answers (before issue 5) have none, only acknowledgedAt.
 * @param {AlarmRecord} a
 */
export function stateOf(a) {
  return a.state ?? (a.acknowledgedAt ? 'ACTIVE_ACKED' : 'ACTIVE_UNACKED');
}

/** @param {AlarmRecord} a */
export function isShelved(a) {
  return !!a.shelved;
}

/**
 * The twin's alarm records (every state but NORMAL); `activeAlarms` for a twin of an older API.
 * @param {any} twin
 * @returns {AlarmRecord[]}
 */
export function alarmRecords(twin) {
  if (Array.isArray(twin?.alarms)) return twin.alarms;
  return Array.isArray(twin?.activeAlarms) ? twin.activeAlarms : [];
}

/**
 * Annunciated first (not shelved), then active before returned, then by severity (highest first),
 * then the earliest raised.
 * @param {AlarmRecord} a
 * @param {AlarmRecord} b
 */
export function alarmOrder(a, b) {
  const rank = (/** @type {AlarmRecord} */ x) => (isShelved(x) ? 2 : 0) + (stateOf(x) === 'RETURNED_UNACKED' ? 1 : 0);
  return rank(a) - rank(b) || severityRank(b.severity) - severityRank(a.severity) || String(a.raisedAt).localeCompare(String(b.raisedAt)) || a.cause.localeCompare(b.cause);
}

/**
 * The alarm a one-line view shows: the most severe annunciated one (active, not shelved); else a
 * returned one waiting for acknowledgement; else a shelved one (marked as shelved); null without alarms.
 * @param {AlarmRecord[]} list
 */
export function topAlarm(list) {
  return [...list].sort(alarmOrder)[0] ?? null;
}

/** @param {number} seconds */
export function durationText(seconds) {
  if (!Number.isFinite(seconds)) return '—';
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * What a refused command says, the fields named: the problem's detail, and each field error it
 * does not already name.
 * @param {unknown} error an ApiError
 */
export function problemText(error) {
  const e = /** @type {{ message?: string, status?: number, problem?: { detail?: string, errors?: Array<{ field?: string, message?: string }> } | null }} */ (error);
  const detail = e.problem?.detail ?? e.message ?? String(error);
  const extra = (e.problem?.errors ?? []).map((x) => (x.field ? `${x.field}: ${x.message}` : x.message ?? '')).filter((t) => t && !detail.includes(t));
  return [detail, ...extra].join(' — ');
}

/**
 * A remaining useful life with its interval: "42 h (30 h – 61 h)", "5.2 days (…)".
 * @param {{ hours: number, lowerHours: number | null, upperHours: number | null }} rul
 */
export function rulText(rul) {
  const hours = (/** @type {number} */ x) => (x >= 72 ? `${num(x / 24, 1)} days` : `${num(x, x < 10 ? 1 : 0)} h`);
  const range = rul.lowerHours !== null && rul.upperHours !== null ? ` (${hours(rul.lowerHours)} – ${hours(rul.upperHours)})` : '';
  return `${hours(rul.hours)}${range}`;
}

/**
 * When a predicted breach comes: "in 5 h 0 min" while it is ahead. A prediction from readings of the
 * past (backfilled, or an asset that stopped reporting) is already behind the clock: then the time
 * itself and how long after the asset's last reading it was predicted ("01 Jan 2024, 17:00 (2 h 0 min
 * after the last reading)") rather than "1059 days ago".
 * @param {string} at ISO time of the predicted breach
 * @param {string | null | undefined} lastReadingTs
 */
export function breachText(at, lastReadingTs) {
  const t = Date.parse(at);
  if (Number.isNaN(t)) return String(at);
  if (t >= Date.now()) return relative(at);
  const last = lastReadingTs ? Date.parse(lastReadingTs) : NaN;
  if (Number.isNaN(last)) return dateTime(at);
  const after = relative(at, last);
  return `${dateTime(at)} (${after.startsWith('in ') ? `${after.slice(3)} after` : `${after.replace(/ ago$/, '')} before`} the last reading)`;
}
