export * from './rate-limiter';
export * from './redis-rate-limiter';
export * from './concurrency-limiter';
export * from './adaptive-rate';
export * from './backend-budget';
export * from './budget-from-config';
