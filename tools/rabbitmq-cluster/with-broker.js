#!/usr/bin/env node
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { parseArgs } = require('node:util');
const { BROKER_VERSIONS, HOST_VERSION, brokerVersionOf } = require('./broker-installations');
const { startCluster } = require('./rabbitmq-cluster');

const USAGE = `Usage: node tools/rabbitmq-cluster/with-broker.js --broker V [--size N] [--no-deprecated-features] -- <command> [args...]

Starts RabbitMQ V (${BROKER_VERSIONS.join(', ')}) on free ports beside the machine's node — one node, or
a cluster of N — runs the command with the environment pointing at it, stops the broker by pid and
exits with the command's exit code. The command sees:

  RABBITMQ_URL, TEST_RABBITMQ_URL                        the nodes' AMQP URLs (comma-separated)
  RABBITMQ_MANAGEMENT_URL, TEST_RABBITMQ_MANAGEMENT_URL   their management API URLs
  TEST_RABBITMQ_VERSION                                  V
  TEST_RABBITMQ_DATA_DIR                                 the first node's data directory (for its size on disk)

--no-deprecated-features: once the command has run, ask the broker (4.x) which deprecated features
were used meanwhile and fail, naming them, unless none was.

e.g. node tools/rabbitmq-cluster/with-broker.js --broker 4.3 -- npx nx run messaging:test
`;

const progress = (line) => console.error(`[with-broker] ${line}`);

async function main(argv) {
  const { values, positionals } = parseArgs({
    args: argv,
    options: { broker: { type: 'string' }, size: { type: 'string' }, 'no-deprecated-features': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
  });
  if (values.help || positionals.length === 0) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const size = Number(values.size ?? 1);
  if (!BROKER_VERSIONS.includes(String(values.broker ?? HOST_VERSION)) || !Number.isInteger(size) || size < 1) {
    console.error(`with-broker: --broker must be one of ${BROKER_VERSIONS.join(', ')} and --size a positive integer\n\n${USAGE}`);
    return 2;
  }
  const broker = brokerVersionOf(values.broker ?? HOST_VERSION);
  const cluster = await startCluster({ broker, size, ports: 'auto', namePrefix: `bss-test-${process.pid}`, log: progress });
  let code = 1;
  try {
    const urls = cluster.amqpUrls().join(',');
    const managementUrls = cluster.managementUrls().join(',');
    progress(`RabbitMQ ${broker} at ${urls}; running: ${positionals.join(' ')}`);
    code = await run(positionals, {
      ...process.env,
      RABBITMQ_URL: urls,
      TEST_RABBITMQ_URL: urls,
      RABBITMQ_MANAGEMENT_URL: managementUrls,
      TEST_RABBITMQ_MANAGEMENT_URL: managementUrls,
      TEST_RABBITMQ_VERSION: broker,
      TEST_RABBITMQ_DATA_DIR: join(cluster.nodes[0].dir, 'data'),
    });
    if (values['no-deprecated-features']) {
      const used = await deprecatedFeaturesUsed(cluster.nodes[0].managementPort);
      progress(`deprecated features used: ${used.length === 0 ? 'none' : used.join(', ')}`);
      if (used.length > 0 && code === 0) code = 1;
    }
  } finally {
    await cluster.stop();
  }
  return code;
}

/** What the broker counted as use of a deprecated feature since it started (RabbitMQ 3.13 and later). */
async function deprecatedFeaturesUsed(managementPort) {
  const response = await fetch(`http://127.0.0.1:${managementPort}/api/deprecated-features/used`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`GET /api/deprecated-features/used answered ${response.status}: this version cannot say`);
  const used = /** @type {{ name: string }[]} */ (await response.json());
  return used.map((feature) => feature.name);
}

/**
 * Runs the command in the foreground; a Ctrl-C reaches it through the terminal, and the broker is stopped after it.
 * @param {string[]} commandLine
 * @param {NodeJS.ProcessEnv} env
 * @returns {Promise<number>}
 */
function run(commandLine, env) {
  const [command, ...args] = commandLine;
  return new Promise((resolveRun) => {
    const child = spawn(command, args, { stdio: 'inherit', env });
    // The terminal's Ctrl-C reaches the command by itself; this process only outlives it to stop the broker.
    process.on('SIGINT', () => undefined);
    process.on('SIGTERM', () => child.kill('SIGTERM'));
    child.once('error', (error) => {
      progress(`cannot run ${command}: ${error.message}`);
      resolveRun(127);
    });
    child.once('exit', (code, signal) => resolveRun(code ?? (signal ? 128 : 1)));
  });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    console.error(`with-broker: ${error.message}`);
    process.exitCode = 1;
  },
);
