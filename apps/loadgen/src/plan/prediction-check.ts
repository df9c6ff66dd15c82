import { OrderType } from '@bss/contracts';
import { Profile } from '../profiles/profiles';
import { budgetFor, LAUNCHED_PROCESSOR } from '../run/launch';
import { RunResult } from '../run/run-load';
import { OrderMix } from '../traffic/order-mix';
import { peakAndDrain, planCapacity, TypePlan } from './capacity-plan';

/** How close the planner's prediction must come to the real run. */
export const PREDICTION_TOLERANCE = 0.15;

/** The bound of each order queue in a launched run (the config's default). */
const LAUNCHED_QUEUE_BOUND = 100_000;

export interface DepthAndDrain {
  readonly peakDepth: number;
  /** From the (last second at the) peak to the first empty second after it. */
  readonly drainSec?: number;
}

export interface PredictionCheck {
  readonly predicted: DepthAndDrain;
  /** The planner's total depth per second, to draw beside the measured one. */
  readonly predictedDepth: number[];
  readonly measured: DepthAndDrain;
  /** measured ÷ predicted − 1, for each figure. */
  readonly peakDepthError?: number;
  readonly drainError?: number;
  readonly withinTolerance: boolean;
}

/** What a launched run was: its types and shares, each type's capacity and budget, its fixed replicas. */
export function launchedRunPlan(run: RunResult, mix: OrderMix, replicas: Readonly<Record<string, number>>): TypePlan[] {
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  return mix.map(({ type, weight }) => {
    const capacity = run.capacity[type as OrderType].ratePerSecond;
    return {
      type,
      share: weight / totalWeight,
      backendCapacityPerSec: capacity,
      budgetPerSec: budgetFor(capacity),
      concurrency: LAUNCHED_PROCESSOR.concurrency,
      serviceMs: LAUNCHED_PROCESSOR.simulatorServiceTimeMs,
      queueBound: LAUNCHED_QUEUE_BOUND,
      replicas: replicas[`${type.toLowerCase()}-processor`] ?? 1,
    };
  });
}

/** The run's total queue depth, one value per second from the start; a second whose sample is missing keeps the one before. */
export function measuredDepth(run: RunResult): number[] {
  const totals = new Map(run.queueDepth.map((sample) => [sample.second, Object.values(sample.depth).reduce((sum, depth) => sum + (depth ?? 0), 0)]));
  const last = Math.max(0, ...totals.keys());
  const series: number[] = [];
  for (let second = 0; second <= last; second += 1) series.push(totals.get(second) ?? series[second - 1] ?? 0);
  return series;
}

/** A relative error as the reports print it: `+9.1 %`, `-3.6 %`, or `–` when it could not be measured. */
export function formatRelativeError(error: number | undefined): string {
  return error === undefined ? '–' : `${error >= 0 ? '+' : ''}${(error * 100).toFixed(1)} %`;
}

function relativeError(measured: number | undefined, predicted: number | undefined): number | undefined {
  if (measured === undefined || predicted === undefined) return undefined;
  if (predicted === 0) return measured === 0 ? 0 : Infinity;
  return measured / predicted - 1;
}

/** The planner, given only the run's settings and profile, against what the run measured: peak depth and drain time. */
export function checkPrediction(run: RunResult, profile: Profile, plan: readonly TypePlan[]): PredictionCheck {
  const predicted = planCapacity(profile, plan).total;
  const measured = peakAndDrain(measuredDepth(run));
  const peakDepthError = relativeError(measured.peakDepth, predicted.peakDepth);
  const drainError = relativeError(measured.drainSec, predicted.drainSec);
  const within = (error: number | undefined) => error !== undefined && Math.abs(error) <= PREDICTION_TOLERANCE;
  return {
    predicted: { peakDepth: predicted.peakDepth, drainSec: predicted.drainSec },
    predictedDepth: predicted.depth.map((depth) => Math.round(depth * 10) / 10),
    measured: { peakDepth: measured.peakDepth, drainSec: measured.drainSec },
    peakDepthError,
    drainError,
    withinTolerance: within(peakDepthError) && within(drainError),
  };
}
