import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';

export interface MachineFacts {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** 1-minute load average at the start: other work on the machine skews absolute numbers. */
  readonly loadAverageAtStart: number;
  readonly node: string;
  readonly rabbitmq: string;
  readonly gitCommit: string;
}

function gitCommit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export function machineFacts(rabbitmqVersion: string): MachineFacts {
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverageAtStart: Math.round(loadavg()[0] * 100) / 100,
    node: process.version,
    rabbitmq: rabbitmqVersion,
    gitCommit: gitCommit(),
  };
}
