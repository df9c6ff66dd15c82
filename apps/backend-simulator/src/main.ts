import 'reflect-metadata';
import { loadConfig } from '@bss/config';
import { serveApp } from '@bss/observability';
import { createSimulatorApp } from './app/create-simulator-app';
import { capacitiesOf, simulatorConfigSchema } from './app/simulator-config';

void serveApp({
  service: 'backend-simulator',
  loadConfig: () => loadConfig(simulatorConfigSchema),
  create: createSimulatorApp,
  describe: (config) => ({ capacities: capacitiesOf(config), serviceTimeMs: config.SIM_SERVICE_TIME_MS }),
});
