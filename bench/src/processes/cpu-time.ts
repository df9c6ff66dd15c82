import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** A process whose CPU time a phase is charged with. */
export interface MeteredProcess {
  readonly name: string;
  readonly pid: number;
}

/** CPU time (user + system) of each process, in ms, when the snapshot was taken. */
export type CpuSnapshot = ReadonlyMap<string, number>;

let clockTicksPerSec: number | undefined;

function ticksPerSec(): number {
  clockTicksPerSec ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  return clockTicksPerSec;
}

/**
 * user + system CPU time of a process from /proc/<pid>/stat (fields 14 and 15, after the command
 * name in parentheses, which may itself hold spaces); undefined when the process is gone.
 */
export function cpuTimeMsOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSec();
  } catch {
    return undefined;
  }
}

export function cpuSnapshot(processes: readonly MeteredProcess[]): CpuSnapshot {
  const snapshot = new Map<string, number>();
  for (const process of processes) {
    const ms = cpuTimeMsOf(process.pid);
    if (ms !== undefined) snapshot.set(process.name, ms);
  }
  return snapshot;
}

/** CPU time each process spent between two snapshots, in ms. */
export function cpuSpentMs(before: CpuSnapshot, after: CpuSnapshot): Record<string, number> {
  const spent: Record<string, number> = {};
  for (const [name, endMs] of after) {
    const startMs = before.get(name);
    if (startMs !== undefined) spent[name] = endMs - startMs;
  }
  return spent;
}

/** CPU time spent per order, in µs: a figure that holds when other load slows the wall clock. */
export function perOrderUs(spentMs: Record<string, number>, orders: number): Record<string, number> {
  if (orders <= 0) return {};
  return Object.fromEntries(Object.entries(spentMs).map(([name, ms]) => [name, (ms * 1000) / orders]));
}

/** CPU time per order of each process between two snapshots, in µs. */
export function cpuPerOrderUs(before: CpuSnapshot, after: CpuSnapshot, orders: number): Record<string, number> {
  return perOrderUs(cpuSpentMs(before, after), orders);
}

/**
 * The process listening on a local TCP port (the broker on 5672): its socket's inode from
 * /proc/net/tcp{,6}, then the process holding that inode among its file descriptors.
 */
export function pidListeningOn(port: number): number | undefined {
  const portHex = port.toString(16).toUpperCase().padStart(4, '0');
  const LISTEN = '0A';
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let lines: string[];
    try {
      lines = readFileSync(table, 'utf8').trim().split('\n').slice(1);
    } catch {
      continue;
    }
    for (const line of lines) {
      const columns = line.trim().split(/\s+/);
      if (columns[1]?.endsWith(`:${portHex}`) && columns[3] === LISTEN) inodes.add(columns[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let descriptors: string[];
    try {
      descriptors = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const descriptor of descriptors) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${descriptor}`));
        if (match && inodes.has(match[1])) return Number(entry);
      } catch {
        continue;
      }
    }
  }
  return undefined;
}

/** The broker's process, when this machine runs it (its CPU is charged like the apps'). */
export function brokerProcess(brokerUrl: string): MeteredProcess | undefined {
  const url = new URL(brokerUrl);
  if (!['127.0.0.1', 'localhost', '::1'].includes(url.hostname)) return undefined;
  const pid = pidListeningOn(Number(url.port || 5672));
  return pid === undefined ? undefined : { name: 'broker', pid };
}
