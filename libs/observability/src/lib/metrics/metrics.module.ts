import { Controller, DynamicModule, Get, Inject, Module, NotFoundException, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics';

/** Injection token of the app's `Metrics`, for providers that record. */
export const METRICS = Symbol('METRICS');

/** Whether GET /metrics answers at this moment; an operator may pause it at run time while recording goes on. */
export interface MetricsExposure {
  isExposed(): boolean;
}

const METRICS_EXPOSURE = Symbol('METRICS_EXPOSURE');

const ALWAYS_EXPOSED: MetricsExposure = { isExposed: () => true };

/** `GET /metrics`: Prometheus text, open like the health endpoints; 404 when monitoring is off or paused. */
@Controller()
export class MetricsController {
  constructor(
    @Inject(METRICS) private readonly metrics: Metrics,
    @Inject(METRICS_EXPOSURE) private readonly exposure: MetricsExposure,
  ) {}

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.metrics.enabled) throw new NotFoundException('monitoring is disabled (MONITORING_ENABLED=false)');
    if (!this.exposure.isExposed()) throw new NotFoundException('an operator has paused the metrics of this process');
    void reply.header('content-type', this.metrics.contentType);
    return this.metrics.exposition();
  }
}

/**
 * Serves `GET /metrics` on a Nest (Fastify) app and provides the `Metrics` under the METRICS token:
 * `imports: [MetricsModule.register(createMetrics({ enabled: config.MONITORING_ENABLED }))]`.
 */
@Module({})
export class MetricsModule {
  static register(metrics: Metrics, exposure: MetricsExposure = ALWAYS_EXPOSED): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [
        { provide: METRICS, useValue: metrics },
        { provide: METRICS_EXPOSURE, useValue: exposure },
      ],
      exports: [METRICS],
    };
  }
}
