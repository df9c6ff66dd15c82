#!/usr/bin/env node
const { parseArgs } = require('node:util');
const { BROKER_VERSIONS, HOST_VERSION, brokerVersionOf } = require('./broker-installations');
const { DEFAULT_BASE_PORT, attachCluster, defaultDir, portsFromBase, startCluster } = require('./rabbitmq-cluster');

const USAGE = `Usage: node tools/rabbitmq-cluster/cli.js <start|stop|status> [options]

A RabbitMQ cluster (three nodes by default, or one node with --size 1) on this machine, beside
the machine's node rabbit@localhost, which it never touches: RabbitMQ 3.10 from the machine's own
installation, or 4.x from Debian's packages in a root file system built on first use (as root).

Commands:
  start    start the cluster, wait until it is healthy, print its URLs; the nodes keep
           running after this command exits
  stop     stop every node (gracefully, SIGKILL by pid past 30 s) and delete the directory
  status   each node's pid and state, and the cluster_status of the first node that answers

Options:
  --broker V      RabbitMQ version: ${BROKER_VERSIONS.join(', ')} (default ${HOST_VERSION}, the machine's own)
  --base-port P   AMQP ports P.., management 10000+P.., distribution 20000+P.. (default ${DEFAULT_BASE_PORT});
                  4.x: the cluster's own epmd on 30000+P
  --dir D         data, logs and state (default <tmp>/bss-rabbitmq-cluster-<P>; 4.x: inside its root file system)
  --size N        number of nodes (start; default 3)
  --keep-dir      keep the directory, with the logs, when the cluster is stopped (start)
  --replace       stop a cluster still running in the directory first (start)
  -h, --help      this text

start prints shell assignments, e.g. eval "$(node tools/rabbitmq-cluster/cli.js start)".
`;

/** @type {Record<string, { type: 'string' | 'boolean', short?: string }>} */
const OPTIONS = {
  'base-port': { type: 'string' },
  broker: { type: 'string' },
  dir: { type: 'string' },
  size: { type: 'string' },
  'keep-dir': { type: 'boolean' },
  replace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
};

class UsageError extends Error {}

function positiveInteger(text, option, fallback) {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`--${option} must be a positive integer, got '${text}'`);
  return value;
}

/** Progress goes to stderr, so that stdout holds only the assignments `start` prints. */
const progress = (line) => console.error(`[rabbitmq-cluster] ${line}`);

async function start(dir, basePort, values) {
  const size = positiveInteger(values.size, 'size', 3);
  const cluster = await startCluster({
    dir,
    size,
    ports: portsFromBase(basePort, size),
    keepDir: values['keep-dir'] ?? false,
    replace: values.replace ?? false,
    broker: brokerVersionOf(values.broker ?? HOST_VERSION),
    log: progress,
  });
  console.log(`RABBITMQ_URL=${cluster.amqpUrls().join(',')}`);
  console.log(`RABBITMQ_MANAGEMENT_URL=${cluster.managementUrls().join(',')}`);
  console.log(`# status: node tools/rabbitmq-cluster/cli.js status --dir ${cluster.dir}`);
  console.log(`# stop:   node tools/rabbitmq-cluster/cli.js stop --dir ${cluster.dir}`);
}

function attached(dir) {
  const cluster = attachCluster(dir, { log: progress });
  if (!cluster) throw new Error(`no cluster in ${dir} (no cluster.json there); pass the --dir or --base-port it was started with`);
  return cluster;
}

async function stop(dir) {
  await attached(dir).stop();
}

function describeNode(cluster, node) {
  const pid = cluster.pidOf(node.name);
  const state = pid === undefined ? 'stopped' : cluster.isFrozen(node.name) ? 'frozen (SIGSTOP)' : 'alive';
  return `  ${node.name.padEnd(24)} ${(pid === undefined ? '-' : `pid ${pid}`).padEnd(10)} ${state.padEnd(16)} amqp ${node.amqpPort}  management ${node.managementPort}  dist ${node.distPort}  log ${node.logFile}`;
}

async function status(dir) {
  const cluster = attached(dir);
  console.log(`cluster in ${cluster.dir}:`);
  for (const node of cluster.nodes) console.log(describeNode(cluster, node));
  if (cluster.nodes.every((node) => cluster.pidOf(node.name) === undefined)) {
    console.log('cluster_status: no node is running');
    return;
  }
  const clusterStatus = await cluster.clusterStatus({ timeoutMs: 10_000 });
  if (!clusterStatus) {
    console.log('cluster_status: no responsive node answered within 10 s (while a node is frozen, its peers wait for it until they declare it down, about a minute)');
    return;
  }
  const partitions = Object.entries(clusterStatus.partitions ?? {});
  console.log(`cluster_status: running ${clusterStatus.running_nodes.join(', ')}`);
  console.log(`  alarms: ${clusterStatus.alarms.length === 0 ? 'none' : clusterStatus.alarms.map((alarm) => `${alarm.resource} on ${alarm.node}`).join(', ')}`);
  console.log(`  partitions: ${partitions.length === 0 ? 'none' : partitions.map(([node, peers]) => `${node} cut off from ${peers.join(', ')}`).join('; ')}`);
}

async function main(argv) {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const [command, ...extra] = positionals;
  if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
  const basePort = positiveInteger(values['base-port'], 'base-port', DEFAULT_BASE_PORT);
  if (values.broker !== undefined && !BROKER_VERSIONS.includes(String(values.broker))) throw new UsageError(`--broker must be one of ${BROKER_VERSIONS.join(', ')}, got '${values.broker}'`);
  const broker = brokerVersionOf(values.broker ?? HOST_VERSION);
  const dir = values.dir ?? defaultDir(basePort, broker);
  const commands = { start: () => start(dir, basePort, values), stop: () => stop(dir), status: () => status(dir) };
  if (!commands[command]) throw new UsageError(command ? `unknown command '${command}'` : 'a command is missing');
  await commands[command]();
}

main(process.argv.slice(2)).catch((error) => {
  const misused = error instanceof UsageError || String(error.code).startsWith('ERR_PARSE_ARGS');
  console.error(`rabbitmq-cluster: ${error.message}${misused ? `\n\n${USAGE}` : ''}`);
  process.exitCode = misused ? 2 : 1;
});
