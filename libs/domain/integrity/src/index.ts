export { DEFAULT_INTEGRITY_RULES, INTEGRITY_RULES, type IntegrityRule, type IntegrityRules, type MetricRange } from './integrity.rules';
export { initialIntegrityState, type DeviceIntegrity, type IntegrityState } from './integrity.state';
export { assessBatch, assessMessages, type AssessInput, type Assessment } from './integrity.assess';
