export * from './platform';
export * from './seed';
export * from './send';
export * from './infra';
export * from './dev-registry';
export { PROJECTIONS, progressLine, rebuildProjection, type ProjectionName, type RebuildStatus } from './commands/projections';
