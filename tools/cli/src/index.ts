export * from './platform';
export * from './seed';
export * from './send';
export * from './infra';
export * from './dev-registry';
