import { setTimeout as sleep } from 'node:timers/promises';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { LocalRateLimiter, RateLimiter } from './rate-limiter';
import { RateControl } from './rate-control';

/** The backend's budget cannot admit this call before its deadline; try it again later. */
export class BackendBusyError extends Error {
  constructor(
    readonly waitMs: number,
    message = `backend budget exhausted: next slot in ${waitMs} ms, after the processing deadline`,
  ) {
    super(message);
    this.name = 'BackendBusyError';
  }
}

/** When the shared budget cannot be reached (Redis down), calls wait rather than risk overloading the backend. */
const UNREACHABLE_BUDGET_RETRY_MS = 1000;

export interface BackendBudgetParts {
  /** The type's rate bucket shared by all replicas (Redis), or this replica's alone; it goes at the control's shared rate. */
  readonly rate?: RateLimiter;
  readonly control: RateControl;
  readonly concurrency?: ConcurrencyLimiter;
  readonly now?: () => number;
}

const CONCURRENCY_POLL_MS = 10;
const RESERVATION_HORIZON_MS = 200;

/**
 * Everything that stands between an order and its backend call: the rates its control sets (shared
 * by the replicas, and this replica's own while it backs off), and the cap on calls in flight.
 * `acquire` waits for all of them, but never past the deadline: then it throws BackendBusyError so
 * the order can be deferred without spending a retry attempt.
 */
export class BackendBudget {
  private readonly replicaShare: LocalRateLimiter;
  private readonly now: () => number;

  constructor(private readonly parts: BackendBudgetParts) {
    this.now = parts.now ?? Date.now;
    this.replicaShare = new LocalRateLimiter(1, 1, this.now);
  }

  async acquire(deadlineMs: number, signal?: AbortSignal): Promise<() => Promise<void>> {
    try {
      return await this.acquireAll(deadlineMs, signal);
    } catch (error) {
      if (error instanceof BackendBusyError || signal?.aborted) throw error;
      throw new BackendBusyError(UNREACHABLE_BUDGET_RETRY_MS, `backend budget unavailable: ${(error as Error).message}`);
    }
  }

  /** The backend answered after `latencyMs`. */
  answered(latencyMs: number): void {
    this.parts.control.answered(latencyMs);
  }

  /** The backend signalled overload (429, 503, a timeout). */
  overloaded(): void {
    this.parts.control.overloaded();
  }

  private async acquireAll(deadlineMs: number, signal?: AbortSignal): Promise<() => Promise<void>> {
    const replicaRate = this.parts.control.replicaRate();
    if (replicaRate !== undefined) {
      this.replicaShare.setRate(replicaRate);
      await this.take(this.replicaShare, deadlineMs, signal);
    }
    const sharedRate = this.parts.control.sharedRate();
    if (this.parts.rate && sharedRate !== undefined) {
      this.parts.rate.setRate(sharedRate);
      await this.take(this.parts.rate, deadlineMs, signal, () => this.parts.control.throttled());
    }
    if (!this.parts.concurrency) return async () => undefined;
    for (;;) {
      const release = await this.parts.concurrency.tryEnter();
      if (release) return release;
      if (this.now() + CONCURRENCY_POLL_MS > deadlineMs) throw new BackendBusyError(CONCURRENCY_POLL_MS);
      await sleep(CONCURRENCY_POLL_MS * (0.5 + Math.random()), undefined, { signal });
    }
  }

  /**
   * Takes a slot and waits for it; `onQueued` hears of every caller that could not go at once. A
   * slot is reserved at most `RESERVATION_HORIZON_MS` ahead: a caller further back sleeps until
   * its turn is near and asks again, so when the rate changes, the callers already waiting follow
   * the new rate instead of keeping slots computed at the old one.
   */
  private async take(limiter: RateLimiter, deadlineMs: number, signal?: AbortSignal, onQueued?: () => void): Promise<void> {
    for (;;) {
      const remainingMs = Math.max(0, deadlineMs - this.now());
      const grant = await limiter.reserve(Math.min(remainingMs, RESERVATION_HORIZON_MS));
      if (!grant.granted || grant.waitMs > 0) onQueued?.();
      if (grant.granted) {
        if (grant.waitMs > 0) await sleep(grant.waitMs, undefined, { signal });
        return;
      }
      if (grant.waitMs > remainingMs) throw new BackendBusyError(grant.waitMs);
      await sleep((grant.waitMs - RESERVATION_HORIZON_MS / 2) * (0.9 + Math.random() * 0.2), undefined, { signal });
    }
  }
}
