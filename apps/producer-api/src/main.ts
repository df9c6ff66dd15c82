import 'reflect-metadata';
import { loadConfig } from '@bss/config';
import { createLogger, startOrExit } from '@bss/observability';
import { createProducerApp } from './app/create-producer-app';
import { producerConfigSchema } from './app/producer-config';

const SERVICE = 'producer-api';

void startOrExit(SERVICE, async () => {
  const config = loadConfig(producerConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const app = await createProducerApp(config, logger);
  await app.listen(config.PORT, config.HOST);
  logger.info(
    { port: config.PORT, auth: config.API_KEYS.length > 0 ? 'api-key' : 'off', topology: config.QUEUE_NAME },
    'producer-api listening',
  );
});
