import { DynamicModule, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { HealthModule, READINESS_PROBES } from '@bss/health';
import { BrokerConnection } from '@bss/messaging';
import { Metrics, MetricsModule } from '@bss/observability';
import { CallbackStore, OrderTrackingStore } from '@bss/order-tracking';
import { CallbacksController } from './api/callbacks.controller';
import { DeadLettersController } from './api/dead-letters.controller';
import { OrdersController } from './api/orders.controller';
import { OverviewController } from './api/overview.controller';
import { OpsAuthGuard } from './auth/auth.guard';
import { TokenRoles } from './auth/token-roles';
import { DeadLetterCollector } from './collector/dead-letter-collector';
import { DeadLetterOperations } from './operations/dead-letter-operations';
import { ReplayPublisher } from './operations/replay-publisher';
import { OverviewSampler } from './overview/overview-sampler';
import { DeadLetterStore } from './store/dead-letter-store';

export interface OpsDependencies {
  readonly connection: BrokerConnection;
  readonly store: DeadLetterStore;
  /** The order tracker's store, read only: the tracker fills it. */
  readonly tracking: OrderTrackingStore;
  readonly callbacks: CallbackStore;
  readonly collector: DeadLetterCollector;
  readonly publisher: ReplayPublisher;
  readonly operations: DeadLetterOperations;
  readonly sampler: OverviewSampler;
  readonly metrics: Metrics;
  readonly roles: TokenRoles;
}

/** Starts collecting and sampling once the app is up; on shutdown stops them before closing connections. */
class OpsLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(private readonly dependencies: OpsDependencies) {}

  onApplicationBootstrap(): void {
    this.dependencies.collector.start();
    this.dependencies.sampler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.dependencies.sampler.stop();
    await this.dependencies.collector.stop();
    await this.dependencies.publisher.close();
    await this.dependencies.connection.close();
    await this.dependencies.store.close();
    await this.dependencies.tracking.close();
  }
}

@Module({})
export class OpsModule {
  static register(dependencies: OpsDependencies): DynamicModule {
    const collectorProbe = {
      name: 'dead-letter-collector',
      isReady: () => dependencies.collector.isConsuming(),
      describe: () => ({ brokerConnected: dependencies.connection.isConnected() }),
    };
    return {
      module: OpsModule,
      imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [collectorProbe] } }), MetricsModule.register(dependencies.metrics)],
      controllers: [OverviewController, DeadLettersController, OrdersController, CallbacksController],
      providers: [
        OpsAuthGuard,
        { provide: TokenRoles, useValue: dependencies.roles },
        { provide: DeadLetterStore, useValue: dependencies.store },
        { provide: OrderTrackingStore, useValue: dependencies.tracking },
        { provide: CallbackStore, useValue: dependencies.callbacks },
        { provide: DeadLetterOperations, useValue: dependencies.operations },
        { provide: OverviewSampler, useValue: dependencies.sampler },
        { provide: OpsLifecycle, useValue: new OpsLifecycle(dependencies) },
      ],
    };
  }
}
