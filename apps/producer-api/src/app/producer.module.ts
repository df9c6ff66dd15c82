import { DynamicModule, Module } from '@nestjs/common';
import { TopologyNames } from '@bss/contracts';
import { HealthModule, READINESS_PROBES } from '@bss/health';
import { BrokerConnection, BrokerConnectionCloser, ConfirmedPublisher, LifecycleRecorder } from '@bss/messaging';
import { Logger, Metrics, MetricsModule } from '@bss/observability';
import { ApiKeyGuard } from './http/api-key.guard';
import { BrokerErrorsFilter } from './http/broker-errors.filter';
import { OperatorKeyGuard } from './http/operator-key.guard';
import { IntakeMetrics } from './intake/intake-metrics';
import { INTAKE_LIFECYCLE, OrderIntakeService, TOPOLOGY_NAMES } from './intake/order-intake.service';
import { OrdersController } from './intake/orders.controller';
import { MetricsExposureSwitch } from './monitoring/metrics-exposure-switch';
import { PRODUCER_CONFIG, PRODUCER_LOGGER, ProducerConfig } from './producer-config';
import { SeedCompatController } from './seed/seed-compat.controller';
import { CallbacksController } from './tracking/callbacks.controller';
import { OrderStatusController } from './tracking/order-status.controller';
import { TrackingStores } from './tracking/tracking-stores';
import { HubController } from './tmf622/hub.controller';
import { ProductOrderController } from './tmf622/product-order.controller';
import { ProductOrderIntake } from './tmf622/product-order-intake';
import { TmfErrorFilter } from './tmf622/tmf-error';
import { SeedOperatorController } from './seed/seed-operator.controller';
import { SeedRootController } from './seed/seed-root.controller';

export interface ProducerDependencies {
  readonly config: ProducerConfig;
  readonly logger: Logger;
  readonly connection: BrokerConnection;
  readonly publisher: ConfirmedPublisher;
  readonly names: TopologyNames;
  readonly metrics: Metrics;
  readonly intakeMetrics: IntakeMetrics;
  /** Where intake tells the tracker about accepted orders. */
  readonly lifecycle: LifecycleRecorder;
  readonly tracking: TrackingStores;
  readonly metricsExposure: MetricsExposureSwitch;
}

@Module({})
export class ProducerModule {
  static register(dependencies: ProducerDependencies): DynamicModule {
    const brokerProbe = {
      name: 'broker',
      isReady: () => dependencies.publisher.isReady(),
      describe: () => {
        const { reason } = dependencies.publisher.readiness();
        return { ...dependencies.connection.describe(), ...(reason ? { reason } : {}) };
      },
    };
    return {
      module: ProducerModule,
      imports: [
        HealthModule.register({
          probes: { provide: READINESS_PROBES, useValue: [brokerProbe] },
          drainDelayMs: dependencies.config.SHUTDOWN_DRAIN_DELAY_SEC * 1000,
        }),
        MetricsModule.register(dependencies.metrics, dependencies.metricsExposure),
      ],
      controllers: [OrderStatusController, OrdersController, CallbacksController, SeedCompatController, SeedOperatorController, SeedRootController, ProductOrderController, HubController],
      providers: [
        OrderIntakeService,
        ProductOrderIntake,
        TmfErrorFilter,
        { provide: IntakeMetrics, useValue: dependencies.intakeMetrics },
        { provide: MetricsExposureSwitch, useValue: dependencies.metricsExposure },
        ApiKeyGuard,
        OperatorKeyGuard,
        BrokerErrorsFilter,
        { provide: PRODUCER_CONFIG, useValue: dependencies.config },
        { provide: PRODUCER_LOGGER, useValue: dependencies.logger },
        { provide: BrokerConnection, useValue: dependencies.connection },
        { provide: ConfirmedPublisher, useValue: dependencies.publisher },
        { provide: TOPOLOGY_NAMES, useValue: dependencies.names },
        { provide: INTAKE_LIFECYCLE, useValue: dependencies.lifecycle },
        { provide: TrackingStores, useValue: dependencies.tracking },
        { provide: BrokerConnectionCloser, useValue: new BrokerConnectionCloser(dependencies.connection) },
      ],
    };
  }
}
