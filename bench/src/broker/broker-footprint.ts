import { execFileSync } from 'node:child_process';
import { statusFieldMb } from '../processes/app-process';
import { MeteredProcess } from '../processes/cpu-time';

/** What the broker holds in memory and on disk at one moment; a part is undefined when it cannot be read. */
export interface BrokerFootprint {
  readonly rssMb?: number;
  readonly dataDirMb?: number;
}

/**
 * The broker's data directory: TEST_RABBITMQ_DATA_DIR where a broker of the matrix runs the
 * benchmark (tools/rabbitmq-cluster/with-broker.js sets it), else from `rabbitmq-diagnostics status`
 * of this machine's node; undefined when the tool is missing or the broker is elsewhere.
 */
export function brokerDataDirectory(): string | undefined {
  if (process.env['TEST_RABBITMQ_DATA_DIR']) return process.env['TEST_RABBITMQ_DATA_DIR'];
  try {
    const status = JSON.parse(execFileSync('rabbitmq-diagnostics', ['status', '--formatter', 'json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 30_000 })) as {
      data_directory?: string;
    };
    return status.data_directory;
  } catch {
    return undefined;
  }
}

function directoryMb(dir: string): number | undefined {
  try {
    const [bytes] = execFileSync('du', ['-sb', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 120_000 }).split('\t');
    return Number(bytes) / 1024 / 1024;
  } catch {
    return undefined;
  }
}

export function brokerFootprint(broker: MeteredProcess | undefined, dataDirectory: string | undefined): BrokerFootprint {
  return {
    rssMb: broker ? statusFieldMb(broker.pid, 'VmRSS') : undefined,
    dataDirMb: dataDirectory ? directoryMb(dataDirectory) : undefined,
  };
}
