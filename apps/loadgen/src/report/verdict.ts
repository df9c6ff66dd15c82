import { ORDER_TYPES } from '@bss/contracts';
import { formatRelativeError, PREDICTION_TOLERANCE, PredictionCheck } from '../plan/prediction-check';
import { RunResult } from '../run/run-load';
import { BudgetFigures, budgetFigures, capacityAt, RECOVERED_SHARE } from './budget-figures';
import { denseSeries, smoothingFactor } from './statistics';
import { LatencySummary, summarizeLatencies } from '@bss/observability';

/** The static budget is 90 % of capacity and may overshoot by machine jitter; the adaptive one must stay within capacity. */
export const PEAK_RATIO_LIMIT = 1.05;
export const ADAPTIVE_PEAK_RATIO_LIMIT = 1;
export const ADAPTIVE_USE_TARGET = 0.9;
export const FAULT_REACTION_SEC = 3;
export const FAULT_RECOVERY_SEC = 15;
export const FAIRNESS_TOLERANCE = 0.2;

export interface Verdict {
  readonly mode: RunResult['mode'];
  readonly budget?: RunResult['budget'];
  readonly profile: string;
  /** Highest 1-second backend rate of any type ÷ that type's capacity in that second (outside the seconds allowed to react to a capacity loss). */
  readonly backendPeakRatio: number;
  readonly smoothingFactor: number;
  readonly offeredPeak: number;
  readonly backendPeak: number;
  readonly intakeLatencyMs: LatencySummary;
  readonly endToEndLatencyMs: LatencySummary;
  /** From the last request sent until the backlog was gone (queue mode). */
  readonly drainSeconds: number;
  readonly backendErrorRate: number;
  readonly accounting: RunResult['accounting'];
  /** How the budget used the backend (queue runs). */
  readonly budgetFigures?: BudgetFigures;
  /** The capacity planner's prediction of this run, when its settings were known (a launched queue run). */
  readonly prediction?: PredictionCheck;
  readonly checks: { readonly name: string; readonly passed: boolean; readonly detail: string }[];
}

/** The per-second series the verdict and the charts share: offered and backend, over the same seconds. */
export function alignedSeries(run: RunResult): { seconds: number[]; offered: number[]; backend: number[]; backendErrors: number[] } {
  const lastSecond = Math.max(
    run.offered.length - 1,
    Math.ceil((run.drainedAtMs - run.startedAtMs) / 1000),
    ...run.backend.map((second) => second.second),
  );
  const backendTotals = new Map<number, number>();
  const errorTotals = new Map<number, number>();
  for (const second of run.backend) {
    backendTotals.set(second.second, (backendTotals.get(second.second) ?? 0) + second.requests);
    errorTotals.set(second.second, (errorTotals.get(second.second) ?? 0) + second.errors);
  }
  return {
    seconds: Array.from({ length: lastSecond + 1 }, (_, second) => second),
    offered: denseSeries(new Map(run.offered.map((rate, second) => [second, rate])), 0, lastSecond),
    backend: denseSeries(backendTotals, 0, lastSecond),
    backendErrors: denseSeries(errorTotals, 0, lastSecond),
  };
}

export function judge(run: RunResult, prediction?: PredictionCheck): Verdict {
  const series = alignedSeries(run);
  const backendPeakRatio = Math.max(0, ...run.backend.filter((second) => !inFaultReaction(run, second.second)).map((second) => second.requests / capacityAt(run, second.type, second.second)));
  const figures = run.mode === 'queue' ? budgetFigures(run) : undefined;
  const backendRequests = run.backend.reduce((sum, second) => sum + second.requests, 0);
  const backendErrors = run.backend.reduce((sum, second) => sum + second.errors, 0);
  const accepted = run.orders.filter((order) => order.outcome === 'accepted');
  const verdict = {
    mode: run.mode,
    ...(run.budget ? { budget: run.budget } : {}),
    profile: run.profile,
    backendPeakRatio,
    smoothingFactor: smoothingFactor(series.offered, series.backend),
    offeredPeak: Math.max(0, ...series.offered),
    backendPeak: Math.max(0, ...series.backend),
    intakeLatencyMs: summarizeLatencies(run.orders.filter((order) => order.status > 0).map((order) => order.latencyMs)),
    endToEndLatencyMs: summarizeLatencies(accepted.flatMap((order) => (order.endToEndMs === undefined ? [] : [order.endToEndMs]))),
    drainSeconds: Math.max(0, (run.drainedAtMs - run.sendEndedAtMs) / 1000),
    backendErrorRate: backendRequests === 0 ? 0 : backendErrors / backendRequests,
    accounting: run.accounting,
    ...(figures ? { budgetFigures: figures } : {}),
    ...(prediction ? { prediction } : {}),
  };
  const checks =
    run.mode === 'queue'
      ? [
          peakCheck(run, backendPeakRatio),
          { name: 'nothing lost', passed: run.accounting.lost === 0 && run.drained, detail: `${run.accounting.lost} lost${run.drained ? '' : ', backlog not drained'}` },
          { name: 'nothing applied twice', passed: run.accounting.appliedTwice === 0, detail: `${run.accounting.appliedTwice}` },
          backlogCheck(run, series.offered),
          ...(figures ? budgetChecks(run, figures) : []),
          ...(prediction ? [predictionCheck(prediction)] : []),
        ]
      : [
          { name: 'backend overloaded (peak > capacity)', passed: backendPeakRatio > 1, detail: backendPeakRatio.toFixed(3) },
          { name: 'orders failed outright', passed: true, detail: `${run.accounting.failedOutright} of ${run.orders.length}` },
        ];
  return { ...verdict, checks };
}

/** The first seconds of a capacity loss, which the reaction check judges instead of the peak check. */
function inFaultReaction(run: RunResult, second: number): boolean {
  const fault = run.capacityFault;
  return fault !== undefined && second >= fault.atSec && second < fault.atSec + FAULT_REACTION_SEC;
}

function peakCheck(run: RunResult, ratio: number): Verdict['checks'][number] {
  const limit = run.budget === 'adaptive' ? ADAPTIVE_PEAK_RATIO_LIMIT : PEAK_RATIO_LIMIT;
  const outside = run.capacityFault ? ` (outside the ${FAULT_REACTION_SEC} s after the capacity loss)` : '';
  return { name: `busiest backend second ≤ ${limit.toFixed(2)} × capacity${outside}`, passed: ratio <= limit, detail: ratio.toFixed(3) };
}

/**
 * What the adaptive budget promises without being told the capacity: it uses it while orders wait,
 * follows a capacity loss down within seconds and back up after; and any shared budget splits the
 * type's rate evenly between its replicas.
 */
function budgetChecks(run: RunResult, figures: BudgetFigures): Verdict['checks'] {
  const percent = (value: number) => `${(value * 100).toFixed(1)} %`;
  const fairness = figures.fairness.map((entry) => ({
    name: `the ${entry.shares.length} ${entry.type} replicas each applied within ${FAIRNESS_TOLERANCE * 100} % of an even share`,
    passed: entry.maxDeviation <= FAIRNESS_TOLERANCE,
    detail: `${entry.shares.map((share) => share.toFixed(2)).join(' · ')} of an even share`,
  }));
  if (run.budget !== 'adaptive') return fairness;
  const checks: Verdict['checks'] = [];
  if (figures.capacityUsedInBacklog !== undefined) {
    checks.push({
      name: `≥ ${ADAPTIVE_USE_TARGET * 100} % of capacity used while a backlog waited`,
      passed: figures.capacityUsedInBacklog >= ADAPTIVE_USE_TARGET,
      detail: `${percent(figures.capacityUsedInBacklog)} over ${figures.backlogSeconds} s`,
    });
  }
  if (run.capacityFault) {
    const { underReducedCapacityAfterSec: under, backTo90PercentAfterSec: back } = figures;
    checks.push(
      {
        name: `under the reduced capacity within ${FAULT_REACTION_SEC} s of the loss`,
        passed: under !== undefined && under <= FAULT_REACTION_SEC,
        detail: under === undefined ? 'never' : `${under} s`,
      },
      {
        name: `≥ ${RECOVERED_SHARE * 100} % of the capacity used again within ${FAULT_RECOVERY_SEC} s of its return`,
        passed: back !== undefined && back <= FAULT_RECOVERY_SEC,
        detail: back === undefined ? 'not while a backlog waited' : `${back} s`,
      },
    );
  }
  return [...checks, ...fairness];
}

/** The planner's peak depth and drain time for the run's profile and settings, against the run's. */
function predictionCheck(prediction: PredictionCheck): Verdict['checks'][number] {
  const { predicted, measured } = prediction;
  return {
    name: `the capacity planner predicted peak depth and drain time within ${PREDICTION_TOLERANCE * 100} %`,
    passed: prediction.withinTolerance,
    detail:
      `peak ${Math.round(predicted.peakDepth)} predicted, ${Math.round(measured.peakDepth)} measured (${formatRelativeError(prediction.peakDepthError)}); ` +
      `drain ${predicted.drainSec ?? '–'} s predicted, ${measured.drainSec ?? '–'} s measured (${formatRelativeError(prediction.drainError)})`,
  };
}

/**
 * What the pattern promises for a burst: where more was offered in a second than the backends can
 * take, the queue held the excess as a backlog, and the backlog was gone by the end. A profile that
 * never exceeds capacity has nothing to absorb and passes (how much it smoothed is a figure, the
 * smoothing factor, not a verdict: a gentle profile is not a failure of the pattern).
 */
function backlogCheck(run: RunResult, offered: readonly number[]): Verdict['checks'][number] {
  const capacity = typesIn(run).reduce((sum, type) => sum + run.capacity[type as keyof RunResult['capacity']].ratePerSecond, 0);
  const overloadedSeconds = offered.filter((rate) => rate > capacity).length;
  const peakBacklog = run.queueDepth.reduce((peak, sample) => Math.max(peak, Object.values(sample.depth).reduce((sum, depth) => sum + (depth ?? 0), 0)), 0);
  const name = 'a burst above capacity is absorbed as a backlog, then drained';
  if (overloadedSeconds === 0) return { name, passed: run.drained, detail: `offered never exceeded capacity (${capacity}/s): nothing to absorb` };
  return {
    name,
    passed: peakBacklog > 0 && run.drained,
    detail: `${overloadedSeconds} s above ${capacity}/s, peak backlog ${peakBacklog}, ${run.drained ? 'drained' : 'not drained'}`,
  };
}

export function formatFactor(value: number): string {
  return Number.isFinite(value) ? value.toFixed(1) : '∞ (backend perfectly flat)';
}

export function typesIn(run: RunResult): string[] {
  return ORDER_TYPES.filter((type) => run.backend.some((second) => second.type === type) || run.orders.some((order) => order.type === type));
}
