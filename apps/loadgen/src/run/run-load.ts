import { ORDER_TYPES, OrderType, TopologyNames } from '@bss/contracts';
import { departureTimes, Profile } from '../profiles/profiles';
import { OrderMix, payloadFor, pickType } from '../traffic/order-mix';
import { seededRandom } from '../traffic/random';
import { ManagementClient } from '@bss/messaging';
import { Budget, CapacityFault } from '../cli/options';
import { directTarget, isAccepted, queueTarget, Sent, Target } from './targets';

export type Mode = 'queue' | 'direct';

export interface RunSettings {
  readonly mode: Mode;
  /** The processors' budget (queue runs of a launched system). */
  readonly budget?: Budget;
  readonly capacityFault?: CapacityFault;
  readonly profile: Profile;
  readonly mix: OrderMix;
  readonly seed: number;
  readonly producerUrl: string;
  readonly backendUrl: string;
  readonly apiKey?: string;
  readonly management?: ManagementClient;
  /** Live queue depth each second (AMQP passive declares: ready messages, no statistics lag). */
  readonly depthOf?: (queues: readonly string[]) => Promise<number[]>;
  /** Processor replicas per type, when known (a launched system). */
  readonly processorReplicas?: Partial<Record<OrderType, number>>;
  /** The limit each type's processors allow themselves now (their bss_backend_learned_limit). */
  readonly learnedLimitOf?: () => Promise<Partial<Record<OrderType, number>>>;
  readonly names: TopologyNames;
  /** Requests in flight at once before the generator counts further ones as dropped (it never waits). */
  readonly maxInFlight: number;
  readonly requestTimeoutMs: number;
  readonly drainTimeoutMs: number;
  readonly onProgress?: (progress: Progress) => void;
}

export interface Progress {
  /** The run: its mode, and its budget for a queue run. */
  readonly label: string;
  readonly phase: 'sending' | 'draining';
  readonly sent: number;
  readonly total: number;
  readonly accepted: number;
  readonly backlog?: number;
}

export interface BackendSecond {
  readonly second: number;
  readonly type: OrderType;
  readonly requests: number;
  /** The backend's capacity in this second, when the simulator recorded it (lower during a capacity fault). */
  readonly capacity?: number;
  readonly completed: number;
  readonly errors: number;
  readonly inFlightPeak: number;
}

export interface OrderRecord extends Sent {
  readonly outcome: 'accepted' | 'refused' | 'failed' | 'dropped';
  /** acceptedAt → applied at the backend, for orders the backend applied. */
  readonly endToEndMs?: number;
}

export interface RunResult {
  readonly mode: Mode;
  readonly budget?: Budget;
  readonly capacityFault?: CapacityFault;
  readonly profile: string;
  readonly startedAtMs: number;
  readonly sendEndedAtMs: number;
  readonly drainedAtMs: number;
  readonly drained: boolean;
  readonly capacity: Readonly<Record<OrderType, { ratePerSecond: number; maxInFlight: number }>>;
  /** Offered rate per second of the run (index = second from the start). */
  readonly offered: number[];
  /** What the front door answered, per second of sending. */
  readonly intake: { second: number; accepted: number; refused: number; failed: number; dropped: number }[];
  /** Queue depth (ready + unacked) per sampled second and type; empty in direct mode. */
  readonly queueDepth: { second: number; depth: Partial<Record<OrderType, number>> }[];
  readonly backend: BackendSecond[];
  /** The limit each type's processors allowed themselves, sampled every second. */
  readonly learnedLimit: { second: number; limit: Partial<Record<OrderType, number>> }[];
  readonly processorReplicas?: Partial<Record<OrderType, number>>;
  /** Orders each processor replica applied, from the backend's ledger. */
  readonly replicaShares: { type: OrderType; instance: string; applied: number }[];
  readonly orders: OrderRecord[];
  readonly accounting: {
    readonly accepted: number;
    readonly applied: number;
    readonly rejectedByBusiness: number;
    readonly appliedTwice: number;
    readonly deadLettered: number;
    readonly lost: number;
    readonly failedOutright: number;
  };
}

interface LedgerEntry {
  orderId: string;
  type: OrderType;
  outcome: 'applied' | 'rejected';
  appliedAt: string;
  appliedByInstance?: string;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Through the queue a 4xx/503 is the front door refusing (nothing stored), while no answer or a 504
 * (outcome unknown) may still be applied; without the queue a 5xx is the backend failing.
 */
function failureOf(mode: Mode, status: number): 'refused' | 'failed' {
  if (status <= 0 || status === 504) return 'failed';
  return mode === 'direct' && status >= 500 ? 'failed' : 'refused';
}

function intakePerSecond(records: readonly OrderRecord[], startedAtMs: number): RunResult['intake'] {
  const seconds = new Map<number, { second: number; accepted: number; refused: number; failed: number; dropped: number }>();
  for (const record of records) {
    const second = Math.max(0, Math.floor((record.sentAtMs - startedAtMs) / 1000));
    const entry = seconds.get(second) ?? { second, accepted: 0, refused: 0, failed: 0, dropped: 0 };
    entry[record.outcome] += 1;
    seconds.set(second, entry);
  }
  return [...seconds.values()].sort((a, b) => a.second - b.second);
}

function countPerSecond(departuresMs: readonly number[], durationSec: number): number[] {
  const counts = new Array<number>(durationSec).fill(0);
  for (const atMs of departuresMs) counts[Math.floor(atMs / 1000)] += 1;
  return counts;
}

/** One run of one mode: open-loop sending, per-second sampling, drain, then the backend's own record. */
export async function runLoad(settings: RunSettings): Promise<RunResult> {
  const random = seededRandom(settings.seed);
  const departures = departureTimes(settings.profile);
  const plan = departures.map((atMs) => {
    const type = pickType(settings.mix, random);
    return { atMs, type, payload: payloadFor(type, random) };
  });
  const target: Target =
    settings.mode === 'queue'
      ? queueTarget(settings.producerUrl, settings.apiKey, settings.requestTimeoutMs)
      : directTarget(settings.backendUrl, settings.requestTimeoutMs);

  const startedAtMs = Date.now() + 200;
  const records: OrderRecord[] = [];
  const queueDepth: RunResult['queueDepth'] = [];
  const learnedLimit: RunResult['learnedLimit'] = [];
  let inFlight = 0;
  let accepted = 0;
  const sampler = startSampler(settings, startedAtMs, queueDepth, learnedLimit);
  const fault = scheduleCapacityFault(settings, startedAtMs);

  await Promise.all(
    plan.map(async ({ atMs, type, payload }) => {
      await sleep(startedAtMs + atMs - Date.now());
      if (inFlight >= settings.maxInFlight) {
        records.push({ type, sentAtMs: Date.now(), latencyMs: 0, status: -1, outcome: 'dropped' });
        return;
      }
      inFlight += 1;
      const sent = await target(type, payload);
      inFlight -= 1;
      const ok = isAccepted(settings.mode, sent.status);
      if (ok) accepted += 1;
      records.push({ ...sent, outcome: ok ? 'accepted' : failureOf(settings.mode, sent.status) });
      settings.onProgress?.({ label: labelOf(settings), phase: 'sending', sent: records.length, total: plan.length, accepted });
    }),
  );
  const sendEndedAtMs = Date.now();

  const acceptedIds = new Set(records.filter((record) => record.outcome === 'accepted' && record.orderId).map((record) => record.orderId as string));
  const drain = settings.mode === 'queue' ? await waitForDrain(settings, acceptedIds) : { drained: true, deadIds: new Set<string>() };
  const drainedAtMs = Date.now();
  sampler.stop();
  await fault.settled();

  const ledger = await readLedger(settings.backendUrl);
  const load = await readLoad(settings.backendUrl, Math.floor(startedAtMs / 1000) - 1);
  return summarize(settings, {
    startedAtMs,
    sendEndedAtMs,
    drainedAtMs,
    drained: drain.drained,
    records,
    queueDepth,
    learnedLimit,
    ledger,
    load,
    acceptedIds,
    deadIds: drain.deadIds,
  });
}

function labelOf(settings: RunSettings): string {
  return settings.budget ? `${settings.mode}/${settings.budget}` : settings.mode;
}

function startSampler(
  settings: RunSettings,
  startedAtMs: number,
  samples: RunResult['queueDepth'],
  limits: RunResult['learnedLimit'],
): { stop(): void } {
  const { depthOf, learnedLimitOf } = settings;
  if (settings.mode !== 'queue' || !depthOf) return { stop: () => undefined };
  const queues = ORDER_TYPES.map((type) => settings.names.queueFor(type));
  const timer = setInterval(() => {
    const second = Math.round((Date.now() - startedAtMs) / 1000);
    void depthOf(queues).then(
      (depths) => samples.push({ second, depth: Object.fromEntries(ORDER_TYPES.map((type, index) => [type, depths[index]])) }),
      () => undefined,
    );
    void learnedLimitOf?.().then(
      (limit) => limits.push({ second, limit }),
      () => undefined,
    );
  }, 1000);
  return { stop: () => clearInterval(timer) };
}

/** Takes the backend's capacity away at the fault's second, through the simulator's fault API; it restores itself. */
function scheduleCapacityFault(settings: RunSettings, startedAtMs: number): { settled(): Promise<void> } {
  const { capacityFault } = settings;
  if (!capacityFault) return { settled: async () => undefined };
  const applied = sleep(startedAtMs + capacityFault.atSec * 1000 - Date.now()).then(async () => {
    const response = await fetch(`${settings.backendUrl}/api/v1/faults/capacity`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ factor: capacityFault.factor, durationMs: capacityFault.forSec * 1000 }),
    });
    if (!response.ok) throw new Error(`the backend's capacity fault answered ${response.status}: ${await response.text()}`);
  });
  return { settled: () => applied };
}

/** Until every accepted order is in the ledger or a dead letter, or the drain timeout passes. */
async function waitForDrain(settings: RunSettings, acceptedIds: ReadonlySet<string>): Promise<{ drained: boolean; deadIds: Set<string> }> {
  const deadline = Date.now() + settings.drainTimeoutMs;
  for (;;) {
    const handled = (await readLedger(settings.backendUrl)).filter((entry) => acceptedIds.has(entry.orderId)).length;
    const deadIds = new Set(
      settings.management ? (await settings.management.peekMessageIds(settings.names.deadLetterQueue, 100_000)).filter((id) => acceptedIds.has(id)) : [],
    );
    const backlog = acceptedIds.size - handled - deadIds.size;
    settings.onProgress?.({ label: labelOf(settings), phase: 'draining', sent: acceptedIds.size, total: acceptedIds.size, accepted: acceptedIds.size, backlog });
    if (backlog <= 0) return { drained: true, deadIds };
    if (Date.now() > deadline) return { drained: false, deadIds };
    await sleep(1000);
  }
}

async function readLedger(backendUrl: string): Promise<LedgerEntry[]> {
  const response = await fetch(`${backendUrl}/api/v1/ledger?limit=100000`);
  if (!response.ok) throw new Error(`the backend's ledger answered ${response.status}`);
  return ((await response.json()) as { entries: LedgerEntry[] }).entries;
}

async function readLoad(backendUrl: string, sinceSecond: number): Promise<{ capacity: RunResult['capacity']; seconds: BackendSecond[] }> {
  const response = await fetch(`${backendUrl}/api/v1/load?since=${sinceSecond}`);
  if (!response.ok) throw new Error(`the backend's load record answered ${response.status}`);
  return (await response.json()) as { capacity: RunResult['capacity']; seconds: BackendSecond[] };
}

function summarize(
  settings: RunSettings,
  run: {
    startedAtMs: number;
    sendEndedAtMs: number;
    drainedAtMs: number;
    drained: boolean;
    records: OrderRecord[];
    queueDepth: RunResult['queueDepth'];
    learnedLimit: RunResult['learnedLimit'];
    ledger: LedgerEntry[];
    load: { capacity: RunResult['capacity']; seconds: BackendSecond[] };
    acceptedIds: ReadonlySet<string>;
    deadIds: ReadonlySet<string>;
  },
): RunResult {
  const entriesByOrder = new Map<string, LedgerEntry[]>();
  for (const entry of run.ledger) entriesByOrder.set(entry.orderId, [...(entriesByOrder.get(entry.orderId) ?? []), entry]);
  let applied = 0;
  let rejectedByBusiness = 0;
  let appliedTwice = 0;
  let lost = 0;
  for (const id of run.acceptedIds) {
    const entries = entriesByOrder.get(id) ?? [];
    if (entries.length > 1) appliedTwice += 1;
    if (entries.length === 0 && !run.deadIds.has(id)) lost += 1;
    if (entries[0]?.outcome === 'applied') applied += 1;
    if (entries[0]?.outcome === 'rejected') rejectedByBusiness += 1;
  }
  const orders = run.records.map((record): OrderRecord => {
    const entry = record.orderId ? entriesByOrder.get(record.orderId)?.[0] : undefined;
    return entry && record.acceptedAt ? { ...record, endToEndMs: Date.parse(entry.appliedAt) - Date.parse(record.acceptedAt) } : record;
  });
  const startSecond = Math.floor(run.startedAtMs / 1000);
  return {
    mode: settings.mode,
    ...(settings.budget ? { budget: settings.budget } : {}),
    ...(settings.capacityFault ? { capacityFault: settings.capacityFault } : {}),
    ...(settings.processorReplicas ? { processorReplicas: settings.processorReplicas } : {}),
    profile: settings.profile.description,
    startedAtMs: run.startedAtMs,
    sendEndedAtMs: run.sendEndedAtMs,
    drainedAtMs: run.drainedAtMs,
    drained: run.drained,
    capacity: run.load.capacity,
    offered: countPerSecond(departureTimes(settings.profile), settings.profile.durationSec),
    intake: intakePerSecond(run.records, run.startedAtMs),
    queueDepth: run.queueDepth.sort((a, b) => a.second - b.second),
    backend: run.load.seconds.map((second) => ({ ...second, second: second.second - startSecond })).filter((second) => second.second >= 0),
    learnedLimit: run.learnedLimit.sort((a, b) => a.second - b.second),
    replicaShares: replicaSharesOf(run.ledger, run.acceptedIds),
    orders,
    accounting: {
      accepted: run.acceptedIds.size,
      applied,
      rejectedByBusiness,
      appliedTwice,
      deadLettered: run.deadIds.size,
      lost,
      failedOutright: run.records.filter((record) => record.outcome !== 'accepted').length,
    },
  };
}

/** Orders each replica applied, by the instance the backend recorded; entries without one are not counted. */
function replicaSharesOf(ledger: readonly LedgerEntry[], acceptedIds: ReadonlySet<string>): RunResult['replicaShares'] {
  const counts = new Map<string, { type: OrderType; instance: string; applied: number }>();
  for (const entry of ledger) {
    if (!entry.appliedByInstance || !acceptedIds.has(entry.orderId)) continue;
    const key = `${entry.type}|${entry.appliedByInstance}`;
    const share = counts.get(key) ?? { type: entry.type, instance: entry.appliedByInstance, applied: 0 };
    share.applied += 1;
    counts.set(key, share);
  }
  return [...counts.values()].sort((a, b) => a.type.localeCompare(b.type) || a.instance.localeCompare(b.instance));
}
