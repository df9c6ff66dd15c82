import { Controller, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import type { Logger } from '@bss/observability';
import type { FastifyReply } from 'fastify';
import { hostname } from 'node:os';
import { CorrelationId } from '../http/correlation';
import { OperatorKeyGuard } from '../http/operator-key.guard';
import { MetricsExposureSwitch, MonitoringOffAtStartError } from '../monitoring/metrics-exposure-switch';
import { PRODUCER_LOGGER } from '../producer-config';
import { seedAnswer, seedFailure } from './seed-envelope';
import { SeedErrorsFilter } from './seed-errors.filter';

const WHAT_IT_SWITCHES =
  '이 producer-api 프로세스의 GET /metrics 노출 (Prometheus 수집). 지표 기록은 계속되므로 다시 켜면 카운터가 이어집니다. 다른 복제본, 처리기, 콘솔에는 영향이 없습니다.';

/** The seed's operator routes: only callers with an operator key (OPERATOR_API_KEYS) may use them. */
@ApiTags('seed-compatible')
@ApiSecurity('api-key')
@Controller('api/monitoring')
@UseGuards(OperatorKeyGuard)
@UseFilters(SeedErrorsFilter)
export class SeedOperatorController {
  constructor(
    private readonly exposure: MetricsExposureSwitch,
    @Inject(PRODUCER_LOGGER) private readonly logger: Logger,
  ) {}

  @Post('toggle')
  @HttpCode(200)
  @ApiOperation({ summary: "Seed: pause or resume this process's GET /metrics (operators only)" })
  toggle(@CorrelationId() correlationId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    try {
      const exposed = this.exposure.toggle();
      this.logger.info({ event: 'metrics-exposure-toggled', metricsExposed: exposed, correlationId }, 'an operator switched the exposure of this process metrics');
      return {
        ...seedAnswer(true, `모니터링 상태 변경: ${exposed ? '활성화' : '비활성화'}`, { 전환대상: WHAT_IT_SWITCHES, 프로세스: hostname() }),
        모니터링상태: exposed,
      };
    } catch (error) {
      if (!(error instanceof MonitoringOffAtStartError)) throw error;
      void reply.status(409);
      return { ...seedFailure(`모니터링 상태 변경 실패: ${error.message}`, error.name), 모니터링상태: false };
    }
  }
}
