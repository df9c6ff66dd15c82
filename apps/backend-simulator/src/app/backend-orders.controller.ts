import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  GatewayTimeoutException,
  HttpCode,
  HttpException,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
  ServiceUnavailableException,
  UnprocessableEntityException,
} from '@nestjs/common';
import { describeFieldErrors, isPlainObject, ORDER_ORIGINS, OrderOrigin, orderTypeOfBackendResource, validatePayload } from '@bss/contracts';
import type { Logger } from '@bss/observability';
import type { FastifyReply } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { businessRejection } from './business-rules';
import { FaultInjector } from './fault-injector';
import { LoadRecorder } from './load-recorder';
import { OverloadModel } from './overload-model';
import { OrderLedger } from './order-ledger';
import { PendingPolicy } from './pending-policy';
import { SIMULATOR_LOGGER } from './simulator-config';
import { SimulatorMetrics } from './simulator-metrics';

interface BackendRequest {
  readonly orderId: string;
  readonly origin: OrderOrigin;
  readonly payload: unknown;
}

/**
 * The downstream BSS API processors call: one resource per order type. Every call must carry an
 * Idempotency-Key; repeating a key answers with the first outcome and changes nothing.
 * Answers: 201 applied, 200 duplicate, 422 business rejection, 400 malformed; under overload 503
 * and 504 (see OverloadModel); or whatever status an injected fault dictates.
 *
 * Some port-ins pend (see PendingPolicy): 202 with Retry-After, and the same key again is the
 * status inquiry — 202 while pending, then the outcome as a first application would get it (201 or
 * 422), then as a duplicate. Overload and faults answer inquiries exactly as any other call.
 */
@Controller('api/v1')
export class BackendOrdersController {
  constructor(
    private readonly ledger: OrderLedger,
    private readonly model: OverloadModel,
    private readonly load: LoadRecorder,
    private readonly faults: FaultInjector,
    private readonly pending: PendingPolicy,
    private readonly metrics: SimulatorMetrics,
    @Inject(SIMULATOR_LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':resource')
  @HttpCode(201)
  async apply(
    @Param('resource') resource: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('x-processor') processor: string | undefined,
    @Headers('x-processor-instance') processorInstance: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const type = orderTypeOfBackendResource(resource);
    if (!type) throw new NotFoundException(`no such resource: ${resource}`);
    if (!idempotencyKey) throw new BadRequestException('Idempotency-Key header is required');
    const request = parseRequest(body);
    const payload = validatePayload(type, request.origin, request.payload);
    if (!payload.ok) throw new BadRequestException(describeFieldErrors(payload.errors));

    const arrivedAt = Date.now();
    const verdict = this.model.arrive(type, arrivedAt);
    this.load.arrived(type, arrivedAt, this.model.inFlightOf(type), this.model.capacityOf(type, arrivedAt).ratePerSecond);
    try {
      const faultStatus = this.faults.failureFor(type);
      if (faultStatus !== undefined) {
        this.load.answered(type, Date.now(), 'error');
        this.logger.warn({ orderId: request.orderId, type, correlationId, status: faultStatus }, 'injected failure');
        throw new HttpException({ statusCode: faultStatus, message: 'injected failure' }, faultStatus);
      }
      if (verdict.action === 'fail') {
        if (verdict.afterMs > 0) await sleep(verdict.afterMs);
        this.load.answered(type, Date.now(), 'error');
        this.logger.info({ orderId: request.orderId, type, correlationId, processor, status: verdict.status }, 'overloaded; order refused');
        if (verdict.status === 504) throw new GatewayTimeoutException('backend timed out under load');
        void reply.header('Retry-After', '1');
        throw new ServiceUnavailableException('backend overloaded');
      }
      await sleep(verdict.latencyMs);
      const rejection = businessRejection(type, request.payload);
      const now = Date.now();
      const result = this.ledger.record(
        {
          idempotencyKey,
          orderId: request.orderId,
          type,
          outcome: rejection ? 'rejected' : 'applied',
          ...(rejection ? { detail: rejection } : {}),
          correlationId,
          appliedBy: processor,
          ...(processorInstance ? { appliedByInstance: processorInstance } : {}),
          ...(this.pending.pends(type, request.orderId) ? { pendingUntilMs: now + this.pending.durationMs } : {}),
        },
        now,
      );
      const { status, entry } = result;
      this.load.answered(type, Date.now(), 'completed');
      this.logger.info({ orderId: request.orderId, type, correlationId, processor, outcome: entry.outcome, status }, 'order handled');
      if (result.status === 'pending') {
        this.metrics.answeredPending(type, entry.statusInquiries ? 'inquiry' : 'first');
        void reply.status(202).header('Retry-After', String(retryAfterSecondsOf(result.remainingMs)));
        return { status: 'pending', reference: request.orderId, message: 'accepted; waiting for the clearing house' };
      }
      if (entry.outcome === 'rejected') throw new UnprocessableEntityException(entry.detail);
      if (status === 'duplicate') void reply.status(200);
      return { status: status === 'duplicate' ? 'duplicate' : 'applied', orderId: request.orderId, appliedAt: entry.appliedAt };
    } finally {
      this.model.leave(type);
    }
  }
}

/** Whole seconds, rounded up so an inquiry made on time never arrives early; never 0, which would invite a busy loop. */
function retryAfterSecondsOf(remainingMs: number): number {
  return Math.max(1, Math.ceil(remainingMs / 1000));
}

function parseRequest(body: unknown): BackendRequest {
  if (!isPlainObject(body) || typeof body['orderId'] !== 'string' || body['orderId'].length === 0) {
    throw new BadRequestException('body must be { orderId, origin, payload }');
  }
  if (!(ORDER_ORIGINS as readonly unknown[]).includes(body['origin'])) {
    throw new BadRequestException(`origin must be one of ${ORDER_ORIGINS.join(', ')}`);
  }
  return { orderId: body['orderId'], origin: body['origin'] as OrderOrigin, payload: body['payload'] };
}
