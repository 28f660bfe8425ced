import type { AssetDescription } from '@twinline/service-kit';
import { predictionOf, type PredictionView } from './prediction-view';

/** ISO 10816-3 vibration severity zones (mm/s RMS, group 2 machines, rigid foundation): A ≤ 1.4, B ≤ 2.8, C ≤ 4.5, D above. */
export const VIBRATION_ZONES = Object.freeze([
  { zone: 'A', max: 1.4 },
  { zone: 'B', max: 2.8 },
  { zone: 'C', max: 4.5 },
  { zone: 'D', max: null },
] as const);

/** The status of a registered asset that has not reported an accepted reading yet. */
export const NO_DATA = 'NO_DATA';

/** What twin-state answers for a twin (GET /v1/assets, /v1/assets/:id): the fields the console reads. */
export interface TwinView {
  readonly assetId: string;
  readonly status: string;
  readonly label: string;
  readonly metrics: Readonly<Record<string, { value: number; ts: string; readingId?: string }>>;
  readonly activeAlarms: readonly unknown[];
  readonly sensorFault: unknown;
  readonly lastReadingTs?: string | null;
  readonly profile?: string | null;
  readonly [other: string]: unknown;
}

export interface FleetItem {
  readonly assetId: string;
  readonly assetClass: string | null;
  readonly site: string | null;
  readonly status: string;
  readonly label: string;
  readonly metrics: Record<string, { value: number; ts: string }>;
  readonly activeAlarms: readonly unknown[];
  /** Every alarm record that is not NORMAL (ISA-18.2 state, shelve), as twin-state answers them (issue 5). */
  readonly alarms: readonly unknown[];
  readonly sensorFault: boolean;
  /** The predicted breach time of the earliest failure prediction in force (the twin's prediction slice), else null. */
  readonly predictedBreachAt: string | null;
  readonly prediction: PredictionView;
  readonly updatedAt: string | null;
}

export interface Fleet {
  readonly items: FleetItem[];
  /** Every site and class of the fleet (unfiltered), sorted: the filters' choices. */
  readonly sites: string[];
  readonly classes: string[];
}

export interface FleetFilter {
  readonly site?: string;
  readonly assetClass?: string;
  readonly status?: string;
}

function fleetItem(twin: TwinView | undefined, assetId: string, description: AssetDescription | undefined): FleetItem {
  const metrics: Record<string, { value: number; ts: string }> = {};
  for (const [name, m] of Object.entries(twin?.metrics ?? {})) metrics[name] = { value: m.value, ts: m.ts };
  const prediction = predictionOf(twin);
  return {
    assetId,
    assetClass: description?.assetClass ?? null,
    site: description?.site ?? null,
    status: twin?.status ?? NO_DATA,
    label: twin?.label ?? 'No data yet',
    metrics,
    activeAlarms: twin?.activeAlarms ?? [],
    alarms: Array.isArray(twin?.alarms) ? twin.alarms : (twin?.activeAlarms ?? []),
    sensorFault: twin ? twin.sensorFault !== null && twin.sensorFault !== undefined && twin.sensorFault !== false : false,
    predictedBreachAt: prediction.predictedBreachAt,
    prediction,
    updatedAt: twin?.lastReadingTs ?? null,
  };
}

/**
 * The fleet: every twin with its class and site from the asset directory, and every registered asset
 * without a twin yet (status NO_DATA), sorted by asset id, then filtered.
 */
export function buildFleet(twins: readonly TwinView[], directory: readonly AssetDescription[], filter: FleetFilter = {}, describe?: (assetId: string) => AssetDescription | undefined): Fleet {
  const byId = new Map(directory.map((d) => [d.assetId, d]));
  const lookup = (id: string) => byId.get(id) ?? describe?.(id);
  const items = new Map<string, FleetItem>();
  for (const twin of twins) items.set(twin.assetId, fleetItem(twin, twin.assetId, lookup(twin.assetId)));
  for (const d of directory) if (!items.has(d.assetId)) items.set(d.assetId, fleetItem(undefined, d.assetId, d));
  const all = [...items.values()].sort((a, b) => (a.assetId < b.assetId ? -1 : a.assetId > b.assetId ? 1 : 0));
  const sorted = (values: Iterable<string | null>) => [...new Set([...values].filter((v): v is string => v !== null))].sort();
  return {
    items: all.filter((i) => (filter.site === undefined || i.site === filter.site) && (filter.assetClass === undefined || i.assetClass === filter.assetClass) && (filter.status === undefined || i.status === filter.status)),
    sites: sorted(all.map((i) => i.site)),
    classes: sorted(all.map((i) => i.assetClass)),
  };
}

/** A threshold profile as twin-state answers it (GET /v1/profiles) or as domain-twin defines it. */
export interface ProfileView {
  readonly name: string;
  readonly version?: number;
  readonly limits: Readonly<Record<string, { min?: number; max?: number }>>;
  readonly alarmLabel?: string;
  readonly okLabel?: string;
  readonly alarmSeverity?: string;
  readonly cause?: string;
  /** ISA-18.2 alarm policy (issue 5): maxShelveSeconds bounds a shelve. */
  readonly alarmPolicy?: { readonly maxShelveSeconds?: number };
  readonly vibration?: unknown;
}

/**
 * The profile that applies to an asset: the one the twin names (its `profile`), else its class's,
 * else "default"; null when none is known.
 */
export function profileOfAsset(profiles: Readonly<Record<string, ProfileView>>, twinProfile: string | null | undefined, assetClass: string | null): ProfileView | null {
  const entries = Object.entries(profiles);
  if (twinProfile) {
    const named = entries.find(([, p]) => p.name === twinProfile) ?? entries.find(([c]) => c === twinProfile);
    if (named) return named[1];
  }
  if (assetClass !== null && Object.hasOwn(profiles, assetClass)) return profiles[assetClass]!;
  return Object.hasOwn(profiles, 'default') ? profiles['default']! : null;
}
