#!/usr/bin/env node
/**
 * Runs the whole system locally against the machine's RabbitMQ: builds every app, starts each
 * built bundle as its own process, prefixes and colours their log lines, and stops all of them
 * cleanly on Ctrl-C. Usage: npm start [-- --raw]   (--raw prints the JSON log lines as they are)
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { launchSystem } = require('../system/launch-system.js');

const workspaceRoot = join(dirname(fileURLToPath(import.meta.url)), '../..');
const raw = process.argv.includes('--raw');
const PORTS = { producer: 8000, backend: 8090, firstProcessor: 8081, opsConsole: 8085 };
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

async function main() {
  build();
  const brokerUrl = process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  if (!(await brokerReachable(brokerUrl))) {
    console.warn('RabbitMQ does not answer at the configured address; the apps will wait for it (start it with: rabbitmq-server -detached).');
  }
  const apiKey = process.env.API_KEYS ? process.env.API_KEYS.split(',')[0].trim() : `local-${randomBytes(12).toString('hex')}`;
  const opsToken = process.env.OPS_OPERATOR_TOKENS ? process.env.OPS_OPERATOR_TOKENS.split(',')[0].trim() : `ops-${randomBytes(12).toString('hex')}`;
  const system = await launchSystem({
    distAppsDir: join(workspaceRoot, 'dist/apps'),
    env: { API_KEYS: process.env.API_KEYS ?? apiKey, OPS_OPERATOR_TOKENS: process.env.OPS_OPERATOR_TOKENS ?? opsToken },
    ports: PORTS,
    onLine: (app, line) => console.log(render(app, line)),
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.log('\nStopping every app (SIGTERM, in-flight orders finish first)...');
    const codes = await system.stop();
    console.log(`Stopped: ${Object.entries(codes).map(([name, code]) => `${name}=${code}`).join(' ')}`);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const producer = system.url('producer-api');
  console.log(`
All apps are up: ${system.apps.map((app) => `${app.name} :${app.port}`).join(', ')}

  API key (x-api-key header): ${apiKey}
  OpenAPI:                    ${producer}/docs
  Backend ledger:             ${system.url('backend-simulator')}/api/v1/ledger
  Ops console:                ${system.url('ops-console')}/  (operator token: ${opsToken})
  Dead letters from a shell:  OPS_TOKEN=${opsToken} npx nx run ops-console:dlq -- list

Submit an order:
  curl -s -X POST ${producer}/api/v1/orders -H 'content-type: application/json' -H 'x-api-key: ${apiKey}' \\
    -d '{"type":"MNP","payload":{"customerId":"C00054321","msisdn":"010-9876-5432","donorOperator":"KT","recipientOperator":"SKT","planCode":"LTE_DATA_33"}}'

Press Ctrl-C to stop everything.
`);
}

main().catch((error) => {
  console.error(error.message);
  process.exit(1);
});
