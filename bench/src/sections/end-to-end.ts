import { freePorts } from '@bss/system-launcher';
import { runHttpLoad } from '../load/http-load';
import { orderRequestBody } from '../load/orders';
import { AppProcess, startAppProcess } from '../processes/app-process';
import { valueRow } from '../report/result-row';
import { lowestCeiling, perSecond } from '../report/statistics';
import { summarizeLatencies } from '@bss/observability';
import { Ceilings } from './ceilings';
import { appBundle, BenchContext, HTTP_CONNECTIONS, SectionResult } from './context';
import { processorEnv, startBackend } from './drain';
import { startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

const LEDGER_WAIT_MS = 120_000;
const LEDGER_PAGE = 100_000;

interface LedgerEntry {
  readonly orderId: string;
  readonly appliedAt: string;
}

async function ledgerEntries(backend: AppProcess): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = [];
  for (let offset = 0; ; offset += LEDGER_PAGE) {
    const page = (await (await fetch(`${backend.url}/api/v1/ledger?limit=${LEDGER_PAGE}&offset=${offset}`)).json()) as { entries: LedgerEntry[] };
    entries.push(...page.entries);
    if (page.entries.length < LEDGER_PAGE) return entries;
  }
}

async function waitForLedger(backend: AppProcess, expected: number): Promise<void> {
  const deadline = Date.now() + LEDGER_WAIT_MS;
  while (Date.now() < deadline) {
    const stats = (await (await fetch(`${backend.url}/api/v1/ledger/stats`)).json()) as { applied: number };
    if (stats.applied >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The whole path at half the intake ceiling: producer-api → queue → termination-processor → backend
 * simulator (unlimited), each order's acceptedAt (from its 202) against its appliedAt in the ledger.
 */
export async function runEndToEnd(context: BenchContext, ceilings: Ceilings): Promise<SectionResult> {
  const intakeCeiling = lowestCeiling(ceilings.httpPerSec, ceilings.publishPerSec);
  if (intakeCeiling === undefined) throw new Error('end-to-end needs the intake ceiling');
  const rate = Math.max(1, Math.round(intakeCeiling / 2));
  const backend = await startBackend(context, 'e2e');
  const apps: AppProcess[] = [backend];
  const prefix = `${context.runPrefix}.e2e`;
  const acceptedAt = new Map<string, number>();
  try {
    const [processorPort] = await freePorts(1);
    apps.push(
      await startAppProcess({ name: 'processor-e2e', bundle: appBundle(context, 'termination-processor'), port: processorPort, env: processorEnv(prefix, backend.url), logDir: context.logDir }),
    );
    const producer = await startProducer(context, 'e2e');
    apps.push(producer);
    context.progress(`end-to-end: ${rate} orders/s for ${context.scale.httpDurationSec} s`);
    const load = await runHttpLoad({
      url: `${producer.url}/api/v1/orders`,
      body: orderRequestBody(),
      connections: HTTP_CONNECTIONS,
      durationSec: context.scale.httpDurationSec,
      overallRate: rate,
      onResponse: (status, body) => {
        if (status !== 202) return;
        const answer = JSON.parse(body) as { orderId: string; acceptedAt: string };
        acceptedAt.set(answer.orderId, Date.parse(answer.acceptedAt));
      },
    });
    await waitForLedger(backend, acceptedAt.size);
    const latencies = (await ledgerEntries(backend))
      .filter((entry) => acceptedAt.has(entry.orderId))
      .map((entry) => Date.parse(entry.appliedAt) - (acceptedAt.get(entry.orderId) as number));
    const summary = summarizeLatencies(latencies);
    const achievedPerSec = perSecond(acceptedAt.size, load.elapsedMs);
    return {
      figures: { offeredPerSec: rate, achievedPerSec, accepted: acceptedAt.size, applied: latencies.length, intakeErrors: load.errors, intakeLatencyMs: summarizeLatencies(load.latenciesMs), latencyMs: summary },
      rows: [
        valueRow({ section: 'end-to-end', figure: 'offered: 50 % of the intake ceiling', value: rate, unit: 'orders/s' }),
        valueRow({ section: 'end-to-end', figure: 'accepted (202) during the run', value: achievedPerSec, unit: 'orders/s' }),
        valueRow({ section: 'end-to-end', figure: 'acceptedAt → applied p50', value: summary.p50, unit: 'ms' }),
        valueRow({ section: 'end-to-end', figure: 'acceptedAt → applied p99', value: summary.p99, unit: 'ms', target: { atMost: 20 } }),
        valueRow({ section: 'end-to-end', figure: 'applied of accepted', value: latencies.length, unit: `of ${acceptedAt.size.toLocaleString('en-US')}` }),
      ],
    };
  } finally {
    for (const app of apps.reverse()) await app.stop();
    await deleteRunTopology(context, prefix);
  }
}
