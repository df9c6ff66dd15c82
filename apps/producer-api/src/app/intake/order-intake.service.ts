import { Inject, Injectable } from '@nestjs/common';
import { ENVELOPE_VERSION, OrderEnvelope, OrderRequest, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerUnavailableError, ConfirmedPublisher, PublishRejectedError } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import { PRODUCER_LOGGER } from '../producer-config';
import { IntakeStats } from './intake-stats';
import { orderIdFor } from './order-id';

export interface AcceptedOrder {
  readonly orderId: string;
  readonly type: OrderType;
  readonly acceptedAt: string;
  readonly queue: string;
  readonly correlationId: string;
}

export const TOPOLOGY_NAMES = Symbol('TOPOLOGY_NAMES');

/**
 * Wraps a validated request in an envelope and publishes it; resolves only once the broker has
 * confirmed it, so an accepted order is already durable when the client hears about it.
 */
@Injectable()
export class OrderIntakeService {
  constructor(
    private readonly publisher: ConfirmedPublisher,
    private readonly stats: IntakeStats,
    @Inject(TOPOLOGY_NAMES) private readonly names: TopologyNames,
    @Inject(PRODUCER_LOGGER) private readonly logger: Logger,
  ) {}

  isReady(): boolean {
    return this.publisher.isReady();
  }

  async accept(request: OrderRequest, correlationId: string): Promise<AcceptedOrder> {
    const envelope: OrderEnvelope = {
      id: orderIdFor(request.type, request.idempotencyKey),
      type: request.type,
      version: ENVELOPE_VERSION,
      acceptedAt: new Date().toISOString(),
      correlationId,
      ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
      origin: request.origin,
      payload: request.payload,
    };
    try {
      await this.publisher.publishOrder(envelope);
    } catch (error) {
      this.stats.recordFailure(error instanceof PublishRejectedError ? 'queue-full' : 'broker-unavailable');
      this.logger.warn(
        { type: envelope.type, orderId: envelope.id, correlationId, err: (error as Error).message },
        'order not accepted',
      );
      throw error instanceof PublishRejectedError || error instanceof BrokerUnavailableError
        ? error
        : new BrokerUnavailableError((error as Error).message);
    }
    this.stats.recordAccepted(envelope.type);
    this.logger.info(
      { orderId: envelope.id, type: envelope.type, origin: envelope.origin, correlationId },
      'order accepted',
    );
    return {
      orderId: envelope.id,
      type: envelope.type,
      acceptedAt: envelope.acceptedAt,
      queue: this.names.queueFor(envelope.type),
      correlationId,
    };
  }

  recordInvalid(): void {
    this.stats.recordFailure('invalid');
  }
}
