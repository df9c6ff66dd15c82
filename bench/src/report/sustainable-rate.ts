import { DepthSample } from './statistics';

/** What one open-loop hold at a fixed offered rate showed. */
export interface Hold {
  readonly offeredPerSec: number;
  readonly acceptedPerSec: number;
  readonly errors: number;
  readonly depth: readonly DepthSample[];
}

/** Share of the offered rate intake must accept, and how fast the queue may grow, for a hold to count as flat. */
export const ACCEPTED_SHARE = 0.97;
export const GROWTH_SHARE = 0.02;

/** Least-squares slope of queue depth over time, in messages per second. */
export function depthSlopePerSec(samples: readonly DepthSample[]): number {
  if (samples.length < 2) return 0;
  const meanAt = samples.reduce((sum, sample) => sum + sample.atMs, 0) / samples.length;
  const meanDepth = samples.reduce((sum, sample) => sum + sample.depth, 0) / samples.length;
  let covariance = 0;
  let variance = 0;
  for (const sample of samples) {
    covariance += (sample.atMs - meanAt) * (sample.depth - meanDepth);
    variance += (sample.atMs - meanAt) ** 2;
  }
  return variance === 0 ? 0 : (covariance / variance) * 1000;
}

/**
 * A rate is sustainable when intake takes (almost) all of it without errors and the queue stays
 * flat: it grows by less than 2 % of the offered rate per second over the hold.
 */
export function isSustainable(hold: Hold): boolean {
  return hold.errors === 0 && hold.acceptedPerSec >= ACCEPTED_SHARE * hold.offeredPerSec && depthSlopePerSec(hold.depth) <= GROWTH_SHARE * hold.offeredPerSec;
}

/** Where the search stands: the highest rate found sustainable and the lowest found not. */
export interface SearchState {
  readonly highestSustainable?: number;
  readonly lowestUnsustainable?: number;
}

/** Search precision: stop once the bracket is within 15 %. */
export const BRACKET_RATIO = 1.15;

/**
 * The next rate to hold, or undefined when the bracket is narrow enough: double until a rate fails,
 * halve until one holds, then bisect the bracket geometrically.
 */
export function nextRate(state: SearchState, lastRate: number): number | undefined {
  const { highestSustainable: low, lowestUnsustainable: high } = state;
  if (high === undefined) return lastRate * 2;
  if (low === undefined) return high / 2 >= 1 ? high / 2 : undefined;
  if (high / low <= BRACKET_RATIO) return undefined;
  return Math.round(Math.sqrt(low * high));
}

export function afterHold(state: SearchState, rate: number, sustainable: boolean): SearchState {
  if (sustainable) return { ...state, highestSustainable: Math.max(rate, state.highestSustainable ?? 0) };
  return { ...state, lowestUnsustainable: Math.min(rate, state.lowestUnsustainable ?? Infinity) };
}
