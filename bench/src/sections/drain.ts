import { freePorts } from '@bss/system-launcher';
import type { ChannelModel } from 'amqplib';
import { BENCH_QUEUE_SETTINGS, BROKER_URL, declareOrderTopology, publishConfirmed, readyMessages } from '../broker/raw-amqp';
import { BENCH_ORDER_TYPE, orderMessages } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { DepthSample, drainRate } from '../report/statistics';
import { Ceilings } from './ceilings';
import { cpuPerOrderUs, cpuSnapshot } from '../processes/cpu-time';
import { appBundle, BenchContext, benchBundle, cpuRow, metered, SectionResult } from './context';
import { deleteRunTopology } from './topology-cleanup';

const DEPTH_SAMPLE_INTERVAL_MS = 50;
const DRAIN_TIMEOUT_MS = 300_000;

/**
 * Processor settings for the drain runs: prefetch equal to the raw consume ceiling's (100), and a
 * backend budget that is not a bottleneck (a static one at 0 = unlimited rate and concurrency, no
 * Redis: the adaptive one would start from its initial rate and measure its learning, not the processor).
 */
export const DRAIN_PROCESSOR_ENV = {
  CONCURRENCY: '100',
  BATCH_SIZE: '100',
  BACKEND_BUDGET: 'static',
  BACKEND_RATE_LIMIT: '0',
  BACKEND_MAX_CONCURRENCY: '0',
  REDIS_URL: '',
} as const;

/** The backend simulator with its capacity effectively unlimited and no service time. */
export const UNLIMITED_BACKEND_ENV = {
  SIM_CAPACITY_RPS: '1000000',
  SIM_MAX_IN_FLIGHT: '100000',
  SIM_SERVICE_TIME_MS: '0',
} as const;

export function processorEnv(prefix: string, backendUrl?: string): Record<string, string> {
  return {
    RABBITMQ_URL: BROKER_URL,
    QUEUE_NAME: prefix,
    QUEUE_MAX_LENGTH: String(BENCH_QUEUE_SETTINGS.QUEUE_MAX_LENGTH),
    QUEUE_DELIVERY_LIMIT: String(BENCH_QUEUE_SETTINGS.QUEUE_DELIVERY_LIMIT),
    ...DRAIN_PROCESSOR_ENV,
    ...(backendUrl ? { BACKEND_URL: backendUrl } : {}),
  };
}

export async function startBackend(context: BenchContext, label: string): Promise<AppProcess> {
  const [port] = await freePorts(1);
  return startAppProcess({ name: `backend-simulator-${label}`, bundle: appBundle(context, 'backend-simulator'), port, env: UNLIMITED_BACKEND_ENV, logDir: context.logDir });
}

/** Samples the queue's depth until it is empty or the time is up. */
async function sampleUntilEmpty(
  connection: ChannelModel,
  queue: string,
  { intervalMs = DEPTH_SAMPLE_INTERVAL_MS, timeoutMs = DRAIN_TIMEOUT_MS } = {},
): Promise<DepthSample[]> {
  const channel = await connection.createChannel();
  const samples: DepthSample[] = [];
  const deadline = performance.now() + timeoutMs;
  try {
    while (performance.now() < deadline) {
      const depth = await readyMessages(channel, queue);
      samples.push({ atMs: performance.now(), depth });
      if (depth === 0) break;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
    return samples;
  } finally {
    await channel.close();
  }
}

export interface DrainRun {
  readonly perSec?: number;
  readonly processorPeakRssMb?: number;
  readonly applied?: number;
  /** From the processor's readiness to the empty queue: the processor's, the backend's and the broker's. */
  readonly cpuUsPerOrder: Record<string, number>;
}

/** What runs around one drain: settings on top of the drain ones, a companion app, work after the drain. */
export interface DrainExtras {
  /** On top of the drain settings; a function of the queue for consumers that are told it by name. */
  readonly env?: Record<string, string> | ((queue: string) => Record<string, string>);
  /** Started on the run's prefix before the processor, stopped with it (the order tracker). */
  readonly alongside?: (prefix: string) => Promise<AppProcess>;
  /** Runs once the queue is empty, before the run's topology is removed. */
  readonly afterDrain?: (prefix: string) => Promise<void>;
}

/** What a consumer needs to empty one queue: its bundle and settings, the queue and what it holds, whom it calls. */
export interface QueueDrain {
  readonly label: string;
  readonly bundle: string;
  readonly env: Record<string, string>;
  readonly queue: string;
  /** What the queue holds when the consumer starts: CPU time is charged per one of these. */
  readonly orders: number;
  readonly backend?: AppProcess;
  readonly sampling?: { readonly intervalMs?: number; readonly timeoutMs?: number };
}

export interface QueueDrained {
  readonly samples: DepthSample[];
  /** From the consumer's readiness to the empty queue: the consumer's, the backend's and the broker's. */
  readonly cpuUsPerOrder: Record<string, number>;
  readonly processorPeakRssMb?: number;
}

/** Starts the consumer on the queue and samples its depth until it is empty; stops it again. */
export async function drainQueue(context: BenchContext, drain: QueueDrain): Promise<QueueDrained> {
  const [port] = await freePorts(1);
  const processor = await startAppProcess({ name: `processor-${drain.label}`, bundle: drain.bundle, port, env: drain.env, logDir: context.logDir, cpuProfileDir: context.cpuProfileDir });
  try {
    const processes = metered(context, { name: 'processor', pid: processor.pid }, ...(drain.backend ? [{ name: 'backend', pid: drain.backend.pid }] : []));
    const before = cpuSnapshot(processes);
    const samples = await sampleUntilEmpty(context.connection, drain.queue, drain.sampling);
    return { samples, cpuUsPerOrder: cpuPerOrderUs(before, cpuSnapshot(processes), drain.orders), processorPeakRssMb: processor.peakRssMb() };
  } finally {
    await processor.stop();
  }
}

/** Pre-fills the type's queue, starts the processor, and measures how fast it empties the queue. */
export async function drainOnce(context: BenchContext, label: string, bundle: string, backend?: AppProcess, extras: DrainExtras = {}): Promise<DrainRun> {
  const prefix = `${context.runPrefix}.${label}`;
  const count = context.scale.drainMessages;
  try {
    const names = await declareOrderTopology(context.connection, prefix);
    const queue = names.queueFor(BENCH_ORDER_TYPE);
    context.progress(`drain (${label}): pre-filling ${queue} with ${count} orders`);
    await publishConfirmed(context.connection, { exchange: names.ordersExchange, routingKey: names.routingKeyFor(BENCH_ORDER_TYPE) }, orderMessages(count));
    const companion = await extras.alongside?.(prefix);
    let run: DrainRun;
    try {
      const env = { ...processorEnv(prefix, backend?.url), ...(typeof extras.env === 'function' ? extras.env(queue) : extras.env) };
      const drained = await drainQueue(context, { label, bundle, env, queue, orders: count, backend });
      const applied = backend ? await appliedOnceAll(backend, count) : undefined;
      run = { perSec: drainRate(drained.samples, count), processorPeakRssMb: drained.processorPeakRssMb, applied, cpuUsPerOrder: drained.cpuUsPerOrder };
    } finally {
      await companion?.stop();
    }
    await extras.afterDrain?.(prefix);
    return run;
  } finally {
    await deleteRunTopology(context, prefix);
  }
}

/** Waits (briefly) for the last in-flight orders to reach the ledger, and returns how many it holds. */
async function appliedOnceAll(backend: AppProcess, expected: number): Promise<number> {
  const deadline = Date.now() + 30_000;
  let applied = 0;
  while (Date.now() < deadline) {
    const stats = (await (await fetch(`${backend.url}/api/v1/ledger/stats`)).json()) as { applied: number };
    applied = stats.applied;
    if (applied >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return applied;
}

/** Same-work drain runs per consumer, alternated (relay, processor, relay, ...) so a slow spell hits both. */
export const SAME_WORK_RUNS_EACH = 2;

/**
 * The raw relay (`bench/src/apps/raw-relay`) as a drain consumer: as many deliveries in flight as
 * the processor runs handlers (its CONCURRENCY), against the same backend.
 */
function rawRelayExtras(): DrainExtras {
  return { env: (queue) => ({ RAW_QUEUE: queue, RAW_PREFETCH: DRAIN_PROCESSOR_ENV.CONCURRENCY }) };
}

/** A fresh trivial backend per run, so its call count is that run's. */
export async function withTrivialBackend<T>(context: BenchContext, use: (backend: AppProcess) => Promise<T>): Promise<T> {
  const [port] = await freePorts(1);
  const backend = await startAppProcess({ name: 'trivial-backend', bundle: benchBundle(context, 'trivial-backend'), port, env: {}, logDir: context.logDir });
  try {
    return await use(backend);
  } finally {
    await backend.stop();
  }
}

function medianRun(runs: readonly DrainRun[]): DrainRun {
  const sorted = [...runs].sort((a, b) => (a.perSec ?? 0) - (b.perSec ?? 0));
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

export async function runDrain(context: BenchContext, ceilings: Ceilings): Promise<SectionResult & { processorPeakRssMb?: number }> {
  const instant = await drainOnce(context, 'drain-instant', benchBundle(context, 'instant-processor'));
  const relayRuns: DrainRun[] = [];
  const processorRuns: DrainRun[] = [];
  for (let run = 0; run < SAME_WORK_RUNS_EACH; run += 1) {
    relayRuns.push(await withTrivialBackend(context, (trivial) => drainOnce(context, `drain-relay-${run}`, benchBundle(context, 'raw-relay'), trivial, rawRelayExtras())));
    processorRuns.push(await withTrivialBackend(context, (trivial) => drainOnce(context, `drain-same-work-${run}`, appBundle(context, 'termination-processor'), trivial)));
  }
  const backend = await startBackend(context, 'drain');
  let http: DrainRun;
  try {
    http = await drainOnce(context, 'drain-http', appBundle(context, 'termination-processor'), backend);
  } finally {
    await backend.stop();
  }
  const relay = medianRun(relayRuns);
  const sameWork = medianRun(processorRuns);
  const count = context.scale.drainMessages;
  return {
    processorPeakRssMb: http.processorPeakRssMb,
    figures: {
      prefilled: count,
      processorEnv: DRAIN_PROCESSOR_ENV,
      backendEnv: UNLIMITED_BACKEND_ENV,
      instant,
      relayRuns,
      sameWorkRuns: processorRuns,
      http,
    },
    rows: [
      ratioRow({ section: 'drain', figure: `instant handler, ${count} pre-filled`, value: instant.perSec, unit: 'orders/s', ceiling: ceilings.consumePerSec, target: { atLeast: 0.5 } }),
      cpuRow('drain', 'instant', instant.cpuUsPerOrder),
      valueRow({ section: 'drain', figure: 'raw relay → trivial backend (median)', value: relay.perSec, unit: 'orders/s' }),
      cpuRow('drain', 'raw relay', relay.cpuUsPerOrder),
      ratioRow({ section: 'drain', figure: 'termination-processor → trivial backend vs raw relay', value: sameWork.perSec, unit: 'orders/s', ceiling: relay.perSec, target: { atLeast: 0.6 } }),
      cpuRow('drain', 'termination-processor', sameWork.cpuUsPerOrder),
      valueRow({ section: 'drain', figure: 'trivial backend: fewest calls in a run', value: Math.min(...[...relayRuns, ...processorRuns].map((run) => run.applied ?? 0)), unit: `of ${count.toLocaleString('en-US')}` }),
      ratioRow({ section: 'drain', figure: `termination-processor → backend simulator`, value: http.perSec, unit: 'orders/s', ceiling: relay.perSec }),
      cpuRow('drain', 'with the simulator', http.cpuUsPerOrder),
      valueRow({ section: 'drain', figure: 'backend simulator: orders in the ledger', value: http.applied, unit: `of ${count.toLocaleString('en-US')}` }),
    ],
  };
}
