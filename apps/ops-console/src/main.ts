import 'reflect-metadata';
import { join } from 'node:path';
import { serveApp } from '@bss/observability';
import { createOpsApp } from './app/create-ops-app';
import { loadOpsConfig } from './app/ops-config';

void serveApp({
  service: 'ops-console',
  loadConfig: loadOpsConfig,
  // The build copies src/public next to the bundle (esbuild assets, and the image with it).
  create: (config, logger) => createOpsApp(config, logger, join(__dirname, 'public')),
  describe: (config) => ({
    topology: config.QUEUE_NAME,
    schema: config.DATABASE_SCHEMA,
    viewerTokens: config.OPS_VIEWER_TOKENS.length,
    operatorTokens: config.OPS_OPERATOR_TOKENS.length,
    processorMetrics: config.PROCESSOR_METRICS_URLS.length,
  }),
});
