import { Body, Controller, Headers, HttpCode, Inject, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiBody, ApiHeader, ApiOperation, ApiResponse, ApiSecurity, ApiTags } from '@nestjs/swagger';
import {
  EXAMPLE_PAYLOADS,
  FieldError,
  IDEMPOTENCY_KEY_MESSAGE,
  isIdempotencyKey,
  isPlainObject,
  ORDER_TYPES,
  parseOrderRequest,
  unknownFieldErrors,
} from '@bss/contracts';
import type { FastifyReply } from 'fastify';
import { ApiKeyGuard } from '../http/api-key.guard';
import { BrokerErrorsFilter } from '../http/broker-errors.filter';
import { ClientId } from '../http/client-identity';
import { CorrelationId } from '../http/correlation';
import { IDEMPOTENCY_KEY_HEADER, orderStatusPath, refusalMessage, unknownOutcomeAdvice } from '../http/intake-answers';
import { InvalidRequestException } from '../http/invalid-request.exception';
import { PRODUCER_CONFIG, ProducerConfig } from '../producer-config';
import { acceptBatch, BatchItemResult, countByStatus } from './batch-intake';
import { OrderIntakeService } from './order-intake.service';

const ORDER_BODY_SCHEMA = {
  type: 'object',
  required: ['type', 'payload'],
  additionalProperties: false,
  properties: {
    type: { type: 'string', enum: [...ORDER_TYPES], description: 'Order type (case-insensitive)' },
    payload: { type: 'object', description: 'Per-type payload; unknown fields are rejected' },
    idempotencyKey: {
      type: 'string',
      description: 'Same key and type → same order id (safe client retries); without one the answer carries a key made for the order',
    },
  },
  example: { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP },
};

@ApiTags('orders')
@ApiSecurity('api-key')
@Controller('api/v1/orders')
@UseGuards(ApiKeyGuard)
@UseFilters(BrokerErrorsFilter)
export class OrdersController {
  constructor(
    private readonly intake: OrderIntakeService,
    @Inject(PRODUCER_CONFIG) private readonly config: ProducerConfig,
  ) {}

  @Post()
  @HttpCode(202)
  @ApiOperation({ summary: 'Submit one order; 202 only once the broker has stored it' })
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Alternative to the body field' })
  @ApiBody({ schema: ORDER_BODY_SCHEMA })
  @ApiResponse({ status: 202, description: 'Stored by the broker: { orderId, type, acceptedAt, correlationId, idempotencyKey, statusUrl }; Location is the statusUrl' })
  @ApiResponse({ status: 400, description: 'Invalid body: every bad field named in `errors`' })
  @ApiResponse({ status: 503, description: 'Not accepted and nothing queued (queue full, broker down or blocked); resend after Retry-After' })
  @ApiResponse({
    status: 504,
    description: 'Outcome unknown (no confirm in time): resend the same order with the Idempotency-Key the answer carries; never applied twice',
  })
  async submit(
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyHeader: string | undefined,
    @CorrelationId() correlationId: string,
    @ClientId() clientId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const parsed = parseOrderRequest(withHeaderIdempotencyKey(body, idempotencyHeader));
    if (!parsed.ok) {
      this.intake.recordInvalid(body);
      throw new InvalidRequestException('The order is invalid', parsed.errors);
    }
    const accepted = await this.intake.accept(parsed.request, correlationId, clientId);
    const statusUrl = orderStatusPath(accepted.orderId);
    void reply.header(IDEMPOTENCY_KEY_HEADER, accepted.idempotencyKey).header('Location', statusUrl);
    return { orderId: accepted.orderId, type: accepted.type, acceptedAt: accepted.acceptedAt, correlationId, idempotencyKey: accepted.idempotencyKey, statusUrl };
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({ summary: 'Submit up to BATCH_MAX_ITEMS orders; one result per item, by index' })
  @ApiBody({ schema: { type: 'object', required: ['orders'], properties: { orders: { type: 'array', items: ORDER_BODY_SCHEMA } } } })
  @ApiResponse({
    status: 200,
    description:
      '{ accepted, rejected, failed, unknown, results: [{ index, status, ... }] }: failed = not accepted (resend freely), unknown = resend with the idempotencyKey given',
  })
  async submitBatch(
    @Body() body: unknown,
    @CorrelationId() correlationId: string,
    @ClientId() clientId: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const orders = this.batchItems(body);
    const refusal = this.intake.refusalNow();
    if (refusal) throw refusal;
    const results = await acceptBatch(orders, parseOrderRequest, (index) => `orders[${index}]`, this.intake, correlationId, clientId);
    const counts = countByStatus(results);
    if (counts.failed + counts.unknown > 0) void reply.header('Retry-After', String(this.config.RETRY_AFTER_SEC));
    return { ...counts, results: results.map(describeItem) };
  }

  private batchItems(body: unknown): unknown[] {
    if (!isPlainObject(body) || !Array.isArray(body['orders'])) {
      return this.invalidBatch(body, [{ field: 'orders', messages: ['orders must be an array'] }]);
    }
    const extra = unknownFieldErrors(body, ['orders']);
    if (extra.length > 0) return this.invalidBatch(body, extra);
    const orders = body['orders'];
    if (orders.length === 0 || orders.length > this.config.BATCH_MAX_ITEMS) {
      return this.invalidBatch(body, [
        { field: 'orders', messages: [`orders must hold 1 to ${this.config.BATCH_MAX_ITEMS} items; got ${orders.length}`] },
      ]);
    }
    return orders;
  }

  /** A batch refused whole counts as one invalid request. */
  private invalidBatch(body: unknown, errors: FieldError[]): never {
    this.intake.recordInvalid(body);
    throw new InvalidRequestException('The batch is invalid', errors);
  }
}

function describeItem(result: BatchItemResult) {
  const { index, status } = result;
  switch (result.status) {
    case 'accepted': {
      const { orderId, type, acceptedAt, idempotencyKey } = result.order;
      return { index, status, orderId, type, acceptedAt, idempotencyKey };
    }
    case 'rejected':
      return { index, status, errors: result.errors };
    case 'failed':
      return { index, status, reason: result.reason, orderId: result.order.orderId, type: result.order.type, message: refusalMessage(result.reason) };
    case 'unknown': {
      const { orderId, type, idempotencyKey } = result.order;
      return { index, status, reason: result.reason, orderId, type, idempotencyKey, ...unknownOutcomeAdvice(result.error) };
    }
  }
}

function withHeaderIdempotencyKey(body: unknown, header: string | undefined): unknown {
  if (header === undefined || !isPlainObject(body)) return body;
  if (!isIdempotencyKey(header)) {
    throw new InvalidRequestException('The order is invalid', [{ field: 'Idempotency-Key', messages: [IDEMPOTENCY_KEY_MESSAGE] }]);
  }
  if (body['idempotencyKey'] !== undefined && body['idempotencyKey'] !== header) {
    throw new InvalidRequestException('The order is invalid', [
      { field: 'idempotencyKey', messages: ['idempotencyKey and the Idempotency-Key header differ'] },
    ]);
  }
  return { ...body, idempotencyKey: header };
}
