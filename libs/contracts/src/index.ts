export * from './ids';
export * from './reading';
export * from './topology';
export * from './telemetry-messages';
export * from './twin-events';
export * from './maintenance-events';
export * from './envelope';
export * from './validation';
