import { freePorts } from '@bss/system-launcher';
import { BENCH_QUEUE_SETTINGS, BROKER_URL } from '../broker/raw-amqp';
import { runAlternatingRounds } from '../load/alternating-rounds';
import { HttpLoadResult, runHttpLoad, summarizeRuns } from '../load/http-load';
import { batchRequestBody, orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { lowestCeiling, perSecond } from '../report/statistics';
import { Ceilings } from './ceilings';
import { appBundle, BenchContext, benchBundle, HTTP_CONNECTIONS, SectionResult } from './context';
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

/**
 * Single orders against producer-api and the bare NestJS endpoint in alternating rounds (the
 * intake's ratio is taken against this side-by-side ceiling), then batches against producer-api.
 */
export interface ProducerMemory {
  readonly afterStartMb?: number;
  readonly afterSingleOrdersMb?: number;
  readonly afterBatchesMb?: number;
}

export async function runIntake(context: BenchContext, ceilings: Ceilings): Promise<SectionResult & { producerMemory: ProducerMemory }> {
  const [barePort] = await freePorts(1);
  const bare = await startAppProcess({ name: 'bare-intake-side-by-side', bundle: benchBundle(context, 'bare-intake'), port: barePort, env: {}, logDir: context.logDir });
  const producer = await startProducer(context, 'intake');
  let single: HttpLoadResult;
  let bareSideBySide: HttpLoadResult;
  let batch: Awaited<ReturnType<typeof measureBatchIntake>>;
  const afterStartMb = producer.peakRssMb();
  let afterSingleOrdersMb: number | undefined;
  let afterBatchesMb: number | undefined;
  try {
    context.progress('intake: single orders, producer-api and bare NestJS in alternating rounds');
    const body = orderRequestBody();
    const results = await runAlternatingRounds({
      targets: [
        { name: 'producer', url: `${producer.url}/api/v1/orders`, body },
        { name: 'bare', url: `${bare.url}/api/v1/orders`, body },
      ],
      connections: HTTP_CONNECTIONS,
      totalSec: context.scale.httpDurationSec,
      warmUpSec: context.scale.warmUpSec,
      rounds: SIDE_BY_SIDE_ROUNDS,
    });
    single = results['producer'];
    bareSideBySide = results['bare'];
    afterSingleOrdersMb = producer.peakRssMb();
    context.progress(`intake: batches of ${BATCH_SIZE}`);
    batch = await measureBatchIntake(context, producer);
    afterBatchesMb = producer.peakRssMb();
  } finally {
    await producer.stop();
    await bare.stop();
    await deleteRunTopology(context, producer.prefix);
  }
  const ceiling = lowestCeiling(bareSideBySide.succeededPerSec, ceilings.publishPerSec);
  const producerMemory = { afterStartMb, afterSingleOrdersMb, afterBatchesMb };
  return {
    producerMemory,
    figures: { ceiling, single, bareSideBySide, batch, batchSize: BATCH_SIZE, producerPeakRssMb: producerMemory },
    rows: [
      valueRow({ section: 'intake', figure: 'bare NestJS, side by side (ceiling)', value: bareSideBySide.succeededPerSec, unit: 'req/s' }),
      ratioRow({ section: 'intake', figure: 'single: accepted (202) at 50 conns', value: single.succeededPerSec, unit: 'orders/s', ceiling, target: { atLeast: 0.7 } }),
      valueRow({ section: 'intake', figure: 'single: p50 latency', value: single.latencyMs.p50, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: p99 latency', value: single.latencyMs.p99, unit: 'ms', target: { atMost: 25 } }),
      valueRow({ section: 'intake', figure: 'single: max latency', value: single.latencyMs.max, unit: 'ms' }),
      valueRow({ section: 'intake', figure: 'single: errors (non-2xx, failed)', value: single.errors, unit: '' }),
      ratioRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: accepted orders`, value: batch.ordersPerSec, unit: 'orders/s', ceiling: ceilings.publishPerSec }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: p99 latency per request`, value: batch.latencyMs.p99, unit: 'ms' }),
      valueRow({ section: 'intake', figure: `batch of ${BATCH_SIZE}: errors`, value: batch.errors, unit: '' }),
    ],
  };
}
