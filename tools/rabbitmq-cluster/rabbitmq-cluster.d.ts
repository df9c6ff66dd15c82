export interface ClusterNodeInfo {
  /** Full node name, e.g. `bss-rmq-1@localhost`; every method also accepts the short `bss-rmq-1`. */
  name: string;
  amqpPort: number;
  managementPort: number;
  distPort: number;
  /** amqp://guest:guest@127.0.0.1:<amqpPort> */
  amqpUrl: string;
  /** http://guest:guest@127.0.0.1:<managementPort> */
  managementUrl: string;
  /** The node's directory: config, pid file, data/, log/, output.log. */
  dir: string;
  /** The node's RabbitMQ log (warnings and errors). */
  logFile: string;
  /** stdout and stderr of the server script (boot failures before logging starts land here). */
  outputFile: string;
}

/** A 4.x cluster's own epmd port is `epmd` when given, else 30000 + the first AMQP port. */
export type ClusterPorts = { amqp: number[]; management: number[]; dist: number[]; epmd?: number };

/** 3.10: the machine's own installation; 4.x: Debian's packages in a root file system, run chrooted. */
export type BrokerVersion = '3.10' | '4.0' | '4.3';

export interface AlarmInfo {
  node: string;
  resource: 'memory' | 'disk' | string;
}

export interface QueueInfo {
  /** Undefined while there is none, e.g. during a leader election. */
  leader: string | undefined;
  /** The configured members of a quorum queue, online or not. */
  members: string[];
}

export interface RabbitCluster {
  readonly dir: string;
  readonly nodes: ClusterNodeInfo[];
  readonly broker: BrokerVersion;
  /** The epmd the nodes register with: the machine's 4369 for 3.10, the cluster's own for 4.x. */
  readonly epmdPort: number;
  amqpUrls(): string[];
  managementUrls(): string[];
  /** The node's beam.smp pid from its pid file, only if that process is alive and is this node. */
  pidOf(node: string): number | undefined;
  /** Alive but stopped by SIGSTOP. */
  isFrozen(node: string): boolean;
  /** Sends a signal to the node's beam.smp; throws if it is not running. */
  signal(node: string, signal: 'SIGKILL' | 'SIGSTOP' | 'SIGCONT' | 'SIGTERM'): void;
  /** Graceful `rabbitmqctl stop` (thawing a frozen node first), SIGKILL by pid past `timeoutMs` (30 s). No-op if not running. */
  stopNode(node: string, options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Starts a stopped node with its ports and data directory; resolves once it runs and every other
   * responsive node sees it running (`timeoutMs`, 120 s). Throws if it is already running.
   */
  startNode(node: string, options?: { timeoutMs?: number }): Promise<void>;
  restartNode(node: string, options?: { timeoutMs?: number }): Promise<void>;
  /**
   * Every given node (default: all) answers its management API and AMQP port and sees all of
   * them running, with no partition and no alarm in effect (`timeoutMs`, 60 s).
   */
  waitHealthy(options?: { timeoutMs?: number; nodes?: string[] }): Promise<void>;
  /** Leader and members, from the first management API that answers, else rabbitmqctl. Throws if the queue does not exist. */
  queueInfo(queue: string, vhost?: string): Promise<QueueInfo>;
  leaderOf(queue: string, vhost?: string): Promise<string | undefined>;
  membersOf(queue: string, vhost?: string): Promise<string[]>;
  /**
   * Raises (watermark 0.0001) or clears (back to the default 0.4) the memory alarm on every
   * responsive node, or the given ones, and resolves once the cluster reports it. Publishers on
   * every node are blocked while any node has the alarm.
   */
  setMemoryAlarm(on: boolean, options?: { nodes?: string[] }): Promise<void>;
  /** Like setMemoryAlarm, with a disk free limit of 1000000GB, cleared back to the default 50MB. */
  setDiskAlarm(on: boolean, options?: { nodes?: string[] }): Promise<void>;
  /** Alarms in effect in the cluster, as the first responsive node reports them; undefined if none answers. */
  alarms(): Promise<AlarmInfo[] | undefined>;
  /** `rabbitmqctl cluster_status --formatter json` of the first responsive node answering within `timeoutMs` (20 s); undefined if none does. */
  clusterStatus(options?: { timeoutMs?: number }): Promise<Record<string, unknown> & { running_nodes: string[]; alarms: AlarmInfo[] } | undefined>;
  /** `rabbitmqctl -n <node> ...args` with the cluster's cookie; resolves with stdout (about 1 s of CPU per call). */
  ctl(node: string, args: string[], options?: { timeoutMs?: number }): Promise<string>;
  /**
   * Stops every node (thawed, gracefully in parallel, SIGKILL by pid past `timeoutMs`), then
   * deletes the directory unless the cluster was started with keepDir (or `keepDir` is given here).
   */
  stop(options?: { timeoutMs?: number; keepDir?: boolean }): Promise<void>;
}

export interface StartClusterOptions {
  /** Number of nodes, default 3. */
  size?: number;
  /** Default `<os.tmpdir()>/bss-rabbitmq-cluster-<first AMQP port>`; must be empty, absent or a previous cluster's. */
  dir?: string;
  /** One port per node of each kind, or 'auto' for free ones; default `portsFromBase(5701)`. */
  ports?: ClusterPorts | 'auto';
  /** Node names are `<namePrefix>-<n>@localhost`; default `bss-rmq`, never `rabbit`. */
  namePrefix?: string;
  log?: (line: string) => void;
  /** Keep the directory (data and logs) when the cluster is stopped. */
  keepDir?: boolean;
  /** If a cluster is still running in `dir`, stop it first instead of refusing to start. */
  replace?: boolean;
  /** Default 3.10 (the machine's). A 4.x root file system is built on first use (root, debootstrap, about a minute). */
  broker?: BrokerVersion;
}

export const DEFAULT_BASE_PORT: number;
export function startCluster(options?: StartClusterOptions): Promise<RabbitCluster>;
/** The cluster whose state file is in `dir` (started by any process), or undefined if there is none. */
export function attachCluster(dir: string, options?: { log?: (line: string) => void }): RabbitCluster | undefined;
/** AMQP `base`.., management 10000+`base`.., distribution 20000+`base`.., one per node. */
export function portsFromBase(base: number, size?: number): ClusterPorts;
/** Under the OS's temporary directory for 3.10; inside the version's root file system for 4.x (its nodes run chrooted). */
export function defaultDir(firstAmqpPort: number, broker?: BrokerVersion): string;
export const BROKER_VERSIONS: readonly BrokerVersion[];
/** The root file system of a 4.x version, built if this machine has none yet; resolves with its directory. */
export function ensureBrokerInstalled(broker: BrokerVersion, options?: { log?: (line: string) => void }): Promise<{ version: BrokerVersion; root: string | undefined }>;
