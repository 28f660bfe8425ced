export * from './messaging';
export * from './consumer';
export * from './provisioning';
export * from './errors';
export * from './json';
export * from './trace-headers';
