import { OrderType } from '@bss/contracts';
import { randomBytes } from 'node:crypto';
import { createServer, Server } from 'node:net';
import { join } from 'node:path';

interface LaunchedApp {
  readonly name: string;
  readonly orderType?: OrderType;
}

export interface LaunchedSystem {
  readonly apps: readonly LaunchedApp[];
  readonly apiKey: string;
  readonly queuePrefix: string;
  url(name: string): string;
  stop(): Promise<unknown>;
}

// Plain CommonJS shared with `npm start` and the end-to-end tests, so every run starts the apps the same way.
const { launchSystem } = require('@bss/system-launcher') as {
  launchSystem: (options: {
    distAppsDir: string;
    env: Record<string, string>;
    ports: { producer: number; backend: number; firstProcessor: number };
    replicas: Record<string, number>;
    onLine: (app: string, line: string) => void;
  }) => Promise<Omit<LaunchedSystem, 'apiKey' | 'queuePrefix'>>;
};

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listenOnFreePort));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/**
 * Processors get 90 % of the backend's capacity as their budget, as one would configure a real
 * one: the headroom absorbs the jitter between a call leaving a processor and the backend counting
 * it (a busy machine can bunch calls into one second).
 */
export function budgetFor(capacity: number): number {
  return Math.max(1, Math.floor(capacity * 0.9));
}

export interface LaunchSettings {
  readonly distAppsDir: string;
  /** Backend capacity per type (orders/s); each processor type's budget is `budgetFor` of it. */
  readonly capacity: number;
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
      SIM_SERVICE_TIME_MS: '20',
      BACKEND_RATE_LIMIT: String(budgetFor(settings.capacity)),
      BACKEND_MAX_CONCURRENCY: '25',
      CONCURRENCY: '25',
      ...(settings.redisUrl ? { REDIS_URL: settings.redisUrl } : {}),
    },
    ports: { producer, backend, firstProcessor: 31_000 + Math.floor(Math.random() * 20_000) },
    replicas: settings.replicas,
    onLine: settings.onLine,
  });
  return { ...system, apps: system.apps, url: (name) => system.url(name), stop: () => system.stop(), apiKey, queuePrefix };
}

export const DEFAULT_DIST_APPS_DIR = join(process.cwd(), 'dist/apps');
