import type { FieldError } from '@twinline/contracts';

/** Stable codes of the twin's broken invariants (mapped to HTTP problems and dead letters at the edge). */
export type TwinErrorCode = 'TWIN.ASSET_MISMATCH' | 'TWIN.INVALID_POLICY' | 'TWIN.INVALID_PROFILES' | 'TWIN.INVALID_QUARANTINE' | 'TWIN.INVALID_TIME' | 'TWIN.UNKNOWN_COMMAND' | 'TWIN.UNKNOWN_EVENT';

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
