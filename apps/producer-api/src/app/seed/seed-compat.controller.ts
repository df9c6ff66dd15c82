import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  allOrderQueues,
  ORDER_TYPES,
  FieldError,
  IDEMPOTENCY_KEY_MESSAGE,
  isIdempotencyKey,
  isPlainObject,
  parseSeedMessage,
  TopologyNames,
  unknownFieldErrors,
} from '@bss/contracts';
import { BrokerConnection, inspectQueues, RefusalReason } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { CorrelationId } from '../http/correlation';
import { IDEMPOTENCY_KEY_HEADER, refusalMessage, unknownOutcomeAdvice } from '../http/intake-answers';
import { acceptBatch, countByStatus } from '../intake/batch-intake';
import { IntakeMetrics } from '../intake/intake-metrics';
import { OrderIntakeService, OrderOutcomeUnknownError, OrderRefusedError, TOPOLOGY_NAMES } from '../intake/order-intake.service';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { backlogAges } from '../tracking/backlog-age';
import { TrackingStores } from '../tracking/tracking-stores';

const NOT_SENT = '메시지를 받지 못했고 큐에 아무것도 남지 않았습니다. 잠시 후 다시 보내세요.';

const SEED_REFUSAL_MESSAGES: Record<RefusalReason, string> = {
  'queue-full': `큐가 가득 찼습니다. ${NOT_SENT}`,
  'broker-unavailable': `메시지 브로커에 연결할 수 없습니다. ${NOT_SENT}`,
  'broker-blocked': `메시지 브로커가 자원 경보로 메시지를 막았습니다. ${NOT_SENT}`,
  'broker-not-confirming': `메시지 브로커가 제때 확인하지 못하고 있어 보내지 않았습니다. ${NOT_SENT}`,
  unroutable: `이 타입의 메시지를 받을 큐가 없습니다. ${NOT_SENT}`,
};

const SEED_UNKNOWN_ITEM_MESSAGE =
  '브로커 확인이 제때 오지 않아 전송 결과를 알 수 없습니다. 이 메시지만 POST /api/message 로, 멱등키를 Idempotency-Key 헤더에 넣어 다시 보내세요 (배치로 다시 보내면 새 메시지가 됩니다).';

const SEED_UNKNOWN_MESSAGE =
  '브로커 확인이 제때 오지 않아 전송 결과를 알 수 없습니다. 같은 메시지를 같은 Idempotency-Key 헤더로 다시 보내면 두 번 처리되지 않습니다.';

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
    private readonly stats: IntakeMetrics,
    private readonly connection: BrokerConnection,
    @Inject(TOPOLOGY_NAMES) private readonly names: TopologyNames,
    @Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig,
    private readonly tracking: TrackingStores,
  ) {}

  @Post('message')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed: send one message {타입, 내용, 속성들}' })
  @ApiBody({ schema: { type: 'object', example: { 타입: 'SUBSCRIPTION', 내용: '신규 가입 요청', 속성들: { 채널: '웹' } } } })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Same key and type → same message id; resend an unknown outcome with the key it carries' })
  async sendMessage(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @CorrelationId() correlationId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (idempotencyKey !== undefined && !isIdempotencyKey(idempotencyKey)) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, [{ field: IDEMPOTENCY_KEY_HEADER, messages: [IDEMPOTENCY_KEY_MESSAGE] }]);
    }
    const parsed = parseSeedMessage(body);
    if (!parsed.ok) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, parsed.errors);
    }
    try {
      const accepted = await this.intake.accept({ ...parsed.request, idempotencyKey }, correlationId);
      void reply.header(IDEMPOTENCY_KEY_HEADER, accepted.idempotencyKey);
      return {
        성공: true,
        메시지: '메시지가 큐에 전송되었습니다',
        타임스탬프: new Date().toISOString(),
        세부정보: { 메시지아이디: accepted.orderId, 메시지타입: accepted.type, 큐이름: accepted.queue, 전송시간: accepted.acceptedAt },
      };
    } catch (error) {
      if (error instanceof OrderRefusedError) return this.unavailable(reply, error.reason);
      if (error instanceof OrderOutcomeUnknownError) return this.outcomeUnknown(reply, error);
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
    const refusal = this.intake.refusalNow();
    if (refusal) return this.unavailable(reply, refusal.reason);
    const messages = (body as { 메시지목록: unknown[] }).메시지목록;
    const results = await acceptBatch(messages, parseSeedMessage, (index) => `메시지목록[${index}]`, this.intake, correlationId);
    const counts = countByStatus(results);
    if (counts.failed + counts.unknown > 0) void reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return {
      성공: counts.accepted === messages.length,
      메시지: `${messages.length}개 중 ${counts.accepted}개 전송`,
      타임스탬프: new Date().toISOString(),
      세부정보: {
        요청개수: messages.length,
        검증개수: messages.length - counts.rejected,
        전송개수: counts.accepted,
        실패개수: counts.rejected + counts.failed,
        결과불명개수: counts.unknown,
        결과: results.map((result) => {
          switch (result.status) {
            case 'accepted':
              return { 순번: result.index, 성공: true, 메시지아이디: result.order.orderId, 메시지타입: result.order.type };
            case 'rejected':
              return { 순번: result.index, 성공: false, 사유: result.errors };
            case 'failed':
              return { 순번: result.index, 성공: false, 사유: result.reason, 메시지: SEED_REFUSAL_MESSAGES[result.reason] };
            case 'unknown':
              return {
                순번: result.index,
                성공: false,
                결과: '알 수 없음',
                사유: result.reason,
                메시지아이디: result.order.orderId,
                멱등키: result.order.idempotencyKey,
                메시지: SEED_UNKNOWN_ITEM_MESSAGE,
              };
          }
        }),
      },
    };
  }

  @Get('queue/status')
  @ApiOperation({ summary: 'Seed: queue depth and consumers (summed over the per-type queues, and each)' })
  async queueStatus(@Res({ passthrough: true }) reply: FastifyReply) {
    if (!this.connection.isConnected()) return this.unavailable(reply, 'broker-unavailable');
    const depths = await inspectQueues(this.connection, allOrderQueues(this.names));
    const backlog = await backlogAges(this.tracking.orders, new Map(ORDER_TYPES.map((type, index) => [type, depths[index].messages])));
    return {
      성공: true,
      타임스탬프: new Date().toISOString(),
      세부정보: {
        큐이름: `${this.names.prefix}.*`,
        메시지개수: depths.reduce((sum, depth) => sum + depth.messages, 0),
        소비자개수: depths.reduce((sum, depth) => sum + depth.consumers, 0),
        큐목록: depths.map((depth) => ({ 큐이름: depth.queue, 메시지개수: depth.messages, 소비자개수: depth.consumers, 존재: depth.exists })),
        // Not in the seed: the backlog's age per type, from the order tracker (null, with why, when it cannot say).
        backlog: backlog.map(({ type, ...age }) => ({ type, queue: this.names.queueFor(type), ...age })),
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
        전송실패수: Object.entries(snapshot.failures).reduce((sum, [failure, count]) => (failure === 'invalid' ? sum : sum + count), 0),
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

  private unavailable(reply: FastifyReply, reason: RefusalReason) {
    void reply.status(503).header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return { 성공: false, 메시지: SEED_REFUSAL_MESSAGES[reason], 타임스탬프: new Date().toISOString(), 세부정보: { 사유: reason, 영문: refusalMessage(reason) } };
  }

  private outcomeUnknown(reply: FastifyReply, error: OrderOutcomeUnknownError) {
    const { orderId, type, idempotencyKey } = error.order;
    void reply.status(504).header('Retry-After', String(this.config.RETRY_AFTER_SEC)).header(IDEMPOTENCY_KEY_HEADER, idempotencyKey);
    return {
      성공: false,
      메시지: SEED_UNKNOWN_MESSAGE,
      타임스탬프: new Date().toISOString(),
      세부정보: { 결과: '알 수 없음', 사유: error.reason, 메시지아이디: orderId, 메시지타입: type, 멱등키: idempotencyKey, 영문: unknownOutcomeAdvice(error).message },
    };
  }
}
