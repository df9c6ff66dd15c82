import { join } from 'node:path';
import { createServer, Server } from 'node:net';

export interface LaunchOptions {
  distAppsDir: string;
  env: Record<string, string>;
  ports: { producer: number; backend: number; firstProcessor: number };
  onLine?: (app: string, line: string) => void;
}

export interface RunningApp {
  name: string;
  port: number;
  pid: number;
  orderType?: string;
  exitCode?: number | string;
}

export interface RunningSystem {
  apps: RunningApp[];
  url(name: string): string;
  stop(): Promise<Record<string, number | string>>;
  kill(name: string, signal?: NodeJS.Signals): Promise<number | string>;
  restart(name: string): Promise<RunningApp>;
}

// Plain CommonJS shared with the local start command, so the tests run the system exactly as users do.
const { launchSystem } = require('@bss/system-launcher') as {
  launchSystem: (options: LaunchOptions) => Promise<RunningSystem>;
};

export const DIST_APPS_DIR = join(__dirname, '../../../../dist/apps');

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** Ports the OS says are free now, for a run that must not collide with another one. */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(Array.from({ length: count }, listenOnFreePort));
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** Starts every built app on fresh ports, collecting each app's log lines into `logs`. */
export async function startSystem(env: Record<string, string>, logs: Map<string, string[]>): Promise<RunningSystem> {
  const [producer, backend] = await freePorts(2);
  const firstProcessor = 30_000 + Math.floor(Math.random() * 20_000);
  return launchSystem({
    distAppsDir: DIST_APPS_DIR,
    env,
    ports: { producer, backend, firstProcessor },
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
