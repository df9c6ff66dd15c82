/**
 * What the replicas of one order type have learned together about their backend: the rate it
 * bears, and its latency when unloaded. Kept in Redis (or in-process) and advanced by `learnLimit`.
 */
export interface LearnedLimitState {
  /** Calls per second all replicas together may make. */
  readonly limit: number;
  readonly updatedAtMs: number;
  readonly lastCutAtMs: number;
  /** The lowest window latency of the current and the previous baseline period. */
  readonly baselineMs?: number;
  /** The lowest window latency of the current baseline period, which becomes the baseline when it ends. */
  readonly periodLowMs?: number;
  readonly periodEndsAtMs: number;
}

/** What one replica saw in one observation window. */
export interface CallWindow {
  /** Median latency of the calls the backend answered (success or business answer); none if it answered none. */
  readonly latencyMs?: number;
  /** Calls that met 429, 503 or a timeout. */
  readonly overloads: number;
  /** Calls that ended in the window, answered or overloaded. */
  readonly calls: number;
  /** Callers had to wait for the learned rate: demand presses the limit, so raising it is worth trying. */
  readonly pressed: boolean;
}

export interface LearningLaw {
  readonly initialRate: number;
  readonly minRate: number;
  /** The configured budget, when one is: the learned limit never exceeds it. */
  readonly maxRate: number;
  /** How many times its unloaded latency the backend may take before it counts as saturated. */
  readonly latencyTolerance: number;
  /**
   * Latency above the baseline that never counts as saturation, however small the baseline: a
   * backend answering in 2 ms is not saturated at 7 ms, that is the processors' own jitter.
   */
  readonly latencySlackMs: number;
  /** Proportional gain: the limit's logarithm moves by gain × ln(saturation latency ÷ latency) per second. */
  readonly gainPerSecond: number;
  /** The deepest cut an overload signal makes, when (nearly) every call met it; at most one cut per `cutIntervalMs`. */
  readonly overloadCut: number;
  readonly cutIntervalMs: number;
  /** How long a baseline latency is remembered: one to two of these periods. */
  readonly baselinePeriodMs: number;
}

/** The limit never moves faster than doubling or halving per second from the latency term. */
const MAX_LOG_STEP_PER_SECOND = Math.LN2;

/** A replica that reported long ago moves the shared limit by at most one second's worth. */
const MAX_STEP_SECONDS = 1;

export function initialLearnedLimit(nowMs: number, law: LearningLaw): LearnedLimitState {
  return { limit: Math.min(law.maxRate, Math.max(law.minRate, law.initialRate)), updatedAtMs: nowMs, lastCutAtMs: nowMs - law.cutIntervalMs, periodEndsAtMs: nowMs + law.baselinePeriodMs };
}

/**
 * The control law, a gradient limit on latency in the family of TCP Vegas: the backend's latency
 * against its unloaded baseline says how close it is to saturation. Below `latencyTolerance` × the
 * baseline, and while demand presses the limit, the limit rises; above it, it falls, in proportion
 * to the logarithm of the distance, so it settles where latency is `latencyTolerance` × baseline
 * instead of sawing between overload and backing off. An overload signal (429, 503, a timeout)
 * cuts it at once by the share of calls that met one (never below `overloadCut`), at most once
 * per `cutIntervalMs` across all replicas: a stray 503 costs little, a collapse halves it.
 *
 * Every replica reports its own windows, and each report moves the limit by the time elapsed since
 * the last report of any replica: the limit learns at the same speed however many replicas there are.
 */
export function learnLimit(state: LearnedLimitState | undefined, window: CallWindow, nowMs: number, law: LearningLaw): LearnedLimitState {
  const previous = state ?? initialLearnedLimit(nowMs, law);
  const elapsedSeconds = Math.min(MAX_STEP_SECONDS, Math.max(0, nowMs - previous.updatedAtMs) / 1000);
  const baseline = advanceBaseline(previous, window.latencyMs, nowMs, law);
  let limit = previous.limit;
  let lastCutAtMs = previous.lastCutAtMs;
  if (window.overloads > 0) {
    // The cut alone answers an overload: the latencies of the same moment would cut again for the same cause.
    if (nowMs - lastCutAtMs >= law.cutIntervalMs) {
      limit *= Math.max(law.overloadCut, 1 - window.overloads / Math.max(window.calls, window.overloads));
      lastCutAtMs = nowMs;
    }
  } else if (window.latencyMs !== undefined && baseline.baselineMs !== undefined) {
    const saturatedAtMs = Math.max(law.latencyTolerance * baseline.baselineMs, baseline.baselineMs + law.latencySlackMs);
    const distance = Math.log(saturatedAtMs / window.latencyMs);
    if (distance < 0 || window.pressed) {
      const step = Math.min(MAX_LOG_STEP_PER_SECOND, Math.max(-MAX_LOG_STEP_PER_SECOND, law.gainPerSecond * distance));
      limit *= Math.exp(step * elapsedSeconds);
    }
  }
  return { ...baseline, limit: Math.min(law.maxRate, Math.max(law.minRate, limit)), updatedAtMs: Math.max(nowMs, previous.updatedAtMs), lastCutAtMs };
}

/** The baseline is the lowest latency of the last one to two periods, so it follows a backend that became slower for good. */
function advanceBaseline(
  state: LearnedLimitState,
  latencyMs: number | undefined,
  nowMs: number,
  law: LearningLaw,
): Pick<LearnedLimitState, 'baselineMs' | 'periodLowMs' | 'periodEndsAtMs'> {
  const lowest = (a: number | undefined, b: number | undefined) => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
  const periodLowMs = lowest(state.periodLowMs, latencyMs);
  if (nowMs < state.periodEndsAtMs) return { baselineMs: lowest(state.baselineMs, latencyMs), periodLowMs, periodEndsAtMs: state.periodEndsAtMs };
  return { baselineMs: periodLowMs, periodLowMs: latencyMs, periodEndsAtMs: nowMs + law.baselinePeriodMs };
}
