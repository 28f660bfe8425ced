import type { TrustedReading } from '@twinline/contracts';
import type { ThresholdProfile } from './twin.profiles';

/** Apply validated readings (in arrival order) to the twin of `assetId`, judged by `profile`. */
export interface ApplyReadings {
  readonly type: 'ApplyReadings';
  readonly data: {
    readonly assetId: string;
    readonly readings: readonly TrustedReading[];
    readonly profile: ThresholdProfile;
  };
}

export type TwinCommand = ApplyReadings;
