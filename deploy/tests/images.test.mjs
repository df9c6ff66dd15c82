import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { after, describe, test } from 'node:test';
import pg from 'pg';
import { WORKSPACE_ROOT } from './render.mjs';

// The launcher starts every app with its image's node options; this check starts the images the same way.
const { freePorts, imageNodeFlags } = createRequire(import.meta.url)('../../tools/system/launch-system.js');

const BROKER_URL = process.env.TEST_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const MANAGEMENT = 'http://127.0.0.1:15672/api';
const MANAGEMENT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const PREFIX = `test.images.${Date.now()}`;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DATABASE_SCHEMA = `test_images_${Date.now()}`;
/** What an app needs beyond the broker to start: the ops console its store and a token. */
const APP_ENV = {
  'ops-console': { DATABASE_URL, DATABASE_SCHEMA, OPS_VIEWER_TOKENS: 'viewer-token-of-the-image-test' },
};
const APPS = readdirSync(join(WORKSPACE_ROOT, 'apps')).filter((app) => existsSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile')));

/**
 * Assembles what the app's Dockerfile puts in its image — the pruned package.json and lockfile,
 * `npm ci --omit=dev`, then the bundle — in a directory of its own, away from the workspace's
 * node_modules, so a dependency the bundle needs but the image lacks shows up here.
 */
function assembleImage(app) {
  const dockerfile = readFileSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile'), 'utf8');
  assert.match(dockerfile, new RegExp(`COPY dist/apps/${app}/package.json dist/apps/${app}/package-lock.json`));
  assert.match(dockerfile, /npm ci --omit=dev/);
  assert.match(dockerfile, /USER 1000:1000/);
  assert.match(dockerfile, /^CMD \["node", .*"main\.cjs"\]$/m);
  const dist = join(WORKSPACE_ROOT, 'dist/apps', app);
  const image = mkdtempSync(join(tmpdir(), `image-${app}-`));
  for (const file of ['package.json', 'package-lock.json']) copyFileSync(join(dist, file), join(image, file));
  execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund'], { cwd: image, stdio: 'ignore' });
  cpSync(dist, image, { recursive: true });
  return image;
}

function start(app, image, env, args = []) {
  // The image's command: node with its CMD's options, then main.cjs.
  const child = spawn(process.execPath, [...imageNodeFlags(join(WORKSPACE_ROOT, 'dist/apps', app, 'main.cjs')), 'main.cjs', ...args], {
    cwd: image,
    env: { PATH: process.env.PATH, NODE_ENV: 'production', RABBITMQ_URL: BROKER_URL, QUEUE_NAME: PREFIX, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr })));
  return { child, exited };
}

async function answers(url, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(url).then((response) => response.status, () => 0);
    if (status === 200) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return 0;
}

async function management(method, path) {
  return fetch(`${MANAGEMENT}${path}`, { method, headers: { authorization: MANAGEMENT_AUTH } });
}

after(async () => {
  const database = new pg.Client({ connectionString: DATABASE_URL });
  await database.connect();
  await database.query(`DROP SCHEMA IF EXISTS ${DATABASE_SCHEMA} CASCADE`);
  await database.end();
  const queues = await (await management('GET', '/queues/%2F')).json();
  for (const queue of queues.filter((candidate) => candidate.name.startsWith(PREFIX))) await management('DELETE', `/queues/%2F/${encodeURIComponent(queue.name)}`);
  const exchanges = await (await management('GET', '/exchanges/%2F')).json();
  for (const exchange of exchanges.filter((candidate) => candidate.name.startsWith(PREFIX))) await management('DELETE', `/exchanges/%2F/${encodeURIComponent(exchange.name)}`);
});

describe('each image runs from exactly what its Dockerfile puts in it', () => {
  test('a Dockerfile exists for every deployable app', () => {
    const deployable = readdirSync(join(WORKSPACE_ROOT, 'apps')).filter((app) => app.endsWith('-processor') || ['producer-api', 'backend-simulator', 'ops-console'].includes(app));
    assert.deepEqual(APPS.sort(), deployable.sort());
  });

  test('the processor image declares the whole topology as a setup job, then exits', async () => {
    const image = assembleImage('subscription-processor');
    const { exited } = start('subscription-processor', image, { RETRY_BACKOFF_MS: '1000,4000,16000' }, ['--declare-topology']);
    const { code, stderr } = await exited;
    assert.equal(code, 0, stderr);
    for (const queue of ['subscription', 'mnp', 'change', 'termination', 'dead', 'retry.1', 'retry.3']) {
      assert.equal((await management('GET', `/queues/%2F/${PREFIX}.${queue}`)).status, 200, `${PREFIX}.${queue} missing`);
    }
  });

  for (const app of APPS) {
    test(`${app}: installs with npm ci --omit=dev, starts, and answers its probes`, async () => {
      const image = assembleImage(app);
      const [port] = await freePorts(1);
      const { child, exited } = start(app, image, { PORT: String(port), DECLARE_TOPOLOGY: 'false', ...APP_ENV[app] });
      try {
        assert.equal(await answers(`http://127.0.0.1:${port}/health/live`), 200);
        assert.equal(await answers(`http://127.0.0.1:${port}/health/ready`), 200);
        if (app === 'ops-console') assert.match((await fetch(`http://127.0.0.1:${port}/`)).headers.get('content-type') ?? '', /text\/html/, 'the image lacks the web UI');
      } finally {
        child.kill('SIGTERM');
        const { stderr } = await exited;
        assert.doesNotMatch(stderr, /Cannot find module|failed to start/);
      }
    });
  }
});
