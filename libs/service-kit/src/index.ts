export * from './config';
export * from './problem-details';
export * from './health';
export * from './bootstrap';
export * from './postgres';
export * from './providers';
export * from './outbox';
export * from './aggregate-repository';
