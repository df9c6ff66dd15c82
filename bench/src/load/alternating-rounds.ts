import { cpuSnapshot, cpuSpentMs, MeteredProcess, perOrderUs } from '../processes/cpu-time';
import { HttpLoadResult, HttpLoadRun, runHttpLoad, summarizeRuns } from './http-load';

export interface RoundTarget {
  readonly name: string;
  readonly url: string;
  readonly body: string;
  /** Processes whose CPU time this target's rounds are charged with (its app, the broker). */
  readonly processes?: readonly MeteredProcess[];
}

/** One target's load, and each metered process's CPU time per accepted order during its rounds. */
export type RoundsResult = HttpLoadResult & { readonly cpuUsPerOrder: Record<string, number> };

export interface AlternatingRounds {
  readonly targets: readonly RoundTarget[];
  readonly connections: number;
  readonly totalSec: number;
  readonly warmUpSec: number;
  readonly rounds: number;
}

/** Target order in a round: each round starts one further along, so none always follows a pause. */
export function roundOrder<T>(targets: readonly T[], round: number): T[] {
  const shift = round % targets.length;
  return [...targets.slice(shift), ...targets.slice(0, shift)];
}

/**
 * Loads several endpoints in short alternating rounds instead of one after the other: whatever else
 * the machine is doing falls on all of them alike, so their ratio holds even when absolute numbers
 * drift. Each target gets `totalSec` of load in all.
 */
export async function runAlternatingRounds(plan: AlternatingRounds): Promise<Record<string, RoundsResult>> {
  const rounds = Math.max(1, Math.min(plan.rounds, plan.totalSec));
  const roundSec = Math.max(1, Math.floor(plan.totalSec / rounds));
  const runs = new Map<string, HttpLoadRun[]>(plan.targets.map((target) => [target.name, []]));
  const cpuMs = new Map<string, Record<string, number>>(plan.targets.map((target) => [target.name, {}]));
  for (const target of plan.targets) {
    await runHttpLoad({ url: target.url, body: target.body, connections: plan.connections, durationSec: plan.warmUpSec });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const target of roundOrder(plan.targets, round)) {
      const before = cpuSnapshot(target.processes ?? []);
      const run = await runHttpLoad({ url: target.url, body: target.body, connections: plan.connections, durationSec: roundSec });
      const spent = cpuSpentMs(before, cpuSnapshot(target.processes ?? []));
      const total = cpuMs.get(target.name) as Record<string, number>;
      for (const [process, ms] of Object.entries(spent)) total[process] = (total[process] ?? 0) + ms;
      runs.get(target.name)?.push(run);
    }
  }
  return Object.fromEntries(
    [...runs].map(([name, targetRuns]) => {
      const summary = summarizeRuns(targetRuns);
      return [name, { ...summary, cpuUsPerOrder: perOrderUs(cpuMs.get(name) ?? {}, summary.succeeded) }];
    }),
  );
}
