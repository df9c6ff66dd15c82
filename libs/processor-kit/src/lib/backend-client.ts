import { hostname } from 'node:os';
import { BACKEND_RESOURCES, isPlainObject, OrderEnvelope, OrderType } from '@bss/contracts';
import { maskPersonalDataInText } from '@bss/observability';
import { OrderContext, OrderOutcome } from './order-context';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { BackendBudget } from './limiter/backend-budget';
import { HttpAnswer, HttpTarget, httpTargetOf, KeepAliveHttp, KeepAliveHttpOptions } from './keep-alive-http';
import { BackendCallStatus, BackendErrorKind, ProcessorMetrics, unrecordedProcessorMetrics } from './processor-metrics';

/** This replica among the processor's replicas: the pod name (its hostname) and process. */
const PROCESSOR_INSTANCE = `${hostname()}/${process.pid}`;

/** Statuses a healthy backend uses for "try again later". */
const RETRYABLE_STATUSES = new Set([408, 425, 429, 500, 502, 503, 504]);

/** HTTP 422 from the backend is a business decision (bad credit, number not portable). */
const BUSINESS_REJECTION_STATUS = 422;

/** HTTP 202 with `status: pending`: accepted, decided later (a port-in waits for the clearing house). */
const ACCEPTED_STATUS = 202;

/**
 * When to ask again about a pending order, from Retry-After: its hint when it gives whole seconds,
 * bounded so a careless backend neither makes us poll it hot nor forget an order for long.
 */
const DEFAULT_CHECK_AFTER_MS = 5_000;
const MIN_CHECK_AFTER_MS = 1_000;
const MAX_CHECK_AFTER_MS = 60_000;

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
 * after a crash or a retry is recognised by the backend and applied only once. Calls share a pool
 * of keep-alive connections; `close()` ends it on shutdown.
 */
export class BackendClient {
  private readonly http: KeepAliveHttp;
  private readonly targets = new Map<OrderType, HttpTarget>();

  constructor(
    private readonly baseUrl: string,
    private readonly budget: BackendBudget,
    private readonly metrics: ProcessorMetrics = unrecordedProcessorMetrics(),
    options: KeepAliveHttpOptions = {},
  ) {
    this.http = new KeepAliveHttp(new URL(baseUrl).protocol, options);
  }

  /** Waits for room in the backend budget, calls the backend (which tells the budget how it went). */
  async submit(order: OrderEnvelope, context: OrderContext): Promise<OrderOutcome> {
    const waitStarted = performance.now();
    const release = await this.budget.acquire(context.deadlineMs, context.signal);
    this.metrics.waitedForBudget((performance.now() - waitStarted) / 1000);
    try {
      return await this.call(order, context);
    } finally {
      await release();
    }
  }

  /** Closes the backend connections; calls still running fail as unreachable. */
  close(): void {
    this.http.close();
  }

  private async call(order: OrderEnvelope, context: OrderContext): Promise<OrderOutcome> {
    let answer: HttpAnswer;
    this.metrics.backendCallStarted();
    const callStarted = performance.now();
    try {
      answer = await this.http.post(
        this.targetFor(order.type),
        {
          'content-type': 'application/json',
          'idempotency-key': order.id,
          'x-correlation-id': context.correlationId,
          'x-processor': context.processor,
          'x-processor-instance': PROCESSOR_INSTANCE,
          'x-attempt': String(context.attempt),
        },
        JSON.stringify({ orderId: order.id, origin: order.origin, payload: order.payload }),
        context.signal,
      );
    } catch (error) {
      const status: BackendCallStatus = context.signal.aborted ? 'timeout' : 'unreachable';
      this.metrics.backendCallEnded(status, status);
      if (status === 'timeout') this.budget.overloaded();
      const failure = context.signal.aborted ? context.signal.reason : error;
      throw new RetryableOrderError(`backend unreachable: ${describeCallError(failure)}`, { cause: failure });
    }
    const { status } = answer;
    const errorKind = errorKindOf(status);
    this.metrics.backendCallEnded(`${status}`, errorKind);
    this.tellBudget(errorKind, performance.now() - callStarted);
    const text = await answer.text;
    const pending = status === ACCEPTED_STATUS ? pendingOutcomeOf(text, answer.headers['retry-after'], order.id) : undefined;
    if (pending) return pending;
    const message = messageOf(text);
    if (status >= 200 && status < 300) return { outcome: message === 'duplicate' ? 'duplicate' : 'applied' };
    if (status === BUSINESS_REJECTION_STATUS) return { outcome: 'rejected', detail: message };
    const description = `backend answered ${status}: ${maskPersonalDataInText(message)}`;
    if (RETRYABLE_STATUSES.has(status)) throw new RetryableOrderError(description);
    throw new TerminalOrderError('backend-refused', description);
  }

  /**
   * What the budget learns from an answer: its latency when the backend did the work (an outcome or
   * a refusal of the request), an overload on 429/503 or a timeout. A server error or an unreachable
   * backend says nothing about load: a lower rate would only delay the retries and dead letters.
   */
  private tellBudget(errorKind: BackendErrorKind | undefined, latencyMs: number): void {
    if (errorKind === undefined || errorKind === 'refused') this.budget.answered(latencyMs);
    else if (errorKind === 'overloaded' || errorKind === 'timeout') this.budget.overloaded();
  }

  private targetFor(type: OrderType): HttpTarget {
    let target = this.targets.get(type);
    if (!target) {
      target = httpTargetOf(`${this.baseUrl.replace(/\/$/, '')}/api/v1/${BACKEND_RESOURCES[type]}`);
      this.targets.set(type, target);
    }
    return target;
  }
}

/** The pending outcome when the body says `status: pending`; its reference falls back to the order id. */
function pendingOutcomeOf(text: string, retryAfter: string | undefined, orderId: string): OrderOutcome | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isPlainObject(body) || body['status'] !== 'pending') return undefined;
  const reference = typeof body['reference'] === 'string' && body['reference'].length > 0 ? body['reference'] : orderId;
  return { outcome: 'pending', reference, checkAfterMs: checkAfterMsOf(retryAfter) };
}

function checkAfterMsOf(retryAfter: string | undefined): number {
  const seconds = retryAfter?.trim();
  if (!seconds || !/^\d+$/.test(seconds)) return DEFAULT_CHECK_AFTER_MS;
  return Math.min(MAX_CHECK_AFTER_MS, Math.max(MIN_CHECK_AFTER_MS, Number(seconds) * 1000));
}

/** The backend's `status` or `message` field when the body is JSON, else the text; 500 characters at most. */
function messageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { status?: unknown; message?: unknown };
    return String(body.status ?? body.message ?? text).slice(0, 500);
  } catch {
    return text.slice(0, 500);
  }
}

/** The socket error's code (ECONNREFUSED, ECONNRESET...) is the useful part; an abort has its reason's message. */
function describeCallError(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const { code, message } = error as { code?: unknown; message?: unknown };
  return typeof code === 'string' ? code : String(message ?? error);
}
