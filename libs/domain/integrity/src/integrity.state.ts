/** What integrity remembers per device: the highest accepted seq (a reading at or below it is a replay). */
export interface DeviceIntegrity {
  lastSeq: number;
}

export interface IntegrityState {
  devices: Record<string, DeviceIntegrity>;
}

export const initialIntegrityState: IntegrityState = Object.freeze({ devices: Object.freeze({}) as Record<string, DeviceIntegrity> });
