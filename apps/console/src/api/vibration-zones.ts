import { ISO_10816_3_BOUNDARIES } from '@twinline/domain-twin';
import { VIBRATION_ZONES } from './asset-views';

export interface VibrationZoneView {
  readonly zone: 'A' | 'B' | 'C' | 'D';
  readonly max: number | null;
}

/**
 * The ISO 10816-3 zones (mm/s RMS) the vibration chart draws for a profile: its machine group and
 * foundation (`profile.vibration`, issue 5) when it has them, else group 2 rigid (VIBRATION_ZONES).
 */
export function vibrationZonesOf(profile: { readonly vibration?: unknown } | null | undefined): readonly VibrationZoneView[] {
  const v = profile?.vibration;
  if (v === null || typeof v !== 'object') return VIBRATION_ZONES;
  const { machineGroup, foundation } = v as { machineGroup?: unknown; foundation?: unknown };
  const group = machineGroup === 1 || machineGroup === 2 ? ISO_10816_3_BOUNDARIES[machineGroup] : undefined;
  const b = group !== undefined && (foundation === 'rigid' || foundation === 'flexible') ? group[foundation] : undefined;
  if (b === undefined) return VIBRATION_ZONES;
  return [
    { zone: 'A', max: b.ab },
    { zone: 'B', max: b.bc },
    { zone: 'C', max: b.cd },
    { zone: 'D', max: null },
  ];
}
