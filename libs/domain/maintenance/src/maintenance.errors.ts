export type MaintenanceErrorCode = 'MAINTENANCE.ASSET_MISMATCH' | 'MAINTENANCE.INVALID_TIME' | 'MAINTENANCE.UNKNOWN_EVENT';

/** A broken rule of the maintenance domain, with a stable code. */
export class MaintenanceError extends Error {
  constructor(
    readonly code: MaintenanceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'MaintenanceError';
  }
}
