export * from './postgres';
export * from './wait';
export * from './given-when-then';
export * from './net';
export * from './event-fixtures';
export * from './smtp';
