import { Controller, Get, Header, Inject, NotFoundException } from '@nestjs/common';
import { OpsMetrics } from './ops-metrics';

/** Prometheus text, without auth like the health endpoints; 404 when MONITORING_ENABLED=false. */
@Controller('metrics')
export class MetricsController {
  constructor(@Inject(OpsMetrics) private readonly metrics: OpsMetrics) {}

  @Get()
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  async scrape(): Promise<string> {
    if (!this.metrics.enabled) throw new NotFoundException('monitoring is disabled');
    return this.metrics.registry.metrics();
  }
}
