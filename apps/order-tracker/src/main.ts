import 'reflect-metadata';
import { loadConfig, orderTrackerAppSchema } from '@bss/config';
import { serveApp } from '@bss/observability';
import { createTrackerApp } from './app/create-tracker-app';

void serveApp({
  service: 'order-tracker',
  loadConfig: () => loadConfig(orderTrackerAppSchema),
  create: (config, logger) => createTrackerApp(config, logger),
  describe: (config) => ({
    topology: config.QUEUE_NAME,
    schema: config.TRACKING_DATABASE_SCHEMA,
    retentionDays: config.TRACKING_RETENTION_DAYS,
    batchSize: config.TRACKER_BATCH_SIZE,
    callbackConcurrency: config.CALLBACK_CONCURRENCY,
  }),
});
