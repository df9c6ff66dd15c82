import { HttpLoadResult, HttpLoadRun, runHttpLoad, summarizeRuns } from './http-load';

export interface RoundTarget {
  readonly name: string;
  readonly url: string;
  readonly body: string;
}

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
export async function runAlternatingRounds(plan: AlternatingRounds): Promise<Record<string, HttpLoadResult>> {
  const rounds = Math.max(1, Math.min(plan.rounds, plan.totalSec));
  const roundSec = Math.max(1, Math.floor(plan.totalSec / rounds));
  const runs = new Map<string, HttpLoadRun[]>(plan.targets.map((target) => [target.name, []]));
  for (const target of plan.targets) {
    await runHttpLoad({ url: target.url, body: target.body, connections: plan.connections, durationSec: plan.warmUpSec });
  }
  for (let round = 0; round < rounds; round += 1) {
    for (const target of roundOrder(plan.targets, round)) {
      const run = await runHttpLoad({ url: target.url, body: target.body, connections: plan.connections, durationSec: roundSec });
      runs.get(target.name)?.push(run);
    }
  }
  return Object.fromEntries([...runs].map(([name, targetRuns]) => [name, summarizeRuns(targetRuns)]));
}
