export * from './lib/masking';
export * from './lib/logger';
export { flushLogs } from './lib/log-destination';
export * from './lib/nest-logger';
export * from './lib/correlation';
export * from './lib/fail-fast';
/** Metrics: `createMetrics({ enabled })` per process, `MetricsModule.register(metrics)` serves GET /metrics. */
export * from './lib/metrics';
export * from './lib/serve-app';
export * from './lib/prometheus-text';
export * from './lib/latency-summary';
