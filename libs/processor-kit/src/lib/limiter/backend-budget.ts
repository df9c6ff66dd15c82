import { setTimeout as sleep } from 'node:timers/promises';
import { AdaptiveRate } from './adaptive-rate';
import { ConcurrencyLimiter } from './concurrency-limiter';
import { LocalRateLimiter, RateLimiter } from './rate-limiter';

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
  /** The type's rate budget shared by all replicas (Redis), or this replica's alone; none = unlimited. */
  readonly rate?: RateLimiter;
  readonly baseRatePerSecond: number;
  readonly concurrency?: ConcurrencyLimiter;
  readonly adaptive: AdaptiveRate;
  readonly now?: () => number;
}

const CONCURRENCY_POLL_MS = 10;

/**
 * Everything that stands between an order and its backend call: this replica's adaptive share
 * (lowered when the backend signals overload), the type's rate budget, and the cap on calls in
 * flight. `acquire` waits for all three, but never past the deadline: then it throws
 * BackendBusyError so the order can be deferred without spending a retry attempt.
 */
export class BackendBudget {
  private readonly adaptiveShare: LocalRateLimiter;
  private readonly now: () => number;

  constructor(private readonly parts: BackendBudgetParts) {
    this.now = parts.now ?? Date.now;
    this.adaptiveShare = new LocalRateLimiter(parts.baseRatePerSecond, 1, this.now);
  }

  async acquire(deadlineMs: number, signal?: AbortSignal): Promise<() => Promise<void>> {
    try {
      return await this.acquireAll(deadlineMs, signal);
    } catch (error) {
      if (error instanceof BackendBusyError || signal?.aborted) throw error;
      throw new BackendBusyError(UNREACHABLE_BUDGET_RETRY_MS, `backend budget unavailable: ${(error as Error).message}`);
    }
  }

  private async acquireAll(deadlineMs: number, signal?: AbortSignal): Promise<() => Promise<void>> {
    const factor = this.parts.adaptive.current();
    if (factor < 1 && this.parts.baseRatePerSecond > 0) {
      this.adaptiveShare.setRate(this.parts.baseRatePerSecond * factor);
      await this.take(this.adaptiveShare, deadlineMs, signal);
    }
    if (this.parts.rate) await this.take(this.parts.rate, deadlineMs, signal);
    if (!this.parts.concurrency) return async () => undefined;
    for (;;) {
      const release = await this.parts.concurrency.tryEnter();
      if (release) return release;
      if (this.now() + CONCURRENCY_POLL_MS > deadlineMs) throw new BackendBusyError(CONCURRENCY_POLL_MS);
      await sleep(CONCURRENCY_POLL_MS * (0.5 + Math.random()), undefined, { signal });
    }
  }

  onOverload(): void {
    this.parts.adaptive.onOverload();
  }

  onSuccess(): void {
    this.parts.adaptive.onSuccess();
  }

  private async take(limiter: RateLimiter, deadlineMs: number, signal?: AbortSignal): Promise<void> {
    const grant = await limiter.reserve(Math.max(0, deadlineMs - this.now()));
    if (!grant.granted) throw new BackendBusyError(grant.waitMs);
    if (grant.waitMs > 0) await sleep(grant.waitMs, undefined, { signal });
  }
}
