export * from './lib/masking';
export * from './lib/logger';
export * from './lib/nest-logger';
export * from './lib/correlation';
export * from './lib/fail-fast';
