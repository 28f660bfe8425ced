/** What integrity follows of one metric of one device. Times are milliseconds of source time (`ts`). */
export interface MetricTrack {
  /** The last accepted value and its time: the base of the rate rule. */
  readonly value: number;
  readonly atMs: number;
  /** The current run of identical values among the device's authentic readings (the stuck rule). */
  readonly runValue: number;
  readonly runCount: number;
  readonly runSinceMs: number;
  /** A value the rate rule refused: if the next reading confirms it, the level really moved. */
  readonly pending?: { readonly value: number; readonly atMs: number };
}

/**
 * What integrity remembers per device: the last authentic seq and its digest (a reading at or
 * below it is a replay, or a duplicate when it is the same reading again), the last accepted
 * source time (an earlier one is out of order), and per metric the tracks of the stateful rules.
 */
export interface DeviceIntegrity {
  readonly lastSeq: number;
  readonly lastDigest: string | null;
  readonly lastTsMs: number | null;
  readonly metrics: Readonly<Record<string, MetricTrack>>;
}

export interface IntegrityState {
  devices: Record<string, DeviceIntegrity>;
}

export const initialIntegrityState: IntegrityState = Object.freeze({ devices: Object.freeze({}) as Record<string, DeviceIntegrity> });
