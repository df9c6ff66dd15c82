import { Profile } from '../profiles/profiles';
import { AutoscalerRules, ReplicaController } from './autoscaler';

/** One order type as the planner sees it: its share of the traffic, its backend, its processor settings. */
export interface TypePlan {
  readonly type: string;
  /** Share of the offered rate (the shares of all types add up to 1). */
  readonly share: number;
  /** What the backend can take, orders/s. */
  readonly backendCapacityPerSec: number;
  /** BACKEND_RATE_LIMIT, shared by all replicas of the type; 0 for none. */
  readonly budgetPerSec: number;
  /** Orders one replica handles at once (CONCURRENCY). */
  readonly concurrency: number;
  /** The backend's answer time per call: with `concurrency` it bounds one replica's rate. */
  readonly serviceMs: number;
  /** QUEUE_MAX_LENGTH: beyond it the broker refuses and intake answers 503. */
  readonly queueBound: number;
  /** The autoscaler's rules; without them the type runs `replicas` replicas throughout. */
  readonly autoscaler?: AutoscalerRules;
  readonly replicas: number;
}

export interface PlanSecond {
  readonly second: number;
  readonly offered: number;
  readonly accepted: number;
  /** Answered 503: the queue was at its bound. */
  readonly refused: number;
  readonly drained: number;
  /** Waiting at the end of the second. */
  readonly depth: number;
  /** Age of the oldest waiting order at the end of the second. */
  readonly oldestWaitSec: number;
  readonly replicas: number;
}

export interface TypePlanResult {
  readonly type: string;
  readonly seconds: PlanSecond[];
  readonly peakDepth: number;
  readonly peakAtSec: number;
  readonly longestWaitSec: number;
  /** From the peak to the queue being empty again; undefined if it never empties within the horizon. */
  readonly drainSec?: number;
  readonly maxReplicas: number;
  /** The bound that would have refused nothing: the peak depth without a bound, rounded up. */
  readonly queueBoundNeeded: number;
  /** The first second intake would answer 503 for this type (queue at its bound). */
  readonly first503AtSec?: number;
  readonly refused: number;
}

export interface PlanResult {
  readonly profile: string;
  readonly durationSec: number;
  readonly types: TypePlanResult[];
  /** All types together: depth per second, its peak and drain time. */
  readonly total: { readonly depth: number[]; readonly peakDepth: number; readonly peakAtSec: number; readonly drainSec?: number };
}

/** How long after the profile ends the planner keeps draining before it gives up: a backlog that needs more is reported as not draining. */
export const DEFAULT_HORIZON_AFTER_SEC = 24 * 3600;

/** Waiting orders in arrival order, by the second they arrived in (FIFO, as a queue serves them). */
class Backlog {
  private readonly cohorts: { arrivedSec: number; count: number }[] = [];
  private size = 0;

  add(arrivedSec: number, count: number): void {
    if (count <= 0) return;
    this.cohorts.push({ arrivedSec, count });
    this.size += count;
  }

  take(count: number): number {
    let left = Math.min(count, this.size);
    const taken = left;
    while (left > 1e-9 && this.cohorts.length > 0) {
      const head = this.cohorts[0];
      const fromHead = Math.min(left, head.count);
      head.count -= fromHead;
      left -= fromHead;
      if (head.count <= 1e-9) this.cohorts.shift();
    }
    this.size = Math.max(0, this.size - taken);
    return taken;
  }

  depth(): number {
    return this.size;
  }

  oldestArrivedSec(): number | undefined {
    return this.cohorts[0]?.arrivedSec;
  }
}

/** Orders/s one type can drain with `replicas` consuming: its budget, its backend and its replicas' concurrency, whichever is least. */
export function drainRatePerSec(plan: TypePlan, replicas: number): number {
  const byReplicas = (replicas * plan.concurrency * 1000) / Math.max(1, plan.serviceMs);
  const byBudget = plan.budgetPerSec > 0 ? plan.budgetPerSec : Infinity;
  return Math.min(plan.backendCapacityPerSec, byBudget, byReplicas);
}

function simulateType(profile: Profile, plan: TypePlan, horizonSec: number): TypePlanResult {
  const backlog = new Backlog();
  const controller = plan.autoscaler ? new ReplicaController(plan.autoscaler) : undefined;
  const seconds: PlanSecond[] = [];
  let first503AtSec: number | undefined;
  let refusedTotal = 0;
  for (let second = 0; second < horizonSec; second += 1) {
    const offered = second < profile.durationSec ? profile.rateAt(second) * plan.share : 0;
    if (second >= profile.durationSec && backlog.depth() < 1e-6) break;
    const room = Math.max(0, plan.queueBound - backlog.depth());
    const accepted = Math.min(offered, room);
    const refused = offered - accepted;
    if (refused > 1e-9) {
      first503AtSec ??= second;
      refusedTotal += refused;
    }
    backlog.add(second, accepted);
    const replicas = controller ? controller.step(second, backlog.depth()) : plan.replicas;
    const drained = backlog.take(drainRatePerSec(plan, replicas));
    const depth = backlog.depth();
    const oldest = backlog.oldestArrivedSec();
    seconds.push({ second, offered, accepted, refused, drained, depth, oldestWaitSec: oldest === undefined || depth < 1e-6 ? 0 : second - oldest, replicas });
  }
  const { peakDepth, peakAtSec, drainSec } = peakAndDrain(seconds.map((entry) => entry.depth));
  return {
    type: plan.type,
    seconds,
    peakDepth,
    peakAtSec,
    longestWaitSec: Math.max(0, ...seconds.map((entry) => entry.oldestWaitSec)),
    drainSec,
    maxReplicas: Math.max(0, ...seconds.map((entry) => entry.replicas)),
    queueBoundNeeded: first503AtSec === undefined ? Math.ceil(peakDepth) : simulateType(profile, { ...plan, queueBound: Infinity }, horizonSec).queueBoundNeeded,
    first503AtSec,
    refused: refusedTotal,
  };
}

/** Total depth per second over all types, with its peak and the time from the peak to empty. */
function totalDepth(types: readonly TypePlanResult[]): PlanResult['total'] {
  const length = Math.max(0, ...types.map((type) => type.seconds.length));
  const depth = Array.from({ length }, (_, second) => types.reduce((sum, type) => sum + (type.seconds[second]?.depth ?? 0), 0));
  return { depth, ...peakAndDrain(depth) };
}

/**
 * The peak of a depth series — its last second there: a queue held at its bound has stopped growing
 * only when that ends — and the seconds from it to the first empty second after it.
 */
export function peakAndDrain(depth: readonly number[]): { peakDepth: number; peakAtSec: number; drainSec?: number } {
  let peakAtSec = 0;
  depth.forEach((value, second) => {
    if (value >= depth[peakAtSec] - 1e-6) peakAtSec = second;
  });
  const peakDepth = depth[peakAtSec] ?? 0;
  if (peakDepth < 0.5) return { peakDepth, peakAtSec, drainSec: 0 };
  const emptyAt = depth.findIndex((value, second) => second > peakAtSec && value < 0.5);
  return { peakDepth, peakAtSec, drainSec: emptyAt < 0 ? undefined : emptyAt - peakAtSec };
}

/**
 * Simulates a traffic profile against each type's backend capacity, processor settings and
 * autoscaler, one second at a time, without running anything: the depth and oldest wait over time,
 * the replicas the autoscaler would run, the bound the queue needs and when intake would refuse.
 */
export function planCapacity(profile: Profile, types: readonly TypePlan[], horizonAfterSec = DEFAULT_HORIZON_AFTER_SEC): PlanResult {
  const results = types.map((plan) => simulateType(profile, plan, profile.durationSec + horizonAfterSec));
  return { profile: profile.description, durationSec: profile.durationSec, types: results, total: totalDepth(results) };
}
