import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { allOrderQueues, FieldError, isPlainObject, parseSeedMessage, TopologyNames, unknownFieldErrors } from '@bss/contracts';
import { BrokerConnection, brokerFailureReason, BrokerUnavailableError, inspectQueues, PublishRejectedError } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { CorrelationId } from '../http/correlation';
import { acceptBatch, countByStatus } from '../intake/batch-intake';
import { IntakeStats } from '../intake/intake-stats';
import { OrderIntakeService, TOPOLOGY_NAMES } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';

const SEED_FAILURE_MESSAGES = {
  'queue-full': '큐가 가득 차서 메시지를 받지 못했습니다. 잠시 후 다시 시도하세요.',
  'broker-unavailable': '메시지 브로커에 연결할 수 없어 메시지를 받지 못했습니다. 잠시 후 다시 시도하세요.',
} as const;

/**
 * The seed repository's HTTP API, kept for existing clients and load scripts. Same pipeline as
 * /api/v1 (validation, confirmed publish, per-type queues); answers in the seed's Korean shape.
 */
@ApiTags('seed-compatible')
@ApiSecurity('api-key')
@Controller('api')
@UseGuards(ApiKeyGuard)
export class SeedCompatController {
  constructor(
    private readonly intake: OrderIntakeService,
    private readonly stats: IntakeStats,
    private readonly connection: BrokerConnection,
    @Inject(TOPOLOGY_NAMES) private readonly names: TopologyNames,
    @Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig,
  ) {}

  @Post('message')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed: send one message {타입, 내용, 속성들}' })
  @ApiBody({ schema: { type: 'object', example: { 타입: 'SUBSCRIPTION', 내용: '신규 가입 요청', 속성들: { 채널: '웹' } } } })
  async sendMessage(@Body() body: unknown, @CorrelationId() correlationId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const parsed = parseSeedMessage(body);
    if (!parsed.ok) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, parsed.errors);
    }
    try {
      const accepted = await this.intake.accept(parsed.request, correlationId);
      return {
        성공: true,
        메시지: '메시지가 큐에 전송되었습니다',
        타임스탬프: new Date().toISOString(),
        세부정보: { 메시지아이디: accepted.orderId, 메시지타입: accepted.type, 큐이름: accepted.queue, 전송시간: accepted.acceptedAt },
      };
    } catch (error) {
      if (error instanceof BrokerUnavailableError || error instanceof PublishRejectedError) {
        return this.unavailable(reply, SEED_FAILURE_MESSAGES[brokerFailureReason(error)]);
      }
      throw error;
    }
  }

  @Post('messages/batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed: send several messages {메시지목록: [...]}' })
  async sendBatch(@Body() body: unknown, @CorrelationId() correlationId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const problems = this.batchProblems(body);
    if (problems.length > 0) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, problems);
    }
    if (!this.intake.isReady()) return this.unavailable(reply, SEED_FAILURE_MESSAGES['broker-unavailable']);
    const messages = (body as { 메시지목록: unknown[] }).메시지목록;
    const results = await acceptBatch(messages, parseSeedMessage, (index) => `메시지목록[${index}]`, this.intake, correlationId);
    const counts = countByStatus(results);
    if (counts.failed > 0) void reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return {
      성공: counts.accepted === messages.length,
      메시지: `${messages.length}개 중 ${counts.accepted}개 전송`,
      타임스탬프: new Date().toISOString(),
      세부정보: {
        요청개수: messages.length,
        검증개수: messages.length - counts.rejected,
        전송개수: counts.accepted,
        실패개수: counts.rejected + counts.failed,
        결과: results.map((result) =>
          result.status === 'accepted'
            ? { 순번: result.index, 성공: true, 메시지아이디: result.order.orderId, 메시지타입: result.order.type }
            : { 순번: result.index, 성공: false, 사유: result.status === 'rejected' ? result.errors : result.reason },
        ),
      },
    };
  }

  @Get('queue/status')
  @ApiOperation({ summary: 'Seed: queue depth and consumers (summed over the per-type queues, and each)' })
  async queueStatus(@Res({ passthrough: true }) reply: FastifyReply) {
    if (!this.connection.isConnected()) return this.unavailable(reply, SEED_FAILURE_MESSAGES['broker-unavailable']);
    const depths = await inspectQueues(this.connection, allOrderQueues(this.names));
    return {
      성공: true,
      타임스탬프: new Date().toISOString(),
      세부정보: {
        큐이름: `${this.names.prefix}.*`,
        메시지개수: depths.reduce((sum, depth) => sum + depth.messages, 0),
        소비자개수: depths.reduce((sum, depth) => sum + depth.consumers, 0),
        큐목록: depths.map((depth) => ({ 큐이름: depth.queue, 메시지개수: depth.messages, 소비자개수: depth.consumers, 존재: depth.exists })),
      },
    };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Seed: intake totals, per-type counts, system info' })
  statistics() {
    const snapshot = this.stats.snapshot();
    const memory = process.memoryUsage();
    return {
      성공: true,
      타임스탬프: new Date().toISOString(),
      세부정보: {
        총메시지수: snapshot.totalAccepted,
        타입별메시지수: snapshot.acceptedByType,
        검증실패수: snapshot.failures.invalid,
        전송실패수: snapshot.failures['queue-full'] + snapshot.failures['broker-unavailable'],
        시작시간: snapshot.startedAt,
        시스템정보: {
          서비스: 'producer-api',
          가동시간초: Math.round(process.uptime()),
          노드버전: process.version,
          메모리MB: Math.round(memory.rss / 1_048_576),
          브로커연결됨: this.connection.isConnected(),
        },
      },
    };
  }

  private batchProblems(body: unknown): FieldError[] {
    if (!isPlainObject(body) || !Array.isArray(body['메시지목록'])) {
      return [{ field: '메시지목록', messages: ['메시지목록 must be an array'] }];
    }
    const count = (body['메시지목록'] as unknown[]).length;
    if (count === 0 || count > this.config.BATCH_MAX_ITEMS) {
      return [{ field: '메시지목록', messages: [`메시지목록 must hold 1 to ${this.config.BATCH_MAX_ITEMS} items; got ${count}`] }];
    }
    return unknownFieldErrors(body, ['메시지목록']);
  }

  private invalid(reply: FastifyReply, errors: FieldError[]) {
    void reply.status(400);
    return { 성공: false, 메시지: '메시지 검증 실패', 타임스탬프: new Date().toISOString(), 오류: errors };
  }

  private unavailable(reply: FastifyReply, message: string) {
    void reply.status(503).header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return { 성공: false, 메시지: message, 타임스탬프: new Date().toISOString() };
  }
}
