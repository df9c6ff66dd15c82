import { Inject, Injectable } from '@nestjs/common';
import { ENVELOPE_VERSION, OrderEnvelope, OrderRequest, OrderType, TopologyNames } from '@bss/contracts';
import { brokerFailureReason, BrokerUnavailableError, ConfirmedPublisher, PublishRejectedError } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import { PRODUCER_LOGGER } from '../producer-config';
import { IntakeStats } from './intake-stats';
import { declaredTypeOf, IntakeMetrics } from './intake-metrics';
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
    private readonly metrics: IntakeMetrics,
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
    const publishStarted = performance.now();
    try {
      await this.publisher.publishOrder(envelope);
    } catch (error) {
      // publishOrder fails with one of the broker's two errors only.
      const reason = brokerFailureReason(error as BrokerUnavailableError | PublishRejectedError);
      this.stats.recordFailure(reason);
      this.metrics.orderRejected(envelope.type, reason);
      this.logger.warn(
        { type: envelope.type, orderId: envelope.id, correlationId, err: (error as Error).message },
        'order not accepted',
      );
      throw error;
    }
    this.metrics.orderAccepted(envelope.type, (performance.now() - publishStarted) / 1000);
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

  /** Counts an order refused as invalid; `order` is what the client sent, for its declared type. */
  recordInvalid(order: unknown): void {
    this.stats.recordFailure('invalid');
    this.metrics.orderRejected(declaredTypeOf(order), 'invalid');
  }
}
