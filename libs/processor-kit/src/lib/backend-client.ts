import { BACKEND_RESOURCES, OrderEnvelope } from '@bss/contracts';
import { maskMsisdnsInText } from '@bss/observability';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { BackendBudget } from './limiter/backend-budget';

/** Statuses a healthy backend uses for "try again later". */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** HTTP 422 from the backend is a business decision (bad credit, number not portable). */
const BUSINESS_REJECTION_STATUS = 422;

/**
 * Calls the BSS backend for one order. The order id travels as Idempotency-Key, so a call repeated
 * after a crash or a retry is recognised by the backend and applied only once.
 */
export class BackendClient {
  constructor(
    private readonly baseUrl: string,
    private readonly budget: BackendBudget,
  ) {}

  /** Waits for room in the backend budget, calls the backend, and tells the budget how it went. */
  async submit(order: OrderEnvelope, context: OrderContext): Promise<OrderOutcome> {
    const release = await this.budget.acquire(context.deadlineMs, context.signal);
    try {
      const outcome = await this.call(order, context);
      this.budget.onSuccess();
      return outcome;
    } catch (error) {
      if (error instanceof RetryableOrderError) this.budget.onOverload();
      throw error;
    } finally {
      await release();
    }
  }

  private async call(order: OrderEnvelope, context: OrderContext): Promise<OrderOutcome> {
    const url = `${this.baseUrl.replace(/\/$/, '')}/api/v1/${BACKEND_RESOURCES[order.type]}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': order.id,
          'x-correlation-id': context.correlationId,
          'x-processor': context.processor,
          'x-attempt': String(context.attempt),
        },
        body: JSON.stringify({ orderId: order.id, origin: order.origin, payload: order.payload }),
        signal: context.signal,
      });
    } catch (error) {
      throw new RetryableOrderError(`backend unreachable: ${describeFetchError(error)}`, { cause: error });
    }
    const message = await readMessage(response);
    if (response.ok) return { outcome: message === 'duplicate' ? 'duplicate' : 'applied' };
    if (response.status === BUSINESS_REJECTION_STATUS) return { outcome: 'rejected', detail: message };
    const description = `backend answered ${response.status}: ${maskMsisdnsInText(message)}`;
    if (RETRYABLE_STATUSES.has(response.status)) throw new RetryableOrderError(description);
    throw new TerminalOrderError('backend-refused', description);
  }
}

async function readMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { status?: unknown; message?: unknown };
    return String(body.status ?? body.message ?? text).slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}

/** fetch wraps the socket error (ECONNREFUSED, ETIMEDOUT...) in `cause`; that is the useful part. */
function describeFetchError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { cause, message } = error as { cause?: { code?: string; message?: string }; message?: string };
  return cause?.code ?? cause?.message ?? message ?? String(error);
}
