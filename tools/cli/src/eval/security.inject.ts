import { signReading } from '@twinline/contracts';
import { round, seededRandom, type SeededRandom } from './seeded-random';
import type { PumpRow } from './skab.map';

/** The fault classes of the security stress test, in report order. */
export const FAULT_CLASSES = ['out-of-range', 'nan', 'spike', 'stuck', 'forged', 'replay', 'wrong-asset', 'timestamp'] as const;
export type FaultClass = (typeof FAULT_CLASSES)[number];

/** Faults that replace a clean row's reading. */
const VALUE_FAULTS = ['out-of-range', 'nan', 'spike'] as const;
type ValueFault = (typeof VALUE_FAULTS)[number];
/** Faults that are extra readings inserted between two clean ones. */
const MESSAGE_FAULTS = ['forged', 'replay', 'wrong-asset', 'timestamp'] as const;
type MessageFault = (typeof MESSAGE_FAULTS)[number];

/** The integrity rules that count as detecting each class (a quarantine with any of them). */
export const EXPECTED_RULES: Readonly<Record<FaultClass, readonly string[]>> = {
  'out-of-range': ['range'],
  nan: ['finite'],
  spike: ['rate'],
  stuck: ['stuck'],
  forged: ['signature'],
  replay: ['replay', 'duplicate'],
  'wrong-asset': ['asset'],
  timestamp: ['timestamp', 'order'],
};

/** A reading as a device puts it on the wire. */
export interface WireReading {
  readonly deviceId: string;
  readonly assetId: string;
  readonly seq: number;
  readonly ts: string;
  readonly metrics: Readonly<Record<string, number | string>>;
  readonly signature: string;
}

/** One reading the stress test sends, with what it is. */
export interface SentReading {
  readonly kind: 'clean' | FaultClass;
  /** How the fault was made, e.g. `temperature-high`, `wrong-key`, `future`. */
  readonly variant?: string;
  /** Stuck faults: the episode (run) the reading belongs to, numbered per stream. */
  readonly episode?: number;
  /** The source row (for an inserted reading: the row it follows). */
  readonly row: number;
  readonly channel: 'mqtt' | 'http';
  /** The asset whose channel carries it (MQTT topic, or the payload's assetId over HTTP). */
  readonly destinationAssetId: string;
  readonly reading: WireReading;
}

/** One device's stream: its asset's rows, sent over one channel. */
export interface DeviceStreamSpec {
  readonly assetId: string;
  readonly deviceId: string;
  readonly secret: string;
  readonly channel: 'mqtt' | 'http';
  /** The asset the device's wrong-asset writes go to. */
  readonly otherAssetId: string;
  readonly rows: readonly PumpRow[];
  /** Distinguishes the streams of one run (each gets its own random sequence from the seed). */
  readonly streamIndex: number;
}

export interface InjectionOptions {
  readonly seed: number;
  /** Faults of each single-reading class per stream. */
  readonly faultsPerClass: number;
  /** Stuck episodes per stream, each `stuckLength` readings long. */
  readonly stuckEpisodes: number;
  readonly stuckLength: number;
  /** The time of the run: the timestamp faults are placed relative to it. */
  readonly nowMs: number;
}

export interface FaultPlan {
  readonly valueFaults: ReadonlyMap<number, ValueFault>;
  readonly stuck: ReadonlyArray<{ readonly start: number; readonly length: number }>;
  /** Inserted readings, by the row they follow. */
  readonly insertions: ReadonlyMap<number, MessageFault>;
}

/**
 * Places the faults at seeded random positions in a stream of `rows` readings. Positions are
 * counted in slots: slot 2r is row r, slot 2r+1 the gap after it (where a reading can be inserted).
 * Every fault keeps two slots free on each side, so each faulty reading (or stuck run) has a clean
 * reading right before and right after it, and no two faults are adjacent. Throws when they do not fit.
 */
export function planFaults(rows: number, counts: { perClass: number; stuckEpisodes: number; stuckLength: number }, rng: SeededRandom): FaultPlan {
  const slots = 2 * rows - 1;
  const taken = new Uint8Array(Math.max(0, slots));
  const free = (from: number, to: number) => {
    if (from < 0 || to >= slots) return false;
    for (let s = from; s <= to; s++) if (taken[s]) return false;
    return true;
  };
  const take = (from: number, to: number) => taken.fill(1, from, to + 1);
  /** A random first slot (of the given parity) for a fault spanning `span` slots, or null when none is left. */
  const place = (span: number, parity: 0 | 1): number | null => {
    const fits = (s: number) => free(s - 2, s + span - 1 + 2);
    for (let attempt = 0; attempt < 64; attempt++) {
      const s = 2 * rng.int(0, rows - 1) + parity;
      if (fits(s)) return s;
    }
    const candidates: number[] = [];
    for (let s = parity; s < slots; s += 2) if (fits(s)) candidates.push(s);
    return candidates.length ? rng.pick(candidates) : null;
  };
  const tooMany = (what: string) =>
    new Error(
      `cannot place ${what} in ${rows} rows (${counts.perClass} faults per class, ${counts.stuckEpisodes} stuck episodes of ${counts.stuckLength}): use more --rows or fewer --faults-per-class / --stuck-episodes`,
    );

  const stuck: Array<{ start: number; length: number }> = [];
  for (let e = 0; e < counts.stuckEpisodes; e++) {
    const s = place(2 * counts.stuckLength - 1, 0);
    if (s === null) throw tooMany(`stuck episode ${e + 1}`);
    take(s, s + 2 * counts.stuckLength - 2);
    stuck.push({ start: s / 2, length: counts.stuckLength });
  }
  const valueFaults = new Map<number, ValueFault>();
  const insertions = new Map<number, MessageFault>();
  for (let i = 0; i < counts.perClass; i++) {
    for (const kind of [...VALUE_FAULTS, ...MESSAGE_FAULTS]) {
      const isValue = (VALUE_FAULTS as readonly string[]).includes(kind);
      const s = place(1, isValue ? 0 : 1);
      if (s === null) throw tooMany(`${kind} fault ${i + 1}`);
      take(s, s);
      if (isValue) valueFaults.set(s / 2, kind as ValueFault);
      else insertions.set((s - 1) / 2, kind as MessageFault);
    }
  }
  stuck.sort((a, b) => a.start - b.start);
  return { valueFaults, stuck, insertions };
}

type Metrics = { temperatureC: number; pressurePsi: number; vibrationG: number };

function valueFault(kind: ValueFault, clean: Metrics, rng: SeededRandom): { variant: string; metrics: Record<string, number | string> } {
  switch (kind) {
    case 'out-of-range': {
      const variant = rng.pick(['temperature-high', 'pressure-below-vacuum', 'vibration-high'] as const);
      if (variant === 'temperature-high') return { variant, metrics: { ...clean, temperatureC: rng.between(250, 400, 2) } };
      if (variant === 'pressure-below-vacuum') return { variant, metrics: { ...clean, pressurePsi: -rng.between(20.5, 100, 2) } };
      return { variant, metrics: { ...clean, vibrationG: rng.between(60.5, 200, 3) } };
    }
    case 'nan': {
      const metric = rng.pick(['temperatureC', 'pressurePsi', 'vibrationG'] as const);
      return { variant: metric, metrics: { ...clean, [metric]: 'NaN' } };
    }
    case 'spike': {
      const variant = rng.pick(['temperature-up', 'temperature-down', 'vibration-up'] as const);
      if (variant === 'vibration-up') return { variant, metrics: { ...clean, vibrationG: round(clean.vibrationG + rng.between(1, 4, 3), 6) } };
      const jump = rng.between(20, 50, 2);
      return { variant, metrics: { ...clean, temperatureC: round(clean.temperatureC + (variant === 'temperature-up' ? jump : -jump), 4) } };
    }
    default: {
      const never: never = kind;
      throw new Error(`unknown value fault ${String(never)}`);
    }
  }
}

const iso = (ms: number) => new Date(ms).toISOString();
const hex = (rng: SeededRandom, chars: number) => Array.from({ length: chars }, () => rng.int(0, 15).toString(16)).join('');

/**
 * Builds one device's stream with faults injected at seeded random positions (deterministic for a
 * seed, stream index and rows). Value faults replace a row's reading: out-of-range (temperature
 * 250..400 °C, pressure below -20 psi, vibration above 60 g), NaN (a metric sent as "NaN"), spike
 * (temperature ±20..50 °C, vibration +1..4 g), stuck (a run of readings whose vibration repeats the
 * last clean value). Message faults are extra readings inserted between two clean ones: forged
 * (signed with a wrong key, or altered after signing), replay (an earlier clean reading re-sent
 * verbatim), wrong-asset (signed by this device for the other asset and sent on that asset's
 * channel), timestamp (1 h in the future, 8 days in the past, or before the previous reading).
 * Every reading but a replay has a fresh seq; seqs increase in send order.
 */
export function buildStream(spec: DeviceStreamSpec, options: InjectionOptions): SentReading[] {
  const rng = seededRandom(options.seed * 31 + spec.streamIndex);
  const plan = planFaults(spec.rows.length, { perClass: options.faultsPerClass, stuckEpisodes: options.stuckEpisodes, stuckLength: options.stuckLength }, rng);
  const stuckAt = new Map<number, { episode: number; value: number }>();
  plan.stuck.forEach(({ start, length }, episode) => {
    const value = spec.rows[start - 1]!.metrics.vibrationG;
    for (let r = start; r < start + length; r++) stuckAt.set(r, { episode, value });
  });

  const out: SentReading[] = [];
  const cleanSent: Array<SentReading | undefined> = [];
  let seq = 0;
  const sign = (assetId: string, ts: string, metrics: Record<string, number | string>, secret = spec.secret): WireReading =>
    signReading({ deviceId: spec.deviceId, assetId, seq: ++seq, ts, metrics }, secret);
  const own = { channel: spec.channel, destinationAssetId: spec.assetId } as const;

  spec.rows.forEach((row, r) => {
    const ts = iso(row.tsMs);
    const clean: Metrics = { ...row.metrics };
    const stuck = stuckAt.get(r);
    const fault = plan.valueFaults.get(r);
    if (stuck) {
      out.push({ kind: 'stuck', variant: 'vibration-repeats', episode: stuck.episode, row: r, ...own, reading: sign(spec.assetId, ts, { ...clean, vibrationG: stuck.value }) });
    } else if (fault) {
      const { variant, metrics } = valueFault(fault, clean, rng);
      out.push({ kind: fault, variant, row: r, ...own, reading: sign(spec.assetId, ts, metrics) });
    } else {
      const sent: SentReading = { kind: 'clean', row: r, ...own, reading: sign(spec.assetId, ts, clean) };
      out.push(sent);
      cleanSent[r] = sent;
    }

    const inserted = plan.insertions.get(r);
    if (!inserted) return;
    // Between two clean readings: half-way in time and in value.
    const next = spec.rows[r + 1]!;
    const midTs = iso(Math.round((row.tsMs + next.tsMs) / 2));
    const mid: Record<string, number> = {
      temperatureC: round((clean.temperatureC + next.metrics.temperatureC) / 2, 6),
      pressurePsi: round((clean.pressurePsi + next.metrics.pressurePsi) / 2, 6),
      vibrationG: round((clean.vibrationG + next.metrics.vibrationG) / 2, 6),
    };
    switch (inserted) {
      case 'forged': {
        const variant = rng.pick(['wrong-key', 'altered-after-signing'] as const);
        if (variant === 'wrong-key') {
          out.push({ kind: 'forged', variant, row: r, ...own, reading: sign(spec.assetId, midTs, mid, `forged-${hex(rng, 32)}`) });
        } else {
          const signed = sign(spec.assetId, midTs, mid);
          out.push({ kind: 'forged', variant, row: r, ...own, reading: { ...signed, metrics: { ...signed.metrics, temperatureC: round(mid.temperatureC! + rng.between(0.1, 2, 2), 6) } } });
        }
        return;
      }
      case 'replay': {
        const candidates: SentReading[] = [];
        for (let q = Math.max(0, r - 300); q <= r; q++) if (cleanSent[q]) candidates.push(cleanSent[q]!);
        const original = rng.pick(candidates);
        out.push({ kind: 'replay', variant: original.row === r ? 'previous-reading' : 'earlier-reading', row: r, ...own, reading: original.reading });
        return;
      }
      case 'wrong-asset':
        out.push({ kind: 'wrong-asset', variant: `to-${spec.otherAssetId}`, row: r, channel: spec.channel, destinationAssetId: spec.otherAssetId, reading: sign(spec.otherAssetId, midTs, mid) });
        return;
      case 'timestamp': {
        const variant = rng.pick(['future', 'past', 'backwards'] as const);
        const tsMs = variant === 'future' ? options.nowMs + 3_600_000 : variant === 'past' ? options.nowMs - 8 * 86_400_000 : row.tsMs - 30_000;
        out.push({ kind: 'timestamp', variant, row: r, ...own, reading: sign(spec.assetId, iso(tsMs), mid) });
        return;
      }
      default: {
        const never: never = inserted;
        throw new Error(`unknown message fault ${String(never)}`);
      }
    }
  });
  return out;
}
