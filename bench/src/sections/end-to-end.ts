import { freePorts } from '@bss/system-launcher';
import { summarizeLatencies } from '@bss/observability';
import type { ChannelModel } from 'amqplib';
import { readyMessages } from '../broker/raw-amqp';
import { runOpenLoop } from '../load/open-loop';
import { BENCH_ORDER_TYPE, orderRequestBody } from '../load/orders';
import { cpuPerOrderUs, cpuSnapshot, MeteredProcess } from '../processes/cpu-time';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { CurvePoint } from '../report/latency-curve-svg';
import { valueRow } from '../report/result-row';
import { DepthSample, perSecond } from '../report/statistics';
import { afterHold, Hold, isSustainable, nextRate, SearchState } from '../report/sustainable-rate';
import { appBundle, BenchContext, cpuRow, HTTP_CONNECTIONS, metered, SectionResult } from './context';
import { processorEnv, startBackend } from './drain';
import { startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';
import { topologyNames } from '@bss/contracts';

/** The curve's points, as shares of the sustainable rate. */
export const CURVE_SHARES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;
const FIRST_RATE = 500;
const DEPTH_SAMPLE_MS = 250;
const SETTLE_TIMEOUT_MS = 180_000;
const LEDGER_PAGE = 100_000;
/** How long the system idles after start-up before its idle memory is read. */
const IDLE_SETTLE_MS = 3_000;

interface LedgerEntry {
  readonly orderId: string;
  readonly appliedAt: string;
}

/** How long each hold of the search and each curve point lasts. */
function holdSec(context: BenchContext): { search: number; point: number } {
  return context.scale.httpDurationSec >= 10 ? { search: 20, point: 15 } : { search: 4, point: 3 };
}

async function ledgerCount(backend: AppProcess): Promise<number> {
  return ((await (await fetch(`${backend.url}/api/v1/ledger/stats`)).json()) as { applied: number }).applied;
}

async function ledgerSince(backend: AppProcess, offset: number): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let at = offset; ; at += LEDGER_PAGE) {
    const page = (await (await fetch(`${backend.url}/api/v1/ledger?limit=${LEDGER_PAGE}&offset=${at}`)).json()) as { entries: LedgerEntry[] };
    entries.push(...page.entries);
    if (page.entries.length < LEDGER_PAGE) return entries;
  }
}

/** Waits until the queue is empty and the ledger holds every order accepted so far. */
async function settle(connection: ChannelModel, queue: string, backend: AppProcess, acceptedSoFar: number): Promise<void> {
  const channel = await connection.createChannel();
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  try {
    while (Date.now() < deadline) {
      if ((await readyMessages(channel, queue)) === 0 && (await ledgerCount(backend)) >= acceptedSoFar) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`the system did not settle within ${SETTLE_TIMEOUT_MS / 1000} s`);
  } finally {
    await channel.close();
  }
}

/** The system under test: backend simulator (unlimited) ← termination-processor ← queue ← producer-api. */
interface System {
  readonly backend: AppProcess;
  readonly processor: AppProcess;
  readonly producer: AppProcess;
  readonly queue: string;
  readonly processes: MeteredProcess[];
  accepted: number;
}

interface OpenLoopRun {
  readonly hold: Hold;
  readonly acceptedAt: Map<string, number>;
  readonly intakeLatenciesMs: readonly number[];
}

/** Offers `rate` orders/s open-loop for `durationSec`, sampling the queue's depth meanwhile. */
async function offer(context: BenchContext, system: System, rate: number, durationSec: number): Promise<OpenLoopRun> {
  const acceptedAt = new Map<string, number>();
  const depth: DepthSample[] = [];
  const channel = await context.connection.createChannel();
  const sampler = setInterval(() => {
    readyMessages(channel, system.queue).then(
      (ready) => depth.push({ atMs: performance.now(), depth: ready }),
      () => undefined,
    );
  }, DEPTH_SAMPLE_MS);
  try {
    const load = await runOpenLoop({
      url: `${system.producer.url}/api/v1/orders`,
      body: orderRequestBody(),
      connections: HTTP_CONNECTIONS,
      durationSec,
      ratePerSec: rate,
      onResponse: (status, body) => {
        if (status !== 202) return;
        const answer = JSON.parse(body) as { orderId: string; acceptedAt: string };
        acceptedAt.set(answer.orderId, Date.parse(answer.acceptedAt));
      },
    });
    system.accepted += acceptedAt.size;
    return {
      hold: { offeredPerSec: rate, acceptedPerSec: perSecond(acceptedAt.size, load.elapsedMs) ?? 0, errors: load.errors, depth },
      acceptedAt,
      intakeLatenciesMs: load.latenciesMs,
    };
  } finally {
    clearInterval(sampler);
    await channel.close();
  }
}

/** The highest offered rate at which intake takes everything and the queue stays flat for a whole hold. */
async function findSustainableRate(context: BenchContext, system: System): Promise<{ rate: number; holds: Hold[] }> {
  const holds: Hold[] = [];
  let state: SearchState = {};
  let rate: number | undefined = FIRST_RATE;
  while (rate !== undefined) {
    context.progress(`end-to-end: holding ${rate} orders/s for ${holdSec(context).search} s`);
    const { hold } = await offer(context, system, rate, holdSec(context).search);
    holds.push(hold);
    state = afterHold(state, rate, isSustainable(hold));
    await settle(context.connection, system.queue, system.backend, system.accepted);
    rate = nextRate(state, rate);
  }
  return { rate: state.highestSustainable ?? 1, holds };
}

async function measurePoint(context: BenchContext, system: System, share: number, sustainable: number): Promise<CurvePoint & { cpuUsPerOrder: Record<string, number>; accepted: number; applied: number }> {
  const rate = Math.max(1, Math.round(share * sustainable));
  context.progress(`end-to-end: ${Math.round(share * 100)} % of the sustainable rate, ${rate} orders/s`);
  const ledgerBefore = await ledgerCount(system.backend);
  const before = cpuSnapshot(system.processes);
  const run = await offer(context, system, rate, holdSec(context).point);
  await settle(context.connection, system.queue, system.backend, system.accepted);
  const cpuUsPerOrder = cpuPerOrderUs(before, cpuSnapshot(system.processes), run.acceptedAt.size);
  const latencies = (await ledgerSince(system.backend, ledgerBefore))
    .filter((entry) => run.acceptedAt.has(entry.orderId))
    .map((entry) => Date.parse(entry.appliedAt) - (run.acceptedAt.get(entry.orderId) as number));
  const intake = summarizeLatencies(run.intakeLatenciesMs);
  const applied = summarizeLatencies(latencies);
  return {
    shareOfSustainable: share,
    offeredPerSec: rate,
    intakeP50Ms: intake.p50,
    intakeP99Ms: intake.p99,
    appliedP50Ms: applied.p50,
    appliedP99Ms: applied.p99,
    accepted: run.acceptedAt.size,
    applied: latencies.length,
    cpuUsPerOrder,
  };
}

/**
 * The end-to-end curve: producer-api → queue → termination-processor → backend simulator
 * (unlimited). First the sustainable rate (the highest open-loop rate intake takes whole while the
 * queue stays flat), then 10, 25, 50, 75 and 90 % of it: intake latency and each order's
 * accepted → applied time (its 202's `acceptedAt` against its `appliedAt` in the backend's ledger),
 * and each process's CPU time per order, the load generator's included.
 */
export interface IdleMemory {
  readonly processorRssMb?: number;
  readonly producerRssMb?: number;
}

export async function runEndToEnd(context: BenchContext): Promise<SectionResult & { curve: { sustainablePerSec: number; points: CurvePoint[] }; idleMemory: IdleMemory }> {
  const prefix = `${context.runPrefix}.e2e`;
  const apps: AppProcess[] = [];
  try {
    const backend = await startBackend(context, 'e2e');
    apps.push(backend);
    const [processorPort] = await freePorts(1);
    const processor = await startAppProcess({ name: 'processor-e2e', bundle: appBundle(context, 'termination-processor'), port: processorPort, env: processorEnv(prefix, backend.url), logDir: context.logDir });
    apps.push(processor);
    const producer = await startProducer(context, 'e2e');
    apps.push(producer);
    const system: System = {
      backend,
      processor,
      producer,
      queue: topologyNames(prefix).queueFor(BENCH_ORDER_TYPE),
      processes: metered(
        context,
        { name: 'producer-api', pid: producer.pid },
        { name: 'processor', pid: processor.pid },
        { name: 'backend', pid: backend.pid },
        { name: 'load generator', pid: process.pid },
      ),
      accepted: 0,
    };
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const idleMemory = { processorRssMb: processor.rssMb(), producerRssMb: producer.rssMb() };
    const { rate: sustainable, holds } = await findSustainableRate(context, system);
    const points = [];
    for (const share of CURVE_SHARES) points.push(await measurePoint(context, system, share, sustainable));
    const half = points.find((point) => point.shareOfSustainable === 0.5);
    return {
      curve: { sustainablePerSec: sustainable, points },
      idleMemory,
      figures: { idleMemory, sustainablePerSec: sustainable, holds: holds.map(({ depth, ...hold }) => ({ ...hold, depthSamples: depth.length, lastDepth: depth.at(-1)?.depth })), points },
      rows: [
        valueRow({ section: 'end-to-end', figure: `sustainable rate (queue flat for ${holdSec(context).search} s)`, value: sustainable, unit: 'orders/s' }),
        ...points.flatMap((point) => {
          const at = `${Math.round(point.shareOfSustainable * 100)} % (${point.offeredPerSec}/s)`;
          return [
            valueRow({ section: 'end-to-end', figure: `${at}: intake p50`, value: point.intakeP50Ms, unit: 'ms' }),
            valueRow({ section: 'end-to-end', figure: `${at}: intake p99`, value: point.intakeP99Ms, unit: 'ms' }),
            valueRow({ section: 'end-to-end', figure: `${at}: accepted → applied p50`, value: point.appliedP50Ms, unit: 'ms' }),
            valueRow({ section: 'end-to-end', figure: `${at}: accepted → applied p99`, value: point.appliedP99Ms, unit: 'ms', ...(point === half ? { target: { atMost: 25 } } : {}) }),
            valueRow({ section: 'end-to-end', figure: `${at}: applied of accepted`, value: point.applied, unit: `of ${point.accepted.toLocaleString('en-US')}` }),
            cpuRow('end-to-end', at, point.cpuUsPerOrder),
          ];
        }),
      ],
    };
  } finally {
    for (const app of apps.reverse()) await app.stop();
    await deleteRunTopology(context, prefix);
  }
}
