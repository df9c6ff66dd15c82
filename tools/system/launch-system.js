const { spawn } = require('node:child_process');
const { existsSync, readFileSync, readdirSync } = require('node:fs');
const { createServer } = require('node:net');
const { basename, dirname, join } = require('node:path');
const readline = require('node:readline');

const PROCESSOR_SUFFIX = '-processor';

/**
 * The node options an app's image runs it with: those of its Dockerfile's `CMD ["node", ...,
 * "main.cjs"]` (e.g. producer-api's heap limit), so that every local run, test and benchmark runs
 * the bundle the way its container does. Source maps only, for a bundle without a Dockerfile.
 */
function imageNodeFlags(bundle) {
  const dockerfile = join(bundle, '..', '..', '..', '..', 'apps', basename(dirname(bundle)), 'Dockerfile');
  if (!existsSync(dockerfile)) return ['--enable-source-maps'];
  const command = [...readFileSync(dockerfile, 'utf8').matchAll(/^CMD (\[.*\])\s*$/gm)].pop();
  const argv = command ? JSON.parse(command[1]) : [];
  if (argv[0] !== 'node' || argv.length < 2) throw new Error(`${dockerfile}: expected CMD ["node", ..., "<bundle>"]`);
  return argv.slice(1, -1);
}

/** The built apps in dist/: the backend simulator, every `<type>-processor`, the producer API, the ops console if built. */
function discoverApps(distAppsDir) {
  const bundle = (name) => join(distAppsDir, name, 'main.cjs');
  const missing = ['backend-simulator', 'producer-api'].filter((name) => !existsSync(bundle(name)));
  if (missing.length > 0) throw new Error(`not built: ${missing.join(', ')} (run: npx nx run-many -t build)`);
  const processors = readdirSync(distAppsDir)
    .filter((name) => name.endsWith(PROCESSOR_SUFFIX) && existsSync(bundle(name)))
    .sort()
    .map((name) => ({ name, bundle: bundle(name), orderType: name.slice(0, -PROCESSOR_SUFFIX.length).toUpperCase() }));
  return {
    backend: { name: 'backend-simulator', role: 'backend', bundle: bundle('backend-simulator') },
    processors: processors.map((processor) => ({ ...processor, role: 'processor' })),
    producer: { name: 'producer-api', role: 'producer', bundle: bundle('producer-api') },
    console: existsSync(bundle('ops-console')) ? { name: 'ops-console', role: 'console', bundle: bundle('ops-console') } : undefined,
    tracker: existsSync(bundle('order-tracker')) ? { name: 'order-tracker', role: 'tracker', bundle: bundle('order-tracker') } : undefined,
  };
}

/**
 * Starts every built app as its own process, wires them together (ports, backend URL, shared env),
 * waits until each answers /ready, and returns handles to reach and stop them. Used by the local
 * start command, the end-to-end tests and the load generator, so all run the system the same way.
 * `replicas` ({ 'mnp-processor': 2 }) starts extra instances of a processor, named `<name>-2`...
 * `processorBackendUrl` sends the processors' backend calls somewhere else than straight to the
 * simulator (a link that fails on purpose in front of it).
 * Processors listen from `ports.firstProcessor` on, or on ports the OS says are free when it is not
 * given. The ops console starts only when `ports.opsConsole` is given: it consumes the dead-letter
 * queue, which tests that count dead letters on the queue itself must keep to themselves. The order
 * tracker starts only when `ports.tracker` is given; without it the apps publish no lifecycle events.
 * `envByApp` ({ 'producer-api': { RABBITMQ_URL: ... } }) adds to `env` for one app, as a
 * deployment gives each app its own settings (its own broker user); a processor's extra instances
 * take their processor's. It may name only apps that start.
 */
async function launchSystem(options) {
  const { distAppsDir, env = {}, envByApp = {}, ports, onLine = () => undefined, readyTimeoutMs = 30_000, replicas = {}, processorBackendUrl } = options;
  const apps = discoverApps(distAppsDir);
  const backendUrl = processorBackendUrl ?? `http://127.0.0.1:${ports.backend}`;
  const processorInstances = apps.processors.flatMap((processor) =>
    Array.from({ length: replicas[processor.name] ?? 1 }, (_, replica) => ({
      ...processor,
      name: replica === 0 ? processor.name : `${processor.name}-${replica + 1}`,
    })),
  );
  const processorPorts =
    ports.firstProcessor === undefined ? await freePorts(processorInstances.length) : processorInstances.map((_, index) => ports.firstProcessor + index);
  const processorPlan = processorInstances.map((processor, index) => ({ ...processor, port: processorPorts[index], env: { BACKEND_URL: backendUrl } }));
  const plan = withOwnEnv(
    [
      { ...apps.backend, port: ports.backend, env: {} },
      ...processorPlan,
      { ...apps.producer, port: ports.producer, env: {} },
      ...opsConsolePlan(apps, ports, processorPlan),
      ...trackerPlan(apps, ports),
    ],
    envByApp,
  );
  const running = [];
  const appNamed = (name) => {
    const app = running.find((candidate) => candidate.name === name);
    if (!app) throw new Error(`no app named ${name}`);
    return app;
  };
  // Without the tracker nothing reads lifecycle events: the apps publish none unless told to.
  const trackingEnv = ports.tracker === undefined ? { ORDER_TRACKING: 'false' } : {};
  const environmentOf = (app) => ({ ...trackingEnv, ...env, ...app.env, PORT: String(app.port) });
  const system = {
    apps: running,
    url: (name) => `http://127.0.0.1:${appNamed(name).port}`,
    stop: () => stopAll(running),
    /** Sends a signal to one app and resolves with how it ended. */
    kill: async (name, signal = 'SIGKILL') => {
      const app = appNamed(name);
      if (app.exitCode === undefined) app.child.kill(signal);
      return app.exited;
    },
    /** Starts an app that has exited again, same port and environment, and waits until it is ready. */
    restart: async (name) => {
      const previous = appNamed(name);
      if (previous.exitCode === undefined) throw new Error(`${name} is still running`);
      const app = startApp(previous, environmentOf(previous), onLine);
      running[running.indexOf(previous)] = app;
      await waitUntilReady(app, readyTimeoutMs);
      return app;
    },
  };
  try {
    for (const app of plan) {
      running.push(startApp(app, environmentOf(app), onLine));
    }
    await Promise.all(running.map((app) => waitUntilReady(app, readyTimeoutMs)));
  } catch (error) {
    await stopAll(running);
    throw error;
  }
  return system;
}

/**
 * Each app's own settings go under the launcher's wiring (ports, backend and metrics URLs), which
 * must stay as planned, and over the shared `env`. An extra instance (`mnp-processor-2`) is one of
 * its processor's: it takes that processor's settings.
 */
function withOwnEnv(plan, envByApp) {
  const unknown = Object.keys(envByApp).filter((name) => !plan.some((app) => app.name === name));
  if (unknown.length > 0) throw new Error(`envByApp names apps that do not start: ${unknown.join(', ')} (starting: ${plan.map((app) => app.name).join(', ')})`);
  return plan.map((app) => {
    const own = envByApp[app.role === 'processor' ? processorNameOf(app) : app.name];
    return own ? { ...app, env: { ...own, ...app.env } } : app;
  });
}

/** The processor an instance belongs to: `mnp-processor` for `mnp-processor-2`. */
function processorNameOf(instance) {
  return `${instance.orderType.toLowerCase()}${PROCESSOR_SUFFIX}`;
}

/** The console scrapes every processor instance's /metrics for backend load and retries. */
function opsConsolePlan(apps, ports, processorInstances) {
  if (ports.opsConsole === undefined) return [];
  if (!apps.console) throw new Error('not built: ops-console (run: npx nx run ops-console:build)');
  const metricsUrls = processorInstances.map((processor) => `http://127.0.0.1:${processor.port}/metrics`);
  return [{ ...apps.console, port: ports.opsConsole, env: { PROCESSOR_METRICS_URLS: metricsUrls.join(',') } }];
}

function trackerPlan(apps, ports) {
  if (ports.tracker === undefined) return [];
  if (!apps.tracker) throw new Error('not built: order-tracker (run: npx nx run order-tracker:build)');
  return [{ ...apps.tracker, port: ports.tracker, env: {} }];
}

/**
 * Each app runs in a process group of its own, so a Ctrl-C in the terminal (SIGINT to the whole
 * foreground group) reaches only the launcher, which then stops the apps in order (`stopAll`)
 * instead of every app at once. Apps the launcher did not get to stop are sent SIGTERM when it exits.
 */
function startApp(app, env, onLine) {
  const child = spawn(process.execPath, [...imageNodeFlags(app.bundle), app.bundle], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  adoptChild(child);
  const { child: _previousChild, exited: _previousExit, exitCode: _previousCode, ...definition } = app;
  const handle = { ...definition, pid: child.pid, child, exitCode: undefined, exited: undefined };
  handle.exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      handle.exitCode = code ?? signal;
      resolve(handle.exitCode);
    }),
  );
  handle.lastLines = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      handle.lastLines.push(line);
      if (handle.lastLines.length > LINES_KEPT_FOR_ERRORS) handle.lastLines.shift();
      onLine(app.name, line);
    });
  }
  return handle;
}

const liveChildren = new Set();
let hostHooksInstalled = false;

/**
 * Installed with the first app started, not when the module loads, so a host that only imports
 * the launcher keeps its own signal behaviour. A host without a stop-signal handler of its own (a
 * benchmark, the load generator) would end on Ctrl-C without the 'exit' event, leaving its apps
 * running: they get SIGTERM, then the signal ends the host as it would have. A host with its own
 * handler (npm start) stops them in order itself.
 */
function installHostHooks() {
  if (hostHooksInstalled) return;
  hostHooksInstalled = true;
  process.once('exit', () => {
    for (const child of liveChildren) child.kill('SIGTERM');
  });
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, function stopAppsThenEnd() {
      if (process.listenerCount(signal) > 1) return;
      for (const child of liveChildren) child.kill('SIGTERM');
      process.removeListener(signal, stopAppsThenEnd);
      process.kill(process.pid, signal);
    });
  }
}

/** A child the host spawned itself (the benchmark's) is stopped with the host too, as the launcher's own are. */
function adoptChild(child) {
  installHostHooks();
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
}

/** An app that fails to start says why in its last lines; they go into the error. */
const LINES_KEPT_FOR_ERRORS = 5;

async function waitUntilReady(app, timeoutMs) {
  await waitForReady({ name: app.name, url: `http://127.0.0.1:${app.port}`, exitCode: () => app.exitCode, lastLines: () => app.lastLines.join('\n'), timeoutMs });
}

/**
 * Polls GET /ready until the app answers 200; fails early, with the app's last lines, when it
 * exits during start-up. Shared by the launcher and the benchmark's single-process starts.
 *
 * @param {{ name: string, url: string, exitCode: () => number | string | undefined | null, lastLines: () => string, timeoutMs: number }} app
 */
async function waitForReady(app) {
  const deadline = Date.now() + app.timeoutMs;
  while (Date.now() < deadline) {
    const exitCode = app.exitCode();
    if (exitCode !== undefined && exitCode !== null) {
      throw new Error(`${app.name} exited with ${exitCode} during start-up; its last lines:\n${app.lastLines()}`);
    }
    const ready = await fetch(`${app.url}/ready`).then((response) => response.ok, () => false);
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${app.name} was not ready at ${app.url} within ${app.timeoutMs} ms; its last lines:\n${app.lastLines()}`);
}

/**
 * SIGTERM (unless it already ended), SIGKILL only past the grace; resolves with how it ended.
 *
 * @param {import('node:child_process').ChildProcess} child
 * @param {Promise<number | string>} exited
 */
async function stopChild(child, exited, graceMs = 30_000) {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const code = await exited;
  clearTimeout(timer);
  return code;
}

/**
 * Producer first (stop intake), then processors (drain), then the console (it stores the dead
 * letters the drain produced), then the backend; SIGKILL only past the grace.
 */
async function stopAll(running, graceMs = 30_000) {
  const order = ['producer', 'processor', 'console', 'tracker', 'backend'].map((role) => running.filter((app) => app.role === role));
  const codes = {};
  for (const group of order) {
    await Promise.all(
      group.map(async (app) => {
        codes[app.name] = await stopChild(app.child, app.exited, graceMs);
      }),
    );
  }
  return codes;
}

/** Ports the OS says are free right now, for runs that must not collide with another one. */
async function freePorts(count) {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => server.address().port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

module.exports = { launchSystem, freePorts, imageNodeFlags, waitForReady, stopChild, adoptChild };
