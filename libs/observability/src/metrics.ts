import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type { Registry } from 'prom-client';

/**
 * Prometheus metrics of the process: ONE registry, with the standard Node.js runtime metrics
 * (process_cpu_seconds_total, nodejs_eventloop_lag_seconds, ...; no prefix), exposed by the
 * service kit's GET /metrics. Libraries record through the get-or-create helpers below without
 * depending on Nest: asking twice for one name returns the same metric (several services in one
 * process, as in tests, share it), and asking for a name with another type or other labels throws.
 */
let registry: Registry | undefined;

export function getRegistry(): Registry {
  if (!registry) {
    registry = new Registry();
    collectDefaultMetrics({ register: registry });
  }
  return registry;
}

type Kind = 'counter' | 'gauge' | 'histogram';
const defined = new Map<string, { kind: Kind; labelNames: readonly string[]; metric: unknown }>();

function getOrCreate<M>(kind: Kind, name: string, labelNames: readonly string[], create: (registers: Registry[]) => M): M {
  const existing = defined.get(name);
  if (existing) {
    if (existing.kind !== kind || existing.labelNames.join(',') !== labelNames.join(',')) {
      throw new Error(`metric ${name} is already defined as a ${existing.kind} with labels [${existing.labelNames.join(', ')}]; asked for a ${kind} with [${labelNames.join(', ')}]`);
    }
    return existing.metric as M;
  }
  const metric = create([getRegistry()]);
  defined.set(name, { kind, labelNames, metric });
  return metric;
}

export function counter<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Counter<L> {
  return getOrCreate('counter', name, labelNames, (registers) => new Counter<L>({ name, help, labelNames, registers }));
}

export function gauge<L extends string = never>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> {
  return getOrCreate('gauge', name, labelNames, (registers) => new Gauge<L>({ name, help, labelNames, registers }));
}

/** Buckets are fixed by the first definition of the name. */
export function histogram<L extends string = never>(name: string, help: string, buckets: readonly number[], labelNames: readonly L[] = []): Histogram<L> {
  return getOrCreate('histogram', name, labelNames, (registers) => new Histogram<L>({ name, help, labelNames, buckets: [...buckets], registers }));
}

/** Buckets (seconds) for database round trips and transactions: 1 ms to 10 s. */
export const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
/** Buckets for batch sizes (messages or events per batch): 1 to 10,000. */
export const SIZE_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000] as const;

export interface Sample<L extends string = string> {
  readonly labels?: Partial<Record<L, string>>;
  readonly value: number;
}

export interface SampledGaugeOptions<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly L[];
  /** A value younger than this is served from the cache instead of being read again. Default 5 s. */
  readonly maxAgeMs?: number;
  /** How long a scrape waits for a read in flight before it serves the previous values. Default 1 s. */
  readonly waitMs?: number;
}

interface Source {
  current(): Promise<readonly Sample[]>;
}

const sources = new Map<string, Set<Source>>();

/**
 * A gauge whose value is read from elsewhere (a table count, JetStream consumer info) when it is
 * scraped: `read` runs at most once per `maxAgeMs`, in the background of the scrape, which waits for
 * it at most `waitMs` and otherwise serves the previous values. A scrape never fails because of it:
 * while `read` fails (NATS or Postgres down) the source's series are left out, not frozen at stale
 * values. Several sources may feed one gauge (e.g. one per consumer, each with its own labels).
 * Returns a function that removes the source (call it when the thing it reads is closed).
 */
export function sampledGauge<L extends string = never>(options: SampledGaugeOptions<L>, read: () => Promise<ReadonlyArray<Sample<L>>>): () => void {
  const { name, help, labelNames = [], maxAgeMs = 5_000, waitMs = 1_000 } = options;
  let feeding = sources.get(name);
  if (feeding) getOrCreate('gauge', name, labelNames, () => undefined); // checks the type and labels
  else {
    if (defined.has(name)) throw new Error(`metric ${name} is already defined, not as a sampled gauge`);
    const fed = new Set<Source>();
    const g: Gauge<L> = getOrCreate('gauge', name, labelNames, (registers) => new Gauge<L>({ name, help, labelNames, registers, collect: () => collectFrom(g, fed) }));
    sources.set(name, (feeding = fed));
  }

  let samples: ReadonlyArray<Sample<L>> = [];
  let readAt = -Infinity;
  let inFlight: Promise<void> | undefined;
  const settle = (fresh: ReadonlyArray<Sample<L>>) => {
    samples = fresh;
    readAt = performance.now();
    inFlight = undefined;
  };
  const source: Source = {
    async current() {
      if (performance.now() - readAt < maxAgeMs) return samples;
      inFlight ??= Promise.resolve().then(read).then(settle, () => settle([]));
      await within(inFlight, waitMs);
      return samples;
    },
  };
  feeding.add(source);
  const fed = feeding;
  return () => void fed.delete(source);
}

/** Samples of counts per status, with 0 for every known status that has none. */
export function perStatus(counts: ReadonlyMap<string, number>, known: readonly string[]): Array<Sample<'status'>> {
  const statuses = new Set([...known, ...counts.keys()]);
  return [...statuses].map((status) => ({ labels: { status }, value: counts.get(status) ?? 0 }));
}

async function collectFrom<L extends string>(g: Gauge<L>, feeding: ReadonlySet<Source>): Promise<void> {
  const all = await Promise.all([...feeding].map((s) => s.current()));
  g.reset();
  // reset() leaves a gauge without labels at 0; with nothing read it must be absent instead.
  if (all.every((samples) => samples.length === 0)) g.remove({});
  for (const samples of all) for (const s of samples) g.set((s.labels ?? {}) as Partial<Record<L, string>>, s.value);
}

async function within(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms).unref()))]);
  clearTimeout(timer);
}
