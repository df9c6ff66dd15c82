import { DynamicModule, Module } from '@nestjs/common';
import { TopologyNames } from '@bss/contracts';
import { HealthModule, READINESS_PROBES } from '@bss/health';
import { BrokerConnection, BrokerConnectionCloser, ConfirmedPublisher } from '@bss/messaging';
import { Logger, Metrics, MetricsModule } from '@bss/observability';
import { ApiKeyGuard } from './http/api-key.guard';
import { BrokerErrorsFilter } from './http/broker-errors.filter';
import { OperatorKeyGuard } from './http/operator-key.guard';
import { IntakeMetrics } from './intake/intake-metrics';
import { OrderIntakeService, TOPOLOGY_NAMES } from './intake/order-intake.service';
import { OrdersController } from './intake/orders.controller';
import { MetricsExposureSwitch } from './monitoring/metrics-exposure-switch';
import { PRODUCER_CONFIG, PRODUCER_LOGGER, ProducerConfig } from './producer-config';
import { SeedCompatController } from './seed/seed-compat.controller';
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
      controllers: [OrdersController, SeedCompatController, SeedOperatorController, SeedRootController],
      providers: [
        OrderIntakeService,
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
        { provide: BrokerConnectionCloser, useValue: new BrokerConnectionCloser(dependencies.connection) },
      ],
    };
  }
}
