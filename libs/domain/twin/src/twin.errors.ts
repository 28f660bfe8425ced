import type { FieldError } from '@twinline/contracts';

/** Stable codes of the twin's broken invariants (mapped to HTTP problems and dead letters at the edge). */
export type TwinErrorCode =
  | 'TWIN.ASSET_MISMATCH'
  | 'TWIN.INVALID_INPUT'
  | 'TWIN.INVALID_POLICY'
  | 'TWIN.INVALID_PROFILES'
  | 'TWIN.INVALID_QUARANTINE'
  | 'TWIN.INVALID_TIME'
  | 'TWIN.ALARM_NOT_ACTIVE'
  | 'TWIN.ALARM_ALREADY_ACKNOWLEDGED'
  | 'TWIN.ALARM_ALREADY_SHELVED'
  | 'TWIN.ALARM_NOT_SHELVED'
  | 'TWIN.SHELVE_TOO_LONG'
  | 'TWIN.ALARM_ALREADY_OUT_OF_SERVICE'
  | 'TWIN.ALARM_NOT_OUT_OF_SERVICE'
  | 'TWIN.UNKNOWN_COMMAND'
  | 'TWIN.UNKNOWN_EVENT';

/** A broken rule of the twin domain: a bug or a bad input at the caller, never an expected outcome. */
export class TwinError extends Error {
  constructor(
    readonly code: TwinErrorCode,
    message: string,
    readonly errors: readonly FieldError[] = [],
  ) {
    super(message);
    this.name = 'TwinError';
  }
}

/** A command must address the twin it is decided against (a twin that has no asset yet takes any). */
export function assertSameAsset(twinAssetId: string | null, assetId: string): void {
  if (twinAssetId !== null && twinAssetId !== assetId) {
    throw new TwinError('TWIN.ASSET_MISMATCH', `command for asset ${assetId} was sent to the twin of asset ${twinAssetId}`);
  }
}

/**
 * The HTTP status of a twin error at the edge: the alarm is not one the twin holds (404: unknown,
 * or back to normal already), the alarm is not in the state the request needs (409: acknowledged
 * already, shelved already or not shelved, out of service already or in service), the input breaks
 * a rule (400, a shelve longer than the profile allows included).
 * Anything else is a bug or a bad configuration behind the request (500).
 */
export function twinErrorStatus(code: TwinErrorCode): number {
  switch (code) {
    case 'TWIN.ALARM_NOT_ACTIVE':
      return 404;
    case 'TWIN.ALARM_ALREADY_ACKNOWLEDGED':
    case 'TWIN.ALARM_ALREADY_SHELVED':
    case 'TWIN.ALARM_NOT_SHELVED':
    case 'TWIN.ALARM_ALREADY_OUT_OF_SERVICE':
    case 'TWIN.ALARM_NOT_OUT_OF_SERVICE':
      return 409;
    case 'TWIN.ASSET_MISMATCH':
    case 'TWIN.INVALID_INPUT':
    case 'TWIN.INVALID_TIME':
    case 'TWIN.SHELVE_TOO_LONG':
      return 400;
    default:
      return 500;
  }
}
