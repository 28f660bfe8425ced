import type { FieldError } from '@twinline/contracts';
import { TwinError } from '../twin.errors';

/**
 * Alarm performance KPIs per site (ANSI/ISA-18.2-2016 §16.5 / EEMUA 191), pure: the alarm log and
 * the window come in as data.
 *
 * What counts as an alarm: each RAISE that was annunciated (one per alarm episode of an asset and
 * cause). Not counted as annunciated, but reported apart:
 * - raises while the alarm was shelved (`shelved: true`): the operator never saw them;
 * - re-announcements (`reannounced: true`: an alarm left unacknowledged announced again by the
 *   re-alarm timer): the same alarm occurrence, not a new one. Counting them would make a single
 *   ignored alarm look like a flood and hide the standing-alarm problem it really is (ISA-18.2
 *   counts alarm activations; re-alarming is a nuisance measure of its own).
 */
export interface AlarmLogEntry {
  readonly assetId: string;
  readonly cause: string;
  readonly alarmId: string;
  /** When the alarm was raised (or re-announced), ISO 8601. */
  readonly raisedAt: string;
  /** The site of the asset; null when the asset is not in the directory. */
  readonly site: string | null;
  /** Raised while shelved: recorded, not annunciated. */
  readonly shelved?: boolean;
  /** A re-announcement of an unacknowledged alarm (AlarmReannounced), not a new raise. */
  readonly reannounced?: boolean;
}

/** The window the KPIs cover: [from, to), ISO 8601. */
export interface KpiWindow {
  readonly from: string;
  readonly to: string;
}

/**
 * ISA-18.2-2016 Table 16-1 (and EEMUA 191) performance targets for one operator position. The
 * average rate: ~1 alarm per 10 minutes is "very likely acceptable", ~2 "maximum manageable";
 * floods (a 10-minute period with more than 10 alarms) less than ~1 % of the time; the 10 most
 * frequent alarms ~1 % to 5 % of the load at most; no chattering alarms.
 */
export const ISA_18_2_TARGETS = Object.freeze({
  alarmsPer10MinutesAcceptable: 1,
  alarmsPer10MinutesMaxManageable: 2,
  floodThresholdPer10Minutes: 10,
  percentTimeInFloodMax: 1,
  topTenSharePercentTarget: 1,
  topTenSharePercentMax: 5,
  chatteringAlarmsMax: 0,
});

/** The length of an ISA-18.2 period: 10 minutes. */
export const KPI_PERIOD_MS = 600_000;
/** Same asset and cause raised this many times … */
export const CHATTER_MIN_RAISES = 3;
/** … within this many milliseconds (inclusive) is a chattering alarm. */
export const CHATTER_WINDOW_MS = 60_000;

export interface FloodPeriod {
  readonly start: string;
  readonly end: string;
  readonly alarms: number;
}

/** Consecutive flood periods. */
export interface Flood {
  readonly start: string;
  readonly end: string;
  readonly periods: number;
  readonly alarms: number;
  readonly minutes: number;
}

export interface ChatteringAlarm {
  readonly assetId: string;
  readonly cause: string;
  /** Annunciated raises of this asset and cause in the window. */
  readonly raises: number;
  /** The most raises within any 60 s. */
  readonly maxRaisesIn60s: number;
  /** The first raise of the first burst of ≥ 3 within 60 s. */
  readonly firstBurstAt: string;
}

export interface TopAlarm {
  readonly assetId: string;
  readonly cause: string;
  readonly alarms: number;
  readonly sharePercent: number;
}

export interface SiteAlarmKpis {
  /** null: assets the directory does not know. */
  readonly site: string | null;
  /** Annunciated alarms (raises, not shelved, not re-announced) in the window. */
  readonly alarms: number;
  /** Raises recorded while shelved (not annunciated). */
  readonly shelvedRaises: number;
  /** Re-announcements of unacknowledged alarms (not counted as alarms). */
  readonly reannouncements: number;
  /** Annunciated alarms per 10 minutes over the window. */
  readonly averagePer10Minutes: number;
  /** The most annunciated alarms in one 10-minute period. */
  readonly peakPer10Minutes: number;
  readonly floodPeriods: readonly FloodPeriod[];
  readonly longestFlood: Flood | null;
  /** Share of the window's time inside flood periods. */
  readonly percentTimeInFlood: number;
  readonly chattering: readonly ChatteringAlarm[];
  /** Share of the alarms from the 10 most frequent asset+cause pairs (0 without alarms). */
  readonly topTenSharePercent: number;
  readonly topTen: readonly TopAlarm[];
  /** Each KPI against its ISA-18.2 target (rate: the "maximum manageable" 2 per 10 min). */
  readonly meetsTargets: {
    readonly averageRate: boolean;
    readonly floods: boolean;
    readonly topTenShare: boolean;
    readonly chattering: boolean;
  };
}

export interface AlarmKpis {
  readonly from: string;
  readonly to: string;
  /** 10-minute periods in the window (the last one may be shorter). */
  readonly periods: number;
  readonly targets: typeof ISA_18_2_TARGETS;
  /** One entry per site with at least one entry in the window, by site name (null last). */
  readonly sites: readonly SiteAlarmKpis[];
}

const round = (n: number, digits = 2) => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** The longest window a KPI query may ask for. */
export const MAX_KPI_WINDOW_DAYS = 31;
const DAY_MS = 86_400_000;

/**
 * The window of a KPI query: `to` defaults to `nowMs`, `from` to 24 h before `to`; `from` must be
 * before `to` and at most MAX_KPI_WINDOW_DAYS earlier. The errors name the field.
 */
export function kpiWindowOf(q: { readonly from?: string | undefined; readonly to?: string | undefined }, nowMs: number): { readonly window: KpiWindow } | { readonly errors: FieldError[] } {
  const to = q.to !== undefined ? Date.parse(q.to) : nowMs;
  const from = q.from !== undefined ? Date.parse(q.from) : to - DAY_MS;
  if (from >= to) return { errors: [{ field: 'from', message: `must be before to (${iso(to)})` }] };
  if (to - from > MAX_KPI_WINDOW_DAYS * DAY_MS) return { errors: [{ field: 'from', message: `may be at most ${MAX_KPI_WINDOW_DAYS} days before to: ask for a shorter window` }] };
  return { window: { from: iso(from), to: iso(to) } };
}

function parseWindow(window: KpiWindow): { from: number; to: number } {
  const from = Date.parse(window.from);
  const to = Date.parse(window.to);
  const errors = [];
  if (Number.isNaN(from)) errors.push({ field: 'from', message: 'must be an ISO 8601 date-time' });
  if (Number.isNaN(to)) errors.push({ field: 'to', message: 'must be an ISO 8601 date-time' });
  if (errors.length) throw new TwinError('TWIN.INVALID_TIME', `the KPI window is invalid: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`, errors);
  if (from >= to) throw new TwinError('TWIN.INVALID_INPUT', `the KPI window is empty: from ${window.from} must be before to ${window.to}`, [{ field: 'from', message: 'must be before to' }]);
  return { from, to };
}

const iso = (ms: number) => new Date(ms).toISOString();
const pairKey = (e: { assetId: string; cause: string }) => `${e.assetId}\u0000${e.cause}`;

/** The KPIs of one site's entries (all inside the window). */
function siteKpis(site: string | null, entries: ReadonlyArray<AlarmLogEntry & { at: number }>, from: number, to: number, periods: number): SiteAlarmKpis {
  const annunciated = entries.filter((e) => !e.shelved && !e.reannounced).sort((a, b) => a.at - b.at);
  const shelvedRaises = entries.filter((e) => e.shelved && !e.reannounced).length;
  const reannouncements = entries.filter((e) => e.reannounced).length;
  const windowMs = to - from;

  // Fixed 10-minute periods aligned to `from`; the last one ends at `to`.
  const perPeriod = new Array<number>(periods).fill(0);
  for (const e of annunciated) perPeriod[Math.floor((e.at - from) / KPI_PERIOD_MS)]! += 1;
  const floodPeriods: FloodPeriod[] = [];
  let floodMs = 0;
  let longest: Flood | null = null;
  let run: { start: number; end: number; periods: number; alarms: number } | null = null;
  const closeRun = () => {
    if (run && (longest === null || run.end - run.start > longest.minutes * 60_000)) {
      longest = { start: iso(run.start), end: iso(run.end), periods: run.periods, alarms: run.alarms, minutes: round((run.end - run.start) / 60_000) };
    }
    run = null;
  };
  perPeriod.forEach((alarms, i) => {
    const start = from + i * KPI_PERIOD_MS;
    const end = Math.min(to, start + KPI_PERIOD_MS);
    if (alarms > ISA_18_2_TARGETS.floodThresholdPer10Minutes) {
      floodPeriods.push({ start: iso(start), end: iso(end), alarms });
      floodMs += end - start;
      run = run ? { ...run, end, periods: run.periods + 1, alarms: run.alarms + alarms } : { start, end, periods: 1, alarms };
    } else closeRun();
  });
  closeRun();

  // Chattering: the same asset and cause raised ≥ 3 times within 60 s (a sliding window over its raises).
  const byPair = new Map<string, Array<AlarmLogEntry & { at: number }>>();
  for (const e of annunciated) {
    const list = byPair.get(pairKey(e));
    if (list) list.push(e);
    else byPair.set(pairKey(e), [e]);
  }
  const chattering: ChatteringAlarm[] = [];
  for (const raises of byPair.values()) {
    let maxIn = 0;
    let firstBurst: number | null = null;
    let lo = 0;
    for (let hi = 0; hi < raises.length; hi++) {
      while (raises[hi]!.at - raises[lo]!.at > CHATTER_WINDOW_MS) lo++;
      const inWindow = hi - lo + 1;
      maxIn = Math.max(maxIn, inWindow);
      if (inWindow >= CHATTER_MIN_RAISES && firstBurst === null) firstBurst = raises[lo]!.at;
    }
    if (firstBurst !== null) chattering.push({ assetId: raises[0]!.assetId, cause: raises[0]!.cause, raises: raises.length, maxRaisesIn60s: maxIn, firstBurstAt: iso(firstBurst) });
  }
  chattering.sort((a, b) => b.raises - a.raises || (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.cause < b.cause ? -1 : 1));

  // Top 10: the most frequent asset+cause pairs (ties by asset id, then cause).
  const total = annunciated.length;
  const ranked = [...byPair.values()]
    .map((raises) => ({ assetId: raises[0]!.assetId, cause: raises[0]!.cause, alarms: raises.length }))
    .sort((a, b) => b.alarms - a.alarms || (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : a.cause < b.cause ? -1 : 1));
  const topTen = ranked.slice(0, 10).map((p) => ({ ...p, sharePercent: round((100 * p.alarms) / total) }));
  const topTenAlarms = ranked.slice(0, 10).reduce((n, p) => n + p.alarms, 0);
  const topTenSharePercent = total === 0 ? 0 : round((100 * topTenAlarms) / total);

  const averagePer10Minutes = round((total * KPI_PERIOD_MS) / windowMs, 3);
  const percentTimeInFlood = round((100 * floodMs) / windowMs);
  return {
    site,
    alarms: total,
    shelvedRaises,
    reannouncements,
    averagePer10Minutes,
    peakPer10Minutes: Math.max(0, ...perPeriod),
    floodPeriods,
    longestFlood: longest,
    percentTimeInFlood,
    chattering,
    topTenSharePercent,
    topTen,
    meetsTargets: {
      averageRate: averagePer10Minutes <= ISA_18_2_TARGETS.alarmsPer10MinutesMaxManageable,
      floods: percentTimeInFlood < ISA_18_2_TARGETS.percentTimeInFloodMax,
      topTenShare: topTenSharePercent <= ISA_18_2_TARGETS.topTenSharePercentMax,
      chattering: chattering.length <= ISA_18_2_TARGETS.chatteringAlarmsMax,
    },
  };
}

/**
 * Alarm KPIs per site over [from, to): entries outside the window (or with an unreadable time)
 * are left out. Floods are counted in fixed 10-minute periods aligned to `from` (the last period
 * ends at `to` and may be shorter; it floods with more than 10 alarms too). A bad window is a
 * TwinError naming the field (TWIN.INVALID_TIME, or TWIN.INVALID_INPUT when from ≥ to).
 */
export function alarmKpis(alarms: readonly AlarmLogEntry[], window: KpiWindow): AlarmKpis {
  const { from, to } = parseWindow(window);
  const periods = Math.ceil((to - from) / KPI_PERIOD_MS);
  const bySite = new Map<string | null, Array<AlarmLogEntry & { at: number }>>();
  for (const e of alarms) {
    const at = Date.parse(e.raisedAt);
    if (Number.isNaN(at) || at < from || at >= to) continue;
    const list = bySite.get(e.site);
    if (list) list.push({ ...e, at });
    else bySite.set(e.site, [{ ...e, at }]);
  }
  const sites = [...bySite.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : a < b ? -1 : a > b ? 1 : 0));
  return { from: iso(from), to: iso(to), periods, targets: ISA_18_2_TARGETS, sites: sites.map((site) => siteKpis(site, bySite.get(site)!, from, to, periods)) };
}
