import { join } from 'node:path';
import { freePorts, launchSystem, RunningSystem } from '@bss/system-launcher';

export type { RunningApp, RunningSystem } from '@bss/system-launcher';
export { freePorts } from '@bss/system-launcher';

export const DIST_APPS_DIR = join(__dirname, '../../../../dist/apps');

export interface SystemOptions {
  /** Starts the ops console too; it then consumes the dead-letter queue into its store. */
  readonly withOpsConsole?: boolean;
  /** Extra processor instances, e.g. { 'mnp-processor': 2 }. */
  readonly replicas?: Record<string, number>;
  /** The backend simulator's port, when something must sit in front of it. */
  readonly backendPort?: number;
  /** Where processors send their backend calls, if not straight to the simulator. */
  readonly processorBackendUrl?: string;
}

/** Starts every built app on fresh ports, collecting each app's log lines into `logs`. */
export async function startSystem(env: Record<string, string>, logs: Map<string, string[]>, options: SystemOptions = {}): Promise<RunningSystem> {
  const [producer, freeBackend, opsConsole] = await freePorts(3);
  return launchSystem({
    distAppsDir: DIST_APPS_DIR,
    env,
    ports: { producer, backend: options.backendPort ?? freeBackend, ...(options.withOpsConsole ? { opsConsole } : {}) },
    replicas: options.replicas,
    processorBackendUrl: options.processorBackendUrl,
    onLine: (app, line) => {
      const lines = logs.get(app) ?? [];
      lines.push(line);
      logs.set(app, lines);
    },
  });
}

export async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return (await response.json()) as T;
}

export interface PostResult {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
  durationMs: number;
}

export async function postJson(url: string, body: unknown, method = 'POST'): Promise<PostResult> {
  const started = performance.now();
  const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await response.text();
  return {
    status: response.status,
    body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    headers: response.headers,
    durationMs: performance.now() - started,
  };
}

/** Open-loop load: request `index` leaves at `index / ratePerSecond` whatever earlier ones are doing. */
export async function sendPaced<T>(count: number, ratePerSecond: number, send: (index: number) => Promise<T>): Promise<T[]> {
  const started = performance.now();
  return Promise.all(
    Array.from({ length: count }, async (_, index) => {
      const wait = started + (index * 1000) / ratePerSecond - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      return send(index);
    }),
  );
}
