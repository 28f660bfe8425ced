/** One reading of an asset as a point of its charts: its source time and its metrics. */
export interface SeriesPoint {
  readonly ts: string;
  readonly [metric: string]: number | string;
}

export interface Series {
  /** Time-ordered (oldest first), at most `max`: the latest ones. */
  readonly points: SeriesPoint[];
  /** True when points in the range were left out to keep `max`. */
  readonly truncated: boolean;
}

export const SERIES_MAX_POINTS = 20_000;

/** The part of a stored twin event the series reads (ReadingsApplied: data.readings [{ts, metrics}]). */
export interface HistoryEvent {
  readonly type: string;
  readonly data: unknown;
}

interface Reading {
  readonly ts: string;
  readonly metrics: Readonly<Record<string, unknown>>;
}

function readingsOf(event: HistoryEvent): Reading[] {
  if (event.type !== 'ReadingsApplied' || event.data === null || typeof event.data !== 'object') return [];
  const readings = (event.data as { readings?: unknown }).readings;
  if (!Array.isArray(readings)) return [];
  return readings.filter((r): r is Reading => r !== null && typeof r === 'object' && typeof (r as Reading).ts === 'string' && Number.isFinite(Date.parse((r as Reading).ts)) && (r as Reading).metrics !== null && typeof (r as Reading).metrics === 'object');
}

/**
 * Collects the readings of ReadingsApplied events, page by page, into the points of a chart: only
 * readings with `from <= ts <= to` (when given), every finite numeric metric, time-ordered, at most
 * `max` (the latest). Memory stays bounded by about twice `max` however long the history.
 */
export class SeriesBuilder {
  private buffer: Array<{ ms: number; seq: number; point: SeriesPoint }> = [];
  private dropped = false;
  private seq = 0;
  private readonly fromMs: number;
  private readonly toMs: number;

  constructor(private readonly options: { from?: string; to?: string; max?: number } = {}) {
    this.fromMs = options.from === undefined ? -Infinity : Date.parse(options.from);
    this.toMs = options.to === undefined ? Infinity : Date.parse(options.to);
  }

  private get max(): number {
    return this.options.max ?? SERIES_MAX_POINTS;
  }

  /** Adds the readings of these events. Returns false when every reading of them was after `to` (nothing later can be in range). */
  add(events: readonly HistoryEvent[]): boolean {
    let seen = 0;
    let after = 0;
    for (const event of events) {
      for (const reading of readingsOf(event)) {
        const ms = Date.parse(reading.ts);
        seen++;
        if (ms > this.toMs) after++;
        if (ms < this.fromMs || ms > this.toMs) continue;
        const point: Record<string, number | string> = { ts: reading.ts };
        for (const [metric, value] of Object.entries(reading.metrics)) {
          if (metric !== 'ts' && typeof value === 'number' && Number.isFinite(value)) point[metric] = value;
        }
        this.buffer.push({ ms, seq: this.seq++, point: point as SeriesPoint });
      }
    }
    if (this.buffer.length > 2 * this.max) this.trim();
    return seen === 0 || after < seen;
  }

  private trim(): void {
    this.buffer.sort((a, b) => a.ms - b.ms || a.seq - b.seq);
    if (this.buffer.length > this.max) {
      this.buffer = this.buffer.slice(this.buffer.length - this.max);
      this.dropped = true;
    }
  }

  build(): Series {
    this.trim();
    return { points: this.buffer.map((b) => b.point), truncated: this.dropped };
  }
}

/** The series of a whole set of events at once (see SeriesBuilder). */
export function buildSeries(events: readonly HistoryEvent[], options: { from?: string; to?: string; max?: number } = {}): Series {
  const builder = new SeriesBuilder(options);
  builder.add(events);
  return builder.build();
}
