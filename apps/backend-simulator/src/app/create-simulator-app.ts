import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMetrics, Logger, NestPinoLogger } from '@bss/observability';
import { SimulatorConfig } from './simulator-config';
import { instrumentOrderCalls } from './simulator-metrics';
import { SimulatorModule } from './simulator.module';

/** The simulated backend: its order calls are measured at the HTTP layer, before any handler runs. */
export async function createSimulatorApp(config: SimulatorConfig, logger: Logger): Promise<NestFastifyApplication> {
  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const adapter = new FastifyAdapter();
  instrumentOrderCalls(adapter.getInstance(), metrics);
  const app = await NestFactory.create<NestFastifyApplication>(SimulatorModule.register({ config, logger, metrics }), adapter, {
    logger: new NestPinoLogger(logger),
  });
  app.enableShutdownHooks();
  return app;
}
