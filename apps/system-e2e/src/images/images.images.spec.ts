import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts } from '../support/system';
import { baseIsStandIn, containerLogs, docker, imageSize, removeContainers, startContainer, waitForExit } from './docker';
import { deployableApps, localRun, LocalRun, untilAnswers, WORKSPACE_ROOT } from './local-run';
import { localEnv, renderMinikubeOverlay, workloadsOf } from './manifest-env';

/** The layers we add on top of node:20-slim (node_modules and the bundle), per app. */
const OWN_LAYERS_BUDGET_BYTES = 60 * 1000 * 1000;

const APPS = deployableApps();
const ROOT_DEV_DEPENDENCIES = Object.keys((JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies);

/** Lists, from inside the image, every package in /app/node_modules and the lockfile's runtime packages. */
const INVENTORY_SCRIPT = `
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const installed = [];
const walk = (dir) => {
  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('.')) continue;
    const path = dir + '/' + entry;
    if (entry.startsWith('@')) { walk(path); continue; }
    if (existsSync(path + '/package.json')) installed.push(JSON.parse(readFileSync(path + '/package.json', 'utf8')).name);
    if (existsSync(path + '/node_modules')) walk(path + '/node_modules');
  }
};
walk('/app/node_modules');
const lock = JSON.parse(readFileSync('/app/package-lock.json', 'utf8'));
const runtime = Object.entries(lock.packages).filter(([path, meta]) => path && !meta.dev).map(([path]) => path.split('node_modules/').pop());
process.stdout.write(JSON.stringify({ installed, runtime }));
`;

function the<T>(found: T | undefined, what: string): T {
  if (found === undefined) throw new Error(`the rendered minikube overlay has no ${what}`);
  return found;
}

describe('the images, built by the real engine with `nx run-many -t docker-build`', () => {
  let run: LocalRun;
  let baseSize: number;
  const sizes: string[] = [];

  beforeAll(async () => {
    run = await localRun('images');
    baseSize = await imageSize('node:20-slim');
    if (await baseIsStandIn()) process.stderr.write('NOTE: node:20-slim here is the local STAND-IN made by tools/docker/stand-in-base.sh, not the real image\n');
  });

  afterAll(async () => {
    process.stderr.write(`Image sizes (base node:20-slim ${(baseSize / 1e6).toFixed(0)} MB):\n${sizes.join('\n')}\n`);
    await run?.cleanUp();
  });

  it('exist for every deployable app', () => {
    expect(APPS.sort()).toEqual(['backend-simulator', 'change-processor', 'mnp-processor', 'ops-console', 'order-tracker', 'producer-api', 'subscription-processor', 'termination-processor']);
  });

  it.each(APPS)('%s: runs as uid 1000 and its own layers stay within the budget', async (app) => {
    const user = await docker(['image', 'inspect', '--format', '{{.Config.User}}', `${app}:latest`]);
    expect(user).toBe('1000:1000');
    expect(await docker(['run', '--rm', '--network', 'host', '--entrypoint', 'id', `${app}:latest`, '-u'])).toBe('1000');
    const own = (await imageSize(`${app}:latest`)) - baseSize;
    sizes.push(`  ${app.padEnd(24)} ${((baseSize + own) / 1e6).toFixed(0).padStart(4)} MB, own layers ${(own / 1e6).toFixed(1)} MB`);
    expect(own).toBeLessThanOrEqual(OWN_LAYERS_BUDGET_BYTES);
  });

  it.each(APPS)('%s: has no development dependency inside, only what its lockfile needs at run time', async (app) => {
    const inventory = JSON.parse(await docker(['run', '--rm', '--network', 'host', '--entrypoint', 'node', `${app}:latest`, '-e', INVENTORY_SCRIPT])) as {
      installed: string[];
      runtime: string[];
    };
    const runtime = new Set(inventory.runtime);
    expect(inventory.installed.length).toBeGreaterThan(0);
    expect(inventory.installed.filter((name) => !runtime.has(name))).toEqual([]);
    expect(inventory.installed.filter((name) => ROOT_DEV_DEPENDENCIES.includes(name) && !runtime.has(name))).toEqual([]);
    for (const tool of ['typescript', 'jest', 'nx', 'esbuild', '@swc/core', 'eslint']) expect(inventory.installed).not.toContain(tool);
  });

  it('the topology Job (a processor image with --declare-topology) declares the topology and exits 0', async () => {
    const manifests = renderMinikubeOverlay();
    const job = the(workloadsOf(manifests, APPS).find((workload) => workload.kind === 'Job'), 'a topology Job');
    const name = run.containerName('topology');
    await startContainer({ name, image: `${job.app}:latest`, env: localEnv(job, manifests, run.addresses), command: job.command });
    const code = await waitForExit(name);
    expect({ code, logs: code === 0 ? '' : await containerLogs(name) }).toEqual({ code: 0, logs: '' });
    for (const queue of ['subscription', 'mnp', 'change', 'termination', 'dead', 'retry.1', 'retry.3']) {
      expect(await run.queueExists(`bss.orders.${queue}`)).toBe(true);
    }
  });

  it.each(APPS)('%s: starts with a read-only root filesystem and no capabilities, and answers its probes', async (app) => {
    const manifests = renderMinikubeOverlay();
    const workload = the(workloadsOf(manifests, APPS).find((candidate) => candidate.app === app && candidate.kind === 'Deployment'), `a Deployment of ${app}`);
    const [port] = await freePorts(1);
    const addresses = { ...run.addresses, portOf: { ...run.addresses.portOf, [app]: port } };
    const name = run.containerName(app);
    await startContainer({ name, image: `${app}:latest`, env: run.ownSchemas(app, localEnv(workload, manifests, addresses)) });
    try {
      for (const probe of ['/health/live', '/health/ready']) {
        const status = await untilAnswers(`http://127.0.0.1:${port}${probe}`);
        expect({ probe, status, logs: status === 200 ? '' : (await containerLogs(name)).slice(-3000) }).toEqual({ probe, status: 200, logs: '' });
      }
      if (app === 'ops-console') expect((await fetch(`http://127.0.0.1:${port}/`)).headers.get('content-type')).toMatch(/text\/html/);
    } finally {
      await docker(['stop', '--time', '30', name]);
      expect(await waitForExit(name)).toBe(0);
      await removeContainers([name]);
    }
  });
});
