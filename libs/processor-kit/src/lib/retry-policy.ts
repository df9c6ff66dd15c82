export interface RetrySchedule {
  readonly maxRetries: number;
  /** Delay before retry 1, 2, ...; the last one repeats. */
  readonly backoffMs: readonly number[];
  readonly jitterPercent: number;
}

export type RetryDecision = { readonly retry: true; readonly step: number; readonly delayMs: number } | { readonly retry: false };

/**
 * Decides what follows a retryable failure of attempt `attempt` (1 = first delivery): another try
 * after the step's delay, spread by jitter, or — once MAX_RETRIES retries are used — a dead letter.
 * An order is therefore tried at most MAX_RETRIES + 1 times.
 */
export function decideRetry(schedule: RetrySchedule, attempt: number, random: () => number = Math.random): RetryDecision {
  if (attempt > schedule.maxRetries) return { retry: false };
  const step = Math.min(attempt, schedule.backoffMs.length);
  const base = schedule.backoffMs[step - 1];
  const spread = (schedule.jitterPercent / 100) * (2 * random() - 1);
  return { retry: true, step, delayMs: Math.max(0, Math.round(base * (1 + spread))) };
}

/** Delay queues the schedule needs: one per distinct step. */
export function retryStepsOf(schedule: RetrySchedule): number {
  return schedule.backoffMs.length;
}
