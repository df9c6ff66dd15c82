import {
  BadRequestException,
  Body,
  Controller,
  Headers,
  HttpCode,
  Inject,
  NotFoundException,
  Param,
  Post,
  Res,
  ServiceUnavailableException,
} from '@nestjs/common';
import { describeFieldErrors, isPlainObject, ORDER_ORIGINS, OrderOrigin, orderTypeOfBackendResource, validatePayload } from '@bss/contracts';
import type { Logger } from '@bss/observability';
import type { FastifyReply } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import { CapacityGate } from './capacity-gate';
import { OrderLedger } from './order-ledger';
import { SIMULATOR_CONFIG, SIMULATOR_LOGGER, SimulatorConfig } from './simulator-config';

/**
 * The downstream BSS API processors call: one resource per order type. Every call must carry the
 * order id as Idempotency-Key; applying the same key again answers 200 `duplicate` and changes nothing.
 */
@Controller('api/v1')
export class BackendOrdersController {
  constructor(
    private readonly ledger: OrderLedger,
    private readonly gate: CapacityGate,
    @Inject(SIMULATOR_CONFIG) private readonly config: SimulatorConfig,
    @Inject(SIMULATOR_LOGGER) private readonly logger: Logger,
  ) {}

  @Post(':resource')
  @HttpCode(201)
  async apply(
    @Param('resource') resource: string,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Headers('x-correlation-id') correlationId: string | undefined,
    @Headers('x-processor') processor: string | undefined,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const type = orderTypeOfBackendResource(resource);
    if (!type) throw new NotFoundException(`no such resource: ${resource}`);
    const orderId = this.checkRequest(idempotencyKey, body);
    const origin = (body as { origin: OrderOrigin }).origin;
    const payload = validatePayload(type, origin, (body as { payload: unknown }).payload);
    if (!payload.ok) throw new BadRequestException(describeFieldErrors(payload.errors));

    if (!this.gate.tryEnter()) {
      reply.header('Retry-After', '1');
      throw new ServiceUnavailableException('backend at capacity');
    }
    try {
      if (this.config.SIM_SERVICE_TIME_MS > 0) await sleep(this.config.SIM_SERVICE_TIME_MS);
      const outcome = this.ledger.apply({ orderId, type, correlationId, appliedBy: processor });
      this.logger.info({ orderId, type, correlationId, processor, status: outcome.status }, 'order applied');
      if (outcome.status === 'duplicate') reply.status(200);
      return { status: outcome.status, orderId, appliedAt: outcome.entry.appliedAt };
    } finally {
      this.gate.leave();
    }
  }

  private checkRequest(idempotencyKey: string | undefined, body: unknown): string {
    if (!idempotencyKey) throw new BadRequestException('Idempotency-Key header is required');
    if (!isPlainObject(body) || typeof body['orderId'] !== 'string') {
      throw new BadRequestException('body must be { orderId, origin, payload }');
    }
    if (body['orderId'] !== idempotencyKey) throw new BadRequestException('Idempotency-Key must equal orderId');
    if (!(ORDER_ORIGINS as readonly unknown[]).includes(body['origin'])) {
      throw new BadRequestException(`origin must be one of ${ORDER_ORIGINS.join(', ')}`);
    }
    return idempotencyKey;
  }
}
