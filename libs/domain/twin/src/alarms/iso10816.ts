/**
 * ISO 10816-3 (now ISO 20816-3) evaluation zones of broad-band vibration velocity (mm/s RMS,
 * 10–1000 Hz) measured on the bearing housings of industrial machines, 15 kW – 50 MW:
 * - zone A: newly commissioned machines;
 * - zone B: acceptable for unrestricted long-term operation;
 * - zone C: unsatisfactory for long-term continuous operation (→ the twin shows WARNING);
 * - zone D: severe enough to cause damage (→ the twin shows ALARM).
 * Machine group 1: large machines, rated power above 300 kW (or electrical machines with shaft
 * height ≥ 315 mm); group 2: medium machines, 15–300 kW (shaft height 160–315 mm). A foundation is
 * `rigid` when the lowest natural frequency of machine and support lies above the main excitation
 * frequency (at least 25 % above), else `flexible`.
 * A value ON a boundary belongs to the upper zone (the boundary is where the zone starts).
 */

export type MachineGroup = 1 | 2;
export type Foundation = 'rigid' | 'flexible';
export type VibrationZone = 'A' | 'B' | 'C' | 'D';

export interface MachineClass {
  readonly machineGroup: MachineGroup;
  readonly foundation: Foundation;
}

/** The zone boundaries of one machine class, in mm/s RMS. */
export interface ZoneBoundaries {
  /** Zone A ends, zone B starts. */
  readonly ab: number;
  /** Zone B ends, zone C starts: the WARNING boundary. */
  readonly bc: number;
  /** Zone C ends, zone D starts: the ALARM boundary. */
  readonly cd: number;
}

/** ISO 10816-3 Table A.1 (group 1) and A.2 (group 2): velocity boundaries, mm/s RMS. */
export const ISO_10816_3_BOUNDARIES: Readonly<Record<MachineGroup, Readonly<Record<Foundation, ZoneBoundaries>>>> = Object.freeze({
  1: Object.freeze({ rigid: Object.freeze({ ab: 2.3, bc: 4.5, cd: 7.1 }), flexible: Object.freeze({ ab: 3.5, bc: 7.1, cd: 11.0 }) }),
  2: Object.freeze({ rigid: Object.freeze({ ab: 1.4, bc: 2.8, cd: 4.5 }), flexible: Object.freeze({ ab: 2.3, bc: 4.5, cd: 7.1 }) }),
});

/**
 * API 610 (12th ed., Table 8, overhung and between-bearings pumps up to 3600 rpm and 300 kW per
 * stage): the vibration limit inside the preferred operating region, 3.0 mm/s RMS on the bearing
 * housing. A pump profile may set it as an extra WARNING limit (see twin.profiles.ts).
 */
export const API_610_POR_LIMIT_MM_S = 3.0;

/** The boundaries of a machine class. */
export function zoneBoundaries(machineClass: MachineClass): ZoneBoundaries {
  const group = ISO_10816_3_BOUNDARIES[machineClass.machineGroup];
  if (group === undefined) throw new RangeError(`ISO 10816-3 machine group must be 1 or 2, got ${String(machineClass.machineGroup)}`);
  const boundaries = group[machineClass.foundation];
  if (boundaries === undefined) throw new RangeError(`ISO 10816-3 foundation must be rigid or flexible, got ${String(machineClass.foundation)}`);
  return boundaries;
}

/** The ISO 10816-3 zone of a vibration velocity (mm/s RMS) for a machine class; a boundary value is in the upper zone. */
export function vibrationZone(valueMmS: number, machineClass: MachineClass): VibrationZone {
  if (!Number.isFinite(valueMmS) || valueMmS < 0) throw new RangeError(`vibration velocity must be a finite number >= 0 mm/s, got ${valueMmS}`);
  const { ab, bc, cd } = zoneBoundaries(machineClass);
  if (valueMmS >= cd) return 'D';
  if (valueMmS >= bc) return 'C';
  if (valueMmS >= ab) return 'B';
  return 'A';
}
