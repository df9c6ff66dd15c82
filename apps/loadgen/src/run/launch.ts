import { freePorts, launchSystem, RunningSystem } from '@bss/system-launcher';
import { Budget } from '../cli/options';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

export interface LaunchedSystem extends RunningSystem {
  readonly apiKey: string;
  readonly queuePrefix: string;
}

/**
 * With the static budget, processors get 90 % of the backend's capacity, as one would configure a
 * real one: the headroom absorbs the jitter between a call leaving a processor and the backend
 * counting it (a busy machine can bunch calls into one second).
 */
export function budgetFor(capacity: number): number {
  return Math.max(1, Math.floor(capacity * 0.9));
}

/** The processor and simulator settings of a launched run, which the capacity planner is given to predict it. */
export const LAUNCHED_PROCESSOR = { concurrency: 25, simulatorServiceTimeMs: 20 } as const;

export interface LaunchSettings {
  readonly distAppsDir: string;
  /** Backend capacity per type (orders/s); a static budget is `budgetFor` of it, an adaptive one is not told. */
  readonly capacity: number;
  readonly budget: Budget;
  readonly replicas: Record<string, number>;
  readonly redisUrl?: string;
  /** Warnings and errors of the apps, for the operator; everything else stays quiet. */
  readonly onLine: (app: string, line: string) => void;
}

/** Starts a fresh system for one run: its own topology prefix and ports, a fresh backend ledger. */
export async function launchForRun(settings: LaunchSettings, label: string): Promise<LaunchedSystem> {
  const [producer, backend] = await freePorts(2);
  const apiKey = `loadgen-${randomBytes(12).toString('hex')}`;
  const queuePrefix = `loadgen.${label}.${Date.now()}`;
  const system = await launchSystem({
    distAppsDir: settings.distAppsDir,
    env: {
      QUEUE_NAME: queuePrefix,
      API_KEYS: apiKey,
      LOG_LEVEL: 'warn',
      SIM_CAPACITY_RPS: String(settings.capacity),
      SIM_SERVICE_TIME_MS: String(LAUNCHED_PROCESSOR.simulatorServiceTimeMs),
      ...budgetEnv(settings.budget, settings.capacity),
      BACKEND_MAX_CONCURRENCY: String(LAUNCHED_PROCESSOR.concurrency),
      CONCURRENCY: String(LAUNCHED_PROCESSOR.concurrency),
      ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    },
    ports: { producer, backend },
    replicas: settings.replicas,
    onLine: settings.onLine,
  });
  return Object.assign(system, { apiKey, queuePrefix });
}

function budgetEnv(budget: Budget, capacity: number): Record<string, string> {
  return budget === 'static' ? { BACKEND_BUDGET: 'static', BACKEND_RATE_LIMIT: String(budgetFor(capacity)) } : { BACKEND_BUDGET: 'adaptive', BACKEND_RATE_LIMIT: '0' };
}

/** Each processor's /metrics, for the learned limit the replicas of its type share. */
export function processorMetricsUrls(system: RunningSystem): { orderType: string; url: string }[] {
  return system.apps.flatMap((app) => (app.role === 'processor' && app.orderType ? [{ orderType: app.orderType, url: `http://127.0.0.1:${app.port}/metrics` }] : []));
}

export const DEFAULT_DIST_APPS_DIR = join(process.cwd(), 'dist/apps');
