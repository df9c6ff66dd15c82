import { OrderType } from '@bss/contracts';
import { RunResult } from '../run/run-load';

/** How well a queue run's budget used the backend: the figures the adaptive budget is held to. */
export interface BudgetFigures {
  /** Backend answers ÷ capacity over the seconds a backlog waited (so the processors could have gone faster); none without a backlog. */
  readonly capacityUsedInBacklog?: number;
  readonly backlogSeconds: number;
  /** With a capacity fault: seconds from its start until every later second of it stayed within the reduced capacity. */
  readonly underReducedCapacityAfterSec?: number;
  /** With a capacity fault: seconds from its end until a second with a backlog used ≥ 90 % of the capacity again. */
  readonly backTo90PercentAfterSec?: number;
  /** Per type with several replicas: orders each applied ÷ an even share, and the largest distance from 1. */
  readonly fairness: { readonly type: OrderType; readonly shares: readonly number[]; readonly maxDeviation: number }[];
}

export const RECOVERED_SHARE = 0.9;

/** The backend's capacity for a type in a second: what the simulator recorded then, else its configured one. */
export function capacityAt(run: RunResult, type: OrderType, second: number): number {
  return run.backend.find((entry) => entry.type === type && entry.second === second)?.capacity ?? run.capacity[type].ratePerSecond;
}

/** Seconds (with their types) whose start and end both saw orders waiting: the processors had work all through. */
function backlogSeconds(run: RunResult): { second: number; type: OrderType }[] {
  const depthAt = new Map(run.queueDepth.map((sample) => [sample.second, sample.depth]));
  const seconds: { second: number; type: OrderType }[] = [];
  for (const [second, depth] of depthAt) {
    const next = depthAt.get(second + 1);
    for (const [type, waiting] of Object.entries(depth) as [OrderType, number | undefined][]) {
      if ((waiting ?? 0) > 0 && (next?.[type] ?? 0) > 0) seconds.push({ second, type });
    }
  }
  return seconds;
}

function answeredAt(run: RunResult, type: OrderType, second: number): number {
  return run.backend.find((entry) => entry.type === type && entry.second === second)?.completed ?? 0;
}

export function budgetFigures(run: RunResult): BudgetFigures {
  const backlog = backlogSeconds(run);
  const capacityInBacklog = backlog.reduce((sum, { type, second }) => sum + capacityAt(run, type, second), 0);
  const answeredInBacklog = backlog.reduce((sum, { type, second }) => sum + answeredAt(run, type, second), 0);
  return {
    ...(capacityInBacklog > 0 ? { capacityUsedInBacklog: answeredInBacklog / capacityInBacklog } : {}),
    backlogSeconds: new Set(backlog.map(({ second }) => second)).size,
    ...faultFigures(run, backlog),
    fairness: fairnessOf(run),
  };
}

function faultFigures(run: RunResult, backlog: readonly { second: number; type: OrderType }[]): Pick<BudgetFigures, 'underReducedCapacityAfterSec' | 'backTo90PercentAfterSec'> {
  const fault = run.capacityFault;
  if (!fault) return {};
  const endSec = fault.atSec + fault.forSec;
  const overSeconds = run.backend.filter((entry) => entry.second >= fault.atSec && entry.second < endSec && entry.requests > capacityAt(run, entry.type, entry.second));
  const lastOver = Math.max(fault.atSec - 1, ...overSeconds.map((entry) => entry.second));
  const recovered = backlog
    .filter(({ second }) => second >= endSec)
    .find(({ type, second }) => answeredAt(run, type, second) >= RECOVERED_SHARE * capacityAt(run, type, second));
  return {
    underReducedCapacityAfterSec: lastOver + 1 - fault.atSec,
    ...(recovered ? { backTo90PercentAfterSec: recovered.second - endSec } : {}),
  };
}

function fairnessOf(run: RunResult): BudgetFigures['fairness'] {
  const byType = new Map<OrderType, number[]>();
  for (const share of run.replicaShares) byType.set(share.type, [...(byType.get(share.type) ?? []), share.applied]);
  return [...byType].flatMap(([type, applied]) => {
    const replicas = Math.max(applied.length, run.processorReplicas?.[type] ?? 1);
    if (replicas < 2) return [];
    const counts = [...applied, ...new Array<number>(replicas - applied.length).fill(0)];
    const even = counts.reduce((sum, count) => sum + count, 0) / replicas;
    const shares = counts.map((count) => (even === 0 ? 0 : count / even));
    return [{ type, shares, maxDeviation: Math.max(...shares.map((share) => Math.abs(share - 1))) }];
  });
}
