import type { TrustedReading, TwinEvent } from '@twinline/contracts';
import { decide, evolve, initialTwinState, profileFor, type ThresholdProfile, type TwinState } from '@twinline/domain-twin';
import { p101Readings, P101_TABLE } from '../seed';

/** One row of the study's P-101 table beside what the twin's pure decider says after that reading. */
export interface P101Row {
  readonly row: number;
  readonly ts: string;
  readonly pressurePsi: number;
  readonly temperatureC: number;
  readonly vibrationMmS: number;
  /** The status the study's Table 1 reports: 'Operational' or 'ALARM'. */
  readonly expected: string;
  /** The twin's status and label after the reading. */
  readonly twinStatus: string;
  readonly twinLabel: string;
  /** The twin's status in the study's words ('OPERATIONAL' → 'Operational'); anything else stays as it is. */
  readonly twinAsStudy: string;
  readonly agrees: boolean;
}

export interface P101Result {
  readonly profile: { readonly name: string; readonly version: number };
  readonly rows: readonly P101Row[];
  readonly agreeing: number;
  readonly alarmsRaised: number;
  readonly allAgree: boolean;
}

const STUDY_WORDS: Readonly<Record<string, string>> = { OPERATIONAL: 'Operational', ALARM: 'ALARM' };

/**
 * Runs the study's ten P-101 readings, one ApplyReadings command each, through the twin's own pure
 * `decide`/`evolve` (what twin-state runs live and in replay) with the pump profile, and compares
 * the status after each reading with the study's Table 1.
 */
export function runP101(profile: ThresholdProfile = profileFor('pump')): P101Result {
  const readings: TrustedReading[] = p101Readings().map((r) => ({ ...r, readingId: `P-101-${r.seq}`, receivedAt: r.ts }));
  let state: TwinState = initialTwinState;
  const rows: P101Row[] = readings.map((reading, i) => {
    const events: TwinEvent[] = decide({ type: 'ApplyReadings', data: { assetId: reading.assetId, readings: [reading], profile } }, state);
    state = events.reduce(evolve, state);
    const table = P101_TABLE[i]!;
    const twinAsStudy = STUDY_WORDS[state.status] ?? state.status;
    return {
      row: i + 1,
      ts: reading.ts,
      pressurePsi: table.pressurePsi,
      temperatureC: table.temperatureC,
      vibrationMmS: table.vibrationMmS,
      expected: table.status,
      twinStatus: state.status,
      twinLabel: state.label,
      twinAsStudy,
      agrees: twinAsStudy === table.status,
    };
  });
  const agreeing = rows.filter((r) => r.agrees).length;
  return { profile: { name: profile.name, version: profile.version }, rows, agreeing, alarmsRaised: state.alarmsRaised, allAgree: agreeing === rows.length };
}
