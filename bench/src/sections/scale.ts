import { TopologyNames } from '@bss/contracts';
import { brokerDataDirectory, BrokerFootprint, brokerFootprint } from '../broker/broker-footprint';
import { declareOrderTopology, publishConfirmed, readyMessages } from '../broker/raw-amqp';
import { HttpLoadResult, runHttpLoad, summarizeRuns } from '../load/http-load';
import { BENCH_ORDER_TYPE, orderMessages, orderRequestBody } from '../load/orders';
import { AppProcess } from '../processes/app-process';
import { cpuPerOrderUs, cpuSnapshot } from '../processes/cpu-time';
import { ratioRow, valueRow } from '../report/result-row';
import { drainRate, earlyDrainRate, perSecond } from '../report/statistics';
import { appBundle, BenchContext, cpuRow, HTTP_CONNECTIONS, metered, SectionResult } from './context';
import { drainQueue, processorEnv, withTrivialBackend } from './drain';
import { startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

/** Orders per confirmed chunk while filling the backlog: the runner never holds a million messages at once. */
const FILL_CHUNK = 10_000;
/** The early part of a drain an operator predicts the rest from. */
const EARLY_WINDOW_MS = 30_000;
const BACKLOG_SAMPLE_INTERVAL_MS = 500;
const BACKLOG_DRAIN_TIMEOUT_MS = 60 * 60_000;
/** Within 20 % of the empty-queue figures. */
const BACKLOG_TOLERANCE = 0.2;

interface DrainFigures {
  readonly orders: number;
  readonly perSec?: number;
  readonly earlyPerSec?: number;
  /** The whole drain predicted from its first EARLY_WINDOW_MS. */
  readonly predictedSec?: number;
  readonly measuredSec?: number;
  readonly processorPeakRssMb?: number;
  readonly cpuUsPerOrder: Record<string, number>;
}

type IntakeFigures = HttpLoadResult & { readonly cpuUsPerOrder: Record<string, number> };

async function measureIntake(context: BenchContext, producer: AppProcess): Promise<IntakeFigures> {
  const load = { url: `${producer.url}/api/v1/orders`, body: orderRequestBody(), connections: HTTP_CONNECTIONS };
  await runHttpLoad({ ...load, durationSec: context.scale.warmUpSec });
  const processes = metered(context, { name: 'producer-api', pid: producer.pid });
  const before = cpuSnapshot(processes);
  const result = summarizeRuns([await runHttpLoad({ ...load, durationSec: context.scale.httpDurationSec })]);
  return { ...result, cpuUsPerOrder: cpuPerOrderUs(before, cpuSnapshot(processes), result.succeeded) };
}

async function depthOf(context: BenchContext, queue: string): Promise<number> {
  const channel = await context.connection.createChannel();
  try {
    return await readyMessages(channel, queue);
  } finally {
    await channel.close();
  }
}

/** The processor empties whatever the queue holds into the trivial backend; how fast, and how well its start predicted its end. */
async function drainWithProcessor(context: BenchContext, prefix: string, queue: string, backend: AppProcess, label: string): Promise<DrainFigures> {
  const orders = await depthOf(context, queue);
  const { samples, cpuUsPerOrder, processorPeakRssMb } = await drainQueue(context, {
    label,
    bundle: appBundle(context, 'termination-processor'),
    env: processorEnv(prefix, backend.url),
    queue,
    orders,
    backend,
    sampling: { intervalMs: BACKLOG_SAMPLE_INTERVAL_MS, timeoutMs: BACKLOG_DRAIN_TIMEOUT_MS },
  });
  const started = samples.find((sample) => sample.depth < orders);
  const emptied = samples.find((sample) => sample.depth === 0);
  const earlyPerSec = earlyDrainRate(samples, EARLY_WINDOW_MS);
  return {
    orders,
    perSec: drainRate(samples, orders),
    earlyPerSec,
    predictedSec: earlyPerSec ? orders / earlyPerSec : undefined,
    measuredSec: started && emptied ? (emptied.atMs - started.atMs) / 1000 : undefined,
    processorPeakRssMb,
    cpuUsPerOrder,
  };
}

/** Publishes the backlog as producer-api would, with confirms, chunk by chunk; resolves with the rate. */
async function fillBacklog(context: BenchContext, names: TopologyNames, count: number): Promise<number | undefined> {
  const target = { exchange: names.ordersExchange, routingKey: names.routingKeyFor(BENCH_ORDER_TYPE) };
  let elapsedMs = 0;
  for (let published = 0; published < count; published += FILL_CHUNK) {
    elapsedMs += await publishConfirmed(context.connection, target, orderMessages(Math.min(FILL_CHUNK, count - published)));
    if ((published / FILL_CHUNK) % 20 === 0) context.progress(`scale: ${published.toLocaleString('en-US')} of ${count.toLocaleString('en-US')} published`);
  }
  return perSecond(count, elapsedMs);
}

/**
 * Cost at scale: producer-api's intake and termination-processor's drain (into the trivial backend)
 * first on an empty queue, then with a backlog of `scale.backlogOrders` in that one queue — intake
 * p99 and drain rate beside the empty-queue figures, the broker's memory and disk with the backlog,
 * and the time to drain it, predicted from the drain's first 30 s and measured to the end.
 */
export async function runScale(context: BenchContext): Promise<SectionResult> {
  const backlog = context.scale.backlogOrders;
  const dataDirectory = context.broker ? brokerDataDirectory() : undefined;
  const producer = await startProducer(context, 'scale');
  const { prefix } = producer;
  try {
    const names = await declareOrderTopology(context.connection, prefix);
    const queue = names.queueFor(BENCH_ORDER_TYPE);
    return await withTrivialBackend(context, async (backend) => {
      context.progress('scale: intake, then drain, on an empty queue');
      const emptyIntake = await measureIntake(context, producer);
      const emptyDrain = await drainWithProcessor(context, prefix, queue, backend, 'scale-empty');
      const beforeFill = brokerFootprint(context.broker, dataDirectory);
      context.progress(`scale: filling ${queue} with a backlog of ${backlog.toLocaleString('en-US')} orders`);
      const fillPerSec = await fillBacklog(context, names, backlog);
      const withBacklog = brokerFootprint(context.broker, dataDirectory);
      context.progress('scale: intake on the backlog');
      const backlogIntake = await measureIntake(context, producer);
      context.progress('scale: draining the backlog');
      const backlogDrain = await drainWithProcessor(context, prefix, queue, backend, 'scale-backlog');
      return scaleResult({ backlog, fillPerSec, emptyIntake, emptyDrain, backlogIntake, backlogDrain, beforeFill, withBacklog });
    });
  } finally {
    await producer.stop();
    await deleteRunTopology(context, prefix);
  }
}

interface ScaleFigures {
  readonly backlog: number;
  readonly fillPerSec?: number;
  readonly emptyIntake: IntakeFigures;
  readonly emptyDrain: DrainFigures;
  readonly backlogIntake: IntakeFigures;
  readonly backlogDrain: DrainFigures;
  readonly beforeFill: BrokerFootprint;
  readonly withBacklog: BrokerFootprint;
}

function difference(after: number | undefined, before: number | undefined): number | undefined {
  return after === undefined || before === undefined ? undefined : after - before;
}

function scaleResult(figures: ScaleFigures): SectionResult {
  const { backlog, emptyIntake, emptyDrain, backlogIntake, backlogDrain, beforeFill, withBacklog } = figures;
  const orders = `${backlog.toLocaleString('en-US')} waiting`;
  const diskMb = difference(withBacklog.dataDirMb, beforeFill.dataDirMb);
  return {
    figures: { ...figures, earlyWindowSec: EARLY_WINDOW_MS / 1000 },
    rows: [
      valueRow({ section: 'scale', figure: 'filling the backlog (confirmed publishes)', value: figures.fillPerSec, unit: 'orders/s' }),
      valueRow({ section: 'scale', figure: 'intake p99, empty queue', value: emptyIntake.latencyMs.p99, unit: 'ms' }),
      ratioRow({ section: 'scale', figure: `intake p99, ${orders} (vs empty)`, value: backlogIntake.latencyMs.p99, unit: 'ms', ceiling: emptyIntake.latencyMs.p99, target: { atMost: 1 + BACKLOG_TOLERANCE } }),
      ratioRow({ section: 'scale', figure: `intake accepted, ${orders} (vs empty)`, value: backlogIntake.succeededPerSec, unit: 'orders/s', ceiling: emptyIntake.succeededPerSec, target: { atLeast: 1 - BACKLOG_TOLERANCE } }),
      cpuRow('scale', 'intake, empty queue', emptyIntake.cpuUsPerOrder),
      cpuRow('scale', `intake, ${orders}`, backlogIntake.cpuUsPerOrder),
      valueRow({ section: 'scale', figure: `drain, empty queue (${emptyDrain.orders.toLocaleString('en-US')} from intake)`, value: emptyDrain.perSec, unit: 'orders/s' }),
      ratioRow({ section: 'scale', figure: `drain, ${orders} (vs empty)`, value: backlogDrain.perSec, unit: 'orders/s', ceiling: emptyDrain.perSec, target: { atLeast: 1 - BACKLOG_TOLERANCE } }),
      cpuRow('scale', 'backlog drain', backlogDrain.cpuUsPerOrder),
      valueRow({ section: 'scale', figure: `time to drain ${backlogDrain.orders.toLocaleString('en-US')}, predicted from the first ${EARLY_WINDOW_MS / 1000} s`, value: backlogDrain.predictedSec, unit: 's' }),
      ratioRow({ section: 'scale', figure: 'time to drain, measured (vs predicted)', value: backlogDrain.measuredSec, unit: 's', ceiling: backlogDrain.predictedSec }),
      valueRow({ section: 'scale', figure: 'broker RSS, empty', value: beforeFill.rssMb, unit: 'MB' }),
      valueRow({ section: 'scale', figure: `broker RSS, ${orders}`, value: withBacklog.rssMb, unit: 'MB' }),
      valueRow({ section: 'scale', figure: `broker data directory growth, ${orders}`, value: diskMb, unit: 'MB' }),
      valueRow({ section: 'scale', figure: 'broker disk per waiting order', value: diskMb === undefined ? undefined : (diskMb * 1024 * 1024) / backlog, unit: 'bytes' }),
      valueRow({ section: 'scale', figure: 'termination-processor peak RSS, backlog drain', value: backlogDrain.processorPeakRssMb, unit: 'MB', target: { atMost: 150 } }),
    ],
  };
}
