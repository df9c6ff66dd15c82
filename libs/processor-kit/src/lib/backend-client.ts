import { BACKEND_RESOURCES, OrderEnvelope } from '@bss/contracts';
import { maskPersonalDataInText } from '@bss/observability';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { BackendBudget } from './limiter/backend-budget';
import { BackendCallStatus, BackendErrorKind, ProcessorMetrics, unrecordedProcessorMetrics } from './processor-metrics';

/** Statuses a healthy backend uses for "try again later". */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** HTTP 422 from the backend is a business decision (bad credit, number not portable). */
const BUSINESS_REJECTION_STATUS = 422;

/** Statuses by which a backend says it is overloaded, or timed out; other 5xx are server errors. */
const OVERLOAD_STATUSES = new Set([425, 429, 503]);
const TIMEOUT_STATUSES = new Set([408, 504]);

function errorKindOf(status: number): BackendErrorKind | undefined {
  if (status < 400 || status === BUSINESS_REJECTION_STATUS) return undefined;
  if (OVERLOAD_STATUSES.has(status)) return 'overloaded';
  if (TIMEOUT_STATUSES.has(status)) return 'timeout';
  return status >= 500 ? 'server-error' : 'refused';
}

/**
 * Calls the BSS backend for one order. The order id travels as Idempotency-Key, so a call repeated
 * after a crash or a retry is recognised by the backend and applied only once.
 */
export class BackendClient {
  constructor(
    private readonly baseUrl: string,
    private readonly budget: BackendBudget,
    private readonly metrics: ProcessorMetrics = unrecordedProcessorMetrics(),
  ) {}

  /** Waits for room in the backend budget, calls the backend, and tells the budget how it went. */
  async submit(order: OrderEnvelope, context: OrderContext): Promise<OrderOutcome> {
    const waitStarted = performance.now();
    const release = await this.budget.acquire(context.deadlineMs, context.signal);
    this.metrics.waitedForBudget((performance.now() - waitStarted) / 1000);
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
    this.metrics.backendCallStarted();
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
      const status: BackendCallStatus = context.signal.aborted ? 'timeout' : 'unreachable';
      this.metrics.backendCallEnded(status, status);
      throw new RetryableOrderError(`backend unreachable: ${describeFetchError(error)}`, { cause: error });
    }
    this.metrics.backendCallEnded(`${response.status}`, errorKindOf(response.status));
    const message = await readMessage(response);
    if (response.ok) return { outcome: message === 'duplicate' ? 'duplicate' : 'applied' };
    if (response.status === BUSINESS_REJECTION_STATUS) return { outcome: 'rejected', detail: message };
    const description = `backend answered ${response.status}: ${maskPersonalDataInText(message)}`;
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
