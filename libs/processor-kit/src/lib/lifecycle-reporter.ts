import { ORDER_HEADERS, OrderEnvelope, OrderEventDetail, OrderLifecycleEvent, OrderProgress, OrderState } from '@bss/contracts';
import { ConsumedMessage, deferralDelayFor, Disposition, LifecycleRecorder } from '@bss/messaging';

/** A processor's view of one order's transitions, for the delivery it handles. */
export class LifecycleReporter {
  private readonly progress: OrderProgress;
  private readonly clientId?: string;

  constructor(
    private readonly recorder: LifecycleRecorder,
    private readonly order: OrderEnvelope,
    message: ConsumedMessage,
  ) {
    this.progress = { generation: message.replays, attempt: message.attempt, deferrals: message.deferrals };
    const clientId = message.headers[ORDER_HEADERS.clientId];
    this.clientId = typeof clientId === 'string' ? clientId : undefined;
  }

  started(): void {
    this.recorder.recordInBackground([this.event('in-progress', this.progress)]);
  }

  /** The backend's final answer; the delivery is acked only once this is stored. */
  finished(state: Extract<OrderState, 'applied' | 'rejected'>, reason?: string): Promise<void> {
    return this.recorder.record([this.event(state, this.progress, reason === undefined ? undefined : { reason })]);
  }

  /** What the consumer did with the delivery; `pending` when a deferral is the wait for a pending backend answer. */
  settled(done: Disposition, pending?: { readonly reference: string }): void {
    const event = this.settledEvent(done, pending);
    if (event) this.recorder.recordInBackground([event]);
  }

  private settledEvent(done: Disposition, pending: { readonly reference: string } | undefined): OrderLifecycleEvent | undefined {
    const now = Date.now();
    switch (done.kind) {
      case 'retry':
        return this.event(
          'retrying',
          { ...this.progress, attempt: this.progress.attempt + 1 },
          { reason: done.error, nextAttemptAt: new Date(now + done.delayMs).toISOString() },
        );
      case 'defer': {
        const nextAttemptAt = new Date(now + deferralDelayFor(done.waitMs)).toISOString();
        if (pending) return this.event('pending', this.progress, { reference: pending.reference, nextAttemptAt });
        return this.event('deferred', { ...this.progress, deferrals: this.progress.deferrals + 1 }, { reason: done.error, nextAttemptAt });
      }
      case 'dead-letter':
        return this.event('dead-lettered', this.progress, { reason: `${done.reason}: ${done.error}` });
      default:
        return undefined;
    }
  }

  private event(state: OrderState, progress: OrderProgress, detail?: OrderEventDetail): OrderLifecycleEvent {
    return {
      orderId: this.order.id,
      type: this.order.type,
      state,
      at: new Date().toISOString(),
      progress,
      clientId: this.clientId,
      idempotencyKey: this.order.idempotencyKey,
      correlationId: this.order.correlationId,
      acceptedAt: this.order.acceptedAt,
      ...(detail ? { detail } : {}),
    };
  }
}
