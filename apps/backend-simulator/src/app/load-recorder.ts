import { OrderType } from '@bss/contracts';

export interface SecondOfLoad {
  /** Unix time in whole seconds. */
  readonly second: number;
  readonly type: OrderType;
  /** Calls that arrived in this second. */
  requests: number;
  /** Calls answered with an outcome (applied, duplicate or a business rejection). */
  completed: number;
  /** Calls answered with a failure (503, 504, injected faults). */
  errors: number;
  /** Most calls in flight at once during this second. */
  inFlightPeak: number;
  /** The least capacity (orders/s) the backend had for this second's arrivals: lower while a capacity loss lasts. */
  capacity?: number;
}

const KEPT_SECONDS = 3600;

/** The backend's own per-second record of the load it saw, for the leveling report. */
export class LoadRecorder {
  private readonly seconds = new Map<string, SecondOfLoad>();

  arrived(type: OrderType, nowMs: number, inFlight: number, capacity: number): void {
    const entry = this.entry(type, nowMs);
    entry.requests += 1;
    entry.inFlightPeak = Math.max(entry.inFlightPeak, inFlight);
    entry.capacity = Math.min(entry.capacity ?? capacity, capacity);
  }

  answered(type: OrderType, nowMs: number, outcome: 'completed' | 'error'): void {
    const entry = this.entry(type, nowMs);
    if (outcome === 'completed') entry.completed += 1;
    else entry.errors += 1;
  }

  since(second: number): SecondOfLoad[] {
    return [...this.seconds.values()].filter((entry) => entry.second >= second).sort((a, b) => a.second - b.second);
  }

  private entry(type: OrderType, nowMs: number): SecondOfLoad {
    const second = Math.floor(nowMs / 1000);
    const key = `${second}:${type}`;
    let entry = this.seconds.get(key);
    if (!entry) {
      entry = { second, type, requests: 0, completed: 0, errors: 0, inFlightPeak: 0 };
      this.seconds.set(key, entry);
      this.forgetBefore(second - KEPT_SECONDS);
    }
    return entry;
  }

  private forgetBefore(second: number): void {
    for (const [key, entry] of this.seconds) {
      if (entry.second >= second) break;
      this.seconds.delete(key);
    }
  }
}
