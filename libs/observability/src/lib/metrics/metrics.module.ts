import { Controller, DynamicModule, Get, Inject, Module, NotFoundException, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Metrics } from './metrics';

/** Injection token of the app's `Metrics`, for providers that record. */
export const METRICS = Symbol('METRICS');

/** `GET /metrics`: Prometheus text, open like the health endpoints; 404 when monitoring is off. */
@Controller()
export class MetricsController {
  constructor(@Inject(METRICS) private readonly metrics: Metrics) {}

  @Get('metrics')
  async scrape(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (!this.metrics.enabled) throw new NotFoundException('monitoring is disabled (MONITORING_ENABLED=false)');
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
  static register(metrics: Metrics): DynamicModule {
    return {
      module: MetricsModule,
      controllers: [MetricsController],
      providers: [{ provide: METRICS, useValue: metrics }],
      exports: [METRICS],
    };
  }
}
