export * from './kpi';
export * from './iso10816';
export * from './lifecycle';
