import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { connectionFromSettings, NO_LIFECYCLE_RECORDER, OrderEventPublisher, topologyFromSettings } from '@bss/messaging';
import { createMetrics, Logger, NestPinoLogger } from '@bss/observability';
import { CallbackStore, OrderTrackingStore } from '@bss/order-tracking';
import { TokenRoles } from './auth/token-roles';
import { DeadLetterCollector } from './collector/dead-letter-collector';
import { DeadLetterLifecycle } from './lifecycle/dead-letter-lifecycle';
import { OpsMetrics } from './metrics/ops-metrics';
import { DeadLetterOperations } from './operations/dead-letter-operations';
import { ReplayPublisher } from './operations/replay-publisher';
import { OpsConfig } from './ops-config';
import { OpsModule } from './ops.module';
import { ManagementClient, vhostOf } from '@bss/messaging';
import { OverviewSampler } from './overview/overview-sampler';
import { ProcessorScraper } from './overview/processor-scraper';
import { WaitingOrdersReader } from './overview/waiting-orders-reader';
import { DeadLetterStore } from './store/dead-letter-store';

/** Past this the overview samples without the tracker's figures rather than stall its queue figures. */
const TRACKING_READ_DEADLINE_MS = 1000;
/** One sample's read and an operator's search or two at a time. */
const TRACKING_POOL_SIZE = 3;

/**
 * Builds the whole console without listening, so tests run exactly what `main` runs. The store's
 * tables are created before anything consumes; the tracking store's are the tracker's, which the
 * console only reads (until the tracker has created them, its figures show as unavailable).
 * `staticDir` holds the web UI served at `/`.
 */
export async function createOpsApp(config: OpsConfig, logger: Logger, staticDir: string): Promise<NestFastifyApplication> {
  const topology = topologyFromSettings(config);
  const store = DeadLetterStore.connect(config.DATABASE_URL, config.DATABASE_SCHEMA);
  await store.migrate();
  const tracking = OrderTrackingStore.connect(config.TRACKING_DATABASE_URL, config.TRACKING_DATABASE_SCHEMA, TRACKING_POOL_SIZE);
  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const opsMetrics = new OpsMetrics(metrics);
  const connection = connectionFromSettings(config, 'ops-console', logger);
  // Replays publish on a connection of their own: RabbitMQ blocks a connection that publishes during
  // a resource alarm, which would stall the collector's acks on the shared one.
  const replayConnection = connectionFromSettings(config, 'ops-console (replays)', logger);
  const publisher = new ReplayPublisher(replayConnection, topology);
  const lifecycle = new DeadLetterLifecycle(
    config.ORDER_TRACKING
      ? new OrderEventPublisher(replayConnection, { topology, role: 'ops-console', confirmTimeoutMs: 5000, sendableWithinMs: 30_000, logger })
      : NO_LIFECYCLE_RECORDER,
  );
  const sampler = new OverviewSampler(
    { names: topology.names, intervalMs: config.SAMPLE_INTERVAL_MS, historySeconds: config.HISTORY_SECONDS },
    connection,
    new ManagementClient(config.RABBITMQ_MANAGEMENT_URL, vhostOf(config.RABBITMQ_URL[0])),
    new ProcessorScraper(config.PROCESSOR_METRICS_URLS),
    store,
    new WaitingOrdersReader(tracking, TRACKING_READ_DEADLINE_MS),
    opsMetrics,
    logger,
  );
  const refreshCounts = { onChanged: () => void sampler.sample().catch(() => undefined) };
  const operations = new DeadLetterOperations(store, publisher, lifecycle, {
    onReplayed: (type, count) => opsMetrics.recordReplays(type, count),
    ...refreshCounts,
  });
  const collector = new DeadLetterCollector(connection, store, topology, logger, lifecycle);
  const app = await NestFactory.create<NestFastifyApplication>(
    OpsModule.register({
      connection,
      store,
      tracking,
      callbacks: new CallbackStore(tracking.pool, config.TRACKING_DATABASE_SCHEMA),
      collector,
      publisher,
      operations,
      sampler,
      metrics,
      roles: new TokenRoles(config.OPS_VIEWER_TOKENS, config.OPS_OPERATOR_TOKENS),
    }),
    new FastifyAdapter({ bodyLimit: 256 * 1024 }),
    { logger: new NestPinoLogger(logger) },
  );
  app.useStaticAssets({ root: staticDir, prefix: '/', index: 'index.html' });
  app.enableShutdownHooks();
  return app;
}
