export { CLASS_RULES, RuleOverrideError, quantityOf, rulesFor, type AssetRules, type MetricRule } from './integrity.rules';
export { emptyRegistry, type RegisteredAsset, type RegisteredDevice, type RegistryView } from './integrity.registry';
export { initialIntegrityState, type DeviceIntegrity, type IntegrityState, type MetricTrack } from './integrity.state';
export { assessBatch, assessMessages, own, type AssessInput, type Assessment } from './integrity.assess';
export { releasable, type Releasability } from './integrity.release';
