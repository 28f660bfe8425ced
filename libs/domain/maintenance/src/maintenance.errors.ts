export type MaintenanceErrorCode =
  | 'MAINTENANCE.ASSET_MISMATCH'
  | 'MAINTENANCE.INVALID_TIME'
  | 'MAINTENANCE.INVALID_INPUT'
  | 'MAINTENANCE.INVALID_TRANSITION'
  | 'MAINTENANCE.UNKNOWN_WORK_ORDER'
  | 'MAINTENANCE.UNKNOWN_EVENT';

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

/**
 * The HTTP status an adapter answers a maintenance error with: 404 for a work order that does not
 * exist, 409 for a transition its status does not allow (the request is fine, the order is not in a
 * state for it), 400 for input or a time that breaks a rule, 422 for a request about another asset's
 * orders. MAINTENANCE.UNKNOWN_EVENT (a stream the code cannot read) should never reach a request; if it
 * does it is answered 422 rather than blamed on the input.
 */
export function maintenanceErrorStatus(code: MaintenanceErrorCode): 400 | 404 | 409 | 422 {
  switch (code) {
    case 'MAINTENANCE.UNKNOWN_WORK_ORDER':
      return 404;
    case 'MAINTENANCE.INVALID_TRANSITION':
      return 409;
    case 'MAINTENANCE.INVALID_INPUT':
    case 'MAINTENANCE.INVALID_TIME':
      return 400;
    case 'MAINTENANCE.ASSET_MISMATCH':
    case 'MAINTENANCE.UNKNOWN_EVENT':
      return 422;
    default: {
      const unknown: never = code;
      throw new Error(`unknown maintenance error code ${JSON.stringify(unknown)}`);
    }
  }
}
