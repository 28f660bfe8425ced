/**
 * The maintenance decision rules, as data: recorded (with their sha256) in the metadata of every
 * work-order event and in `RulesConfigured`, so a change of the code that decides is visible in the
 * history. Bump `version` with any change to `decide`.
 */
export const MAINTENANCE_RULES = Object.freeze({
  name: 'work-orders',
  version: 1,
  priorityBySeverity: Object.freeze({ CRITICAL: 'P1', HIGH: 'P2', MEDIUM: 'P3', LOW: 'P4' }),
  attach: 'an alarm attaches to the open work order of its asset and cause; any other alarm opens one',
});
