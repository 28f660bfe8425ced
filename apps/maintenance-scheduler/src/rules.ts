import type { MaintenanceRulesConfiguredData, RulesMetadata } from '@twinline/contracts';
import { MAINTENANCE_RULES } from '@twinline/domain-maintenance';
import { rulesVersion } from '@twinline/service-kit';

export const SCHEDULER_SERVICE = 'maintenance-scheduler';

/** The version of the scheduler's decision rules (fixed in code): recorded in every work-order event's metadata. */
export const MAINTENANCE_RULES_VERSION = rulesVersion(MAINTENANCE_RULES);
export const MAINTENANCE_RULES_METADATA: RulesMetadata = Object.freeze({ version: MAINTENANCE_RULES_VERSION });

/**
 * `RulesConfigured` data for `config-maintenance-scheduler` (without `configuredAt`): every rule of
 * MAINTENANCE_RULES (priority by severity and by time to failure, due dates, attachment, resets), as
 * plain data, so the recorded rules hash to the recorded version.
 */
export const MAINTENANCE_RULES_CONFIGURED: Omit<MaintenanceRulesConfiguredData, 'configuredAt'> = {
  service: 'maintenance-scheduler',
  version: MAINTENANCE_RULES_VERSION,
  rules: JSON.parse(JSON.stringify(MAINTENANCE_RULES)) as MaintenanceRulesConfiguredData['rules'],
};
