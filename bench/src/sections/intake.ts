import { freePorts } from '@bss/system-launcher';
import { BROKER_URL, BENCH_QUEUE_SETTINGS } from '../broker/raw-amqp';
import { HttpLoadResult, runHttpLoad } from '../load/http-load';
import { batchRequestBody, orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { lowestCeiling, perSecond } from '../report/statistics';
import { Ceilings } from './ceilings';
import { appBundle, BenchContext, HTTP_CONNECTIONS, SectionResult } from './context';
import { deleteRunTopology } from './topology-cleanup';

/** Orders per batch request: a client flushing a modest buffer. */
export const BATCH_SIZE = 20;

export interface IntakeFigures {
  readonly ordersPerSec?: number;
  readonly load: HttpLoadResult;
}

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

/** Single orders at 50 connections, closed loop, after a warm-up; 202s per second. */
export async function measureSingleIntake(context: BenchContext, producer: AppProcess): Promise<IntakeFigures> {
  const load = { url: `${producer.url}/api/v1/orders`, body: orderRequestBody(), connections: HTTP_CONNECTIONS };
  await runHttpLoad({ ...load, durationSec: context.scale.warmUpSec });
  const result = await runHttpLoad({ ...load, durationSec: context.scale.httpDurationSec });
  return { ordersPerSec: perSecond(result.succeeded, result.elapsedMs), load: result };
}

/** Batches of BATCH_SIZE at 50 connections; counts the items the API reports accepted. */
export async function measureBatchIntake(context: BenchContext, producer: AppProcess): Promise<IntakeFigures> {
  let accepted = 0;
  const result = await runHttpLoad({
    url: `${producer.url}/api/v1/orders/batch`,
    body: batchRequestBody(BATCH_SIZE),
    connections: HTTP_CONNECTIONS,
    durationSec: context.scale.httpDurationSec,
    onResponse: (status, body) => {
      if (status === 200) accepted += (JSON.parse(body) as { accepted: number }).accepted;
    },
  });
  return { ordersPerSec: perSecond(accepted, result.elapsedMs), load: result };
}

export async function runIntake(context: BenchContext, ceilings: Ceilings): Promise<SectionResult & { producerPeakRssMb?: number; ordersPerSec?: number }> {
  const producer = await startProducer(context, 'intake');
  let single: IntakeFigures;
  let batch: IntakeFigures;
  let producerPeakRssMb: number | undefined;
  try {
    context.progress('intake: single orders');
    single = await measureSingleIntake(context, producer);
    context.progress(`intake: batches of ${BATCH_SIZE}`);
    batch = await measureBatchIntake(context, producer);
    producerPeakRssMb = producer.peakRssMb();
  } finally {
    await producer.stop();
    await deleteRunTopology(context, producer.prefix);
  }
  const ceiling = lowestCeiling(ceilings.httpPerSec, ceilings.publishPerSec);
  return {
    producerPeakRssMb,
    ordersPerSec: single.ordersPerSec,
    figures: { ceiling, single, batch, batchSize: BATCH_SIZE, producerPeakRssMb },
    rows: [
      ratioRow({ section: 'intake', figure: 'single: accepted (202) at 50 conns', value: single.ordersPerSec, unit: 'orders/s', ceiling, target: { atLeast: 0.7 } }),
      valueRow({ section: 'intake', figure: 'single: p50 latency', value: single.load.latencyMs.p50, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: p99 latency', value: single.load.latencyMs.p99, unit: 'ms', target: { atMost: 25 } }),
      valueRow({ section: 'intake', figure: 'single: max latency', value: single.load.latencyMs.max, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: errors (non-2xx, failed)', value: single.load.errors, unit: '' }),
      ratioRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: accepted orders`, value: batch.ordersPerSec, unit: 'orders/s', ceiling: ceilings.publishPerSec }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: p99 latency per request`, value: batch.load.latencyMs.p99, unit: 'ms' }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: errors`, value: batch.load.errors, unit: '' }),
    ],
  };
}
