import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { BrokerConnection, inspectQueues, ManagedQueue, ManagementClient } from '@bss/messaging';
import type { Logger } from '@bss/observability';
import { OpsMetrics } from '../metrics/ops-metrics';
import { DeadLetterStore } from '../store/dead-letter-store';
import { backlogOf } from './backlog';
import { CounterRates, windowRate } from './counter-rates';
import { FlowWindow } from './flow-window';
import { ProcessorScraper } from './processor-scraper';
import { depthOf, Flow, Point, QueuePoint } from './overview-point';
import { Overview, projectOverview, SamplerOptions } from './overview-view';
import { ReplicaCounterTotals } from './replica-counter-totals';
import { WaitingOrdersReader } from './waiting-orders-reader';

/** Short, so arrival and drain move with the traffic; the processors' counters are live. */
const PROCESSOR_RATE_WINDOW_MS = 3_000;
/** Several refreshes of the management API's counts (every 5 s by default), which would jump otherwise. */
const MANAGEMENT_RATE_WINDOW_MS = 10_000;

/**
 * Samples the system every interval and keeps a window of history in memory: queue depths from the
 * broker (ready over AMQP, which is live; unacked, consumers and publish/ack counts from the
 * management API), processors' delivery, backend and retry counters, the dead-letter store's
 * counts, and what the order tracker sees waiting per type. Arrival and drain come from the
 * processors' counters and the live ready depth; the management API's counts, which lag, only
 * stand in for a type no processor reports.
 * Any one source failing leaves its numbers out and names the problem; the rest keeps updating.
 * What the console shows is projected from this history by `projectOverview`.
 */
export class OverviewSampler {
  private readonly history: Point[] = [];
  private readonly backendRates = new CounterRates();
  private readonly retryRates = new CounterRates();
  private readonly removals: ReplicaCounterTotals;
  private readonly flowWindows = new Map<OrderType, FlowWindow>();
  private timer?: NodeJS.Timeout;
  private problems: string[] = [];
  private current?: Promise<void>;

  constructor(
    private readonly options: SamplerOptions,
    private readonly connection: BrokerConnection,
    private readonly management: ManagementClient,
    private readonly scraper: ProcessorScraper,
    private readonly store: DeadLetterStore,
    private readonly waitingOrders: WaitingOrdersReader,
    private readonly metrics: OpsMetrics,
    private readonly logger: Logger,
  ) {
    // A replica that misses one scrape keeps its place; one gone longer starts afresh.
    this.removals = new ReplicaCounterTotals(PROCESSOR_RATE_WINDOW_MS + options.intervalMs);
  }

  start(): void {
    const tick = () => {
      void this.sample()
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
    await this.current?.catch(() => undefined);
  }

  /**
   * Takes a sample now, or joins the one under way: two samples finishing out of order would set
   * the processors' counters back to older readings and count an increase twice.
   */
  sample(): Promise<void> {
    this.current ??= this.takeSample().finally(() => (this.current = undefined));
    return this.current;
  }

  private async takeSample(): Promise<void> {
    const at = Date.now();
    const problems: string[] = [];
    const { names } = this.options;
    const [managed, scrape, stored, tracking] = await Promise.all([
      this.management.queues(names.prefix).catch((error: Error) => {
        problems.push(`management API: ${error.message}`);
        return [] as ManagedQueue[];
      }),
      this.scraper.scrape(),
      this.store.counts().catch((error: Error) => {
        problems.push(`dead-letter store: ${error.message}`);
        return this.history[this.history.length - 1]?.stored ?? [];
      }),
      this.waitingOrders.read(),
    ]);
    if ('unavailable' in tracking) problems.push(`tracking store: ${tracking.unavailable}`);
    problems.push(...scrape.errors.map((failure) => `processor metrics ${failure.target}: ${failure.error}`));
    const watched = [
      ...ORDER_TYPES.map((type) => names.queueFor(type)),
      ...managed.map((queue) => queue.name).filter((name) => name.startsWith(`${names.prefix}.retry.`) || name.startsWith(`${names.prefix}.deferral.`)),
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
        liveReady: fromAmqp?.messages,
        unacked: fromManagement?.unacked ?? 0,
        consumers: fromAmqp?.consumers ?? fromManagement?.consumers ?? 0,
        published: fromManagement?.published,
        acked: fromManagement?.acked,
      });
    }
    const budget = highestPerType(scrape.readings.map((reading) => reading.budget));
    const learnedLimit = highestPerType(scrape.readings.map((reading) => reading.learnedLimit));
    const removed = this.removals.update(new Map(scrape.readings.map((reading) => [reading.target, reading.removed])), at);
    const reported = new Set(scrape.readings.flatMap((reading) => [...reading.types]));
    const flows = new Map(
      ORDER_TYPES.map((type) => [type, this.flowOf(type, at, queues, reported.has(type) ? (removed.get(type) ?? 0) : undefined)]),
    );
    this.push({
      at,
      queues,
      flows,
      backendRate: this.backendRates.update(new Map(scrape.readings.map((reading) => [reading.target, reading.backendRequests])), at),
      retryRate: this.retryRates.update(new Map(scrape.readings.map((reading) => [reading.target, reading.retries])), at),
      budget,
      learnedLimit,
      stored,
      tracking,
    });
    this.problems = problems;
    this.metrics.recordQueueLengths([...queues].map(([queue, point]) => ({ queue, ready: point.ready })));
    this.metrics.recordStored(stored);
    this.metrics.recordBacklogs(
      ORDER_TYPES.map((type) => ({
        type,
        backlog: backlogOf(type, at, depthOf(queues.get(names.queueFor(type))), flows.get(type)?.drainRate ?? null, tracking),
      })),
    );
  }

  overview(): Overview {
    return projectOverview(this.history, this.problems, this.options);
  }

  /**
   * Arrival and drain of one type at this sample. `removed` is the running total of deliveries its
   * processors took off the queue, undefined when no processor reports the type: then, and until
   * the processors' window holds two samples, the management API's publish / ack counts stand in.
   */
  private flowOf(type: OrderType, at: number, queues: ReadonlyMap<string, QueuePoint>, removed: number | undefined): Flow {
    const queue = this.options.names.queueFor(type);
    const window = this.flowWindows.get(type) ?? new FlowWindow(PROCESSOR_RATE_WINDOW_MS);
    this.flowWindows.set(type, window);
    if (removed === undefined) window.clear();
    const fromProcessors = removed === undefined ? null : window.add({ at, removed, ready: queues.get(queue)?.liveReady });
    if (fromProcessors) return { arrivalRate: fromProcessors.arrival, drainRate: fromProcessors.drain, source: 'processors' };
    const current = { at, queues };
    const arrivalRate = this.countRate(current, queue, 'published');
    const drainRate = this.countRate(current, queue, 'acked');
    return { arrivalRate, drainRate, source: arrivalRate === null && drainRate === null ? null : 'management' };
  }

  private countRate(current: Pick<Point, 'at' | 'queues'>, queue: string, count: 'published' | 'acked'): number | null {
    const recent = [...this.history.slice(-Math.ceil(MANAGEMENT_RATE_WINDOW_MS / this.options.intervalMs)), current];
    return windowRate(recent.map((point) => ({ at: point.at, value: point.queues.get(queue)?.[count] })), MANAGEMENT_RATE_WINDOW_MS);
  }

  private push(point: Point): void {
    this.history.push(point);
    const oldest = point.at - this.options.historySeconds * 1000;
    while (this.history.length > 0 && this.history[0].at < oldest) this.history.shift();
  }
}

/** Per type, the highest of the replicas' values: each replica reports the type's shared figure, some a moment late. */
function highestPerType(readings: readonly ReadonlyMap<string, number>[]): Map<string, number> {
  const highest = new Map<string, number>();
  for (const reading of readings) for (const [type, value] of reading) highest.set(type, Math.max(highest.get(type) ?? 0, value));
  return highest;
}
