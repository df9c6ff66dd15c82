import { decodeEnvelope, OrderEnvelope, OrderType } from '@bss/contracts';
import { ConsumedMessage, Disposition } from '@bss/messaging';
import { Logger, maskMsisdnsInText } from '@bss/observability';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { decideRetry, RetrySchedule } from './retry-policy';
import { BackendBusyError } from './limiter/backend-budget';

export type InvokeHandler = (order: OrderEnvelope, context: OrderContext) => Promise<OrderOutcome>;

export interface OrderDispatcherOptions {
  readonly orderType: OrderType;
  readonly processor: string;
  readonly timeoutMs: number;
  readonly retrySchedule: RetrySchedule;
  readonly invoke: InvokeHandler;
  readonly logger: Logger;
}

/**
 * Turns one delivery into a disposition: decode and validate, run the handler under the processing
 * timeout, classify the result. Logs exactly one line per delivery with id, type, attempt, outcome
 * and duration; never the payload.
 */
export class OrderDispatcher {
  constructor(private readonly options: OrderDispatcherOptions) {}

  async dispatch(message: ConsumedMessage): Promise<Disposition> {
    const started = performance.now();
    const decoded = decodeEnvelope(message.content);
    if (!decoded.ok) {
      return this.finish(message, started, { kind: 'dead-letter', reason: decoded.defect, error: decoded.detail }, {});
    }
    const { envelope } = decoded;
    const facts = { orderId: envelope.id, type: envelope.type, correlationId: envelope.correlationId };
    if (envelope.type !== this.options.orderType) {
      const error = `a ${envelope.type} order reached the ${this.options.orderType} processor`;
      return this.finish(message, started, { kind: 'dead-letter', reason: 'wrong-queue', error }, facts);
    }
    try {
      const result = await this.invokeWithTimeout(envelope, message);
      const detail = result.outcome === 'rejected' ? { detail: maskMsisdnsInText(result.detail) } : {};
      return this.finish(message, started, { kind: 'ack' }, { ...facts, outcome: result.outcome, ...detail });
    } catch (error) {
      return this.onFailure(message, started, error, facts);
    }
  }

  private onFailure(
    message: ConsumedMessage,
    started: number,
    error: unknown,
    facts: Record<string, unknown>,
  ): Disposition {
    const text = maskMsisdnsInText(error instanceof Error ? error.message : String(error));
    if (error instanceof TerminalOrderError) {
      return this.finish(message, started, { kind: 'dead-letter', reason: error.reason, error: text }, facts);
    }
    if (error instanceof BackendBusyError) {
      const deferral: Disposition = { kind: 'retry', step: 1, delayMs: error.waitMs, error: text, countsAsAttempt: false };
      return this.finish(message, started, deferral, facts);
    }
    const decision = decideRetry(this.options.retrySchedule, message.attempt);
    const disposition: Disposition = decision.retry
      ? { kind: 'retry', step: decision.step, delayMs: decision.delayMs, error: text }
      : { kind: 'dead-letter', reason: 'retries-exhausted', error: text };
    return this.finish(message, started, disposition, facts);
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
  ): Disposition {
    const line = {
      ...facts,
      messageId: message.messageId,
      attempt: message.attempt,
      redelivered: message.redelivered,
      disposition: disposition.kind,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
      ...dispositionFacts(disposition),
    };
    if (disposition.kind === 'ack') this.options.logger.info(line, 'order processed');
    else this.options.logger.warn(line, DISPOSITION_MESSAGES[disposition.kind]);
    return disposition;
  }
}

const DISPOSITION_MESSAGES: Record<Exclude<Disposition['kind'], 'ack'>, string> = {
  retry: 'order failed; retry scheduled',
  requeue: 'order handed back',
  'dead-letter': 'order dead-lettered',
};

function dispositionFacts(disposition: Disposition): Record<string, unknown> {
  switch (disposition.kind) {
    case 'retry':
      return {
        retryStep: disposition.step,
        retryInMs: disposition.delayMs,
        ...(disposition.countsAsAttempt === false ? { deferred: true } : {}),
        err: disposition.error,
      };
    case 'dead-letter':
      return { reason: disposition.reason, err: disposition.error };
    default:
      return {};
  }
}
