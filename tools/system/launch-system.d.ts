export interface LaunchOptions {
  distAppsDir: string;
  /** Settings every app gets. */
  env?: Record<string, string>;
  /**
   * Settings of single apps, by name, over `env` (e.g. each app's own broker user, as deployed);
   * a processor's extra instances take their processor's. Naming an app that does not start is an error.
   */
  envByApp?: Record<string, Record<string, string>>;
  /** With `opsConsole`, the ops console starts too (it needs OPS_VIEWER_TOKENS or OPS_OPERATOR_TOKENS in `env`). */
  /** Without `firstProcessor`, processors listen on ports the OS says are free. */
  /** With `tracker`, the order tracker starts too. */
  ports: { producer: number; backend: number; firstProcessor?: number; opsConsole?: number; tracker?: number };
  /** Extra processor instances, e.g. { 'mnp-processor': 2 }. */
  replicas?: Record<string, number>;
  /** Where processors call the backend, if not straight at the simulator on `ports.backend`. */
  processorBackendUrl?: string;
  onLine?: (app: string, line: string) => void;
  readyTimeoutMs?: number;
}

export interface RunningApp {
  name: string;
  role: 'producer' | 'processor' | 'backend' | 'console' | 'tracker';
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

export function launchSystem(options: LaunchOptions): Promise<RunningSystem>;
export function freePorts(count: number): Promise<number[]>;
/** Node options from the CMD of the Dockerfile of the app whose bundle (`dist/apps/<app>/main.cjs`) this is. */
export function imageNodeFlags(bundle: string): string[];
/** Polls GET /ready until it answers 200; fails early, with the app's last lines, when it exits during start-up. */
export function waitForReady(app: {
  name: string;
  url: string;
  exitCode: () => number | string | undefined | null;
  lastLines: () => string;
  timeoutMs: number;
}): Promise<void>;
/** SIGTERM unless it already ended, SIGKILL past the grace; resolves with how it ended. */
export function stopChild(child: import('node:child_process').ChildProcess, exited: Promise<number | string>, graceMs?: number): Promise<number | string>;
/** Makes a child the host started itself stop with the host (SIGTERM when it exits or is interrupted). */
export function adoptChild(child: import('node:child_process').ChildProcess): void;
