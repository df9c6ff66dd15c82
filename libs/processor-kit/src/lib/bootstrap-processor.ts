import 'reflect-metadata';
import { Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { OrderType, OrderTypeDefinition, processorNameOf } from '@bss/contracts';
import { loadConfig } from '@bss/config';
import { HealthModule, READINESS_PROBES, ReadinessProbe } from '@bss/health';
import {
  BrokerConnectionCloser,
  connectionFromSettings,
  declareTopology,
  DEFERRAL_DELAYS_MS,
  OrderEventPublisher,
  topologyFromSettings,
} from '@bss/messaging';
import { createLogger, createMetrics, Logger, MetricsModule, NestPinoLogger, serveApp, startOrExit } from '@bss/observability';
import { BackendClient } from './backend-client';
import { OrderQueueServer } from './order-queue.server';
import { ProcessorMetrics } from './processor-metrics';
import { prefetchOf, ProcessorConfig, processorConfigSchema, retryScheduleOf } from './processor-config';
import { retryStepsOf } from './retry-policy';
import { createBackendBudget } from './limiter/budget-from-config';
import { Redis } from 'ioredis';

const PUBLISH_CONNECTION_CLOSER = Symbol('PUBLISH_CONNECTION_CLOSER');

/**
 * How long a finished order's lifecycle event may wait for the broker to take it (connected, not
 * blocked) before the delivery is handed back: as long as a retry's copy may wait for its confirm.
 */
const LIFECYCLE_SENDABLE_WITHIN_MS = 30_000;

/** Closes the Redis client once the app has shut down. */
class RedisCloser {
  constructor(private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    await this.redis.quit().catch(() => undefined);
  }
}

/** Closes the backend connections once the consumer has stopped, so no order still needs them. */
class BackendClientCloser {
  constructor(private readonly backend: BackendClient) {}

  onApplicationShutdown(): void {
    this.backend.close();
  }
}

/**
 * `node main.cjs --declare-topology`: declare the whole topology (every type, retry and deferral step) with
 * the credentials in RABBITMQ_URL, then exit. Kubernetes runs it once as a setup job with an
 * administrator, so the processors themselves can run with least-privilege users.
 */
export const DECLARE_TOPOLOGY_COMMAND = '--declare-topology';

async function declareTopologyOnce(config: ProcessorConfig, service: string, logger: Logger): Promise<void> {
  const connection = connectionFromSettings(config, `${service} topology setup`, logger);
  const topology = { ...topologyFromSettings(config, { retrySteps: retryStepsOf(retryScheduleOf(config)), deferrals: true }), declare: true };
  try {
    await connection.waitForConnection(60_000);
    await connection.withTemporaryChannel((channel) => declareTopology(channel, topology));
    logger.info({ prefix: topology.names.prefix, retrySteps: topology.retrySteps, deferralDelaysMs: DEFERRAL_DELAYS_MS }, 'topology declared');
  } finally {
    await connection.close();
  }
}

export interface ProcessorApp {
  /** The order type it processes: its queue, its backend resource, its default settings. */
  readonly orderType: OrderTypeDefinition<OrderType>;
  /** The controller with the `@HandlesOrders(type)` method. */
  readonly handler: Type<unknown>;
  /** The app's name (logs, backend ledger, RabbitMQ's connection list); `<type>-processor` unless set. */
  readonly service?: string;
}

export function bootstrapProcessor(processor: ProcessorApp): Promise<void> {
  const service = processor.service ?? processorNameOf(processor.orderType);
  const loadProcessorConfig = () => loadConfig(processorConfigSchema(processor.orderType.processor));
  if (process.argv.includes(DECLARE_TOPOLOGY_COMMAND)) {
    return startOrExit(service, async () => {
      const config = loadProcessorConfig();
      await declareTopologyOnce(config, service, createLogger({ service, level: config.LOG_LEVEL }));
    });
  }
  return serveApp({
    service,
    loadConfig: loadProcessorConfig,
    create: (config, logger) => createProcessorApp(processor, service, config, logger),
    describe: (config) => {
      const retrySchedule = retryScheduleOf(config);
      return {
        orderType: processor.orderType.type,
        queue: topologyFromSettings(config).names.queueFor(processor.orderType.type),
        prefetch: prefetchOf(config),
        retryBackoffMs: retrySchedule.backoffMs,
        maxRetries: retrySchedule.maxRetries,
        backendBudget: {
          mode: config.BACKEND_BUDGET,
          ratePerSecond: config.BACKEND_RATE_LIMIT,
          maxConcurrency: config.BACKEND_MAX_CONCURRENCY,
          ...(config.BACKEND_BUDGET === 'adaptive' ? { latencyTolerance: config.BACKEND_LATENCY_TOLERANCE, initialRate: config.BACKEND_INITIAL_RATE } : {}),
          shared: config.REDIS_URL !== '',
        },
      };
    },
  });
}

/** The processor's wiring: the order transport on its broker connections, the backend client, health and metrics. */
async function createProcessorApp(processor: ProcessorApp, service: string, config: ProcessorConfig, logger: Logger): Promise<NestFastifyApplication> {
  const orderType = processor.orderType.type;
  const connection = connectionFromSettings(config, service, logger);
  const publishConnection = connectionFromSettings(config, `${service} (retries and dead letters)`, logger);
  const redis = config.REDIS_URL ? new Redis(config.REDIS_URL, { maxRetriesPerRequest: 1, enableOfflineQueue: false }) : undefined;
  redis?.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis unavailable; backend calls wait'));
  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const processorMetrics = new ProcessorMetrics(metrics, orderType);
  processorMetrics.budgetConfigured(config.BACKEND_RATE_LIMIT);
  const retrySchedule = retryScheduleOf(config);
  const topology = topologyFromSettings(config, { retrySteps: retryStepsOf(retrySchedule), deferrals: true });
  const lifecycle = config.ORDER_TRACKING
    ? new OrderEventPublisher(publishConnection, {
        topology,
        role: `processor.${orderType.toLowerCase()}`,
        confirmTimeoutMs: LIFECYCLE_SENDABLE_WITHIN_MS,
        sendableWithinMs: LIFECYCLE_SENDABLE_WITHIN_MS,
        logger,
      })
    : undefined;
  const server = new OrderQueueServer(connection, {
    orderType,
    lifecycle,
    processor: service,
    topology,
    prefetch: prefetchOf(config),
    timeoutMs: config.PROCESSING_TIMEOUT_SEC * 1000,
    retrySchedule,
    shutdownGraceMs: config.SHUTDOWN_GRACE_SEC * 1000,
    logger,
    metrics: processorMetrics,
    publishConnection,
  });
  const consumerProbe: ReadinessProbe = {
    name: 'broker',
    // Without the publishing connection retries and dead letters wait, holding their prefetch slots.
    isReady: () => server.isConsuming() && publishConnection.isConnected(),
    describe: () => ({ connected: connection.isConnected(), publishConnected: publishConnection.isConnected(), inFlight: server.inFlightCount() }),
  };
  // One order in flight makes at most one backend call at a time.
  const backend = new BackendClient(config.BACKEND_URL, createBackendBudget(config, orderType, redis, {
    onRate: (limit) => processorMetrics.limitLearned(limit),
    onStoreError: (error) => logger.warn({ err: error.message }, 'learned backend limit not shared; keeping the last one'),
  }), processorMetrics, {
    maxSockets: prefetchOf(config),
  });

  @Module({
    imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [consumerProbe] } }), MetricsModule.register(metrics)],
    controllers: [processor.handler],
    providers: [
      { provide: BackendClient, useValue: backend },
      { provide: BackendClientCloser, useValue: new BackendClientCloser(backend) },
      ...(redis ? [{ provide: RedisCloser, useValue: new RedisCloser(redis) }] : []),
      { provide: BrokerConnectionCloser, useValue: new BrokerConnectionCloser(connection) },
      { provide: PUBLISH_CONNECTION_CLOSER, useValue: new BrokerConnectionCloser(publishConnection) },
    ],
  })
  class ProcessorAppModule {}

  const app = await NestFactory.create<NestFastifyApplication>(ProcessorAppModule, new FastifyAdapter(), {
    logger: new NestPinoLogger(logger),
  });
  app.connectMicroservice({ strategy: server }, { inheritAppConfig: true });
  app.enableShutdownHooks();

  await app.startAllMicroservices();
  return app;
}
