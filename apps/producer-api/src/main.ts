import 'reflect-metadata';
import { loadConfig } from '@bss/config';
import { serveApp } from '@bss/observability';
import { createProducerApp } from './app/create-producer-app';
import { producerConfigSchema } from './app/producer-config';

void serveApp({
  service: 'producer-api',
  loadConfig: () => loadConfig(producerConfigSchema),
  create: createProducerApp,
  describe: (config) => ({ auth: config.API_KEYS.length > 0 ? 'api-key' : 'off', topology: config.QUEUE_NAME }),
});
