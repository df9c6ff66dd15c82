#!/usr/bin/env node
/**
 * Runs the whole system locally against the machine's RabbitMQ: builds every app, starts each
 * built bundle as its own process, prefixes and colours their log lines, and stops all of them
 * cleanly on Ctrl-C. Usage: npm start [-- --raw] [-- --cluster]
 *   --raw      prints the JSON log lines as they are
 *   --cluster  runs everything on a three-node RabbitMQ cluster of its own (tools/rabbitmq-cluster)
 *              instead of the machine's node: started here unless one already runs, and stopped
 *              again on Ctrl-C if it was started here
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { launchSystem } = require('../system/launch-system.js');
const { attachCluster, defaultDir, DEFAULT_BASE_PORT, portsFromBase, startCluster } = require('../rabbitmq-cluster/rabbitmq-cluster.js');

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const raw = process.argv.includes('--raw');
const onCluster = process.argv.includes('--cluster');
const PORTS = { producer: 8000, backend: 8090, firstProcessor: 8081, opsConsole: 8085, tracker: 8095 };
const COLOURS = [36, 33, 35, 32, 34, 91, 92, 93];
const colourOf = new Map();

function build() {
  console.log('Building every app (nx run-many -t build)...');
  const result = spawnSync(join(workspaceRoot, 'node_modules/.bin/nx'), ['run-many', '-t', 'build', '--output-style=static'], {
    cwd: workspaceRoot,
    stdio: 'inherit',
    env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function brokerReachable(url) {
  const { hostname, port } = new URL(url);
  const socket = new Socket();
  return new Promise((resolve) => {
    socket.setTimeout(1000);
    socket.once('connect', () => resolve(true));
    socket.once('timeout', () => resolve(false));
    socket.once('error', () => resolve(false));
    socket.connect(Number(port || 5672), hostname);
  }).then((reachable) => {
    socket.destroy();
    return reachable;
  });
}

function render(app, line) {
  if (!colourOf.has(app)) colourOf.set(app, COLOURS[colourOf.size % COLOURS.length]);
  const prefix = `\u001b[${colourOf.get(app)}m${app.padEnd(24)}\u001b[0m│ `;
  if (raw) return `${prefix}${line}`;
  try {
    const { level, time, msg, service: _service, pid: _pid, context, ...rest } = JSON.parse(line);
    const facts = Object.entries(rest).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
    const clock = typeof time === 'string' ? time.slice(11, 23) : '';
    return `${prefix}${clock} ${String(level).padEnd(5)} ${context ? `[${context}] ` : ''}${msg}${facts.length ? `  ${facts.join(' ')}` : ''}`;
  } catch {
    return `${prefix}${line}`;
  }
}

/** The cluster to run on: one already running in the default place, or a new one (then `owned`). */
async function localCluster() {
  const running = attachCluster(defaultDir(DEFAULT_BASE_PORT));
  if (running && running.nodes.some((node) => running.pidOf(node.name) !== undefined)) {
    console.log(`Using the RabbitMQ cluster already running in ${running.dir} (stop it with: node tools/rabbitmq-cluster/cli.js stop).`);
    await running.waitHealthy();
    return { cluster: running, owned: false };
  }
  console.log('Starting a three-node RabbitMQ cluster (tools/rabbitmq-cluster; about a minute)...');
  const cluster = await startCluster({ ports: portsFromBase(DEFAULT_BASE_PORT), log: (line) => console.log(`  ${line}`) });
  return { cluster, owned: true };
}

async function main() {
  build();
  let stopping = false;
  let system;
  // Started before the signal handlers' first chance, so that a Ctrl-C while the cluster boots still stops it.
  const broker = onCluster ? localCluster() : Promise.resolve(undefined);
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try {
      if (system) {
        console.log('\nStopping every app (SIGTERM, in-flight orders finish first)...');
        const codes = await system.stop();
        console.log(`Stopped (exit code, or the signal an app re-raised after shutting down): ${Object.entries(codes).map(([name, code]) => `${name}=${code}`).join(' ')}`);
      }
    } finally {
      const started = await broker.catch(() => undefined);
      if (started?.owned) {
        console.log('Stopping the RabbitMQ cluster...');
        await started.cluster.stop().catch((error) => console.error(`The cluster did not stop cleanly: ${error.message} (node tools/rabbitmq-cluster/cli.js stop)`));
      }
    }
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const cluster = (await broker)?.cluster;
  const brokerEnv = cluster ? { RABBITMQ_URL: cluster.amqpUrls().join(','), RABBITMQ_MANAGEMENT_URL: cluster.managementUrls().join(',') } : {};
  const brokerUrl = (brokerEnv.RABBITMQ_URL ?? process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672').split(',')[0];
  if (!cluster && !(await brokerReachable(brokerUrl))) {
    console.warn('RabbitMQ does not answer at the configured address; the apps will wait for it (start it with: rabbitmq-server -detached).');
  }
  // API_KEYS set but empty turns authentication off (as the producer documents); then there is no key to print.
  const authOff = process.env.API_KEYS !== undefined && process.env.API_KEYS.trim() === '';
  const apiKey = authOff ? undefined : process.env.API_KEYS ? process.env.API_KEYS.split(',')[0].trim() : `local-${randomBytes(12).toString('hex')}`;
  const opsToken = process.env.OPS_OPERATOR_TOKENS ? process.env.OPS_OPERATOR_TOKENS.split(',')[0].trim() : `ops-${randomBytes(12).toString('hex')}`;
  try {
    system = await launchSystem({
      distAppsDir: join(workspaceRoot, 'dist/apps'),
      env: { API_KEYS: authOff ? '' : (process.env.API_KEYS ?? apiKey), OPS_OPERATOR_TOKENS: process.env.OPS_OPERATOR_TOKENS ?? opsToken, ...brokerEnv },
      ports: PORTS,
      onLine: (app, line) => console.log(render(app, line)),
    });
  } catch (error) {
    console.error(error.message);
    await stop();
    return;
  }

  const producer = system.url('producer-api');
  console.log(`
All apps are up: ${system.apps.map((app) => `${app.name} :${app.port}`).join(', ')}
Broker: ${cluster ? `three-node cluster, AMQP ${cluster.nodes.map((node) => node.amqpPort).join('/')}, management ${cluster.nodes.map((node) => `:${node.managementPort}`).join(' ')}` : brokerUrl.replace(/\/\/[^@]*@/, '//')}

  ${apiKey ? `API key (x-api-key header): ${apiKey}` : 'Authentication:             off (API_KEYS is empty), no key needed'}
  OpenAPI:                    ${producer}/docs
  Backend ledger:             ${system.url('backend-simulator')}/api/v1/ledger
  Order status:               ${producer}/api/v1/orders/<orderId>  (the statusUrl of every 202)
  Ops console:                ${system.url('ops-console')}/  (operator token: ${opsToken})
  Dead letters from a shell:  OPS_TOKEN=${opsToken} npx nx run ops-console:dlq -- list

Submit an order:
  curl -s -X POST ${producer}/api/v1/orders -H 'content-type: application/json'${apiKey ? ` -H 'x-api-key: ${apiKey}'` : ''} \\
    -d '{"type":"MNP","payload":{"customerId":"C00054321","msisdn":"010-9876-5432","donorOperator":"KT","recipientOperator":"SKT","planCode":"LTE_DATA_33"}}'

Press Ctrl-C to stop everything.
`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
