import { NotificationError } from './notification.retry';

/** Quiet hours, minutes after local midnight in `timeZone` (IANA): from `startMinute` up to (not including) `endMinute`; they may wrap midnight. */
export interface QuietHours {
  readonly startMinute: number;
  readonly endMinute: number;
  readonly timeZone: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Parses "22:00-06:00" (24-hour clock, may wrap midnight; start and end must differ). */
export function parseQuietHours(text: string, timeZone = 'UTC'): QuietHours {
  const [from, to, ...extra] = text.split('-').map((p) => p.trim());
  const a = HHMM.exec(from ?? '');
  const b = HHMM.exec(to ?? '');
  if (!a || !b || extra.length > 0) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `quiet hours must look like HH:MM-HH:MM (e.g. 22:00-06:00), got "${text}"`);
  const startMinute = Number(a[1]) * 60 + Number(a[2]);
  const endMinute = Number(b[1]) * 60 + Number(b[2]);
  if (startMinute === endMinute) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `quiet hours must start and end at different times, got "${text}"`);
  if (!isTimeZone(timeZone)) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `time zone must be an IANA name such as Europe/Berlin, got "${timeZone}"`);
  return { startMinute, endMinute, timeZone };
}

export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Severities that wait for the end of quiet hours; everything else (HIGH, CRITICAL, no severity) goes out at once. */
const DEFERRABLE_SEVERITIES = new Set(['LOW', 'MEDIUM']);
/** Kinds that always go out at once, whatever severity they carry. */
const URGENT_KINDS = new Set(['security-violation', 'sensor-fault']);

interface Local {
  y: number;
  mo: number;
  d: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function localOf(ms: number, timeZone: string): Local & { asUtcMs: number } {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(new Date(ms)).map((p) => [p.type, p.value]));
  const [y, mo, d, h, mi, s] = ['year', 'month', 'day', 'hour', 'minute', 'second'].map((k) => Number(parts[k]));
  return { y: y!, mo: mo!, d: d!, minute: h! * 60 + mi!, asUtcMs: Date.UTC(y!, mo! - 1, d!, h!, mi!, s!) };
}

/** The instant a local wall-clock time in `timeZone` happens (the later reading in a DST gap). */
function instantOf(y: number, mo: number, d: number, minute: number, timeZone: string): number {
  const wall = Date.UTC(y, mo - 1, d, Math.floor(minute / 60), minute % 60);
  let guess = wall;
  for (let i = 0; i < 3; i++) {
    const offset = localOf(guess, timeZone).asUtcMs - Math.floor(guess / 1000) * 1000;
    guess = wall - offset;
  }
  return guess;
}

/**
 * When a notification due at `at` (epoch ms) may go out: null for at once, or the epoch ms at which
 * the quiet hours it falls into end. Only LOW and MEDIUM severities wait; HIGH, CRITICAL, security
 * violations, sensor faults and notifications without a severity go out at once.
 */
export function quietHoursRelease(at: number, notification: { readonly kind: string; readonly severity?: unknown }, quiet: QuietHours): number | null {
  if (!Number.isFinite(at)) throw new NotificationError('NOTIFICATION.INVALID_ARGUMENT', `at must be a finite epoch-ms time, got ${at}`);
  if (URGENT_KINDS.has(notification.kind)) return null;
  if (typeof notification.severity !== 'string' || !DEFERRABLE_SEVERITIES.has(notification.severity.toUpperCase())) return null;
  const local = localOf(at, quiet.timeZone);
  const { startMinute: start, endMinute: end } = quiet;
  const wraps = start > end;
  const inQuiet = wraps ? local.minute >= start || local.minute < end : local.minute >= start && local.minute < end;
  if (!inQuiet) return null;
  // Quiet hours that started the evening before end today; ones that wrap and started today end tomorrow.
  const endsTomorrow = wraps && local.minute >= start;
  const day = new Date(Date.UTC(local.y, local.mo - 1, local.d + (endsTomorrow ? 1 : 0)));
  return instantOf(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), end, quiet.timeZone);
}
