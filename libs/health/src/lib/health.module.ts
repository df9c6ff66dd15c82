import { DynamicModule, Module, Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_PROBES, ShutdownSignal } from './readiness-probe';

export interface HealthModuleOptions {
  /** A provider of `ReadinessProbe[]` under the READINESS_PROBES token. */
  readonly probes: Provider;
  /** On shutdown, how long to stay up but unready before closing. */
  readonly drainDelayMs?: number;
}

/** `/health` + `/health/live` (liveness) and `/ready` + `/health/ready` (readiness), never behind auth. */
@Module({})
export class HealthModule {
  static register(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [options.probes, { provide: ShutdownSignal, useValue: new ShutdownSignal(options.drainDelayMs) }],
      exports: [ShutdownSignal, READINESS_PROBES],
    };
  }
}
