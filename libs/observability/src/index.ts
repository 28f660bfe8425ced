export * from './logger';
export * from './telemetry';
export * from './tracing';
export * as metrics from './metrics';
