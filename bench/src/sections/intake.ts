import { freePorts } from '@bss/system-launcher';
import { BENCH_QUEUE_SETTINGS, BROKER_URL, declareOrderTopology } from '../broker/raw-amqp';
import { runAlternatingRounds } from '../load/alternating-rounds';
import { HttpLoadResult, runHttpLoad, summarizeRuns } from '../load/http-load';
import { BENCH_ORDER_TYPE, batchRequestBody, orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { perSecond } from '../report/statistics';
import { Ceilings } from './ceilings';
import { appBundle, BenchContext, benchBundle, cpuRow, HTTP_CONNECTIONS, metered, SectionResult } from './context';
import { deleteRunTopology } from './topology-cleanup';

/** Orders per batch request: a client flushing a modest buffer. */
export const BATCH_SIZE = 20;

/** Alternating rounds of load when two endpoints are compared side by side. */
export const SIDE_BY_SIDE_ROUNDS = 5;

/** producer-api started alone (no consumers) on its own topology prefix. */
export async function startProducer(context: BenchContext, label: string, env: Record<string, string> = {}): Promise<AppProcess & { prefix: string }> {
  const [port] = await freePorts(1);
  const prefix = `${context.runPrefix}.${label}`;
  const app = await startAppProcess({
    name: `producer-api-${label}`,
    bundle: appBundle(context, 'producer-api'),
    port,
    env: {
      RABBITMQ_URL: BROKER_URL,
      QUEUE_NAME: prefix,
      QUEUE_MAX_LENGTH: String(BENCH_QUEUE_SETTINGS.QUEUE_MAX_LENGTH),
      QUEUE_DELIVERY_LIMIT: String(BENCH_QUEUE_SETTINGS.QUEUE_DELIVERY_LIMIT),
      API_KEYS: '',
      ...env,
    },
    logDir: context.logDir,
    cpuProfileDir: context.cpuProfileDir,
  });
  return Object.assign(app, { prefix });
}

/**
 * The raw intake ceiling (`bench/src/apps/raw-intake`) on its own topology prefix: node:http, the
 * same contracts and envelope, a raw amqplib confirm channel, publishing where producer-api would.
 */
export async function startRawIntake(context: BenchContext, label: string): Promise<AppProcess & { prefix: string }> {
  const [port] = await freePorts(1);
  const prefix = `${context.runPrefix}.${label}`;
  const names = await declareOrderTopology(context.connection, prefix);
  const app = await startAppProcess({
    name: `raw-intake-${label}`,
    bundle: benchBundle(context, 'raw-intake'),
    port,
    env: { RABBITMQ_URL: BROKER_URL, RAW_EXCHANGE: names.ordersExchange, RAW_ROUTING_KEY: names.routingKeyFor(BENCH_ORDER_TYPE) },
    logDir: context.logDir,
  });
  return Object.assign(app, { prefix });
}

/** Batches of BATCH_SIZE at 50 connections; counts the items the API reports accepted. */
async function measureBatchIntake(context: BenchContext, producer: AppProcess): Promise<HttpLoadResult & { ordersPerSec?: number }> {
  let accepted = 0;
  const run = await runHttpLoad({
    url: `${producer.url}/api/v1/orders/batch`,
    body: batchRequestBody(BATCH_SIZE),
    connections: HTTP_CONNECTIONS,
    durationSec: context.scale.httpDurationSec,
    onResponse: (status, body) => {
      if (status === 200) accepted += (JSON.parse(body) as { accepted: number }).accepted;
    },
  });
  return { ...summarizeRuns([run]), ordersPerSec: perSecond(accepted, run.elapsedMs) };
}

/** producer-api's peak RSS after each phase of the intake section. */
export interface ProducerMemory {
  readonly afterStartMb?: number;
  readonly afterSingleOrdersMb?: number;
  readonly afterBatchesMb?: number;
}

/**
 * Single orders against producer-api, the raw intake and the bare NestJS endpoint in alternating
 * rounds (intake's ratios are taken against these side-by-side ceilings, each process's CPU time
 * per order during its own rounds), then batches against producer-api.
 */
export async function runIntake(context: BenchContext, ceilings: Ceilings): Promise<SectionResult & { producerMemory: ProducerMemory }> {
  const [barePort] = await freePorts(1);
  const bare = await startAppProcess({ name: 'bare-intake-side-by-side', bundle: benchBundle(context, 'bare-intake'), port: barePort, env: {}, logDir: context.logDir });
  const raw = await startRawIntake(context, 'raw-intake');
  const producer = await startProducer(context, 'intake');
  let results: Awaited<ReturnType<typeof runAlternatingRounds>>;
  let batch: Awaited<ReturnType<typeof measureBatchIntake>>;
  const afterStartMb = producer.peakRssMb();
  let afterSingleOrdersMb: number | undefined;
  let afterBatchesMb: number | undefined;
  try {
    context.progress('intake: single orders, producer-api, raw intake and bare NestJS in alternating rounds');
    const body = orderRequestBody();
    results = await runAlternatingRounds({
      targets: [
        { name: 'producer', url: `${producer.url}/api/v1/orders`, body, processes: metered(context, { name: 'producer-api', pid: producer.pid }) },
        { name: 'raw', url: `${raw.url}/api/v1/orders`, body, processes: metered(context, { name: 'raw intake', pid: raw.pid }) },
        { name: 'bare', url: `${bare.url}/api/v1/orders`, body, processes: [{ name: 'bare NestJS', pid: bare.pid }] },
      ],
      connections: HTTP_CONNECTIONS,
      totalSec: context.scale.httpDurationSec,
      warmUpSec: context.scale.warmUpSec,
      rounds: SIDE_BY_SIDE_ROUNDS,
    });
    afterSingleOrdersMb = producer.peakRssMb();
    context.progress(`intake: batches of ${BATCH_SIZE}`);
    batch = await measureBatchIntake(context, producer);
    afterBatchesMb = producer.peakRssMb();
  } finally {
    await producer.stop();
    await raw.stop();
    await bare.stop();
    await deleteRunTopology(context, producer.prefix);
    await deleteRunTopology(context, raw.prefix);
  }
  const { producer: single, raw: rawSideBySide, bare: bareSideBySide } = results;
  const producerMemory = { afterStartMb, afterSingleOrdersMb, afterBatchesMb };
  return {
    producerMemory,
    figures: { single, rawSideBySide, bareSideBySide, batch, batchSize: BATCH_SIZE, producerPeakRssMb: producerMemory },
    rows: [
      valueRow({ section: 'intake', figure: 'raw intake (node:http + contracts + confirm), side by side', value: rawSideBySide.succeededPerSec, unit: 'req/s' }),
      valueRow({ section: 'intake', figure: 'raw intake p99 latency', value: rawSideBySide.latencyMs.p99, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'bare NestJS (no broker), side by side', value: bareSideBySide.succeededPerSec, unit: 'req/s' }),
      ratioRow({ section: 'intake', figure: 'single: accepted (202) vs raw intake', value: single.succeededPerSec, unit: 'orders/s', ceiling: rawSideBySide.succeededPerSec, target: { atLeast: 0.8 } }),
      ratioRow({ section: 'intake', figure: 'single: accepted (202) vs bare NestJS', value: single.succeededPerSec, unit: 'orders/s', ceiling: bareSideBySide.succeededPerSec, target: { atLeast: 0.7 } }),
      valueRow({ section: 'intake', figure: 'single: p50 latency', value: single.latencyMs.p50, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: p99 latency', value: single.latencyMs.p99, unit: 'ms', target: { atMost: 25 } }),
      valueRow({ section: 'intake', figure: 'single: max latency', value: single.latencyMs.max, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: errors (non-2xx, failed)', value: single.errors, unit: '' }),
      cpuRow('intake', 'single', single.cpuUsPerOrder),
      cpuRow('intake', 'raw intake', rawSideBySide.cpuUsPerOrder),
      cpuRow('intake', 'bare NestJS', bareSideBySide.cpuUsPerOrder),
      ratioRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: accepted orders`, value: batch.ordersPerSec, unit: 'orders/s', ceiling: ceilings.publishPerSec }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: p99 latency per request`, value: batch.latencyMs.p99, unit: 'ms' }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: errors`, value: batch.errors, unit: '' }),
    ],
  };
}
