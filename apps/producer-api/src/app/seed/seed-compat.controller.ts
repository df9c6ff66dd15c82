import { Body, Controller, Get, Headers, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { FieldError, IDEMPOTENCY_KEY_MESSAGE, isIdempotencyKey, isPlainObject, ORDER_TYPES, parseSeedMessage, TopologyNames, unknownFieldErrors } from '@bss/contracts';
import { BrokerConnection } from '@bss/messaging';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { CorrelationId } from '../http/correlation';
import { IDEMPOTENCY_KEY_HEADER } from '../http/intake-answers';
import { acceptBatch, countByStatus } from '../intake/batch-intake';
import { IntakeMetrics } from '../intake/intake-metrics';
import { OrderIntakeService, OrderOutcomeUnknownError, OrderRefusedError, TOPOLOGY_NAMES } from '../intake/order-intake.service';
import { MetricsExposureSwitch } from '../monitoring/metrics-exposure-switch';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { backlogAges } from '../tracking/backlog-age';
import { TrackingStores } from '../tracking/tracking-stores';
import { seedEmptyBatch, seedBatchAnswer } from './seed-batch-answer';
import { seedOutcomeUnknown, seedRefused } from './seed-broker-answers';
import { seedConfiguration, seedRouterInfo } from './seed-configuration';
import { seedAnswer, seedFailure } from './seed-envelope';
import { SeedErrorsFilter } from './seed-errors.filter';
import { QueueStatusUnavailableError, readSeedQueueStatus, seedQueueName, seedQueueSettings } from './seed-queue';
import { seedStatistics } from './seed-statistics';
import { FieldSource, seedValidationFailure } from './seed-validation';

/**
 * The seed repository's HTTP API, kept for existing clients and load scripts. Same pipeline as
 * /api/v1 (validation, confirmed publish, per-type queues); every answer keeps the seed's keys.
 */
@ApiTags('seed-compatible')
@ApiSecurity('api-key')
@Controller('api')
@UseGuards(ApiKeyGuard)
@UseFilters(SeedErrorsFilter)
export class SeedCompatController {
  constructor(
    private readonly intake: OrderIntakeService,
    private readonly stats: IntakeMetrics,
    private readonly connection: BrokerConnection,
    private readonly exposure: MetricsExposureSwitch,
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
      return this.invalid(reply, body, [{ field: IDEMPOTENCY_KEY_HEADER, messages: [IDEMPOTENCY_KEY_MESSAGE] }], 'header');
    }
    const parsed = parseSeedMessage(body);
    if (!parsed.ok) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, body, parsed.errors);
    }
    try {
      const accepted = await this.intake.accept({ ...parsed.request, idempotencyKey }, correlationId);
      void reply.header(IDEMPOTENCY_KEY_HEADER, accepted.idempotencyKey);
      return seedAnswer(true, '메시지가 큐에 전송되었습니다', {
        메시지아이디: accepted.orderId,
        메시지타입: accepted.type,
        큐이름: accepted.queue,
        전송시간: accepted.acceptedAt,
      });
    } catch (error) {
      if (error instanceof OrderRefusedError) return this.unavailable(reply, seedRefused(error.reason, error.name, error.order.orderId));
      if (error instanceof OrderOutcomeUnknownError) {
        this.withRetryAfter(reply.status(504)).header(IDEMPOTENCY_KEY_HEADER, error.order.idempotencyKey);
        return seedOutcomeUnknown(error);
      }
      throw error;
    }
  }

  @Post('messages/batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Seed: send several messages {메시지목록: [...]}' })
  async sendBatch(@Body() body: unknown, @CorrelationId() correlationId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    if (isPlainObject(body) && Array.isArray(body['메시지목록']) && body['메시지목록'].length === 0) {
      this.intake.recordInvalid(body);
      void reply.status(400);
      return seedEmptyBatch();
    }
    const problems = this.batchProblems(body);
    if (problems.length > 0) {
      this.intake.recordInvalid(body);
      return this.invalid(reply, body, problems);
    }
    const refusal = this.intake.refusalNow();
    if (refusal) return this.unavailable(reply, seedRefused(refusal.reason, refusal.name));
    const messages = (body as { 메시지목록: unknown[] }).메시지목록;
    const results = await acceptBatch(messages, parseSeedMessage, (index) => `메시지목록[${index}]`, this.intake, correlationId);
    const counts = countByStatus(results);
    if (counts.failed + counts.unknown > 0) this.withRetryAfter(reply);
    return seedBatchAnswer(results);
  }

  @Get('queue/status')
  @ApiOperation({ summary: 'Seed: queue depth and consumers (summed over the per-type queues, and each)' })
  async queueStatus(@Res({ passthrough: true }) reply: FastifyReply) {
    try {
      const status = await readSeedQueueStatus(this.connection, this.names);
      const depths = new Map(ORDER_TYPES.map((type, index) => [type, status.큐목록[index].메시지개수]));
      // Not in the seed: the backlog's age per type, from the order tracker (null, with why, when it cannot say).
      const backlog = (await backlogAges(this.tracking.orders, depths)).map(({ type, ...age }) => ({ type, queue: this.names.queueFor(type), ...age }));
      return seedAnswer(true, '큐 상태 조회 성공', { ...status, backlog });
    } catch (error) {
      if (!(error instanceof QueueStatusUnavailableError)) throw error;
      return this.unavailable(reply, seedFailure(error.message, error.name, { 사유: 'broker-unavailable' }));
    }
  }

  @Get('stats')
  @ApiOperation({ summary: 'Seed: intake totals, per-type counts, system info (no envelope, as in the seed)' })
  statistics() {
    return seedStatistics(this.stats.snapshot(), {
      monitoring: this.exposure.isExposed(),
      brokerConnected: this.connection.isConnected(),
      queueSettings: seedQueueSettings(this.names, this.config),
    });
  }

  @Get('router/info')
  @ApiOperation({ summary: 'Seed: valid types, where each is queued, queue state, connection (password redacted)' })
  async routerInfo() {
    const queueStatus = await readSeedQueueStatus(this.connection, this.names).catch((error: unknown) => {
      if (!(error instanceof QueueStatusUnavailableError)) throw error;
      return { 큐이름: seedQueueName(this.names), 메시지개수: null, 소비자개수: null, 오류: error.message };
    });
    return seedRouterInfo(this.config, this.names, this.exposure.isExposed(), queueStatus);
  }

  @Get('config')
  @ApiOperation({ summary: "Seed: this process's settings, secrets redacted" })
  configuration() {
    return seedConfiguration(this.config, this.names, this.exposure.isExposed());
  }

  private batchProblems(body: unknown): FieldError[] {
    if (!isPlainObject(body) || !Array.isArray(body['메시지목록'])) {
      return [{ field: '메시지목록', messages: ['메시지목록 must be an array'] }];
    }
    const count = (body['메시지목록'] as unknown[]).length;
    if (count > this.config.BATCH_MAX_ITEMS) {
      return [{ field: '메시지목록', messages: [`메시지목록 must hold 1 to ${this.config.BATCH_MAX_ITEMS} items; got ${count}`] }];
    }
    return unknownFieldErrors(body, ['메시지목록']);
  }

  private invalid(reply: FastifyReply, body: unknown, errors: FieldError[], source?: FieldSource) {
    void reply.status(400);
    return seedValidationFailure(body, errors, source);
  }

  private unavailable<T>(reply: FastifyReply, answer: T): T {
    this.withRetryAfter(reply.status(503));
    return answer;
  }

  private withRetryAfter(reply: FastifyReply): FastifyReply {
    return reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
  }
}
