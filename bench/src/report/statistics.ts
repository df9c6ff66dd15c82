/** Events per second; undefined when no time passed (a rate cannot be measured then). */
export function perSecond(count: number, elapsedMs: number): number | undefined {
  return elapsedMs > 0 ? (count * 1000) / elapsedMs : undefined;
}

/** figure ÷ ceiling; undefined when either is missing or the ceiling is not positive. */
export function ratio(figure: number | undefined, ceiling: number | undefined): number | undefined {
  if (figure === undefined || ceiling === undefined || ceiling <= 0) return undefined;
  return figure / ceiling;
}

/** The lower of the ceilings that are known: a pipeline is only as fast as its slowest stage. */
export function lowestCeiling(...ceilings: readonly (number | undefined)[]): number | undefined {
  const known = ceilings.filter((ceiling): ceiling is number => ceiling !== undefined);
  return known.length ? Math.min(...known) : undefined;
}

/**
 * Share of intake throughput that metrics and logging cost: 0.03 means 3 % fewer orders/s with
 * them on. Negative when the run with them happened to be faster (noise).
 */
export function overheadCost(withInstrumentation: number | undefined, withoutInstrumentation: number | undefined): number | undefined {
  if (withInstrumentation === undefined || withoutInstrumentation === undefined || withoutInstrumentation <= 0) return undefined;
  return (withoutInstrumentation - withInstrumentation) / withoutInstrumentation;
}

export interface DepthSample {
  readonly atMs: number;
  readonly depth: number;
}

/**
 * Drain rate from queue-depth samples taken while a consumer empties a pre-filled queue: from the
 * first sample where the depth has dropped (consuming began; process start-up is not counted) to
 * the first sample where the queue is empty. Undefined when the queue never started or never
 * finished draining.
 */
export function drainRate(samples: readonly DepthSample[], initialDepth: number): number | undefined {
  const started = samples.find((sample) => sample.depth < initialDepth);
  const emptied = samples.find((sample) => sample.depth === 0);
  if (!started || !emptied || emptied.atMs <= started.atMs) return undefined;
  return perSecond(started.depth, emptied.atMs - started.atMs);
}

export type Target = { readonly atLeast: number } | { readonly atMost: number };

export type Verdict = 'pass' | 'fail' | 'n/a';

/** Whether a figure meets its target; `n/a` when there is no target or nothing was measured. */
export function judge(value: number | undefined, target: Target | undefined): Verdict {
  if (target === undefined || value === undefined || Number.isNaN(value)) return 'n/a';
  if ('atLeast' in target) return value >= target.atLeast ? 'pass' : 'fail';
  return value <= target.atMost ? 'pass' : 'fail';
}

export function describeTarget(target: Target | undefined, unit = ''): string {
  if (target === undefined) return '';
  return 'atLeast' in target ? `≥ ${target.atLeast}${unit}` : `≤ ${target.atMost}${unit}`;
}

/**
 * The drain rate over the first `windowMs` after the queue began to shrink: what an operator sees
 * early in a drain and predicts the rest from. Undefined when the queue did not shrink in the window.
 */
export function earlyDrainRate(samples: readonly DepthSample[], windowMs: number): number | undefined {
  if (samples.length === 0) return undefined;
  const started = samples.find((sample) => sample.depth < samples[0].depth);
  if (!started) return undefined;
  const inWindow = samples.filter((sample) => sample.atMs >= started.atMs && sample.atMs <= started.atMs + windowMs);
  const last = inWindow[inWindow.length - 1];
  return perSecond(started.depth - last.depth, last.atMs - started.atMs);
}
