export * from './lib/readiness-probe';
export * from './lib/health.module';
