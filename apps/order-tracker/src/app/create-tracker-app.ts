import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { ConfigOf, orderTrackerAppSchema } from '@bss/config';
import { HealthModule, READINESS_PROBES, ReadinessProbe } from '@bss/health';
import { BrokerConnectionCloser, connectionFromSettings, topologyFromSettings } from '@bss/messaging';
import { createMetrics, Logger, MetricsModule, NestPinoLogger } from '@bss/observability';
import { CallbackStore, OrderTrackingStore, renderByFormat, renderOrderStateCallback, tmf622CallbackRenderer } from '@bss/order-tracking';
import { CallbackDeliverer } from './callback-deliverer';
import { LifecycleEventIntake } from './lifecycle-event-intake';
import { RetentionSweeper } from './retention-sweeper';
import { TrackerMetrics } from './tracker-metrics';
import { TrackerRunner } from './tracker-runner';

export type TrackerConfig = ConfigOf<typeof orderTrackerAppSchema>;

/** A batch waits at most this long to fill: well inside the second within which a lookup must show a transition. */
const BATCH_LINGER_MS = 25;
const CALLBACK_IDLE_POLL_MS = 200;

/** Builds the whole tracker without listening, so tests run exactly what `main` runs. */
export async function createTrackerApp(config: TrackerConfig, logger: Logger): Promise<NestFastifyApplication> {
  const topology = topologyFromSettings(config);
  const connection = connectionFromSettings(config, 'order-tracker', logger);
  const store = OrderTrackingStore.connect(config.TRACKING_DATABASE_URL, config.TRACKING_DATABASE_SCHEMA, 5 + Math.ceil(config.CALLBACK_CONCURRENCY / 4));
  const callbacks = new CallbackStore(store.pool, config.TRACKING_DATABASE_SCHEMA);
  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const trackerMetrics = new TrackerMetrics(metrics);
  const intake = new LifecycleEventIntake(connection, store, trackerMetrics, logger, {
    topology,
    batchSize: config.TRACKER_BATCH_SIZE,
    lingerMs: BATCH_LINGER_MS,
    render: renderByFormat({ 'order-state': renderOrderStateCallback, tmf622: tmf622CallbackRenderer(config.TRACKING_DATABASE_SCHEMA) }),
  });
  const deliverer = new CallbackDeliverer(callbacks, trackerMetrics, logger, {
    timeoutMs: config.CALLBACK_TIMEOUT_MS,
    maxAttempts: config.CALLBACK_MAX_ATTEMPTS,
    backoffMs: config.CALLBACK_BACKOFF_MS,
    concurrency: config.CALLBACK_CONCURRENCY,
    idlePollMs: CALLBACK_IDLE_POLL_MS,
  });
  const runner = new TrackerRunner(store, intake, deliverer, new RetentionSweeper(store, config.TRACKING_RETENTION_DAYS, logger), logger);
  const probe: ReadinessProbe = { name: 'tracker', isReady: () => runner.isReady(), describe: () => runner.describe() };

  @Module({
    imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [probe] } }), MetricsModule.register(metrics)],
    providers: [
      { provide: TrackerRunner, useValue: runner },
      { provide: BrokerConnectionCloser, useValue: new BrokerConnectionCloser(connection) },
    ],
  })
  class TrackerAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(TrackerAppModule, new FastifyAdapter(), { logger: new NestPinoLogger(logger) });
  app.enableShutdownHooks();
  return app;
}
