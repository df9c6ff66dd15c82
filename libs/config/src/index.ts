export * from './lib/variables';
export * from './lib/load-config';
export * from './lib/schemas';
