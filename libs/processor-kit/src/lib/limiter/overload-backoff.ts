/**
 * Additive increase, multiplicative decrease of this replica's share of a fixed budget: an
 * overload signal (429, 503, a timeout) halves it — at most once a second, so one burst of errors
 * counts once — and every healthy second gives back `recoveryPerSecond` of the full rate.
 */
export class OverloadBackoff {
  private factor = 1;
  private lastDecreaseMs = Number.NEGATIVE_INFINITY;
  private lastUpdateMs: number;

  constructor(
    private readonly options: { minFactor: number; recoveryPerSecond: number },
    private readonly now: () => number = Date.now,
  ) {
    this.lastUpdateMs = now();
  }

  onOverload(): void {
    const now = this.now();
    this.recover(now);
    if (now - this.lastDecreaseMs < 1000) return;
    this.factor = Math.max(this.options.minFactor, this.factor / 2);
    this.lastDecreaseMs = now;
  }

  onSuccess(): void {
    this.recover(this.now());
  }

  current(): number {
    this.recover(this.now());
    return this.factor;
  }

  private recover(now: number): void {
    const elapsedSeconds = Math.max(0, now - this.lastUpdateMs) / 1000;
    this.lastUpdateMs = now;
    this.factor = Math.min(1, this.factor + elapsedSeconds * this.options.recoveryPerSecond);
  }
}
