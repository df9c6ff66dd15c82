import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, ORDER_HEADERS, OrderEnvelope, OrderLifecycleEvent, encodeEnvelope } from '@bss/contracts';
import { ConsumedMessage, Disposition, HandledMessage } from '@bss/messaging';
import { createLogger, createMetrics, Logger, Metrics } from '@bss/observability';
import { Writable } from 'node:stream';
import { OrderContext, OrderOutcome } from './order-context';
import { InvokeHandler, OrderDispatcher } from './order-dispatcher';
import { RetryableOrderError, TerminalOrderError } from './order-errors';
import { BackendBusyError } from './limiter/backend-budget';
import { ProcessorMetrics } from './processor-metrics';

const logLines: Record<string, unknown>[] = [];
const logger = createLogger({
  service: 'dispatcher-test',
  level: 'info',
  destination: new Writable({
    write(chunk, _encoding, done) {
      logLines.push(JSON.parse(chunk.toString()));
      done();
    },
  }),
});

const order: OrderEnvelope = {
  id: 'order-1',
  type: 'MNP',
  version: ENVELOPE_VERSION,
  acceptedAt: '2026-11-27T10:00:00.000Z',
  correlationId: 'corr-1',
  origin: 'api',
  payload: EXAMPLE_PAYLOADS.MNP,
};

function delivery(content: Buffer, attempt = 1): ConsumedMessage {
  return { content, messageId: 'order-1', headers: {}, attempt, deferrals: 0, replays: 0, redelivered: false };
}

function dispatcherWith(invoke: InvokeHandler, timeoutMs = 1000, metrics?: Metrics) {
  return new OrderDispatcher({
    metrics: metrics && new ProcessorMetrics(metrics, 'MNP'),
    orderType: 'MNP',
    processor: 'mnp-processor',
    timeoutMs,
    retrySchedule: { maxRetries: 2, backoffMs: [100, 400], jitterPercent: 0 },
    invoke,
    logger,
  });
}

const applied: InvokeHandler = async () => ({ outcome: 'applied' });

const dispositionOf = (handled: HandledMessage): Disposition => handled.disposition;

/** What the consumer does once the broker settled the delivery as disposed. */
function settledAsDisposed(handled: HandledMessage): void {
  handled.onSettled?.(handled.disposition);
}

describe('OrderDispatcher', () => {
  beforeEach(() => logLines.splice(0));

  it('acks a handled order and logs one line with id, type, attempt, outcome and duration', async () => {
    let seen: OrderContext | undefined;
    const disposition = await dispatcherWith(async (received, context) => {
      expect(received).toEqual(order);
      seen = context;
      return { outcome: 'applied' };
    }).dispatch(delivery(encodeEnvelope(order), 2)).then(dispositionOf);
    expect(disposition).toEqual({ kind: 'ack' });
    expect(seen).toMatchObject({ attempt: 2, correlationId: 'corr-1', processor: 'mnp-processor', deadlineMs: expect.any(Number) });
    expect(logLines).toEqual([
      expect.objectContaining({ msg: 'order processed', orderId: 'order-1', type: 'MNP', attempt: 2, outcome: 'applied', durationMs: expect.any(Number) }),
    ]);
  });

  it('acks a business rejection as a final outcome, masking personal data in its detail', async () => {
    const rejected: OrderOutcome = { outcome: 'rejected', detail: 'number 01098765432 is not portable' };
    const disposition = await dispatcherWith(async () => rejected).dispatch(delivery(encodeEnvelope(order))).then(dispositionOf);
    expect(disposition).toEqual({ kind: 'ack' });
    expect(logLines[0]).toMatchObject({ outcome: 'rejected', detail: 'number 010****5432 is not portable' });
  });

  it.each([
    [Buffer.from('{not json'), 'invalid-json'],
    [encodeEnvelope({ ...order, version: 9 }), 'unsupported-version'],
    [encodeEnvelope({ ...order, payload: {} }), 'invalid-payload'],
    [encodeEnvelope({ ...order, type: 'SUBSCRIPTION', payload: EXAMPLE_PAYLOADS.SUBSCRIPTION }), 'wrong-queue'],
  ])('dead-letters a poison message without calling the handler (%#)', async (content, reason) => {
    const invoke = jest.fn(applied);
    const disposition = await dispatcherWith(invoke).dispatch(delivery(content)).then(dispositionOf);
    expect(disposition).toMatchObject({ kind: 'dead-letter', reason });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('dead-letters a terminal failure with its reason', async () => {
    const disposition = await dispatcherWith(async () => {
      throw new TerminalOrderError('backend-refused', 'backend answered 400: msisdn 010-1234-5678 unknown');
    }).dispatch(delivery(encodeEnvelope(order))).then(dispositionOf);
    expect(disposition).toEqual({ kind: 'dead-letter', reason: 'backend-refused', error: 'backend answered 400: msisdn 010-****-5678 unknown' });
  });

  it('schedules a retry for a retryable failure or an unexpected error, with the step of the attempt', async () => {
    const failing = (error: Error) =>
      dispatcherWith(async () => {
        throw error;
      });
    expect(await failing(new RetryableOrderError('backend answered 503')).dispatch(delivery(encodeEnvelope(order), 1)).then(dispositionOf)).toEqual({
      kind: 'retry',
      step: 1,
      delayMs: 100,
      error: 'backend answered 503',
    });
    expect(await failing(new Error('boom')).dispatch(delivery(encodeEnvelope(order), 2)).then(dispositionOf)).toEqual({
      kind: 'retry',
      step: 2,
      delayMs: 400,
      error: 'boom',
    });
    expect(logLines[0]).toMatchObject({ msg: 'order failed; retry scheduled', retryStep: 1, retryInMs: 100 });
  });

  it('defers an order the backend budget cannot admit in time, to the deferral step that covers the wait, not as a retry', async () => {
    const disposition = await dispatcherWith(async () => {
      throw new BackendBusyError(7500);
    }).dispatch(delivery(encodeEnvelope(order), 2)).then(dispositionOf);
    expect(disposition).toEqual({ kind: 'defer', waitMs: 7500, error: 'backend budget exhausted: next slot in 7500 ms, after the processing deadline' });
    expect(logLines[0]).toMatchObject({
      msg: 'order deferred; no room in the backend budget in time',
      disposition: 'defer',
      deferred: true,
      deferInMs: 15_000,
      budgetWaitMs: 7500,
      attempt: 2,
    });
  });

  it('dead-letters once MAX_RETRIES retries are used: MAX_RETRIES + 1 attempts in all', async () => {
    const disposition = await dispatcherWith(async () => {
      throw new RetryableOrderError('backend answered 500');
    }).dispatch(delivery(encodeEnvelope(order), 3)).then(dispositionOf);
    expect(disposition).toEqual({ kind: 'dead-letter', reason: 'retries-exhausted', error: 'backend answered 500' });
  });

  it('counts an attempt that outlives the processing timeout as retryable and aborts its I/O', async () => {
    let signal: AbortSignal | undefined;
    const disposition = await dispatcherWith(async (_order, context) => {
      signal = context.signal;
      await new Promise((resolve) => setTimeout(resolve, 500));
      return { outcome: 'applied' };
    }, 50).dispatch(delivery(encodeEnvelope(order))).then(dispositionOf);
    expect(disposition).toMatchObject({ kind: 'retry', step: 1 });
    expect(signal?.aborted).toBe(true);
    expect(logLines[0]).toMatchObject({ err: 'processing exceeded 50 ms' });
  });
});

describe('OrderDispatcher metrics', () => {
  /** The sample lines of the given metrics, sorted. */
  async function samples(metrics: Metrics, ...names: string[]): Promise<string[]> {
    const text = await metrics.exposition();
    return text
      .split('\n')
      .filter((line) => names.some((name) => line.startsWith(`${name}{`)))
      .sort();
  }

  it('counts each delivery by outcome, retries by step, dead letters by reason, and final outcomes end to end', async () => {
    const metrics = createMetrics({ enabled: true });
    const outcomes: InvokeHandler[] = [
      applied,
      async () => ({ outcome: 'duplicate' }),
      async () => ({ outcome: 'rejected', detail: 'not portable' }),
      async () => {
        throw new RetryableOrderError('backend answered 503');
      },
      async () => {
        throw new BackendBusyError(250);
      },
      async () => {
        throw new TerminalOrderError('backend-refused', 'backend answered 409');
      },
    ];
    for (const invoke of outcomes) settledAsDisposed(await dispatcherWith(invoke, 1000, metrics).dispatch(delivery(encodeEnvelope(order), 2)));
    settledAsDisposed(await dispatcherWith(applied, 1000, metrics).dispatch(delivery(Buffer.from('{not json'))));

    expect(await samples(metrics, 'bss_messages_processed_total', 'bss_retries_total', 'bss_dead_letters_total')).toEqual([
      'bss_dead_letters_total{type="MNP",reason="backend-refused"} 1',
      'bss_dead_letters_total{type="MNP",reason="invalid-json"} 1',
      'bss_messages_processed_total{type="MNP",outcome="applied"} 1',
      'bss_messages_processed_total{type="MNP",outcome="dead-lettered"} 2',
      'bss_messages_processed_total{type="MNP",outcome="deferred"} 1',
      'bss_messages_processed_total{type="MNP",outcome="duplicate"} 1',
      'bss_messages_processed_total{type="MNP",outcome="rejected"} 1',
      'bss_messages_processed_total{type="MNP",outcome="retried"} 1',
      'bss_retries_total{type="MNP",step="2"} 1',
    ]);
    expect(await samples(metrics, 'bss_order_end_to_end_seconds_count', 'bss_message_processing_duration_seconds_count')).toEqual([
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="applied"} 1',
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="dead-lettered"} 2',
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="deferred"} 1',
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="duplicate"} 1',
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="rejected"} 1',
      'bss_message_processing_duration_seconds_count{type="MNP",outcome="retried"} 1',
      // The undecodable delivery has no acceptance time, so only the decoded dead letter counts here.
      'bss_order_end_to_end_seconds_count{type="MNP",outcome="applied"} 1',
      'bss_order_end_to_end_seconds_count{type="MNP",outcome="dead-lettered"} 1',
      'bss_order_end_to_end_seconds_count{type="MNP",outcome="duplicate"} 1',
      'bss_order_end_to_end_seconds_count{type="MNP",outcome="rejected"} 1',
    ]);
  });

  it('records nothing until the delivery is settled, and nothing for one whose settling failed (it will be delivered again)', async () => {
    const metrics = createMetrics({ enabled: true });
    await dispatcherWith(applied, 1000, metrics).dispatch(delivery(encodeEnvelope(order)));
    await dispatcherWith(async () => {
      throw new RetryableOrderError('backend answered 503');
    }, 1000, metrics).dispatch(delivery(encodeEnvelope(order)));
    expect(await samples(metrics, 'bss_messages_processed_total', 'bss_retries_total', 'bss_order_end_to_end_seconds_count', 'bss_message_processing_duration_seconds_count')).toEqual([]);
  });

  it('counts what was done: a retry, deferral or dead letter that could not be published and was handed back is requeued', async () => {
    const metrics = createMetrics({ enabled: true });
    const failures = [new RetryableOrderError('backend answered 503'), new BackendBusyError(250), new TerminalOrderError('backend-refused', 'backend answered 409')];
    for (const failure of failures) {
      const handled = await dispatcherWith(async () => {
        throw failure;
      }, 1000, metrics).dispatch(delivery(encodeEnvelope(order)));
      handled.onSettled?.({ kind: 'requeue' });
    }
    expect(await samples(metrics, 'bss_messages_processed_total', 'bss_retries_total', 'bss_dead_letters_total', 'bss_order_end_to_end_seconds_count')).toEqual([
      'bss_messages_processed_total{type="MNP",outcome="requeued"} 3',
    ]);
  });

  it('hands back a delivery whose dispatch itself failed, counted as requeued once that is settled', async () => {
    const metrics = createMetrics({ enabled: true });
    const errors: unknown[] = [];
    const gone = () => {
      throw new Error('log destination gone');
    };
    const brokenLogger = { info: gone, warn: gone, error: (line: unknown) => errors.push(line) } as unknown as Logger;
    const dispatcher = new OrderDispatcher({
      metrics: new ProcessorMetrics(metrics, 'MNP'),
      orderType: 'MNP',
      processor: 'mnp-processor',
      timeoutMs: 1000,
      retrySchedule: { maxRetries: 2, backoffMs: [100], jitterPercent: 0 },
      invoke: applied,
      logger: brokenLogger,
    });
    const handled = await dispatcher.dispatch(delivery(encodeEnvelope(order)));
    expect(handled.disposition).toEqual({ kind: 'requeue' });
    expect(errors).toEqual([expect.objectContaining({ messageId: 'order-1', err: 'log destination gone' })]);
    settledAsDisposed(handled);
    expect(await samples(metrics, 'bss_messages_processed_total')).toEqual(['bss_messages_processed_total{type="MNP",outcome="requeued"} 1']);
  });

  it('measures a delivery until it was settled, not only until it was decided', async () => {
    const metrics = createMetrics({ enabled: true });
    const handled = await dispatcherWith(applied, 1000, metrics).dispatch(delivery(encodeEnvelope(order)));
    await new Promise((resolve) => setTimeout(resolve, 120));
    settledAsDisposed(handled);
    const [sum] = await samples(metrics, 'bss_message_processing_duration_seconds_sum');
    expect(Number(sum.split(' ')[1])).toBeGreaterThanOrEqual(0.1);
  });
});

describe('OrderDispatcher lifecycle events', () => {
  class RecordingLifecycle {
    readonly awaited: OrderLifecycleEvent[] = [];
    readonly background: OrderLifecycleEvent[] = [];
    failing = false;
    async record(events: readonly OrderLifecycleEvent[]): Promise<void> {
      if (this.failing) throw new Error('broker unavailable');
      this.awaited.push(...events);
    }
    recordInBackground(events: readonly OrderLifecycleEvent[]): void {
      this.background.push(...events);
    }
    states(): string[] {
      return [...this.background, ...this.awaited].map((event) => `${event.state}@${event.progress.attempt}.${event.progress.deferrals}`);
    }
  }

  function trackedDispatcher(invoke: InvokeHandler, lifecycle: RecordingLifecycle) {
    return new OrderDispatcher({
      orderType: 'MNP',
      processor: 'mnp-processor',
      timeoutMs: 1000,
      retrySchedule: { maxRetries: 2, backoffMs: [100, 400], jitterPercent: 0 },
      invoke,
      logger,
      lifecycle,
    });
  }

  const clientDelivery = (extra: Partial<ConsumedMessage> = {}): ConsumedMessage => ({
    ...delivery(encodeEnvelope({ ...order, idempotencyKey: 'key-1' })),
    headers: { [ORDER_HEADERS.clientId]: 'client-a' },
    ...extra,
  });

  it('reports in progress, then stores the final state before the delivery is acked', async () => {
    const lifecycle = new RecordingLifecycle();
    const handled = await trackedDispatcher(applied, lifecycle).dispatch(clientDelivery());
    expect(handled.disposition).toEqual({ kind: 'ack' });
    expect(lifecycle.background.map((event) => event.state)).toEqual(['in-progress']);
    expect(lifecycle.awaited).toEqual([
      expect.objectContaining({ orderId: 'order-1', type: 'MNP', state: 'applied', clientId: 'client-a', idempotencyKey: 'key-1', correlationId: 'corr-1' }),
    ]);
  });

  it('hands the delivery back when the final state cannot be stored, so the order is checked again', async () => {
    const lifecycle = new RecordingLifecycle();
    lifecycle.failing = true;
    const handled = await trackedDispatcher(async () => ({ outcome: 'rejected', detail: 'bad credit' }), lifecycle).dispatch(clientDelivery());
    expect(handled.disposition).toEqual({ kind: 'requeue' });
  });

  it('a pending answer waits on the deferral ladder for its check and reports pending with the reference', async () => {
    const lifecycle = new RecordingLifecycle();
    const handled = await trackedDispatcher(async () => ({ outcome: 'pending', reference: 'CH-77', checkAfterMs: 3000 }), lifecycle).dispatch(
      clientDelivery({ deferrals: 2 }),
    );
    expect(handled.disposition).toMatchObject({ kind: 'defer', waitMs: 3000 });
    settledAsDisposed(handled);
    expect(lifecycle.states()).toEqual(['in-progress@1.2', 'pending@1.2']);
    expect(lifecycle.background[1].detail).toMatchObject({ reference: 'CH-77', nextAttemptAt: expect.any(String) });
  });

  it('reports a retry at the next attempt, a deferral at the next wait and a dead letter with its reason', async () => {
    const cases: [InvokeHandler, string][] = [
      [async () => Promise.reject(new RetryableOrderError('backend answered 503')), 'retrying@2.0'],
      [async () => Promise.reject(new BackendBusyError(2000)), 'deferred@1.1'],
      [async () => Promise.reject(new TerminalOrderError('backend-refused', 'backend answered 400')), 'dead-lettered@1.0'],
    ];
    for (const [invoke, expected] of cases) {
      const lifecycle = new RecordingLifecycle();
      const handled = await trackedDispatcher(invoke, lifecycle).dispatch(clientDelivery());
      settledAsDisposed(handled);
      expect(lifecycle.states()).toEqual(['in-progress@1.0', expected]);
    }
  });

  it('reports nothing for a delivery whose settling failed (the broker delivers it again)', async () => {
    const lifecycle = new RecordingLifecycle();
    await trackedDispatcher(async () => Promise.reject(new RetryableOrderError('backend answered 503')), lifecycle).dispatch(clientDelivery());
    expect(lifecycle.states()).toEqual(['in-progress@1.0']);
  });
});
