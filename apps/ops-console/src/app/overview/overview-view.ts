import { ORDER_TYPES, OrderType, TopologyNames } from '@bss/contracts';
import { DEAD_LETTER_STATES, DeadLetterState } from '../store/dead-letter';
import { Backlog, backlogOf } from './backlog';
import { depthOf, Point, QueuePoint, RateSource } from './overview-point';

export interface SamplerOptions {
  readonly names: TopologyNames;
  readonly intervalMs: number;
  readonly historySeconds: number;
}

/** What waits in the delay queues of one kind (retry steps or deferral steps). */
export interface DelayQueueSummary {
  readonly total: number;
  readonly queues: { queue: string; depth: number }[];
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
  readonly rateSource: RateSource | null;
  readonly retryRate: number | null;
  readonly backendRate: number | null;
  /** The configured budget: the adaptive budget's cap, the static one's rate (0 = none). */
  readonly backendBudget: number | null;
  /** The rate the type's replicas allow themselves now: learned (adaptive budget) or configured (static). */
  readonly learnedLimit: number | null;
  readonly deadLetters: Record<DeadLetterState, number>;
  readonly backlog: Backlog;
  readonly history: { t: number[]; depth: number[]; arrivalRate: (number | null)[]; drainRate: (number | null)[]; backendRate: (number | null)[] };
}

export interface Overview {
  readonly sampledAt: string | null;
  readonly intervalMs: number;
  readonly historySeconds: number;
  readonly types: TypeOverview[];
  readonly retries: DelayQueueSummary;
  /** Orders waiting for backend budget, in the deferral ladder's queues. */
  readonly deferrals: DelayQueueSummary;
  readonly deadLetterQueue: { queue: string; ready: number };
  readonly problems: string[];
}

/** What the console shows, from the sampled history: the latest point per type, and each type's series over the window. */
export function projectOverview(history: readonly Point[], problems: readonly string[], options: SamplerOptions): Overview {
  const { names } = options;
  const last = history[history.length - 1];
  const delayQueues = (infix: string) => (last ? [...last.queues].filter(([queue]) => queue.startsWith(`${names.prefix}.${infix}.`)) : []);
  return {
    sampledAt: last ? new Date(last.at).toISOString() : null,
    intervalMs: options.intervalMs,
    historySeconds: options.historySeconds,
    types: ORDER_TYPES.map((type) => typeOverview(history, type, names.queueFor(type))),
    retries: delayQueueSummary(delayQueues('retry')),
    deferrals: delayQueueSummary(delayQueues('deferral')),
    deadLetterQueue: { queue: names.deadLetterQueue, ready: last?.queues.get(names.deadLetterQueue)?.ready ?? 0 },
    problems: [...problems],
  };
}

function delayQueueSummary(queues: readonly (readonly [string, QueuePoint])[]): DelayQueueSummary {
  return {
    total: queues.reduce((sum, [, point]) => sum + point.ready + point.unacked, 0),
    queues: queues.map(([queue, point]) => ({ queue, depth: point.ready + point.unacked })).sort((a, b) => a.queue.localeCompare(b.queue)),
  };
}

function typeOverview(history: readonly Point[], type: OrderType, queue: string): TypeOverview {
  const last = history[history.length - 1];
  const point = last?.queues.get(queue);
  const deadLetters = Object.fromEntries(DEAD_LETTER_STATES.map((state) => [state, 0])) as Record<DeadLetterState, number>;
  for (const count of last?.stored ?? []) if (count.type === type) deadLetters[count.state] += count.count;
  const series: TypeOverview['history'] = { t: [], depth: [], arrivalRate: [], drainRate: [], backendRate: [] };
  for (const sample of history) {
    const queuePoint = sample.queues.get(queue);
    const flow = sample.flows.get(type);
    series.t.push(sample.at);
    series.depth.push(depthOf(queuePoint));
    series.arrivalRate.push(flow?.arrivalRate ?? null);
    series.drainRate.push(flow?.drainRate ?? null);
    series.backendRate.push(sample.backendRate.get(type) ?? null);
  }
  const flow = last?.flows.get(type);
  const depth = depthOf(point);
  return {
    type,
    queue,
    depth,
    ready: point?.ready ?? 0,
    unacked: point?.unacked ?? 0,
    consumers: point?.consumers ?? 0,
    arrivalRate: flow?.arrivalRate ?? null,
    drainRate: flow?.drainRate ?? null,
    rateSource: flow?.source ?? null,
    retryRate: last?.retryRate.get(type) ?? null,
    backendRate: last?.backendRate.get(type) ?? null,
    backendBudget: last?.budget.get(type) ?? null,
    learnedLimit: last?.learnedLimit.get(type) ?? null,
    deadLetters,
    backlog: backlogOf(type, last?.at ?? 0, depth, flow?.drainRate ?? null, last?.tracking),
    history: series,
  };
}
