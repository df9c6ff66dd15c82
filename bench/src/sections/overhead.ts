import { valueRow } from '../report/result-row';
import { overheadCost } from '../report/statistics';
import { BenchContext, SectionResult } from './context';
import { IntakeFigures, measureSingleIntake, startProducer } from './intake';
import { deleteRunTopology } from './topology-cleanup';

/** The shipped defaults versus metrics off and only warnings logged. */
export const INSTRUMENTED_ENV = { MONITORING_ENABLED: 'true', LOG_LEVEL: 'info' } as const;
export const UNINSTRUMENTED_ENV = { MONITORING_ENABLED: 'false', LOG_LEVEL: 'warn' } as const;

async function intakeWith(context: BenchContext, label: string, env: Record<string, string>): Promise<IntakeFigures> {
  const producer = await startProducer(context, label, env);
  try {
    context.progress(`overhead: single-order intake with ${JSON.stringify(env)}`);
    return await measureSingleIntake(context, producer);
  } finally {
    await producer.stop();
    await deleteRunTopology(context, producer.prefix);
  }
}

/** The same intake run twice, side by side: what metrics and logging cost in orders/s. */
export async function runOverhead(context: BenchContext): Promise<SectionResult> {
  const instrumented = await intakeWith(context, 'overhead-on', INSTRUMENTED_ENV);
  const bare = await intakeWith(context, 'overhead-off', UNINSTRUMENTED_ENV);
  const cost = overheadCost(instrumented.ordersPerSec, bare.ordersPerSec);
  return {
    figures: { instrumentedEnv: INSTRUMENTED_ENV, uninstrumentedEnv: UNINSTRUMENTED_ENV, instrumented, uninstrumented: bare, cost },
    rows: [
      valueRow({ section: 'overhead', figure: 'intake, metrics on + LOG_LEVEL=info', value: instrumented.ordersPerSec, unit: 'orders/s' }),
      valueRow({ section: 'overhead', figure: 'intake, MONITORING_ENABLED=false + warn', value: bare.ordersPerSec, unit: 'orders/s' }),
      valueRow({ section: 'overhead', figure: 'cost of metrics + logging', value: cost === undefined ? undefined : cost * 100, unit: '%', target: { atMost: 5 } }),
    ],
  };
}
