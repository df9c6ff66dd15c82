import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { createMetrics, Metrics } from '@bss/observability';

/** What became of one delivery. */
export type DeliveryOutcome = 'applied' | 'duplicate' | 'rejected' | 'pending' | 'retried' | 'deferred' | 'dead-lettered' | 'requeued';

/** Outcomes that end an order's way through the system. */
export type FinalOutcome = 'applied' | 'duplicate' | 'rejected' | 'dead-lettered';

/** `status` of a backend call: the HTTP status code, or why there was none. */
export type BackendCallStatus = `${number}` | 'timeout' | 'unreachable';

export type BackendErrorKind = 'overloaded' | 'server-error' | 'timeout' | 'unreachable' | 'refused';

/** The processor's metrics (names fixed by the metric contract), all labelled with its order type. */
export class ProcessorMetrics {
  private readonly processed;
  private readonly processingDuration;
  private readonly endToEnd;
  private readonly retries;
  private readonly deadLetters;
  private readonly limiterWait;
  private readonly inFlight;
  private readonly backendRequests;
  private readonly backendErrors;
  private readonly rateLimit;
  private readonly learnedLimit;
  private readonly queueLength;
  /** False with MONITORING_ENABLED=false: nothing is recorded, so nothing needs sampling. */
  readonly recording: boolean;

  constructor(
    metrics: Metrics,
    private readonly type: OrderType,
  ) {
    this.recording = metrics.enabled;
    this.processed = metrics.counter({ name: 'bss_messages_processed_total', help: 'Deliveries processed, by outcome', labelNames: ['type', 'outcome'] });
    this.processingDuration = metrics.histogram({
      name: 'bss_message_processing_duration_seconds',
      help: 'Time spent on one delivery, until the broker settled it (acked, or republished with a confirm and acked)',
      labelNames: ['type', 'outcome'],
    });
    this.endToEnd = metrics.histogram({
      name: 'bss_order_end_to_end_seconds',
      help: 'Time from acceptance by the producer to the final outcome',
      labelNames: ['type', 'outcome'],
    });
    this.retries = metrics.counter({ name: 'bss_retries_total', help: 'Retries scheduled, by backoff step', labelNames: ['type', 'step'] });
    this.deadLetters = metrics.counter({ name: 'bss_dead_letters_total', help: 'Orders dead-lettered, by reason', labelNames: ['type', 'reason'] });
    this.limiterWait = metrics.histogram({
      name: 'bss_limiter_wait_seconds',
      help: 'Time waiting for room in the backend budget',
      labelNames: ['type'],
    }).with({ type });
    // Series with the type label only are bound once: they are touched on every backend call.
    this.inFlight = metrics.gauge({ name: 'bss_backend_in_flight', help: 'Backend calls in flight from this process', labelNames: ['type'] }).with({ type });
    this.backendRequests = metrics.counter({
      name: 'bss_backend_requests_total',
      help: 'Backend calls, by HTTP status (or timeout / unreachable)',
      labelNames: ['type', 'status'],
    });
    this.backendErrors = metrics.counter({ name: 'bss_backend_errors_total', help: 'Failed backend calls, by kind', labelNames: ['type', 'kind'] });
    this.rateLimit = metrics.gauge({
      name: 'bss_backend_rate_limit',
      help: 'Configured backend budget (calls/s) shared by the replicas of the type: the adaptive budget\'s cap, the static budget\'s rate (0 = none)',
      labelNames: ['type'],
    }).with({ type });
    this.learnedLimit = metrics.gauge({
      name: 'bss_backend_learned_limit',
      help: 'Backend calls per second the budget allows now, all replicas of the type together: the learned limit (adaptive budget) or the configured rate (static)',
      labelNames: ['type'],
    }).with({ type });
    this.queueLength = metrics.gauge({ name: 'bss_queue_length', help: 'Ready messages in the queue', labelNames: ['queue'] });
  }

  delivered(outcome: DeliveryOutcome, durationSeconds: number): void {
    this.processed.with({ type: this.type, outcome }).inc();
    this.processingDuration.with({ type: this.type, outcome }).observe(durationSeconds);
  }

  finished(outcome: FinalOutcome, acceptedAt: string): void {
    const accepted = Date.parse(acceptedAt);
    if (Number.isFinite(accepted)) this.endToEnd.with({ type: this.type, outcome }).observe(Math.max(0, Date.now() - accepted) / 1000);
  }

  retryScheduled(step: number): void {
    this.retries.with({ type: this.type, step: String(step) }).inc();
  }

  deadLettered(reason: string): void {
    this.deadLetters.with({ type: this.type, reason }).inc();
  }

  waitedForBudget(seconds: number): void {
    this.limiterWait.observe(seconds);
  }

  backendCallStarted(): void {
    this.inFlight.inc();
  }

  backendCallEnded(status: BackendCallStatus, error?: BackendErrorKind): void {
    this.inFlight.dec();
    this.backendRequests.with({ type: this.type, status }).inc();
    if (error) this.backendErrors.with({ type: this.type, kind: error }).inc();
  }

  budgetConfigured(callsPerSecond: number): void {
    this.rateLimit.set(callsPerSecond);
  }

  limitLearned(callsPerSecond: number): void {
    this.learnedLimit.set(callsPerSecond);
  }

  queueSampled(queue: string, readyMessages: number): void {
    this.queueLength.with({ queue }).set(readyMessages);
  }
}

/** For parts used without a processor app (tests, tools): records nothing, so its type label never shows. */
export function unrecordedProcessorMetrics(): ProcessorMetrics {
  return new ProcessorMetrics(createMetrics({ enabled: false }), ORDER_TYPES[0]);
}
