import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { READINESS_PROBES, ReadinessProbe, ShutdownSignal } from './readiness-probe';

/**
 * Liveness answers whether the process works at all (restart it if not); readiness whether it can
 * serve now (take it out of the load balancer if not). The broker being down makes an app unready,
 * never dead: restarting it would not bring the broker back.
 */
@Controller()
export class HealthController {
  private readonly startedAt = Date.now();

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly shutdown: ShutdownSignal,
    @Inject(READINESS_PROBES) private readonly probes: ReadinessProbe[],
  ) {}

  @Get(['health', 'health/live'])
  live() {
    return { status: 'ok', uptimeSec: Math.round((Date.now() - this.startedAt) / 1000) };
  }

  @Get(['ready', 'health/ready'])
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('shutdown');
        return this.shutdown.isShuttingDown() ? indicator.down({ reason: 'shutting down' }) : indicator.up();
      },
      ...this.probes.map((probe) => async () => {
        const indicator = this.indicators.check(probe.name);
        const facts = probe.describe?.() ?? {};
        return probe.isReady() ? indicator.up(facts) : indicator.down(facts);
      }),
    ]);
  }
}
