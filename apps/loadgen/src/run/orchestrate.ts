import { ORDER_TYPES, OrderType, parseOrderType, topologyNames } from '@bss/contracts';
import { Budget, LoadgenOptions } from '../cli/options';
import { parsePrometheusText } from '@bss/observability';
import { BrokerConnection, inspectQueues, ManagementClient, topologyPlan } from '@bss/messaging';
import { checkPrediction, launchedRunPlan } from '../plan/prediction-check';
import { judge, Verdict } from '../report/verdict';
import { OrderMix, parseMix } from '../traffic/order-mix';
import { LaunchedSystem, launchForRun, processorMetricsUrls } from './launch';
import { Mode, Progress, RunResult, runLoad } from './run-load';

const RETRY_STEPS_TO_CLEAN = 8;

export interface OrchestrationHooks {
  readonly distAppsDir: string;
  readonly redisUrl?: string;
  readonly onProgress: (progress: Progress) => void;
  readonly onAppLine: (app: string, line: string) => void;
}

/** Order types some processor consumes: the default mix, so no order waits for a consumer that is not there. */
async function servedTypes(management: ManagementClient, prefix: string): Promise<OrderType[]> {
  const names = topologyNames(prefix);
  const served: OrderType[] = [];
  for (const type of ORDER_TYPES) if (((await management.queue(names.queueFor(type)).catch(() => undefined))?.consumers ?? 0) > 0) served.push(type);
  if (served.length === 0) throw new Error(`no processor consumes any ${prefix}.* queue; start the system (npm start) or use --launch`);
  return served;
}

const LEARNED_LIMIT = 'bss_backend_learned_limit';

/** The limit each type's processors allow themselves: its first replica's gauge (the replicas share it through Redis). */
function learnedLimitReader(system: LaunchedSystem): () => Promise<Partial<Record<OrderType, number>>> {
  const firstPerType = new Map(processorMetricsUrls(system).reverse().map(({ orderType, url }) => [orderType, url]));
  return async () => {
    const limits: Partial<Record<OrderType, number>> = {};
    await Promise.all(
      [...firstPerType].map(async ([orderType, url]) => {
        const response = await fetch(url, { signal: AbortSignal.timeout(900) });
        const sample = parsePrometheusText(await response.text(), new Set([LEARNED_LIMIT])).find((candidate) => candidate.labels['type'] === orderType);
        const type = parseOrderType(orderType);
        if (sample && type) limits[type] = sample.value;
      }),
    );
    return limits;
  };
}

function replicasPerType(system: LaunchedSystem): Partial<Record<OrderType, number>> {
  const counts: Partial<Record<OrderType, number>> = {};
  for (const { orderType } of processorMetricsUrls(system)) {
    const type = parseOrderType(orderType);
    if (type) counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

/**
 * Runs one mode end to end: (launch,) load, drain, account, judge, (stop and clean up). A queue run
 * of a launched system gives the processors `budget`.
 */
export async function runMode(options: LoadgenOptions, mode: Mode, budget: Budget | undefined, hooks: OrchestrationHooks): Promise<{ run: RunResult; verdict: Verdict }> {
  const management = new ManagementClient([options.managementUrl], '/', 5000);
  if (!(await management.isReachable())) {
    throw new Error(`the RabbitMQ management API does not answer at ${new URL(options.managementUrl).host} (enable it: rabbitmq-plugins enable rabbitmq_management)`);
  }
  let system: LaunchedSystem | undefined;
  const broker = new BrokerConnection({ urls: options.rabbitmqUrls, clientName: 'loadgen' });
  try {
    if (options.launch) {
      system = await launchForRun(
        {
          distAppsDir: hooks.distAppsDir,
          capacity: options.capacity,
          budget: budget ?? 'static',
          replicas: options.replicas,
          redisUrl: options.redis ? hooks.redisUrl : undefined,
          onLine: hooks.onAppLine,
        },
        budget ? `${mode}.${budget}` : mode,
      );
    }
    const prefix = system?.queuePrefix ?? options.queuePrefix;
    const types = system ? system.apps.flatMap((app) => parseOrderType(app.orderType) ?? []) : await servedTypes(management, prefix);
    const mix: OrderMix = parseMix(options.mix, [...new Set(types)]);
    const run = await runLoad({
      mode,
      ...(system && budget ? { budget } : {}),
      ...(options.capacityFault ? { capacityFault: options.capacityFault } : {}),
      ...(system && mode === 'queue' ? { learnedLimitOf: learnedLimitReader(system), processorReplicas: replicasPerType(system) } : {}),
      profile: options.profile,
      mix,
      seed: options.seed,
      producerUrl: system?.url('producer-api') ?? options.producerUrl,
      backendUrl: system?.url('backend-simulator') ?? options.backendUrl,
      apiKey: system?.apiKey ?? options.apiKey,
      management,
      depthOf: async (queues) => (await inspectQueues(broker, queues)).map((depth) => depth.messages),
      names: topologyNames(prefix),
      maxInFlight: options.maxInFlight,
      requestTimeoutMs: options.timeoutMs,
      drainTimeoutMs: options.drainTimeoutSec * 1000,
      onProgress: hooks.onProgress,
    });
    // A launched run's settings are known, so the capacity planner (which models the static budget) can be held to it.
    const prediction = system && budget === 'static' && !options.capacityFault ? checkPrediction(run, options.profile, launchedRunPlan(run, mix, options.replicas)) : undefined;
    return { run, verdict: judge(run, prediction) };
  } finally {
    await broker.close();
    if (system) {
      await system.stop();
      await management
        .deleteTopology(topologyPlan({ names: topologyNames(system.queuePrefix), maxLength: 0, deliveryLimit: 0, retrySteps: RETRY_STEPS_TO_CLEAN, deferrals: true }))
        .catch(() => undefined);
    }
  }
}
