import { decodeEnvelope, OrderEnvelope, OrderType } from '@bss/contracts';
import { ConsumedMessage, Disposition } from '@bss/messaging';
import { Logger, maskMsisdnsInText } from '@bss/observability';
import { setTimeout as sleep } from 'node:timers/promises';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';

export type InvokeHandler = (order: OrderEnvelope, context: OrderContext) => Promise<OrderOutcome>;

export interface OrderDispatcherOptions {
  readonly orderType: OrderType;
  readonly processor: string;
  readonly timeoutMs: number;
  /** Pause before a retryable failure is handed back to the queue, so a failing backend is not hammered. */
  readonly retryPauseMs: number;
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

  private async onFailure(
    message: ConsumedMessage,
    started: number,
    error: unknown,
    facts: Record<string, unknown>,
  ): Promise<Disposition> {
    const text = maskMsisdnsInText(error instanceof Error ? error.message : String(error));
    if (error instanceof TerminalOrderError) {
      return this.finish(message, started, { kind: 'dead-letter', reason: error.reason, error: text }, facts);
    }
    await sleep(this.options.retryPauseMs);
    return this.finish(message, started, { kind: 'requeue' }, { ...facts, err: text });
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
      ...(disposition.kind === 'dead-letter' ? { reason: disposition.reason, err: disposition.error } : {}),
    };
    if (disposition.kind === 'ack') this.options.logger.info(line, 'order processed');
    else this.options.logger.warn(line, disposition.kind === 'requeue' ? 'order failed; will retry' : 'order dead-lettered');
    return disposition;
  }
}
