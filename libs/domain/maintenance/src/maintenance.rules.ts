/**
 * The maintenance decision rules, as data: recorded (with their sha256) in the metadata of every
 * work-order event and in `RulesConfigured`, so a change of the code that decides is visible in the
 * history. Bump `version` with any change to `decide`.
 *
 * Version 2 (work-order lifecycle):
 * - Priority: alarm severity CRITICAL → P1, HIGH → P2, MEDIUM → P3, LOW → P4; a predicted time to
 *   failure (predicted failure − decision time, or the remaining useful life) of at most 24 h → P1,
 *   72 h → P2, 14 d → P3, longer → P4. An order's priority is the most urgent of everything it has seen.
 *   Preventive orders are P4 unless their schedule says otherwise.
 * - Due date: with a known failure time, decision time + 80 % of the time to failure (never after the
 *   predicted failure); otherwise by the priority at opening: P1 + 24 h, P2 + 72 h, P3 + 14 d, P4 + 30 d.
 *   Preventive orders: the schedule's due date. Attachments only ever move a due date earlier.
 * - Attachment: one open order per asset and cause; an alarm or prediction of that cause attaches to
 *   it (and raises its priority or moves its due date earlier when more urgent); a prediction with no
 *   open order opens a predictive one; a remaining-useful-life estimate only moves the open order.
 * - Lifecycle: REQUESTED → APPROVED → SCHEDULED (re-schedulable) → IN_PROGRESS (also straight from
 *   APPROVED) → COMPLETED; CANCELLED from any open status. Completing a corrective or predictive order
 *   tells the twin to reset its baseline and health index.
 */
export const MAINTENANCE_RULES = Object.freeze({
  name: 'work-orders',
  version: 2,
  priorityBySeverity: Object.freeze({ CRITICAL: 'P1', HIGH: 'P2', MEDIUM: 'P3', LOW: 'P4' }),
  attach: 'one open work order per asset and cause: an alarm or prediction of that cause attaches to it (raising its priority or moving its due date earlier when more urgent), a remaining-useful-life estimate moves it; any other alarm opens a corrective order, any other prediction a predictive one',
  /** Predicted time to failure (hours, at most) → priority; longer than the last → P4. */
  priorityByTimeToFailureHours: Object.freeze([Object.freeze({ atMostHours: 24, priority: 'P1' }), Object.freeze({ atMostHours: 72, priority: 'P2' }), Object.freeze({ atMostHours: 336, priority: 'P3' })]),
  /** Due date without a known failure time: opening time + these hours by priority at opening. */
  dueHoursByPriority: Object.freeze({ P1: 24, P2: 72, P3: 336, P4: 720 }),
  /** Due date with a known failure time: decision time + this fraction of the time to failure. */
  dueFractionOfTimeToFailure: 0.8,
  preventivePriority: 'P4',
  /** What completing a corrective or predictive order resets in the twin. */
  resetsOnRepair: Object.freeze(['baseline', 'health-index'] as const),
});
