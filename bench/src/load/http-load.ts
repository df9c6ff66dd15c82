import autocannon from 'autocannon';

export interface HttpLoad {
  readonly url: string;
  readonly body: string;
  readonly connections: number;
  readonly durationSec: number;
  /** Requests per second across all connections; closed-loop (as fast as answers come) when absent. */
  readonly overallRate?: number;
  /** Sees every answer's status and body, e.g. to count accepted items or collect order ids. */
  readonly onResponse?: (status: number, body: string) => void;
}

export interface HttpLoadResult {
  readonly requests: number;
  readonly succeeded: number;
  /** Non-2xx answers, connection errors and timeouts together. */
  readonly errors: number;
  readonly statusCodes: Record<string, number>;
  readonly elapsedMs: number;
  readonly latencyMs: { readonly p50: number; readonly p99: number; readonly max: number };
}

/** Posts the same JSON body over `connections` keep-alive connections for the duration (autocannon). */
export async function runHttpLoad(load: HttpLoad): Promise<HttpLoadResult> {
  const result = await autocannon({
    url: load.url,
    connections: load.connections,
    duration: load.durationSec,
    timeout: 10,
    ...(load.overallRate ? { overallRate: load.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: load.body,
        ...(load.onResponse ? { onResponse: (status: number, body: string) => load.onResponse?.(status, body) } : {}),
      },
    ],
  });
  return {
    requests: result['2xx'] + result.non2xx + result.errors,
    succeeded: result['2xx'],
    errors: result.non2xx + result.errors,
    statusCodes: Object.fromEntries(Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count])),
    elapsedMs: result.finish.getTime() - result.start.getTime(),
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
  };
}
