import { ORDER_TYPES, OrderType } from '@bss/contracts';

export interface TypeCapacity {
  /** Requests per second the backend handles comfortably. */
  readonly ratePerSecond: number;
  /** Requests it works on at once; beyond, it refuses at the door. */
  readonly maxInFlight: number;
}

/** A loss of capacity: the backend takes `factor` of its rate for `types` (all when absent) until `untilMs`. */
export interface CapacityLoss {
  readonly factor: number;
  readonly types?: readonly OrderType[];
  /** Unix ms when it ends by itself; never when absent. */
  readonly untilMs?: number;
}

export type Verdict =
  | { readonly action: 'serve'; readonly latencyMs: number }
  | { readonly action: 'fail'; readonly status: 503 | 504; readonly afterMs: number };

export interface OverloadSettings {
  readonly serviceTimeMs: number;
  readonly timeoutMs: number;
}

const SLOTS_PER_SECOND = 10;

/** Counts arrivals over the trailing second in tenth-of-a-second slots. */
class ArrivalWindow {
  private readonly slots = new Array<number>(SLOTS_PER_SECOND).fill(0);
  private slotStamp = new Array<number>(SLOTS_PER_SECOND).fill(-1);

  record(nowMs: number): number {
    const tick = Math.floor(nowMs / (1000 / SLOTS_PER_SECOND));
    const index = tick % SLOTS_PER_SECOND;
    if (this.slotStamp[index] !== tick) {
      this.slotStamp[index] = tick;
      this.slots[index] = 0;
    }
    this.slots[index] += 1;
    return this.slots.reduce((sum, count, slot) => (tick - this.slotStamp[slot] < SLOTS_PER_SECOND ? sum + count : sum), 0);
  }
}

/**
 * How a fragile legacy backend behaves: fine below its capacity with latency creeping up as it
 * nears it; past it latency climbs steeply, a growing share of calls gets 503, and calls that would
 * take longer than its timeout hang until the timeout and fail with 504. At its in-flight limit it
 * refuses at once.
 */
export class OverloadModel {
  private readonly windows = new Map<OrderType, ArrivalWindow>(ORDER_TYPES.map((type) => [type, new ArrivalWindow()]));
  private readonly inFlight = new Map<OrderType, number>(ORDER_TYPES.map((type) => [type, 0]));
  private loss?: CapacityLoss;

  constructor(
    private readonly capacities: Readonly<Record<OrderType, TypeCapacity>>,
    private readonly settings: OverloadSettings,
    private readonly random: () => number = Math.random,
  ) {}

  /** Judges one arriving call; the caller must call `leave` when it has answered. */
  arrive(type: OrderType, nowMs: number): Verdict {
    const utilization = (this.windows.get(type) as ArrivalWindow).record(nowMs) / this.capacityOf(type, nowMs).ratePerSecond;
    const inFlight = this.inFlight.get(type) ?? 0;
    this.inFlight.set(type, inFlight + 1);
    const { serviceTimeMs, timeoutMs } = this.settings;
    if (inFlight >= this.capacities[type].maxInFlight) return { action: 'fail', status: 503, afterMs: 0 };
    if (utilization <= 1) return { action: 'serve', latencyMs: serviceTimeMs * (1 + 4 * utilization ** 4) };
    if (this.random() < Math.min(0.9, (utilization - 1) * 2)) return { action: 'fail', status: 503, afterMs: serviceTimeMs * 5 };
    const latencyMs = serviceTimeMs * 5 * utilization ** 3;
    return latencyMs >= timeoutMs ? { action: 'fail', status: 504, afterMs: timeoutMs } : { action: 'serve', latencyMs };
  }

  leave(type: OrderType): void {
    this.inFlight.set(type, Math.max(0, (this.inFlight.get(type) ?? 0) - 1));
  }

  inFlightOf(type: OrderType): number {
    return this.inFlight.get(type) ?? 0;
  }

  /** Its capacity at `nowMs`: the configured rate, times the factor of a capacity loss that covers the type. */
  capacityOf(type: OrderType, nowMs = Date.now()): TypeCapacity {
    const loss = this.capacityLoss(nowMs);
    const configured = this.capacities[type];
    if (!loss || (loss.types && !loss.types.includes(type))) return configured;
    return { ...configured, ratePerSecond: Math.max(1, Math.round(configured.ratePerSecond * loss.factor)) };
  }

  /** Takes capacity away (a degraded clearing house, a billing batch at night) until restored or until it ends. */
  reduceCapacity(loss: CapacityLoss): void {
    this.loss = loss;
  }

  restoreCapacity(): void {
    this.loss = undefined;
  }

  capacityLoss(nowMs = Date.now()): CapacityLoss | undefined {
    if (this.loss?.untilMs !== undefined && this.loss.untilMs <= nowMs) this.loss = undefined;
    return this.loss;
  }
}
