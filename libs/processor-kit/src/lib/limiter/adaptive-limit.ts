import { CallWindow, LearningLaw, learnLimit } from './learned-limit';
import { LearnedLimitStore } from './learned-limit-store';
import { RateControl } from './rate-control';

export interface AdaptiveLimitOptions {
  readonly law: LearningLaw;
  /** How often this replica reports what it saw; each report moves the shared limit. */
  readonly windowMs: number;
  /** Told every newly learned limit (for the metric). */
  readonly onLearned?: (limit: number) => void;
  /** Told when the store could not be reached; the last learned limit stays in force. */
  readonly onStoreError?: (error: Error) => void;
  readonly now?: () => number;
}

/**
 * The adaptive budget: this replica gathers latencies and overload signals over a short window,
 * then folds them into the limit the type's replicas learn together (`learnLimit`, in the store).
 * Between reports it goes at the last limit it learned.
 */
export class AdaptiveLimit implements RateControl {
  private learned: number;
  private latencies: number[] = [];
  private overloads = 0;
  private pressed = false;
  private windowStartedMs: number;
  private reporting = false;
  private readonly now: () => number;

  constructor(
    private readonly store: LearnedLimitStore,
    private readonly options: AdaptiveLimitOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.windowStartedMs = this.now();
    this.learned = Math.min(options.law.maxRate, options.law.initialRate);
    options.onLearned?.(this.learned);
  }

  sharedRate(): number {
    this.reportIfWindowEnded();
    return this.learned;
  }

  replicaRate(): undefined {
    return undefined;
  }

  answered(latencyMs: number): void {
    this.latencies.push(latencyMs);
    this.reportIfWindowEnded();
  }

  overloaded(): void {
    this.overloads += 1;
    this.reportIfWindowEnded();
  }

  throttled(): void {
    this.pressed = true;
  }

  private reportIfWindowEnded(): void {
    const now = this.now();
    if (this.reporting || now - this.windowStartedMs < this.options.windowMs) return;
    const window = this.closeWindow(now);
    if (window.latencyMs === undefined && window.overloads === 0) return;
    this.reporting = true;
    this.store
      .update((state, storeNowMs) => learnLimit(state, window, storeNowMs, this.options.law))
      .then((state) => {
        if (state.limit !== this.learned) this.options.onLearned?.(state.limit);
        this.learned = state.limit;
      })
      .catch((error: Error) => this.options.onStoreError?.(error))
      .finally(() => {
        this.reporting = false;
      });
  }

  private closeWindow(now: number): CallWindow {
    const sorted = this.latencies.sort((a, b) => a - b);
    const window = {
      latencyMs: sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : undefined,
      overloads: this.overloads,
      calls: sorted.length + this.overloads,
      pressed: this.pressed,
    };
    this.latencies = [];
    this.overloads = 0;
    this.pressed = false;
    this.windowStartedMs = now;
    return window;
  }
}
