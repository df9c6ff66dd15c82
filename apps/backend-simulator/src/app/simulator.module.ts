import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_PROBES } from '@bss/health';
import { Logger, Metrics, MetricsModule } from '@bss/observability';
import { BackendOrdersController } from './backend-orders.controller';
import { FaultInjector } from './fault-injector';
import { FaultsController } from './faults.controller';
import { LedgerController } from './ledger.controller';
import { LoadController } from './load.controller';
import { LoadRecorder } from './load-recorder';
import { OrderLedger } from './order-ledger';
import { OverloadModel } from './overload-model';
import { PendingPolicy } from './pending-policy';
import { capacitiesOf, SIMULATOR_LOGGER, SimulatorConfig } from './simulator-config';
import { SimulatorMetrics } from './simulator-metrics';

export interface SimulatorModuleOptions {
  readonly config: SimulatorConfig;
  readonly logger: Logger;
  readonly metrics: Metrics;
}

@Module({})
export class SimulatorModule {
  static register({ config, logger, metrics }: SimulatorModuleOptions): DynamicModule {
    return {
      module: SimulatorModule,
      imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [] } }), MetricsModule.register(metrics)],
      controllers: [BackendOrdersController, LedgerController, LoadController, FaultsController],
      providers: [
        OrderLedger,
        FaultInjector,
        LoadRecorder,
        {
          provide: OverloadModel,
          useValue: new OverloadModel(capacitiesOf(config), { serviceTimeMs: config.SIM_SERVICE_TIME_MS, timeoutMs: config.SIM_TIMEOUT_MS }),
        },
        { provide: PendingPolicy, useValue: new PendingPolicy(config.PENDING_SHARE, config.PENDING_DURATION_MS) },
        { provide: SimulatorMetrics, useValue: new SimulatorMetrics(metrics) },
        { provide: SIMULATOR_LOGGER, useValue: logger },
      ],
    };
  }
}
