import { decodeEnvelope, OrderEnvelope, OrderType } from '@bss/contracts';
import { ConsumedMessage, deferralDelayFor, Disposition, HandledMessage, LifecycleRecorder, NO_LIFECYCLE_RECORDER } from '@bss/messaging';
import { Logger, maskPersonalDataInText } from '@bss/observability';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { decideRetry, RetrySchedule } from './retry-policy';
import { BackendBusyError } from './limiter/backend-budget';
import { DeliveryOutcome, ProcessorMetrics, unrecordedProcessorMetrics } from './processor-metrics';
import { HandlerSlots } from './handler-slots';
import { LifecycleReporter } from './lifecycle-reporter';

export type InvokeHandler = (order: OrderEnvelope, context: OrderContext) => Promise<OrderOutcome>;

export interface OrderDispatcherOptions {
  readonly orderType: OrderType;
  readonly processor: string;
  readonly timeoutMs: number;
  readonly retrySchedule: RetrySchedule;
  readonly invoke: InvokeHandler;
  readonly logger: Logger;
  readonly metrics?: ProcessorMetrics;
  /** Where the order's transitions are published; nowhere when tracking is off. */
  readonly lifecycle?: LifecycleRecorder;
  /** Handlers running at once, whatever the consumer's prefetch; unlimited when absent. */
  readonly concurrency?: number;
}

/** The order as far as the metrics need it; absent when the delivery could not be decoded. */
type AcceptedOrder = Pick<OrderEnvelope, 'acceptedAt'> | undefined;

/** What else a settled delivery reports: its lifecycle event, and for a pending one the backend's reference. */
interface SettledReport {
  readonly reporter?: LifecycleReporter;
  readonly pending?: { readonly reference: string };
}

/**
 * Turns one delivery into a disposition: decode and validate, run the handler under the processing
 * timeout, classify the result. Logs exactly one line per delivery with id, type, attempt, outcome
 * and duration; never the payload. Its metrics are recorded only once the consumer reports the
 * delivery settled, as what was done: a retry whose publish failed counts as handed back, and a
 * delivery whose channel closed first is not counted at all (its redelivery will be).
 */
export class OrderDispatcher {
  private readonly metrics: ProcessorMetrics;
  private readonly slots?: HandlerSlots;

  constructor(private readonly options: OrderDispatcherOptions) {
    this.metrics = options.metrics ?? unrecordedProcessorMetrics();
    this.slots = options.concurrency === undefined ? undefined : new HandlerSlots(options.concurrency);
  }

  async dispatch(message: ConsumedMessage): Promise<HandledMessage> {
    const started = performance.now();
    try {
      return await this.decide(message, started);
    } catch (error) {
      // Nothing in deciding is expected to throw (handler failures are classified); should it, the
      // message goes back to the queue and is counted as handed back.
      this.options.logger.error(
        { messageId: message.messageId, attempt: message.attempt, err: (error as Error).message },
        'dispatching failed; handing the message back',
      );
      return { disposition: { kind: 'requeue' }, onSettled: (done) => this.record(done, undefined, undefined, started) };
    }
  }

  private async decide(message: ConsumedMessage, started: number): Promise<HandledMessage> {
    const decoded = decodeEnvelope(message.content);
    if (!decoded.ok) {
      return this.finish(message, started, { kind: 'dead-letter', reason: decoded.defect, error: decoded.detail }, {}, undefined);
    }
    const { envelope } = decoded;
    const facts = { orderId: envelope.id, type: envelope.type, correlationId: envelope.correlationId };
    const reporter = new LifecycleReporter(this.options.lifecycle ?? NO_LIFECYCLE_RECORDER, envelope, message);
    if (envelope.type !== this.options.orderType) {
      const error = `a ${envelope.type} order reached the ${this.options.orderType} processor`;
      return this.finish(message, started, { kind: 'dead-letter', reason: 'wrong-queue', error }, facts, envelope, undefined, { reporter });
    }
    let result: OrderOutcome;
    try {
      const run = () => {
        reporter.started();
        return this.invokeWithTimeout(envelope, message);
      };
      result = await (this.slots ? this.slots.run(run) : run());
    } catch (error) {
      return this.onFailure(message, started, error, facts, envelope, reporter);
    }
    return this.answered(message, started, result, facts, envelope, reporter);
  }

  /**
   * The backend answered. A final answer is acked only once its lifecycle event is stored, so the
   * tracker never misses how an order ended; a pending one waits on the deferral ladder for its check.
   */
  private async answered(
    message: ConsumedMessage,
    started: number,
    result: OrderOutcome,
    facts: Record<string, unknown>,
    envelope: OrderEnvelope,
    reporter: LifecycleReporter,
  ): Promise<HandledMessage> {
    if (result.outcome === 'pending') {
      const disposition: Disposition = { kind: 'defer', waitMs: result.checkAfterMs, error: `pending at the backend (reference ${result.reference})` };
      return this.finish(message, started, disposition, facts, envelope, 'pending', { reporter, pending: { reference: result.reference } });
    }
    const reason = result.outcome === 'rejected' ? maskPersonalDataInText(result.detail) : undefined;
    try {
      await reporter.finished(result.outcome === 'rejected' ? 'rejected' : 'applied', reason);
    } catch (error) {
      this.options.logger.warn({ ...facts, err: (error as Error).message }, 'lifecycle event not stored; handing the order back to be checked again');
      return this.finish(message, started, { kind: 'requeue' }, facts, envelope);
    }
    const detail = reason === undefined ? {} : { detail: reason };
    return this.finish(message, started, { kind: 'ack' }, { ...facts, outcome: result.outcome, ...detail }, envelope, result.outcome);
  }

  private onFailure(
    message: ConsumedMessage,
    started: number,
    error: unknown,
    facts: Record<string, unknown>,
    order: AcceptedOrder,
    reporter: LifecycleReporter,
  ): HandledMessage {
    const text = maskPersonalDataInText(error instanceof Error ? error.message : String(error));
    if (error instanceof TerminalOrderError) {
      return this.finish(message, started, { kind: 'dead-letter', reason: error.reason, error: text }, facts, order, undefined, { reporter });
    }
    if (error instanceof BackendBusyError) {
      return this.finish(message, started, { kind: 'defer', waitMs: error.waitMs, error: text }, facts, order, undefined, { reporter });
    }
    const decision = decideRetry(this.options.retrySchedule, message.attempt);
    const disposition: Disposition = decision.retry
      ? { kind: 'retry', step: decision.step, delayMs: decision.delayMs, error: text }
      : { kind: 'dead-letter', reason: 'retries-exhausted', error: text };
    return this.finish(message, started, disposition, facts, order, undefined, { reporter });
  }

  private async invokeWithTimeout(envelope: OrderEnvelope, message: ConsumedMessage): Promise<OrderOutcome> {
    const controller = new AbortController();
    const timedOut = new Promise<never>((_, reject) => {
      controller.signal.addEventListener('abort', () =>
        reject(new RetryableOrderError(`processing exceeded ${this.options.timeoutMs} ms`)),
      );
    });
    const timer = setTimeout(() => controller.abort(), this.options.timeoutMs);
    const context = new OrderContext(
      message.attempt,
      message.redelivered,
      envelope.correlationId,
      controller.signal,
      Date.now() + this.options.timeoutMs,
      this.options.processor,
    );
    try {
      return await Promise.race([this.options.invoke(envelope, context), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  private finish(
    message: ConsumedMessage,
    started: number,
    disposition: Disposition,
    facts: Record<string, unknown>,
    order: AcceptedOrder,
    handled?: OrderOutcome['outcome'],
    report: SettledReport = {},
  ): HandledMessage {
    const durationMs = performance.now() - started;
    const line = {
      ...facts,
      messageId: message.messageId,
      attempt: message.attempt,
      redelivered: message.redelivered,
      disposition: disposition.kind,
      durationMs: Math.round(durationMs * 10) / 10,
      ...dispositionFacts(disposition),
    };
    if (disposition.kind === 'ack') this.options.logger.info(line, 'order processed');
    else if (report.pending) this.options.logger.info(line, 'order pending at the backend; its check is deferred');
    else this.options.logger.warn(line, DISPOSITION_MESSAGES[disposition.kind]);
    return {
      disposition,
      onSettled: (done) => {
        this.record(done, order, handled, started);
        report.reporter?.settled(done, report.pending);
      },
    };
  }

  /** `done` is what the consumer did: the disposition, or a hand-back if it could not be carried out. */
  private record(done: Disposition, order: AcceptedOrder, handled: OrderOutcome['outcome'] | undefined, started: number): void {
    const outcome = deliveryOutcomeOf(done, handled);
    this.metrics.delivered(outcome, (performance.now() - started) / 1000);
    if (done.kind === 'retry') this.metrics.retryScheduled(done.step);
    if (done.kind === 'dead-letter') this.metrics.deadLettered(done.reason);
    if (order && (outcome === 'applied' || outcome === 'duplicate' || outcome === 'rejected' || outcome === 'dead-lettered')) {
      this.metrics.finished(outcome, order.acceptedAt);
    }
  }
}

function deliveryOutcomeOf(disposition: Disposition, handled: OrderOutcome['outcome'] | undefined): DeliveryOutcome {
  switch (disposition.kind) {
    case 'ack':
      return handled ?? 'applied';
    case 'retry':
      return 'retried';
    case 'defer':
      return handled === 'pending' ? 'pending' : 'deferred';
    case 'dead-letter':
      return 'dead-lettered';
    case 'requeue':
      return 'requeued';
  }
}

const DISPOSITION_MESSAGES: Record<Exclude<Disposition['kind'], 'ack'>, string> = {
  retry: 'order failed; retry scheduled',
  defer: 'order deferred; no room in the backend budget in time',
  requeue: 'order handed back',
  'dead-letter': 'order dead-lettered',
};

function dispositionFacts(disposition: Disposition): Record<string, unknown> {
  switch (disposition.kind) {
    case 'retry':
      return { retryStep: disposition.step, retryInMs: disposition.delayMs, err: disposition.error };
    case 'defer':
      return { deferred: true, deferInMs: deferralDelayFor(disposition.waitMs), budgetWaitMs: disposition.waitMs, err: disposition.error };
    case 'dead-letter':
      return { reason: disposition.reason, err: disposition.error };
    default:
      return {};
  }
}
