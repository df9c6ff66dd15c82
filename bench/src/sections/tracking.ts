import { freePorts } from '@bss/system-launcher';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { BENCH_QUEUE_SETTINGS, BROKER_URL } from '../broker/raw-amqp';
import { runAlternatingRounds } from '../load/alternating-rounds';
import { orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { valueRow } from '../report/result-row';
import { overheadCost } from '../report/statistics';
import { appBundle, BenchContext, HTTP_CONNECTIONS, SectionResult } from './context';
import { DrainRun, drainOnce, startBackend } from './drain';
import { SIDE_BY_SIDE_ROUNDS, startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

const TRACKING_DATABASE_URL = process.env['BENCH_TRACKING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TRACKED = { ORDER_TRACKING: 'true' } as const;
const UNTRACKED = { ORDER_TRACKING: 'false' } as const;
/** Drain runs per setting, alternated (off, on, off, on...) so a slow spell of the machine hits both. */
const DRAIN_RUNS_EACH = 2;

/**
 * What order tracking costs, with the tracker running as it does in production (consuming the
 * events into PostgreSQL on the same two cores): intake with and without lifecycle events in
 * alternating rounds, and the HTTP drain with and without them in alternating runs.
 */
export async function runTracking(context: BenchContext): Promise<SectionResult> {
  const schemas: string[] = [];
  const startTracker = async (prefix: string): Promise<AppProcess> => {
    const schema = `bench_tracking_${randomBytes(4).toString('hex')}`;
    schemas.push(schema);
    const [port] = await freePorts(1);
    return startAppProcess({
      name: `order-tracker-${schemas.length}`,
      bundle: appBundle(context, 'order-tracker'),
      port,
      env: {
        RABBITMQ_URL: BROKER_URL,
        QUEUE_NAME: prefix,
        QUEUE_MAX_LENGTH: String(BENCH_QUEUE_SETTINGS.QUEUE_MAX_LENGTH),
        QUEUE_DELIVERY_LIMIT: String(BENCH_QUEUE_SETTINGS.QUEUE_DELIVERY_LIMIT),
        TRACKING_DATABASE_URL,
        TRACKING_DATABASE_SCHEMA: schema,
      },
      logDir: context.logDir,
    });
  };
  try {
    const intake = await measureIntake(context, startTracker);
    const drain = await measureDrain(context, startTracker);
    const intakeCost = overheadCost(intake.tracked.succeededPerSec, intake.untracked.succeededPerSec);
    const drainCost = overheadCost(median(drain.tracked), median(drain.untracked));
    return {
      figures: { intake, drain: { ...drain, trackedMedianPerSec: median(drain.tracked), untrackedMedianPerSec: median(drain.untracked) }, intakeCost, drainCost },
      rows: [
        valueRow({ section: 'tracking', figure: 'intake, lifecycle events on (tracker running)', value: intake.tracked.succeededPerSec, unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'intake, ORDER_TRACKING=false', value: intake.untracked.succeededPerSec, unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'cost of tracking to intake', value: percent(intakeCost), unit: '%', target: { atMost: 10 } }),
        valueRow({ section: 'tracking', figure: 'HTTP drain, lifecycle events on (tracker running), median', value: median(drain.tracked), unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'HTTP drain, ORDER_TRACKING=false, median', value: median(drain.untracked), unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'cost of tracking to drain', value: percent(drainCost), unit: '%', target: { atMost: 10 } }),
      ],
    };
  } finally {
    await dropSchemas(schemas);
  }
}

async function measureIntake(context: BenchContext, startTracker: (prefix: string) => Promise<AppProcess>) {
  const tracked = await startProducer(context, 'tracking-on', TRACKED);
  const untracked = await startProducer(context, 'tracking-off', UNTRACKED);
  const tracker = await startTracker(tracked.prefix);
  const body = orderRequestBody();
  try {
    context.progress('tracking: intake with lifecycle events and without, in alternating rounds');
    const results = await runAlternatingRounds({
      targets: [
        { name: 'tracked', url: `${tracked.url}/api/v1/orders`, body },
        { name: 'untracked', url: `${untracked.url}/api/v1/orders`, body },
      ],
      connections: HTTP_CONNECTIONS,
      totalSec: context.scale.httpDurationSec,
      warmUpSec: context.scale.warmUpSec,
      rounds: SIDE_BY_SIDE_ROUNDS,
    });
    return { tracked: results['tracked'], untracked: results['untracked'] };
  } finally {
    await tracker.stop();
    for (const producer of [tracked, untracked]) {
      await producer.stop();
      await deleteRunTopology(context, producer.prefix);
    }
  }
}

async function measureDrain(context: BenchContext, startTracker: (prefix: string) => Promise<AppProcess>) {
  const backend = await startBackend(context, 'tracking');
  const tracked: (number | undefined)[] = [];
  const untracked: (number | undefined)[] = [];
  const runs: Record<string, DrainRun> = {};
  try {
    for (let run = 1; run <= DRAIN_RUNS_EACH; run += 1) {
      context.progress(`tracking: HTTP drain without lifecycle events (${run}/${DRAIN_RUNS_EACH})`);
      runs[`untracked-${run}`] = await drainOnce(context, `tracking-drain-off-${run}`, appBundle(context, 'termination-processor'), backend, UNTRACKED);
      untracked.push(runs[`untracked-${run}`].perSec);
      context.progress(`tracking: HTTP drain with lifecycle events and the tracker (${run}/${DRAIN_RUNS_EACH})`);
      runs[`tracked-${run}`] = await drainOnce(context, `tracking-drain-on-${run}`, appBundle(context, 'termination-processor'), backend, TRACKED, startTracker);
      tracked.push(runs[`tracked-${run}`].perSec);
    }
  } finally {
    await backend.stop();
  }
  return { tracked, untracked, runs };
}

function median(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => value !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const middle = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[middle] : (known[middle - 1] + known[middle]) / 2;
}

function percent(fraction: number | undefined): number | undefined {
  return fraction === undefined ? undefined : fraction * 100;
}

async function dropSchemas(schemas: readonly string[]): Promise<void> {
  if (schemas.length === 0) return;
  const client = new Client({ connectionString: TRACKING_DATABASE_URL });
  await client.connect();
  try {
    for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
