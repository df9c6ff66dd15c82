import { OverloadBackoff } from './overload-backoff';

/**
 * Decides how fast a type's backend may be called, from how its calls went. The budget asks it for
 * the rates before each call and tells it every outcome.
 */
export interface RateControl {
  /** Calls per second all replicas of the type together may make now; undefined = unlimited. */
  sharedRate(): number | undefined;
  /** A lower ceiling for this replica alone, while it backs off on its own; undefined = none. */
  replicaRate(): number | undefined;
  /** The backend answered (success or a business answer) after `latencyMs`. */
  answered(latencyMs: number): void;
  /** A call met 429, 503 or a timeout. */
  overloaded(): void;
  /** A caller had to wait for the shared rate. */
  throttled(): void;
}

/**
 * The configured budget, as operators set it by hand: a fixed shared rate, and each replica halving
 * its own share on overload signals and winning it back additively.
 */
export class StaticRate implements RateControl {
  constructor(
    private readonly ratePerSecond: number,
    private readonly backoff: OverloadBackoff,
  ) {}

  sharedRate(): number | undefined {
    return this.ratePerSecond > 0 ? this.ratePerSecond : undefined;
  }

  replicaRate(): number | undefined {
    const factor = this.backoff.current();
    return factor < 1 && this.ratePerSecond > 0 ? this.ratePerSecond * factor : undefined;
  }

  answered(): void {
    this.backoff.onSuccess();
  }

  overloaded(): void {
    this.backoff.onOverload();
  }

  throttled(): void {
    // A fixed rate learns nothing from callers waiting for it.
  }
}
