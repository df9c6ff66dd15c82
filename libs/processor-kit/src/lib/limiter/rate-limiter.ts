/** A grant to call the backend at `waitMs` from now, or a refusal when that would be too late. */
export type RateGrant = { readonly granted: true; readonly waitMs: number } | { readonly granted: false; readonly waitMs: number };

/**
 * Hands out calls at a fixed rate. A caller reserves the next free slot and sleeps until it (so
 * callers are served in order and the rate holds however many wait), unless that slot lies beyond
 * `maxWaitMs`: then nothing is reserved and the caller learns how long it would have had to wait.
 */
export interface RateLimiter {
  reserve(maxWaitMs: number): Promise<RateGrant>;
  /** Changes the rate from now on; slots already reserved keep their time. */
  setRate(ratePerSecond: number): void;
}

export interface BucketState {
  readonly tokens: number;
  readonly updatedAtMs: number;
}

/**
 * Token bucket with reservations; the same arithmetic runs in Redis for the shared limiter. The
 * bucket holds at most `burst` tokens, so after a quiet spell no more than `burst` calls go at once.
 */
export function reserveToken(
  state: BucketState | undefined,
  nowMs: number,
  ratePerSecond: number,
  burst: number,
  maxWaitMs: number,
): { state: BucketState; grant: RateGrant } {
  const previous = state ?? { tokens: burst, updatedAtMs: nowMs };
  const tokens = Math.min(burst, previous.tokens + ((nowMs - previous.updatedAtMs) * ratePerSecond) / 1000);
  const waitMs = tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / ratePerSecond);
  if (waitMs > maxWaitMs) return { state: { tokens, updatedAtMs: nowMs }, grant: { granted: false, waitMs } };
  return { state: { tokens: tokens - 1, updatedAtMs: nowMs }, grant: { granted: true, waitMs } };
}

/** The in-process limiter, for a single replica or when no Redis is configured. */
export class LocalRateLimiter implements RateLimiter {
  private state?: BucketState;

  constructor(
    private ratePerSecond: number,
    private readonly burst = 1,
    private readonly now: () => number = Date.now,
  ) {}

  setRate(ratePerSecond: number): void {
    if (this.state) this.state = reserveToken(this.state, this.now(), this.ratePerSecond, this.burst, 0).state;
    this.ratePerSecond = ratePerSecond;
  }

  async reserve(maxWaitMs: number): Promise<RateGrant> {
    const { state, grant } = reserveToken(this.state, this.now(), this.ratePerSecond, this.burst, maxWaitMs);
    this.state = state;
    return grant;
  }
}
