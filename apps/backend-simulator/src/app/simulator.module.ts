import { DynamicModule, Module } from '@nestjs/common';
import { HealthModule, READINESS_PROBES } from '@bss/health';
import type { Logger } from '@bss/observability';
import { BackendOrdersController } from './backend-orders.controller';
import { CapacityGate } from './capacity-gate';
import { FaultInjector } from './fault-injector';
import { FaultsController } from './faults.controller';
import { LedgerController } from './ledger.controller';
import { OrderLedger } from './order-ledger';
import { SIMULATOR_CONFIG, SIMULATOR_LOGGER, SimulatorConfig } from './simulator-config';

@Module({})
export class SimulatorModule {
  static register(config: SimulatorConfig, logger: Logger): DynamicModule {
    return {
      module: SimulatorModule,
      imports: [HealthModule.register({ probes: { provide: READINESS_PROBES, useValue: [] } })],
      controllers: [BackendOrdersController, LedgerController, FaultsController],
      providers: [
        OrderLedger,
        FaultInjector,
        { provide: CapacityGate, useValue: new CapacityGate(config.SIM_MAX_IN_FLIGHT) },
        { provide: SIMULATOR_CONFIG, useValue: config },
        { provide: SIMULATOR_LOGGER, useValue: logger },
      ],
    };
  }
}
