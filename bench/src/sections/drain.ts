import { freePorts } from '@bss/system-launcher';
import type { ChannelModel } from 'amqplib';
import { BENCH_QUEUE_SETTINGS, BROKER_URL, declareOrderTopology, publishConfirmed, readyMessages } from '../broker/raw-amqp';
import { BENCH_ORDER_TYPE, orderMessages } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { DepthSample, drainRate } from '../report/statistics';
import { Ceilings } from './ceilings';
import { appBundle, BenchContext, benchBundle, SectionResult } from './context';
import { deleteRunTopology } from './topology-cleanup';

const DEPTH_SAMPLE_INTERVAL_MS = 50;
const DRAIN_TIMEOUT_MS = 300_000;

/**
 * Processor settings for the drain runs: prefetch equal to the raw consume ceiling's (100), and a
 * backend budget that is not a bottleneck (0 = unlimited rate and concurrency, no Redis).
 */
export const DRAIN_PROCESSOR_ENV = {
  CONCURRENCY: '100',
  BATCH_SIZE: '100',
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

async function sampleUntilEmpty(connection: ChannelModel, queue: string): Promise<DepthSample[]> {
  const channel = await connection.createChannel();
  const samples: DepthSample[] = [];
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  try {
    while (performance.now() < deadline) {
      const depth = await readyMessages(channel, queue);
      samples.push({ atMs: performance.now(), depth });
      if (depth === 0) break;
      await new Promise((resolve) => setTimeout(resolve, DEPTH_SAMPLE_INTERVAL_MS));
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
}

/** What runs around one drain: settings on top of the drain ones, a companion app, work after the drain. */
export interface DrainExtras {
  readonly env?: Record<string, string>;
  /** Started on the run's prefix before the processor, stopped with it (the order tracker). */
  readonly alongside?: (prefix: string) => Promise<AppProcess>;
  /** Runs once the queue is empty, before the run's topology is removed. */
  readonly afterDrain?: (prefix: string) => Promise<void>;
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
    const [port] = await freePorts(1);
    const companion = await extras.alongside?.(prefix);
    const processor = await startAppProcess({
      name: `processor-${label}`,
      bundle,
      port,
      env: { ...processorEnv(prefix, backend?.url), ...extras.env },
      logDir: context.logDir,
      cpuProfileDir: context.cpuProfileDir,
    });
    let run: DrainRun;
    try {
      const samples = await sampleUntilEmpty(context.connection, queue);
      const applied = backend ? await appliedOnceAll(backend, count) : undefined;
      run = { perSec: drainRate(samples, count), processorPeakRssMb: processor.peakRssMb(), applied };
    } finally {
      await processor.stop();
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

export async function runDrain(context: BenchContext, ceilings: Ceilings): Promise<SectionResult & { processorPeakRssMb?: number }> {
  const instant = await drainOnce(context, 'drain-instant', benchBundle(context, 'instant-processor'));
  const backend = await startBackend(context, 'drain');
  let http: DrainRun;
  try {
    http = await drainOnce(context, 'drain-http', appBundle(context, 'termination-processor'), backend);
  } finally {
    await backend.stop();
  }
  const count = context.scale.drainMessages;
  return {
    processorPeakRssMb: http.processorPeakRssMb,
    figures: {
      prefilled: count,
      processorEnv: DRAIN_PROCESSOR_ENV,
      backendEnv: UNLIMITED_BACKEND_ENV,
      instant,
      http,
    },
    rows: [
      ratioRow({ section: 'drain', figure: `instant handler, ${count} pre-filled`, value: instant.perSec, unit: 'orders/s', ceiling: ceilings.consumePerSec, target: { atLeast: 0.5 } }),
      ratioRow({ section: 'drain', figure: `termination-processor → HTTP backend, ${count} pre-filled`, value: http.perSec, unit: 'orders/s', ceiling: ceilings.consumePerSec, target: { atLeast: 0.25 } }),
      valueRow({ section: 'drain', figure: 'HTTP backend: orders in the ledger', value: http.applied, unit: `of ${count.toLocaleString('en-US')}` }),
    ],
  };
}
