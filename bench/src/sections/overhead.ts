import { runAlternatingRounds } from '../load/alternating-rounds';
import { orderRequestBody } from '../load/orders';
import { valueRow } from '../report/result-row';
import { overheadCost } from '../report/statistics';
import { BenchContext, HTTP_CONNECTIONS, SectionResult } from './context';
import { SIDE_BY_SIDE_ROUNDS, startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

/** The shipped defaults versus metrics off and only warnings logged. */
export const INSTRUMENTED_ENV = { MONITORING_ENABLED: 'true', LOG_LEVEL: 'info' } as const;
export const UNINSTRUMENTED_ENV = { MONITORING_ENABLED: 'false', LOG_LEVEL: 'warn' } as const;

/**
 * The same intake with and without metrics and info logs, side by side: two producer-api processes
 * run at once and take the load in alternating rounds; the difference in orders/s is the cost.
 */
export async function runOverhead(context: BenchContext): Promise<SectionResult> {
  const instrumentedProducer = await startProducer(context, 'overhead-on', INSTRUMENTED_ENV);
  const uninstrumentedProducer = await startProducer(context, 'overhead-off', UNINSTRUMENTED_ENV);
  const body = orderRequestBody();
  let results;
  try {
    context.progress('overhead: intake with metrics + info logs and without, in alternating rounds');
    results = await runAlternatingRounds({
      targets: [
        { name: 'instrumented', url: `${instrumentedProducer.url}/api/v1/orders`, body },
        { name: 'uninstrumented', url: `${uninstrumentedProducer.url}/api/v1/orders`, body },
      ],
      connections: HTTP_CONNECTIONS,
      totalSec: context.scale.httpDurationSec,
      warmUpSec: context.scale.warmUpSec,
      rounds: SIDE_BY_SIDE_ROUNDS,
    });
  } finally {
    for (const producer of [instrumentedProducer, uninstrumentedProducer]) {
      await producer.stop();
      await deleteRunTopology(context, producer.prefix);
    }
  }
  const instrumented = results['instrumented'];
  const uninstrumented = results['uninstrumented'];
  const cost = overheadCost(instrumented.succeededPerSec, uninstrumented.succeededPerSec);
  return {
    figures: { instrumentedEnv: INSTRUMENTED_ENV, uninstrumentedEnv: UNINSTRUMENTED_ENV, instrumented, uninstrumented, cost },
    rows: [
      valueRow({ section: 'overhead', figure: 'intake, metrics on + LOG_LEVEL=info', value: instrumented.succeededPerSec, unit: 'orders/s' }),
      valueRow({ section: 'overhead', figure: 'intake, MONITORING_ENABLED=false + warn', value: uninstrumented.succeededPerSec, unit: 'orders/s' }),
      valueRow({ section: 'overhead', figure: 'cost of metrics + logging', value: cost === undefined ? undefined : cost * 100, unit: '%', target: { atMost: 3 } }),
    ],
  };
}
