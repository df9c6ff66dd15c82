import { freePorts } from '@bss/system-launcher';
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { parsePrometheusText } from '@bss/observability';
import { BENCH_QUEUE_SETTINGS, BROKER_URL } from '../broker/raw-amqp';
import { runAlternatingRounds } from '../load/alternating-rounds';
import { orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { ratioRow, valueRow } from '../report/result-row';
import { overheadCost } from '../report/statistics';
import { appBundle, BenchContext, HTTP_CONNECTIONS, SectionResult } from './context';
import { DrainRun, drainOnce, startBackend } from './drain';
import { SIDE_BY_SIDE_ROUNDS, startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

const TRACKING_DATABASE_URL = process.env['BENCH_TRACKING_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const TRACKED = { ORDER_TRACKING: 'true' } as const;
const UNTRACKED = { ORDER_TRACKING: 'false' } as const;
/** Drain runs per setting, alternated (off, events, tracker, off...) so a slow spell of the machine hits all. */
const DRAIN_RUNS_EACH = 2;
const STORE_TIMEOUT_MS = 300_000;

/**
 * What order tracking costs. On this two-core machine the tracker and PostgreSQL compete with the
 * apps they track, so it is measured three ways: intake and the HTTP drain with lifecycle events but
 * the tracker elsewhere (its queue fills, as with a tracker on other nodes), the same drain with the
 * tracker running beside it, and without events at all; then how fast the tracker stores what the
 * drain published, against the drain's own rate, since it has to keep up with it.
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
    const intake = await measureIntake(context);
    const drain = await measureDrain(context, startTracker);
    const untracked = median(drain.untracked);
    const intakeCost = overheadCost(intake.tracked.succeededPerSec, intake.untracked.succeededPerSec);
    const drainCost = overheadCost(median(drain.eventsOnly), untracked);
    const sharedMachineCost = overheadCost(median(drain.withTracker), untracked);
    const trackerOrdersPerSec = median(drain.trackerOrdersPerSec);
    return {
      figures: {
        intake,
        drain: { ...drain, medians: { untracked, eventsOnly: median(drain.eventsOnly), withTracker: median(drain.withTracker), trackerOrdersPerSec } },
        intakeCost,
        drainCost,
        sharedMachineCost,
      },
      rows: [
        valueRow({ section: 'tracking', figure: 'intake, lifecycle events on (tracker elsewhere)', value: intake.tracked.succeededPerSec, unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'intake, ORDER_TRACKING=false', value: intake.untracked.succeededPerSec, unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'cost of tracking to intake', value: percent(intakeCost), unit: '%', target: { atMost: 10 } }),
        valueRow({ section: 'tracking', figure: 'HTTP drain, ORDER_TRACKING=false, median', value: untracked, unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'HTTP drain, lifecycle events on (tracker elsewhere), median', value: median(drain.eventsOnly), unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'cost of tracking to drain', value: percent(drainCost), unit: '%', target: { atMost: 10 } }),
        valueRow({ section: 'tracking', figure: 'HTTP drain with the tracker on the same two cores, median', value: median(drain.withTracker), unit: 'orders/s' }),
        valueRow({ section: 'tracking', figure: 'cost with tracker + PostgreSQL on the same two cores', value: percent(sharedMachineCost), unit: '%' }),
        ratioRow({ section: 'tracking', figure: "tracker storing the drain's events (2 per order)", value: trackerOrdersPerSec, unit: 'orders/s', ceiling: untracked, target: { atLeast: 1 } }),
      ],
    };
  } finally {
    await dropSchemas(schemas);
  }
}

async function measureIntake(context: BenchContext) {
  const tracked = await startProducer(context, 'tracking-on', TRACKED);
  const untracked = await startProducer(context, 'tracking-off', UNTRACKED);
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
    for (const producer of [tracked, untracked]) {
      await producer.stop();
      await deleteRunTopology(context, producer.prefix);
    }
  }
}

async function measureDrain(context: BenchContext, startTracker: (prefix: string) => Promise<AppProcess>) {
  const backend = await startBackend(context, 'tracking');
  const processor = appBundle(context, 'termination-processor');
  const series = { untracked: [] as (number | undefined)[], eventsOnly: [] as (number | undefined)[], withTracker: [] as (number | undefined)[], trackerOrdersPerSec: [] as (number | undefined)[] };
  const runs: Record<string, DrainRun> = {};
  const storeWhatWasPublished = async (prefix: string) => {
    const tracker = await startTracker(prefix);
    try {
      series.trackerOrdersPerSec.push(await ordersStoredPerSec(context, tracker));
    } finally {
      await tracker.stop();
    }
  };
  try {
    for (let run = 1; run <= DRAIN_RUNS_EACH; run += 1) {
      context.progress(`tracking: HTTP drain without lifecycle events (${run}/${DRAIN_RUNS_EACH})`);
      runs[`untracked-${run}`] = await drainOnce(context, `tracking-off-${run}`, processor, backend, { env: UNTRACKED });
      series.untracked.push(runs[`untracked-${run}`].perSec);
      context.progress(`tracking: HTTP drain with lifecycle events, the tracker elsewhere, then the tracker storing them (${run}/${DRAIN_RUNS_EACH})`);
      runs[`events-${run}`] = await drainOnce(context, `tracking-events-${run}`, processor, backend, { env: TRACKED, afterDrain: storeWhatWasPublished });
      series.eventsOnly.push(runs[`events-${run}`].perSec);
      context.progress(`tracking: HTTP drain with lifecycle events and the tracker beside it (${run}/${DRAIN_RUNS_EACH})`);
      runs[`tracker-${run}`] = await drainOnce(context, `tracking-tracker-${run}`, processor, backend, { env: TRACKED, alongside: startTracker });
      series.withTracker.push(runs[`tracker-${run}`].perSec);
    }
  } finally {
    await backend.stop();
  }
  return { ...series, runs };
}

/** Lifecycle events a drained order publishes: in-progress and applied. */
const EVENTS_PER_DRAINED_ORDER = 2;

/**
 * Orders per second whose events the tracker stored, from its start (the drain's events all waiting
 * in its queue) until its own counter says it stored every one of them.
 */
async function ordersStoredPerSec(context: BenchContext, tracker: AppProcess): Promise<number | undefined> {
  const expected = context.scale.drainMessages * EVENTS_PER_DRAINED_ORDER;
  const started = performance.now();
  while ((await storedEventsOf(tracker)) < expected) {
    if (performance.now() - started > STORE_TIMEOUT_MS) return undefined;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return context.scale.drainMessages / ((performance.now() - started) / 1000);
}

async function storedEventsOf(tracker: AppProcess): Promise<number> {
  const text = await (await fetch(`${tracker.url}/metrics`)).text();
  return parsePrometheusText(text, new Set(['bss_tracker_events_total'])).find((sample) => sample.labels['result'] === 'stored')?.value ?? 0;
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
