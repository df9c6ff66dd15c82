import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { ConfirmedPublisher, connectionFromSettings, NO_LIFECYCLE_RECORDER, OrderEventPublisher, topologyFromSettings } from '@bss/messaging';
import { CallbackStore, OrderTrackingStore, ProductOrderStore } from '@bss/order-tracking';
import { createMetrics, Logger, NestPinoLogger } from '@bss/observability';
import { connectionLimits } from './http/connection-limits';
import { installCorrelationIds } from './http/correlation';
import { countEdgeRejections } from './http/rejection-metrics';
import { IntakeMetrics } from './intake/intake-metrics';
import { MetricsExposureSwitch } from './monitoring/metrics-exposure-switch';
import { requireJsonBodies } from './http/request-errors';
import { installStrictJsonParser } from '@bss/contracts';
import { ProducerConfig } from './producer-config';
import { ProducerModule } from './producer.module';
import { TrackingStores } from './tracking/tracking-stores';

/** Builds the whole producer app without listening, so tests can run exactly what `main` runs. */
export async function createProducerApp(config: ProducerConfig, logger: Logger): Promise<NestFastifyApplication> {
  const topology = topologyFromSettings(config);
  const connection = connectionFromSettings(config, 'producer-api', logger);
  const publisher = new ConfirmedPublisher(connection, { topology, confirmTimeoutMs: config.PUBLISH_TIMEOUT_MS, logger });
  const lifecycle = config.ORDER_TRACKING
    ? new OrderEventPublisher(connection, { topology, role: 'intake', confirmTimeoutMs: config.PUBLISH_TIMEOUT_MS, sendableWithinMs: 0, logger })
    : NO_LIFECYCLE_RECORDER;
  const trackingStore = OrderTrackingStore.connect(config.TRACKING_DATABASE_URL, config.TRACKING_DATABASE_SCHEMA);
  const tracking = new TrackingStores(
    trackingStore,
    new CallbackStore(trackingStore.pool, config.TRACKING_DATABASE_SCHEMA),
    new ProductOrderStore(trackingStore.pool, config.TRACKING_DATABASE_SCHEMA),
  );

  const metrics = createMetrics({ enabled: config.MONITORING_ENABLED });
  const intakeMetrics = new IntakeMetrics(metrics);
  const metricsExposure = new MetricsExposureSwitch(config.MONITORING_ENABLED);

  const adapter = new FastifyAdapter({ bodyLimit: config.BODY_LIMIT_BYTES, return503OnClosing: true, ...connectionLimits(config) });
  installCorrelationIds(adapter.getInstance());
  countEdgeRejections(adapter.getInstance(), intakeMetrics);
  requireJsonBodies(adapter.getInstance());
  installStrictJsonParser(adapter.getInstance());

  const app = await NestFactory.create<NestFastifyApplication>(
    ProducerModule.register({ config, logger, connection, publisher, names: topology.names, metrics, intakeMetrics, lifecycle, tracking, metricsExposure }),
    adapter,
    // Nest's own body parsers would replace the strict JSON parser and add a form parser.
    { logger: new NestPinoLogger(logger), bodyParser: false },
  );
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('bss-load-leveling producer-api')
      .setDescription('Order intake: validated, confirmed by the broker before 202, queued per order type.')
      .setVersion('1')
      .addApiKey({ type: 'apiKey', name: 'x-api-key', in: 'header' }, 'api-key')
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}
