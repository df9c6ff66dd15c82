import { ORDER_TYPES, OrderType, TopologyNames } from '@bss/contracts';
import { DEFERRAL_DELAYS_MS } from '@bss/messaging';
import { BrokerProbe, uniqueTopology } from '@bss/messaging/testing';
import { randomUUID } from 'node:crypto';
import { BehavingClient, clientOrder, ClientOrderRecord, placeOpenLoop } from './behaving-client';
import { recordChaosRow } from './chaos-table';
import { auditClientOrders, ClientAudit } from './client-audit';
import { ReadinessMonitor } from './readiness-monitor';
import { RunningSystem, startSystem, SystemOptions } from './system';
import { DeadLetter, deadLetterOf, LedgerEntry, readLedger } from './tally';

export interface ScenarioContext {
  readonly system: RunningSystem;
  readonly names: TopologyNames;
  /** Marks the moment the fault begins: "ready again" is measured from here. */
  faultBegins(): void;
}

export interface ClientScenario {
  readonly title: string;
  /** Where the apps find the broker, and every other setting of the run. */
  readonly env: Record<string, string>;
  /** For looking at the queues from outside (one per node of a cluster). */
  readonly brokerUrls: readonly string[];
  readonly ratePerSecond: number;
  /** How many orders to place; without it, orders are placed until the fault is over and `tailMs` more. */
  readonly orders?: number;
  readonly tailMs?: number;
  readonly typeOf?: (index: number) => OrderType;
  /** After the last order was first sent, how long the client keeps resending before it gives up. */
  readonly persistMs?: number;
  readonly settleTimeoutMs?: number;
  readonly system?: SystemOptions;
  /** Runs beside the load: waits, breaks something, heals it. */
  readonly fault: (context: ScenarioContext) => Promise<void>;
  /** Looks at the system once every accepted order is applied or dead-lettered, before it stops. */
  readonly afterDrain?: (context: ScenarioContext) => Promise<void>;
  /** Dead letters of the run, when something other than the dead-letter queue holds them (the ops console's store). */
  readonly deadLetters?: (context: ScenarioContext) => Promise<DeadLetter[]>;
}

export interface ClientScenarioResult {
  readonly audit: ClientAudit;
  readonly records: ClientOrderRecord[];
  readonly ledger: LedgerEntry[];
  readonly logs: Map<string, string[]>;
}

/**
 * One chaos scenario with the behaving client: starts the built system on its own topology,
 * places the orders open-loop while the fault runs, waits until every accepted order is applied
 * or dead-lettered, audits per client order and records the row.
 */
export async function runClientScenario(scenario: ClientScenario): Promise<ClientScenarioResult> {
  const names = uniqueTopology('chaos');
  const logs = new Map<string, string[]>();
  const system = await startSystem(
    { QUEUE_NAME: names.prefix, LOG_LEVEL: 'warn', RETRY_AFTER_SEC: '1', CONCURRENCY: '10', ...scenario.env },
    logs,
    scenario.system,
  );
  const monitor = new ReadinessMonitor(Object.fromEntries(system.apps.map((app) => [app.name, system.url(app.name)])));
  const startedAt = Date.now();
  let faultAt = startedAt;
  let faultEndedAt: number | undefined;
  let loadEndedAt: number | undefined;
  let abandoned = false;
  const context: ScenarioContext = { system, names, faultBegins: () => (faultAt = Date.now()) };
  const client = new BehavingClient({
    baseUrl: system.url('producer-api'),
    startedAt,
    giveUpAt: () => (abandoned ? 0 : (loadEndedAt ?? Infinity) + (scenario.persistMs ?? 90_000)),
  });
  const run = `${scenario.title.replace(/[^A-Za-z0-9]+/g, '-').slice(0, 40)}-${randomUUID().slice(0, 8)}`;
  const typeOf = scenario.typeOf ?? ((index: number) => ORDER_TYPES[index % ORDER_TYPES.length]);
  const more = (index: number) =>
    !abandoned && (scenario.orders !== undefined ? index < scenario.orders : faultEndedAt === undefined || Date.now() < faultEndedAt + (scenario.tailMs ?? 3000));
  const load = placeOpenLoop(client, (index) => clientOrder(run, index, typeOf(index)), scenario.ratePerSecond, (index) => {
    const going = more(index);
    if (!going) loadEndedAt ??= Date.now();
    return going;
  });
  try {
    monitor.start();
    const fault = scenario.fault(context).finally(() => (faultEndedAt = Date.now()));
    const [records] = await Promise.all([load, fault]);
    const deadLetters = await settle(scenario, context, records, logs);
    await monitor.stop();
    await scenario.afterDrain?.(context);
    const ledger = await readLedger(system);
    const audit = auditClientOrders({
      scenario: scenario.title,
      records,
      ledger,
      deadLetters,
      readyAgainSec: monitor.readyAgainSecondsAfter(faultAt),
      seconds: Math.round((Date.now() - startedAt) / 100) / 10,
    });
    recordChaosRow(audit);
    reportLastUnready(scenario.title, monitor, logs);
    return { audit, records, ledger, logs };
  } catch (error) {
    recordChaosRow({ scenario: scenario.title, sent: 0, accepted: 0, appliedOnce: 0, appliedTwice: 0, deadLettered: 0, lost: 0, seconds: 0, failure: (error as Error).message });
    throw error;
  } finally {
    // A client still resending after a failure must not reach the next scenario's apps.
    abandoned = true;
    await Promise.allSettled([load]);
    await monitor.stop();
    await system.stop();
    await withProbe(scenario.brokerUrls, (probe) => probe.deleteTopology(names)).catch((error: Error) =>
      process.stderr.write(`cleanup of ${names.prefix} failed: ${error.message}\n`),
    );
  }
}

/** Which app took longest to be ready again, what it said and logged last: where to look when that time is long. */
function reportLastUnready(title: string, monitor: ReadinessMonitor, logs: ReadonlyMap<string, readonly string[]>): void {
  const last = monitor.lastUnready();
  if (!last) return;
  const tail = (logs.get(last.app) ?? []).slice(-5).map((line) => `  ${line.slice(0, 400)}`);
  process.stderr.write([`[chaos] ${title}: ${last.app} was the last unready (${last.said})`, ...tail, ''].join('\n'));
}

/** Retry steps a scenario's processors may have declared (the test kit cleans up as many). */
const RETRY_STEPS_TO_WATCH = 8;

/**
 * Waits until the system has nothing left to do: every accepted order in the ledger or among the
 * dead letters, no message ready in any order, retry or deferral queue, and the ledger unchanged for two
 * polls — a second copy of an order still on its way could otherwise be applied after the audit.
 * Dead letters are counted while waiting (nothing taken off and put back, which would count towards
 * the queue's delivery limit) and taken off at the end.
 */
async function settle(scenario: ClientScenario, context: ScenarioContext, records: readonly ClientOrderRecord[], logs: ReadonlyMap<string, readonly string[]>): Promise<DeadLetter[]> {
  const accepted = new Set(records.filter((record) => record.acceptedOrderId).map((record) => record.order.correlationId));
  const deadline = Date.now() + (scenario.settleTimeoutMs ?? 120_000);
  let previousLedgerSize = -1;
  let stablePolls = 0;
  for (;;) {
    const ledger = await readLedger(context.system);
    const handled = new Set(ledger.map((entry) => entry.correlationId));
    const applied = [...accepted].filter((id) => handled.has(id)).length;
    const dead = scenario.deadLetters
      ? (await scenario.deadLetters(context).catch(() => [])).length
      : await withProbe(scenario.brokerUrls, (probe) => probe.messageCount(context.names.deadLetterQueue)).catch(() => 0);
    const waiting = await withProbe(scenario.brokerUrls, (probe) => readyInWorkQueues(probe, context.names)).catch(() => Infinity);
    stablePolls = ledger.length === previousLedgerSize ? stablePolls + 1 : 0;
    previousLedgerSize = ledger.length;
    if (applied + dead >= accepted.size && waiting === 0 && stablePolls >= 2) break;
    if (Date.now() > deadline) {
      await reportUnsettled(scenario, context, logs, { accepted: accepted.size, applied, dead });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  if (scenario.deadLetters) return scenario.deadLetters(context);
  const messages = await withProbe(scenario.brokerUrls, (probe) => probe.drain(context.names.deadLetterQueue));
  return messages.map(deadLetterOf);
}

/**
 * The run did not settle in time, so the audit will count orders as lost: what each work queue holds
 * and who consumes it, and what each app logged last, are what tell a stuck consumer from a lost order.
 */
async function reportUnsettled(
  scenario: ClientScenario,
  context: ScenarioContext,
  logs: ReadonlyMap<string, readonly string[]>,
  counts: { accepted: number; applied: number; dead: number },
): Promise<void> {
  const queues = await withProbe(scenario.brokerUrls, (probe) =>
    Promise.all(
      ORDER_TYPES.map(async (type) => {
        const queue = context.names.queueFor(type);
        const [ready, consumers] = await Promise.all([probe.messageCount(queue).catch(() => 'missing'), probe.consumerCount(queue).catch(() => 'missing')]);
        return `  ${queue}: ${ready} ready, ${consumers} consumers`;
      }),
    ),
  ).catch((error: Error) => [`  queues unreadable: ${error.message}`]);
  const tails = context.system.apps.flatMap((app) => [`  ${app.name}:`, ...(logs.get(app.name) ?? []).slice(-8).map((line) => `    ${line.slice(0, 300)}`)]);
  process.stderr.write(
    [`[chaos] ${scenario.title}: not settled after ${scenario.settleTimeoutMs ?? 120_000} ms (accepted ${counts.accepted}, applied ${counts.applied}, dead-lettered ${counts.dead})`, ...queues, ...tails, ''].join('\n'),
  );
}

/** Messages ready in the order queues and the retry and deferral queues, those that exist. */
async function readyInWorkQueues(probe: BrokerProbe, names: TopologyNames): Promise<number> {
  const queues = [
    ...ORDER_TYPES.map((type) => names.queueFor(type)),
    ...Array.from({ length: RETRY_STEPS_TO_WATCH }, (_, step) => names.retryQueueFor(step + 1)),
    ...DEFERRAL_DELAYS_MS.map((delayMs) => names.deferralQueueFor(delayMs)),
  ];
  const counts = await Promise.all(queues.map((queue) => probe.messageCount(queue).catch(() => 0)));
  return counts.reduce((sum, count) => sum + count, 0);
}

async function withProbe<T>(urls: readonly string[], work: (probe: BrokerProbe) => Promise<T>): Promise<T> {
  const probe = await BrokerProbe.connect(urls);
  try {
    return await work(probe);
  } finally {
    await probe.close().catch(() => undefined);
  }
}
