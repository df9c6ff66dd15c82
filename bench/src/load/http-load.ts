import autocannon from 'autocannon';
import { perSecond } from '../report/statistics';
import { LatencySummary, summarizeLatencies } from '@bss/observability';

export interface HttpLoad {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Sees every answer's status and body, e.g. to count accepted items or collect order ids. */
  readonly onResponse?: (status: number, body: string) => void;
}

/** One autocannon run, with every answer's latency kept so runs can be merged exactly. */
export interface HttpLoadRun {
  readonly succeeded: number;
  /** Non-2xx answers, connection errors and timeouts together. */
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
  readonly elapsedMs: number;
  readonly latenciesMs: readonly number[];
}

/** What the table and the JSON keep of one or more runs against the same endpoint. */
export interface HttpLoadResult {
  readonly succeeded: number;
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
  readonly elapsedMs: number;
  readonly succeededPerSec?: number;
  readonly latencyMs: LatencySummary;
}

/** Posts the same JSON body over `connections` keep-alive connections for the duration (autocannon). */
export async function runHttpLoad(load: HttpLoad): Promise<HttpLoadRun> {
  const latenciesMs: number[] = [];
  const instance = autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.durationSec,
    timeout: 10,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: load.body,
        ...(load.onResponse ? { onResponse: (status: number, body: string) => load.onResponse?.(status, body) } : {}),
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTimeMs) => latenciesMs.push(responseTimeMs));
  const result = await instance;
  return {
    succeeded: result['2xx'],
    errors: result.non2xx + result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    elapsedMs: result.finish.getTime() - result.start.getTime(),
    latenciesMs,
  };
}

/** Merges runs against one endpoint: counts and time add up, latency percentiles over every answer. */
export function summarizeRuns(runs: readonly HttpLoadRun[]): HttpLoadResult {
  const succeeded = runs.reduce((sum, run) => sum + run.succeeded, 0);
  const elapsedMs = runs.reduce((sum, run) => sum + run.elapsedMs, 0);
  const statusCodes: Record<string, number> = {};
  for (const run of runs) for (const [code, count] of Object.entries(run.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + count;
  return {
    succeeded,
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
    statusCodes,
    elapsedMs,
    succeededPerSec: perSecond(succeeded, elapsedMs),
    latencyMs: summarizeLatencies(runs.flatMap((run) => run.latenciesMs)),
  };
}
