import { ORDER_TYPES, OrderType, TopologyNames } from '@bss/contracts';
import { BrokerConnection, inspectQueues } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import { OpsMetrics } from '../metrics/ops-metrics';
import { DEAD_LETTER_STATES, DeadLetterState, StoredCount } from '../store/dead-letter';
import { DeadLetterStore } from '../store/dead-letter-store';
import { CounterRates, windowRate } from './counter-rates';
import { ManagedQueue, ManagementClient } from './management-client';
import { ProcessorScraper } from './processor-scraper';

const RATE_WINDOW_MS = 10_000;

interface QueuePoint {
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
  readonly published?: number;
  readonly acked?: number;
}

interface Point {
  readonly at: number;
  readonly queues: ReadonlyMap<string, QueuePoint>;
  readonly backendRate: ReadonlyMap<string, number>;
  readonly retryRate: ReadonlyMap<string, number>;
  readonly budget: ReadonlyMap<string, number>;
  readonly stored: readonly StoredCount[];
}

export interface TypeOverview {
  readonly type: OrderType;
  readonly queue: string;
  readonly depth: number;
  readonly ready: number;
  readonly unacked: number;
  readonly consumers: number;
  readonly arrivalRate: number | null;
  readonly drainRate: number | null;
  readonly retryRate: number | null;
  readonly backendRate: number | null;
  readonly backendBudget: number | null;
  readonly deadLetters: Record<DeadLetterState, number>;
  readonly history: { t: number[]; depth: number[]; arrivalRate: (number | null)[]; drainRate: (number | null)[]; backendRate: (number | null)[] };
}

export interface Overview {
  readonly sampledAt: string | null;
  readonly intervalMs: number;
  readonly historySeconds: number;
  readonly types: TypeOverview[];
  readonly retries: { total: number; queues: { queue: string; depth: number }[] };
  readonly deadLetterQueue: { queue: string; ready: number };
  readonly problems: string[];
}

export interface SamplerOptions {
  readonly names: TopologyNames;
  readonly intervalMs: number;
  readonly historySeconds: number;
}

/**
 * Samples the system every interval and keeps a window of history in memory: queue depths from the
 * broker (ready over AMQP, which is live; unacked, consumers and publish/ack counts from the
 * management API), processors' backend and retry counters, and the dead-letter store's counts.
 * Any one source failing leaves its numbers out and names the problem; the rest keeps updating.
 */
export class OverviewSampler {
  private readonly history: Point[] = [];
  private readonly backendRates = new CounterRates();
  private readonly retryRates = new CounterRates();
  private timer?: NodeJS.Timeout;
  private problems: string[] = [];
  private sampling?: Promise<void>;

  constructor(
    private readonly options: SamplerOptions,
    private readonly connection: BrokerConnection,
    private readonly management: ManagementClient,
    private readonly scraper: ProcessorScraper,
    private readonly store: DeadLetterStore,
    private readonly metrics: OpsMetrics,
    private readonly logger: Logger,
  ) {}

  start(): void {
    const tick = () => {
      this.sampling = this.sample()
        .catch((error: Error) => this.logger.warn({ err: error.message }, 'overview sample failed'))
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.options.intervalMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.sampling;
  }

  async sample(): Promise<void> {
    const at = Date.now();
    const problems: string[] = [];
    const { names } = this.options;
    const [managed, scrape, stored] = await Promise.all([
      this.management.queues(names.prefix).catch((error: Error) => {
        problems.push(`management API: ${error.message}`);
        return [] as ManagedQueue[];
      }),
      this.scraper.scrape(),
      this.store.counts().catch((error: Error) => {
        problems.push(`dead-letter store: ${error.message}`);
        return this.history[this.history.length - 1]?.stored ?? [];
      }),
    ]);
    problems.push(...scrape.errors.map((failure) => `processor metrics ${failure.target}: ${failure.error}`));
    const watched = [
      ...ORDER_TYPES.map((type) => names.queueFor(type)),
      ...managed.map((queue) => queue.name).filter((name) => name.startsWith(`${names.prefix}.retry.`)),
      names.deadLetterQueue,
    ];
    const live = this.connection.isConnected() ? await inspectQueues(this.connection, watched) : [];
    if (!this.connection.isConnected()) problems.push('broker: not connected');
    const queues = new Map<string, QueuePoint>();
    for (const name of watched) {
      const fromManagement = managed.find((queue) => queue.name === name);
      const fromAmqp = live.find((queue) => queue.queue === name && queue.exists);
      if (!fromManagement && !fromAmqp) continue;
      queues.set(name, {
        ready: fromAmqp?.messages ?? fromManagement?.ready ?? 0,
        unacked: fromManagement?.unacked ?? 0,
        consumers: fromAmqp?.consumers ?? fromManagement?.consumers ?? 0,
        published: fromManagement?.published,
        acked: fromManagement?.acked,
      });
    }
    const budget = new Map<string, number>();
    for (const reading of scrape.readings) for (const [type, value] of reading.budget) budget.set(type, Math.max(budget.get(type) ?? 0, value));
    this.push({
      at,
      queues,
      backendRate: this.backendRates.update(new Map(scrape.readings.map((reading) => [reading.target, reading.backendRequests])), at),
      retryRate: this.retryRates.update(new Map(scrape.readings.map((reading) => [reading.target, reading.retries])), at),
      budget,
      stored,
    });
    this.problems = problems;
    this.metrics.recordQueueLengths([...queues].map(([queue, point]) => ({ queue, ready: point.ready })));
    this.metrics.recordStored(stored);
  }

  overview(): Overview {
    const { names } = this.options;
    const last = this.history[this.history.length - 1];
    const retryQueues = last ? [...last.queues].filter(([queue]) => queue.startsWith(`${names.prefix}.retry.`)) : [];
    return {
      sampledAt: last ? new Date(last.at).toISOString() : null,
      intervalMs: this.options.intervalMs,
      historySeconds: this.options.historySeconds,
      types: ORDER_TYPES.map((type) => this.typeOverview(type)),
      retries: {
        total: retryQueues.reduce((sum, [, point]) => sum + point.ready + point.unacked, 0),
        queues: retryQueues.map(([queue, point]) => ({ queue, depth: point.ready + point.unacked })).sort((a, b) => a.queue.localeCompare(b.queue)),
      },
      deadLetterQueue: { queue: names.deadLetterQueue, ready: last?.queues.get(names.deadLetterQueue)?.ready ?? 0 },
      problems: this.problems,
    };
  }

  private typeOverview(type: OrderType): TypeOverview {
    const queue = this.options.names.queueFor(type);
    const last = this.history[this.history.length - 1];
    const point = last?.queues.get(queue);
    const deadLetters = Object.fromEntries(DEAD_LETTER_STATES.map((state) => [state, 0])) as Record<DeadLetterState, number>;
    for (const count of last?.stored ?? []) if (count.type === type) deadLetters[count.state] += count.count;
    const history: TypeOverview['history'] = { t: [], depth: [], arrivalRate: [], drainRate: [], backendRate: [] };
    this.history.forEach((sample, index) => {
      const upTo = this.history.slice(0, index + 1);
      const queuePoint = sample.queues.get(queue);
      history.t.push(sample.at);
      history.depth.push(queuePoint ? queuePoint.ready + queuePoint.unacked : 0);
      history.arrivalRate.push(this.countRate(upTo, queue, 'published'));
      history.drainRate.push(this.countRate(upTo, queue, 'acked'));
      history.backendRate.push(sample.backendRate.get(type) ?? null);
    });
    return {
      type,
      queue,
      depth: point ? point.ready + point.unacked : 0,
      ready: point?.ready ?? 0,
      unacked: point?.unacked ?? 0,
      consumers: point?.consumers ?? 0,
      arrivalRate: history.arrivalRate[history.arrivalRate.length - 1] ?? null,
      drainRate: history.drainRate[history.drainRate.length - 1] ?? null,
      retryRate: last?.retryRate.get(type) ?? null,
      backendRate: last?.backendRate.get(type) ?? null,
      backendBudget: last?.budget.get(type) ?? null,
      deadLetters,
      history,
    };
  }

  private countRate(points: readonly Point[], queue: string, count: 'published' | 'acked'): number | null {
    const recent = points.slice(-Math.ceil(RATE_WINDOW_MS / this.options.intervalMs) - 1);
    return windowRate(recent.map((point) => ({ at: point.at, value: point.queues.get(queue)?.[count] })), RATE_WINDOW_MS);
  }

  private push(point: Point): void {
    this.history.push(point);
    const oldest = point.at - this.options.historySeconds * 1000;
    while (this.history.length > 0 && this.history[0].at < oldest) this.history.shift();
  }
}
