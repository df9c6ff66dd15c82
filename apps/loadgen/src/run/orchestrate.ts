import { ORDER_TYPES, OrderType, parseOrderType, topologyNames } from '@bss/contracts';
import { LoadgenOptions } from '../cli/options';
import { BrokerConnection, inspectQueues, ManagementClient, topologyPlan } from '@bss/messaging';
import { checkPrediction, launchedRunPlan } from '../plan/prediction-check';
import { judge, Verdict } from '../report/verdict';
import { OrderMix, parseMix } from '../traffic/order-mix';
import { LaunchedSystem, launchForRun } from './launch';
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

/** Runs one mode end to end: (launch,) load, drain, account, judge, (stop and clean up). */
export async function runMode(options: LoadgenOptions, mode: Mode, hooks: OrchestrationHooks): Promise<{ run: RunResult; verdict: Verdict }> {
  const management = new ManagementClient([options.managementUrl], '/', 5000);
  if (!(await management.isReachable())) {
    throw new Error(`the RabbitMQ management API does not answer at ${new URL(options.managementUrl).host} (enable it: rabbitmq-plugins enable rabbitmq_management)`);
  }
  let system: LaunchedSystem | undefined;
  const broker = new BrokerConnection({ urls: options.rabbitmqUrls, clientName: 'loadgen' });
  try {
    if (options.launch) {
      system = await launchForRun(
        { distAppsDir: hooks.distAppsDir, capacity: options.capacity, replicas: options.replicas, redisUrl: options.redis ? hooks.redisUrl : undefined, onLine: hooks.onAppLine },
        mode,
      );
    }
    const prefix = system?.queuePrefix ?? options.queuePrefix;
    const types = system ? system.apps.flatMap((app) => parseOrderType(app.orderType) ?? []) : await servedTypes(management, prefix);
    const mix: OrderMix = parseMix(options.mix, [...new Set(types)]);
    const run = await runLoad({
      mode,
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
    // A launched run's settings are known, so the capacity planner can be held to it.
    const prediction = system && mode === 'queue' ? checkPrediction(run, options.profile, launchedRunPlan(run, mix, options.replicas)) : undefined;
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
