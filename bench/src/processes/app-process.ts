import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adoptChild, imageNodeFlags, stopChild, waitForReady } from '@bss/system-launcher';

export interface AppProcessOptions {
  readonly name: string;
  readonly bundle: string;
  readonly port: number;
  readonly env: Record<string, string>;
  /** Where the app's stdout/stderr go: a file, so the benchmark process never spends CPU reading logs. */
  readonly logDir: string;
  /** Directory for a V8 CPU profile written when the app exits; none when undefined. */
  readonly cpuProfileDir?: string;
  readonly readyTimeoutMs?: number;
}

export interface AppProcess {
  readonly name: string;
  readonly pid: number;
  readonly url: string;
  readonly logFile: string;
  /** Peak resident set size so far (VmHWM), in MB. */
  peakRssMb(): number | undefined;
  /** Resident set size now (VmRSS), in MB. */
  rssMb(): number | undefined;
  stop(): Promise<void>;
}

/**
 * Starts one built app as a process, with the node options of its image, and waits until it answers GET /ready. The benchmark starts
 * each process itself (rather than the whole system) so every measurement runs only what it measures.
 */
export async function startAppProcess(options: AppProcessOptions): Promise<AppProcess> {
  const logFile = join(options.logDir, `${options.name}.log`);
  const logFd = openSync(logFile, 'w');
  const profileFlags = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`, `--cpu-prof-name=${options.name}.cpuprofile`] : [];
  const child = spawn(process.execPath, [...imageNodeFlags(options.bundle), ...profileFlags, options.bundle], {
    env: { ...process.env, ...options.env, PORT: String(options.port), HOST: '127.0.0.1' },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  adoptChild(child);
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitForReady({
      name: options.name,
      url,
      exitCode: () => child.exitCode ?? child.signalCode,
      lastLines: () => tailOf(logFile),
      timeoutMs: options.readyTimeoutMs ?? 30_000,
    });
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  return {
    name: options.name,
    pid: child.pid as number,
    url,
    logFile,
    peakRssMb: () => statusFieldMb(child.pid as number, 'VmHWM'),
    rssMb: () => statusFieldMb(child.pid as number, 'VmRSS'),
    stop: async () => {
      await stopChild(child, exited);
    },
  };
}

/** A memory field of /proc/<pid>/status in MB: VmHWM is the kernel's record of the peak RSS, so no sample can miss the peak. */
export function statusFieldMb(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function tailOf(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}
