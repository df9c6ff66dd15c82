import 'reflect-metadata';
import { loadConfig } from '@bss/config';
import { createLogger, createMetrics, NestPinoLogger, startOrExit } from '@bss/observability';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { capacitiesOf, simulatorConfigSchema } from './app/simulator-config';
import { instrumentOrderCalls } from './app/simulator-metrics';
import { SimulatorModule } from './app/simulator.module';

const SERVICE = 'backend-simulator';

void startOrExit(SERVICE, async () => {
  const config = loadConfig(simulatorConfigSchema);
  const logger = createLogger({ service: SERVICE, level: config.LOG_LEVEL });
  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const adapter = new FastifyAdapter();
  instrumentOrderCalls(adapter.getInstance(), metrics);
  const app = await NestFactory.create<NestFastifyApplication>(
    SimulatorModule.register(config, logger, metrics),
    adapter,
    { logger: new NestPinoLogger(logger) },
  );
  app.enableShutdownHooks();
  await app.listen(config.PORT, config.HOST);
  logger.info({ port: config.PORT, capacities: capacitiesOf(config), serviceTimeMs: config.SIM_SERVICE_TIME_MS }, 'backend simulator listening');
});
