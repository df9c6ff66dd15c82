import { Inject, Injectable } from '@nestjs/common';
import { ENVELOPE_VERSION, FIRST_PROGRESS, OrderEnvelope, OrderLifecycleEvent, OrderRequest, OrderType, TopologyNames } from '@bss/contracts';
import {
  ConfirmedPublisher,
  isPublishFailure,
  LifecycleRecorder,
  PublishOutcomeUnknownError,
  PublishRefusedError,
  RefusalReason,
  UnknownOutcomeReason,
} from '@bss/messaging';
import { maskPersonalData, type Logger } from '@bss/observability';
import { ANONYMOUS_CLIENT_ID } from '@bss/order-tracking';
import { PRODUCER_LOGGER } from '../producer-config';
import { declaredTypeOf, IntakeMetrics } from './intake-metrics';
import { identifyOrder } from './order-id';

/** What identifies an order to its client: enough to look it up or to resend it safely. */
export interface OrderReference {
  readonly orderId: string;
  readonly type: OrderType;
  readonly idempotencyKey: string;
  readonly correlationId: string;
}

export interface AcceptedOrder extends OrderReference {
  readonly acceptedAt: string;
  readonly queue: string;
}

/** The order was not accepted and nothing of it is queued or ever will be: the client may resend freely. */
export class OrderRefusedError extends Error {
  constructor(
    readonly order: OrderReference,
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'OrderRefusedError';
  }
}

/**
 * The order was sent to the broker but no confirm said whether it was stored: it may be processed
 * later. The client resolves it by resending with the same idempotency key, which keeps the order id.
 */
export class OrderOutcomeUnknownError extends Error {
  constructor(
    readonly order: OrderReference,
    readonly reason: UnknownOutcomeReason,
    message: string,
  ) {
    super(message);
    this.name = 'OrderOutcomeUnknownError';
  }
}

export const TOPOLOGY_NAMES = Symbol('TOPOLOGY_NAMES');
export const INTAKE_LIFECYCLE = Symbol('INTAKE_LIFECYCLE');

/**
 * Wraps a validated request in an envelope and publishes it; resolves only once the broker has
 * confirmed it, so an accepted order is already durable when the client hears about it. A failure
 * is either an OrderRefusedError (nothing is or ever will be queued: the client may resend freely)
 * or an OrderOutcomeUnknownError (only a resend with the same key is safe).
 */
@Injectable()
export class OrderIntakeService {
  constructor(
    private readonly publisher: ConfirmedPublisher,
    private readonly metrics: IntakeMetrics,
    @Inject(TOPOLOGY_NAMES) private readonly names: TopologyNames,
    @Inject(PRODUCER_LOGGER) private readonly logger: Logger,
    @Inject(INTAKE_LIFECYCLE) private readonly lifecycle: LifecycleRecorder,
  ) {}

  isReady(): boolean {
    return this.publisher.isReady();
  }

  /** The refusal every order would get right now without anything being sent, if there is one. */
  refusalNow(): PublishRefusedError | undefined {
    return this.publisher.refusalBeforeSending();
  }

  /** `clientId` owns the order: only its API key can look it up or be called back about it. */
  async accept(request: OrderRequest, correlationId: string, clientId: string = ANONYMOUS_CLIENT_ID): Promise<AcceptedOrder> {
    const identity = identifyOrder(request.type, request.idempotencyKey);
    const envelope: OrderEnvelope = {
      id: identity.orderId,
      type: request.type,
      version: ENVELOPE_VERSION,
      acceptedAt: new Date().toISOString(),
      correlationId,
      idempotencyKey: identity.idempotencyKey,
      origin: request.origin,
      payload: request.payload,
    };
    const reference: OrderReference = { ...identity, type: envelope.type, correlationId };
    const publishStarted = performance.now();
    try {
      await this.publisher.publishOrder(envelope, clientId);
    } catch (error) {
      if (!isPublishFailure(error)) throw error;
      throw this.failed(reference, error);
    }
    this.recordAccepted(envelope, clientId);
    this.metrics.orderAccepted(envelope.type, (performance.now() - publishStarted) / 1000);
    this.logger.info({ orderId: envelope.id, type: envelope.type, origin: envelope.origin, correlationId }, 'order accepted');
    return { ...reference, acceptedAt: envelope.acceptedAt, queue: this.names.queueFor(envelope.type) };
  }

  /**
   * Tells the tracker the order exists, so it can be looked up while it waits in the backlog. The
   * answer does not wait for it: the order is durable already, and waiting for a second confirm would
   * double intake's latency. Were producer-api to crash before the broker took these events, the
   * order would still become known with its processor's first event, which carries the same
   * identity (client, keys, accepted time).
   */
  private recordAccepted(envelope: OrderEnvelope, clientId: string): void {
    const facts = { clientId, idempotencyKey: envelope.idempotencyKey, correlationId: envelope.correlationId, acceptedAt: envelope.acceptedAt };
    const accepted: OrderLifecycleEvent = {
      orderId: envelope.id,
      type: envelope.type,
      state: 'accepted',
      at: envelope.acceptedAt,
      progress: FIRST_PROGRESS,
      ...facts,
      detail: { summary: maskPersonalData(envelope.payload) as Record<string, unknown> },
    };
    const queued: OrderLifecycleEvent = { orderId: envelope.id, type: envelope.type, state: 'queued', at: new Date().toISOString(), progress: FIRST_PROGRESS, ...facts };
    this.lifecycle.recordInBackground([accepted, queued]);
  }

  /** Counts an order refused as invalid; `order` is what the client sent, for its declared type. */
  recordInvalid(order: unknown): void {
    this.metrics.orderRejected(declaredTypeOf(order), 'invalid');
  }

  private failed(order: OrderReference, error: PublishRefusedError | PublishOutcomeUnknownError): Error {
    const facts = { type: order.type, orderId: order.orderId, correlationId: order.correlationId, reason: error.reason, err: error.message };
    if (error instanceof PublishRefusedError) {
      this.metrics.orderRejected(order.type, error.reason);
      this.logger.warn(facts, 'order not accepted');
      return new OrderRefusedError(order, error.reason, error.message);
    }
    this.metrics.orderOutcomeUnknown(order.type, error.reason);
    this.logger.warn(facts, 'order outcome unknown; the client must resend it with the same idempotency key');
    return new OrderOutcomeUnknownError(order, error.reason, error.message);
  }
}
