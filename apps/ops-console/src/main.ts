import 'reflect-metadata';
import { join } from 'node:path';
import { createLogger, startOrExit } from '@bss/observability';
import { createOpsApp } from './app/create-ops-app';
import { loadOpsConfig } from './app/ops-config';

const SERVICE = 'ops-console';

void startOrExit(SERVICE, async () => {
  const config = loadOpsConfig();
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  // The build copies src/public next to the bundle (esbuild assets, and the image with it).
  const app = await createOpsApp(config, logger, join(__dirname, 'public'));
  await app.listen(config.PORT, config.HOST);
  logger.info(
    {
      port: config.PORT,
      topology: config.QUEUE_NAME,
      schema: config.DATABASE_SCHEMA,
      viewerTokens: config.OPS_VIEWER_TOKENS.length,
      operatorTokens: config.OPS_OPERATOR_TOKENS.length,
      processorMetrics: config.PROCESSOR_METRICS_URLS.length,
    },
    'ops-console listening',
  );
});
