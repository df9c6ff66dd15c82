const { execFile, spawn } = require('node:child_process');
const { randomInt } = require('node:crypto');
const fs = require('node:fs');
const { createConnection, createServer } = require('node:net');
const os = require('node:os');
const { join, resolve } = require('node:path');
const { BROKER_VERSIONS, EPMD_PROGRAM, HOST_VERSION, installationFor, installationOf, rootfsDir } = require('./broker-installations');

const HOST = '127.0.0.1';
const EPMD_PORT = 4369;
/** A 4.x cluster's own epmd listens on 30000 + the first AMQP port (35701 for the default 5701). */
const OWN_EPMD_PORT_OFFSET = 30_000;
const STATE_FILE = 'cluster.json';
const EPMD_PID_FILE = 'epmd.pid';
const DEFAULT_BASE_PORT = 5701;
const DEFAULT_NAME_PREFIX = 'bss-rmq';
const DEFAULT_MEMORY_WATERMARK = '0.4';
const DEFAULT_DISK_FREE_LIMIT = '50MB';
/** Far above the free space of any disk, so the disk alarm goes off at once. */
const UNREACHABLE_DISK_FREE_LIMIT = '1000000GB';
/** So low that the node is always above it, so the memory alarm goes off at once. */
const UNREACHABLE_MEMORY_WATERMARK = '0.0001';
const CLI_DIST_PORT_MIN = 35672;
const CLI_DIST_PORT_MAX = 35682;
/**
 * Ports a cluster node must never take: the machine node's AMQP, management and distribution
 * ports, epmd, and the range every rabbitmqctl (ours and the machine's) takes its own
 * distribution port from.
 */
/** @type {Map<number, string>} */
const RESERVED_PORTS = new Map([
  [5672, "the machine's RabbitMQ AMQP port"],
  [15672, "the machine's RabbitMQ management port"],
  [25672, "the machine's RabbitMQ distribution port"],
  [EPMD_PORT, 'epmd'],
  ...Array.from({ length: CLI_DIST_PORT_MAX - CLI_DIST_PORT_MIN + 1 }, (_, i) => /** @type {[number, string]} */ ([CLI_DIST_PORT_MIN + i, 'the rabbitmqctl distribution port range'])),
]);
const PORT_KINDS = ['amqp', 'management', 'dist'];

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

/** Base port P: AMQP P.., management 10000+P.., distribution 20000+P.. (one per node). */
function portsFromBase(basePort, size = 3) {
  const series = (offset) => Array.from({ length: size }, (_, index) => offset + basePort + index);
  return { amqp: series(0), management: series(10_000), dist: series(20_000) };
}

/** A 4.x node runs chrooted, so its cluster's directory is inside that version's root file system. */
function defaultDir(firstAmqpPort, broker = HOST_VERSION) {
  const base = broker === HOST_VERSION ? os.tmpdir() : join(rootfsDir(broker), 'var/lib/bss-clusters');
  return join(base, `bss-rabbitmq-cluster-${firstAmqpPort}`);
}

/**
 * Starts `size` RabbitMQ nodes of the machine's installation at once, joins the second and later
 * ones to the first, and resolves once every node runs, sees the others and no alarm is in effect.
 * The nodes run detached (their own process group, so a Ctrl-C in the parent's terminal never
 * reaches them) and are tracked only by their pid files, so another process can stop them later
 * through `attachCluster`. If start-up fails, the nodes are stopped and the directory is kept so the
 * logs named in the error can be read.
 */
async function startCluster(options = {}) {
  const { size = 3, namePrefix = DEFAULT_NAME_PREFIX, log = () => undefined, keepDir = false, replace = false, broker = HOST_VERSION } = options;
  checkNamePrefix(namePrefix);
  if (!Number.isInteger(size) || size < 1) throw new Error(`size must be a positive integer, got ${size}`);
  const installation = await installationFor(broker, { log });
  const ports = options.ports === 'auto' ? await autoPorts(size, installation.ownEpmd) : (options.ports ?? portsFromBase(DEFAULT_BASE_PORT, size));
  const nodes = planNodes(namePrefix, ports, size);
  const epmdPort = installation.ownEpmd ? (ports.epmd ?? nodes[0].amqpPort + OWN_EPMD_PORT_OFFSET) : EPMD_PORT;
  const state = { namePrefix, keepDir, broker: installation.version, root: installation.root, epmdPort, nodes };
  const dir = resolve(options.dir ?? defaultDir(nodes[0].amqpPort, installation.version));
  // A chrooted node reaches nothing outside its root: a directory elsewhere is refused here, before anything starts.
  installation.innerPath(dir);
  await clearPreviousCluster(dir, replace, log);
  await checkPortsFree(state.nodes, installation.ownEpmd ? [{ node: 'epmd', kind: 'epmd', port: epmdPort }] : []);
  if (!installation.ownEpmd) await checkNamesFree(state.nodes, epmdPort);
  prepareDirectory(dir, state, installation);
  const cluster = clusterHandle(dir, state, log);
  const started = Date.now();
  try {
    if (installation.ownEpmd) await timed(log, `epmd on port ${epmdPort}`, () => cluster.startEpmd());
    await timed(log, `${size} nodes booted`, () => bootAll(cluster, cluster.nodes.map((node) => launchNode(dir, node, installation, epmdPort))));
    const [seed, ...joiners] = cluster.nodes;
    if (joiners.length > 0) await timed(log, 'cluster formed', () => joinCluster(cluster, joiners, seed, log));
    await timed(log, 'cluster healthy', () => cluster.waitHealthy({ timeoutMs: 60_000 }));
  } catch (error) {
    log(`start-up failed, stopping the nodes and keeping ${dir} for its logs`);
    await cluster.stop({ keepDir: true }).catch((stopError) => {
      throw new AggregateError([error, stopError], `${error.message}; stopping the nodes failed too: ${stopError.message}`);
    });
    throw error;
  }
  log(`cluster of ${size} started in ${Date.now() - started} ms (${dir})`);
  return cluster;
}

/** The handle of a cluster started earlier (possibly by another process), from its state file. */
function attachCluster(dir, options = {}) {
  const state = readState(resolve(dir));
  return state && clusterHandle(resolve(dir), state, options.log ?? (() => undefined));
}

function checkNamePrefix(namePrefix) {
  if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(namePrefix)) throw new Error(`namePrefix must be letters, digits, '-' and '_', got '${namePrefix}'`);
  if (namePrefix === 'rabbit') throw new Error("namePrefix must not be 'rabbit': that is the machine's own node");
}

function planNodes(namePrefix, ports, size) {
  for (const kind of PORT_KINDS) {
    if (ports[kind]?.length !== size) throw new Error(`ports.${kind} must list ${size} ports, one per node`);
  }
  return Array.from({ length: size }, (_, index) => ({
    name: `${namePrefix}-${index + 1}@localhost`,
    amqpPort: ports.amqp[index],
    managementPort: ports.management[index],
    distPort: ports.dist[index],
  }));
}

/** Ports the OS hands out as free right now, none of them reserved; one more for a cluster's own epmd. */
async function autoPorts(size, withEpmd) {
  const picked = [];
  const wanted = size * PORT_KINDS.length + (withEpmd ? 1 : 0);
  while (picked.length < wanted) {
    const port = await ephemeralPort();
    if (!RESERVED_PORTS.has(port) && !picked.includes(port)) picked.push(port);
  }
  const ports = { amqp: picked.slice(0, size), management: picked.slice(size, 2 * size), dist: picked.slice(2 * size, 3 * size) };
  return withEpmd ? { ...ports, epmd: picked[3 * size] } : ports;
}

function ephemeralPort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, HOST, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolvePort(port));
    });
  });
}

function isPortFree(port) {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, HOST, () => server.close(() => resolveFree(true)));
  });
}

async function checkPortsFree(nodes, extra = []) {
  const wanted = [...nodes.flatMap((node) => PORT_KINDS.map((kind) => ({ node: node.name, kind, port: node[`${kind}Port`] }))), ...extra];
  const seen = new Set();
  for (const { node, kind, port } of wanted) {
    if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new Error(`${kind} port of ${node} is not a valid port: ${port}`);
    if (RESERVED_PORTS.has(port)) throw new Error(`${kind} port ${port} of ${node} is reserved for ${RESERVED_PORTS.get(port)}`);
    if (seen.has(port)) throw new Error(`port ${port} is given twice (${kind} port of ${node})`);
    seen.add(port);
  }
  const busy = await Promise.all(wanted.map(async (entry) => ((await isPortFree(entry.port)) ? undefined : entry)));
  const first = busy.find(Boolean);
  if (first) throw new Error(`${first.kind} port ${first.port} of ${first.node} is already in use on ${HOST}`);
}

/** Two nodes of one name cannot both register with epmd, e.g. two clusters with the same prefix. */
async function checkNamesFree(nodes, epmdPort) {
  const registered = await epmdNames(epmdPort);
  const taken = nodes.find((node) => registered.has(shortName(node.name)));
  if (taken) throw new Error(`a node named ${taken.name} is already running (registered with epmd): another cluster with namePrefix '${shortName(taken.name).replace(/-\d+$/, '')}'?`);
}

/**
 * A directory may be reused only when it holds nothing or a previous cluster of ours, since
 * `stop` deletes it: a live previous cluster is refused, or stopped first with `replace`.
 */
async function clearPreviousCluster(dir, replace, log) {
  if (!fs.existsSync(dir) || fs.readdirSync(dir).length === 0) return;
  const previous = attachCluster(dir, { log });
  if (!previous) throw new Error(`${dir} is not empty and holds no ${STATE_FILE}: refusing to use it for a cluster (stop deletes it)`);
  const alive = previous.nodes.filter((node) => previous.pidOf(node.name) !== undefined);
  if (alive.length > 0 && !replace) {
    throw new Error(`a cluster is already running in ${dir} (${alive.map((node) => `${node.name} pid ${previous.pidOf(node.name)}`).join(', ')}); stop it first or pass replace: true (--replace on the command line)`);
  }
  await previous.stop({ keepDir: true });
  fs.rmSync(dir, { recursive: true, force: true });
}

function prepareDirectory(dir, state, installation) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(join(dir, '.erlang.cookie'), randomCookie(), { mode: 0o400 });
  // Empty on purpose: without it the scripts read /etc/rabbitmq/rabbitmq-env.conf, which names the machine's node.
  fs.writeFileSync(join(dir, 'rabbitmq-env.conf'), '');
  for (const node of state.nodes) {
    const paths = nodePaths(dir, node);
    fs.mkdirSync(paths.dir, { recursive: true });
    fs.writeFileSync(paths.config, nodeConfig(node, installation));
    fs.writeFileSync(paths.enabledPlugins, '[rabbitmq_management].\n');
  }
  fs.writeFileSync(join(dir, STATE_FILE), `${JSON.stringify(state, null, 2)}\n`);
}

function readState(dir) {
  const file = join(dir, STATE_FILE);
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

/** One cookie for every node and our CLI calls, never the machine node's. */
function randomCookie() {
  return Array.from({ length: 20 }, () => String.fromCharCode(65 + randomInt(26))).join('');
}

/**
 * The installation's cluster settings (3.10: pause_minority; 4.3 has no partition handling modes);
 * balanced leader placement so that the queues' leaders spread over the nodes (by default each
 * queue's leader is the node its declaring client was connected to, so one node would lead them all).
 */
function nodeConfig(node, installation) {
  return [
    `listeners.tcp.local = ${HOST}:${node.amqpPort}`,
    `management.tcp.port = ${node.managementPort}`,
    `management.tcp.ip = ${HOST}`,
    ...installation.clusterConfig,
    'queue_leader_locator = balanced',
    'loopback_users = none',
    'log.file.level = warning',
    'log.console = false',
    '',
  ].join('\n');
}

function shortName(nodeName) {
  return nodeName.split('@')[0];
}

function nodePaths(dir, node) {
  const nodeDir = join(dir, shortName(node.name));
  return {
    dir: nodeDir,
    config: join(nodeDir, 'rabbitmq.conf'),
    enabledPlugins: join(nodeDir, 'enabled_plugins'),
    pidFile: join(nodeDir, 'pid'),
    data: join(nodeDir, 'data'),
    logDir: join(nodeDir, 'log'),
    logFile: join(nodeDir, 'log', `${node.name}.log`),
    outputFile: join(nodeDir, 'output.log'),
  };
}

/**
 * A clean environment: nothing of the caller's RABBITMQ_* or ERL_* settings may leak into our nodes.
 * Paths are as the node sees them (inside the root of a chrooted installation).
 */
function commonEnvironment(dir, installation, epmdPort) {
  const innerDir = installation.innerPath(dir);
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    LANG: 'C.UTF-8',
    HOME: innerDir,
    ERL_EPMD_ADDRESS: HOST,
    ...(installation.ownEpmd ? { ERL_EPMD_PORT: String(epmdPort) } : {}),
    ERL_FLAGS: `-kernel inet_dist_use_interface {${HOST.replaceAll('.', ',')}}`,
    RABBITMQ_CONF_ENV_FILE: join(innerDir, 'rabbitmq-env.conf'),
  };
}

function nodeEnvironment(dir, node, installation, epmdPort) {
  const paths = nodePaths(installation.innerPath(dir), node);
  return {
    ...commonEnvironment(dir, installation, epmdPort),
    // The cluster's own epmd runs already, tracked by pid; a node must not start another.
    ...(installation.ownEpmd ? { RABBITMQ_SERVER_START_ARGS: '-start_epmd false' } : {}),
    RABBITMQ_NODENAME: node.name,
    RABBITMQ_NODE_PORT: String(node.amqpPort),
    RABBITMQ_DIST_PORT: String(node.distPort),
    RABBITMQ_CONFIG_FILE: paths.config,
    RABBITMQ_ADVANCED_CONFIG_FILE: join(paths.dir, 'advanced.config'),
    RABBITMQ_ENABLED_PLUGINS_FILE: paths.enabledPlugins,
    RABBITMQ_MNESIA_BASE: paths.data,
    RABBITMQ_LOG_BASE: paths.logDir,
    RABBITMQ_PID_FILE: paths.pidFile,
  };
}

/**
 * Spawns the server script. It stays as a small shell process that forwards signals to its
 * beam.smp child; the beam's pid is what the node writes to its pid file.
 */
function launchNode(dir, node, installation, epmdPort) {
  const paths = nodePaths(dir, node);
  fs.rmSync(paths.pidFile, { force: true });
  const output = fs.openSync(paths.outputFile, 'a');
  const command = installation.command('rabbitmq-server', []);
  const child = spawn(command.file, command.args, {
    cwd: paths.dir,
    env: nodeEnvironment(dir, node, installation, epmdPort),
    detached: true,
    stdio: ['ignore', output, output],
  });
  fs.closeSync(output);
  const launch = { node, child, exited: false };
  child.once('exit', () => {
    launch.exited = true;
  });
  child.unref();
  return launch;
}

/**
 * Waits until the node has registered with epmd (before that `await_startup` fails at once, and
 * each CLI call costs about a second of CPU), then until its rabbit application has started.
 */
async function waitForBoot(cluster, launch, timeoutMs) {
  const { node } = launch;
  const deadline = Date.now() + timeoutMs;
  const failure = () => launch.exited && new Error(`${node.name} exited during start-up; see ${node.outputFile} and ${node.logFile}:\n${outputExcerpt(node.outputFile)}`);
  try {
    await waitUntil(`${node.name} registering with epmd`, timeoutMs, async () => {
      const exited = failure();
      if (exited) throw exited;
      return (await epmdNames(cluster.epmdPort)).has(shortName(node.name)) ? undefined : 'not registered yet';
    });
    await waitUntil(`${node.name} start-up`, deadline - Date.now(), async () => {
      const exited = failure();
      if (exited) throw exited;
      const seconds = String(Math.max(1, Math.ceil((deadline - Date.now()) / 1000)));
      return cluster.ctl(node.name, ['await_startup', '--timeout', seconds], { timeoutMs: deadline - Date.now() + 5_000 }).then(
        () => undefined,
        (error) => error.message,
      );
    }, 1_000);
  } catch (error) {
    killLaunch(launch);
    throw error;
  }
}

/**
 * Lets every boot finish or fail before reporting, so that no node is left booting unseen (one
 * without a pid file yet would escape `stop`); a failed boot kills its own node.
 */
async function bootAll(cluster, launches) {
  const outcomes = await Promise.allSettled(launches.map((launch) => waitForBoot(cluster, launch, 120_000)));
  const failure = outcomes.find((outcome) => outcome.status === 'rejected');
  if (failure) throw failure.reason;
}

/**
 * Before its pid file exists the node is only reachable through the process group we spawned; the
 * group outlives the shell that started it while beam.smp runs, and is gone (ESRCH) once it does not.
 */
function killLaunch(launch) {
  try {
    process.kill(-launch.child.pid, 'SIGKILL');
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

/**
 * Each joiner must stop its rabbit application to join; stop_app (the slow part, ~6 s) and
 * start_app run on all joiners at once, join_cluster one at a time since each changes the seed's
 * member list.
 */
async function joinCluster(cluster, joiners, seed, log) {
  const names = joiners.map((node) => node.name).join(', ');
  await timed(log, `stop_app on ${names}`, () => Promise.all(joiners.map((node) => cluster.ctl(node.name, ['stop_app']))));
  for (const node of joiners) {
    await timed(log, `join_cluster ${seed.name} on ${node.name}`, () => cluster.ctl(node.name, ['join_cluster', seed.name]));
  }
  await timed(log, `start_app on ${names}`, () => Promise.all(joiners.map((node) => cluster.ctl(node.name, ['start_app']))));
}

/** The first error lines of a node's output (the cause; a long crash report follows them) and its last lines. */
function outputExcerpt(file) {
  let lines;
  try {
    lines = fs.readFileSync(file, 'utf8').trimEnd().split('\n');
  } catch {
    return '(no output)';
  }
  const errors = lines.filter((line) => line.includes('[error]')).slice(0, 6);
  return [...errors, ...(errors.length > 0 ? ['...'] : []), ...lines.slice(-3)].join('\n');
}

/** The names epmd has registered (NAMES_REQ): a read-only query (of the epmd shared with the machine's node, for 3.10). */
function epmdNames(port) {
  return new Promise((resolveNames) => {
    const chunks = [];
    const socket = createConnection(port, HOST, () => socket.end(Buffer.from([0, 1, 110])));
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).subarray(4).toString('utf8');
      resolveNames(new Set([...text.matchAll(/^name (\S+) at port \d+$/gm)].map((match) => match[1])));
    });
  });
}

/**
 * Re-runs `pending` until it resolves to nothing; it resolves to why the condition does not hold
 * yet, which the timeout error then repeats.
 */
async function waitUntil(what, timeoutMs, pending, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const reason = await pending();
    if (!reason) return;
    if (Date.now() >= deadline) throw new Error(`${what}: not done within ${timeoutMs} ms: ${reason}`);
    await sleep(intervalMs);
  }
}

async function timed(log, what, action) {
  const started = Date.now();
  const result = await action();
  log(`${what} (${Date.now() - started} ms)`);
  return result;
}

/**
 * The beam.smp pid in a node's pid file, if that process is alive and really is this node: its
 * environment names this pid file (as the node sees it: inside its root when chrooted), so a
 * recycled pid (or the machine's node) is never signalled.
 */
function livePid(pidFile) {
  let pid;
  try {
    pid = Number.parseInt(fs.readFileSync(pidFile.host, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return Number.isInteger(pid) && runsWithPidFile(pid, pidFile) ? pid : undefined;
}

function runsWithPidFile(pid, pidFile) {
  return hasEnvironment(pid, `RABBITMQ_PID_FILE=${pidFile.inner}`);
}

function hasEnvironment(pid, variable) {
  try {
    return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(variable);
  } catch {
    return false;
  }
}

/** The node may exit on its own between our check and the signal. */
function signalIfAlive(pid, signal) {
  try {
    process.kill(pid, signal);
  } catch (error) {
    if (error.code !== 'ESRCH') throw error;
  }
}

async function exitsWithin(pid, pidFile, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (runsWithPidFile(pid, pidFile)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/** SIGSTOP leaves a process in state T; a frozen node neither answers nor stops by itself. */
function isFrozen(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'T';
  } catch {
    return false;
  }
}

function isPortOpen(port) {
  return new Promise((resolveOpen) => {
    const socket = createConnection(port, HOST, () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.setTimeout(2_000, () => socket.destroy());
    socket.on('error', () => undefined);
    socket.on('close', () => resolveOpen(false));
  });
}

function runCtl(dir, installation, epmdPort, node, args, timeoutMs) {
  const command = installation.command('rabbitmqctl', ['-n', node.name, ...args]);
  return new Promise((resolveCtl, reject) => {
    execFile(
      command.file,
      command.args,
      { cwd: dir, env: commonEnvironment(dir, installation, epmdPort), timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (!error) return resolveCtl(stdout);
        const why = error.killed ? `no answer within ${timeoutMs} ms` : `exit code ${error.code}`;
        const output = `${stderr}${stdout}`.trim();
        reject(new Error(`rabbitmqctl -n ${node.name} ${args.join(' ')} failed (${why})${output ? `: ${output}` : ''}; node log: ${node.logFile}`));
      },
    );
  });
}

/** @returns {Promise<{ status: number, body: any }>} the management API's JSON answers have many shapes; each caller reads its own */
async function managementGet(node, path) {
  const response = await fetch(`http://${HOST}:${node.managementPort}/api${path}`, {
    headers: { authorization: `Basic ${Buffer.from('guest:guest').toString('base64')}` },
    signal: AbortSignal.timeout(5_000),
  });
  const body = await response.json().catch(() => undefined);
  return { status: response.status, body };
}

/**
 * What one node says about the cluster: which nodes run (Mnesia's running nodes, as in
 * cluster_status), partitions, and alarms in effect anywhere in the cluster. Undefined while it does
 * not answer: stopped, booting, frozen, paused by pause_minority (that stops its management
 * listener), or waiting for a frozen peer (/api/nodes does until the peer is declared down).
 */
async function clusterViewFrom(node) {
  try {
    const [nodes, alarms] = await Promise.all([managementGet(node, '/nodes?columns=name,running,partitions'), alarmsFrom(node)]);
    if (nodes.status !== 200 || !alarms) return undefined;
    return {
      running: nodes.body.filter((member) => member.running).map((member) => member.name),
      partitions: nodes.body.flatMap((member) => member.partitions ?? []),
      alarms,
    };
  } catch {
    return undefined;
  }
}

/** Alarms in effect anywhere in the cluster, live (the health check asks rabbit_alarm, not the stats). */
async function alarmsFrom(node) {
  const { status, body } = await managementGet(node, '/health/checks/alarms');
  if (status === 200) return [];
  return status === 503 && Array.isArray(body?.alarms) ? body.alarms.map(alarmOf) : undefined;
}

/** The health check names the disk alarm 'disk space'; rabbitmqctl and everything else call it 'disk'. */
function alarmOf({ node, resource }) {
  return { node, resource: resource === 'disk space' ? 'disk' : resource };
}

/** Why `targets` are not yet all running together (each answering and seeing all of them running), or nothing. */
async function togetherProblem(targets, requireNoAlarms) {
  const problems = await Promise.all(
    targets.map(async (node) => {
      const [view, amqpOpen] = await Promise.all([clusterViewFrom(node), isPortOpen(node.amqpPort)]);
      if (!view) return `${node.name} does not answer on management port ${node.managementPort} (stopped, booting, paused, or waiting for a frozen peer)`;
      if (!amqpOpen) return `${node.name} does not accept AMQP connections on port ${node.amqpPort}`;
      const missing = targets.filter((other) => !view.running.includes(other.name)).map((other) => other.name);
      if (missing.length > 0) return `${node.name} does not see ${missing.join(', ')} running`;
      if (view.partitions.length > 0) return `${node.name} reports a partition with ${view.partitions.join(', ')}`;
      if (requireNoAlarms && view.alarms.length > 0) return `alarm in effect: ${view.alarms.map((alarm) => `${alarm.resource} on ${alarm.node}`).join(', ')}`;
      return undefined;
    }),
  );
  return problems.filter(Boolean).join('; ') || undefined;
}

function clusterHandle(dir, state, log) {
  const installation = installationOf(state.broker ?? HOST_VERSION, state.root);
  const epmdPort = state.epmdPort ?? EPMD_PORT;
  /** The pid file where the machine reads it and as the node names it in its environment. */
  const pidFileOf = (node) => ({ host: nodePaths(dir, node).pidFile, inner: nodePaths(installation.innerPath(dir), node).pidFile });
  const nodes = state.nodes.map((node) => {
    const paths = nodePaths(dir, node);
    return {
      ...node,
      amqpUrl: `amqp://guest:guest@${HOST}:${node.amqpPort}`,
      managementUrl: `http://guest:guest@${HOST}:${node.managementPort}`,
      dir: paths.dir,
      logFile: paths.logFile,
      outputFile: paths.outputFile,
    };
  });
  const nodeNamed = (name) => {
    const node = nodes.find((candidate) => candidate.name === name || shortName(candidate.name) === name);
    if (!node) throw new Error(`no node ${name} in the cluster in ${dir} (nodes: ${nodes.map((candidate) => candidate.name).join(', ')})`);
    return node;
  };
  const pidOf = (name) => livePid(pidFileOf(nodeNamed(name)));
  /** Nodes that can answer: alive and not frozen. */
  const responsiveNodes = () => nodes.filter((node) => {
    const pid = pidOf(node.name);
    return pid !== undefined && !isFrozen(pid);
  });
  const firstAnswering = async (request) => {
    for (const node of responsiveNodes()) {
      const answer = await request(node).catch(() => undefined);
      if (answer) return answer;
    }
    return undefined;
  };

  const cluster = {
    dir,
    nodes,
    broker: installation.version,
    epmdPort,
    amqpUrls: () => nodes.map((node) => node.amqpUrl),
    managementUrls: () => nodes.map((node) => node.managementUrl),
    pidOf,
    isFrozen: (name) => {
      const pid = pidOf(name);
      return pid !== undefined && isFrozen(pid);
    },

    signal(name, signal) {
      const pid = pidOf(name);
      if (pid === undefined) throw new Error(`${nodeNamed(name).name} is not running`);
      process.kill(pid, signal);
      log(`${signal} sent to ${nodeNamed(name).name} (pid ${pid})`);
    },

    ctl: (name, args, options = {}) => runCtl(dir, installation, epmdPort, nodeNamed(name), args, options.timeoutMs ?? 60_000),

    /** A chrooted cluster's own epmd, run detached and tracked by pid like the nodes. */
    async startEpmd() {
      if (!installation.ownEpmd || epmdPid() !== undefined) return;
      const command = installation.command(EPMD_PROGRAM, ['-port', String(epmdPort), '-address', HOST]);
      const child = spawn(command.file, command.args, { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BSS_EPMD_OF: dir }, detached: true, stdio: 'ignore' });
      child.unref();
      fs.writeFileSync(join(dir, EPMD_PID_FILE), String(child.pid));
      await waitUntil(`epmd on port ${epmdPort}`, 10_000, async () => ((await isPortOpen(epmdPort)) ? undefined : 'not listening yet'), 100);
    },

    /**
     * Graceful `rabbitmqctl stop`; SIGKILL by pid if the node is still alive after `timeoutMs`. A
     * frozen node is thawed first, since it could not stop itself otherwise.
     */
    async stopNode(name, options = {}) {
      const { timeoutMs = 30_000 } = options;
      const node = nodeNamed(name);
      const pidFile = pidFileOf(node);
      const pid = livePid(pidFile);
      if (pid === undefined) return;
      const started = Date.now();
      signalIfAlive(pid, 'SIGCONT');
      const graceful = cluster.ctl(name, ['stop'], { timeoutMs }).then(() => undefined, (error) => error);
      if (!(await exitsWithin(pid, pidFile, timeoutMs))) {
        log(`${node.name} did not stop within ${timeoutMs} ms: SIGKILL to pid ${pid}`);
        signalIfAlive(pid, 'SIGKILL');
        if (!(await exitsWithin(pid, pidFile, 10_000))) throw new Error(`${node.name} (pid ${pid}) is still alive after SIGKILL`);
      }
      const failure = await graceful;
      if (failure) log(`while stopping ${node.name}: ${failure.message}`);
      log(`${node.name} stopped (${Date.now() - started} ms)`);
    },

    /**
     * Starts a stopped node again with its ports and data directory, and resolves once it runs and
     * every other responsive node sees it running (a node that was not the last to stop waits for
     * its peers at boot; alarms do not matter here).
     */
    async startNode(name, options = {}) {
      const { timeoutMs = 120_000 } = options;
      const node = nodeNamed(name);
      const running = pidOf(name);
      if (running !== undefined) throw new Error(`${node.name} is already running (pid ${running}); stop it first or use restartNode`);
      await checkPortsFree([node]);
      const started = Date.now();
      await cluster.startEpmd();
      const launch = launchNode(dir, node, installation, epmdPort);
      await waitForBoot(cluster, launch, timeoutMs);
      const together = [...new Set([node, ...responsiveNodes()])];
      await waitUntil(`${node.name} rejoining the cluster`, Math.max(1_000, timeoutMs - (Date.now() - started)), () => togetherProblem(together, false));
      log(`${node.name} started and back in the cluster (${Date.now() - started} ms)`);
    },

    async restartNode(name, options = {}) {
      await cluster.stopNode(name, options);
      await cluster.startNode(name, options);
    },

    /** Every given node (default: all) answers, accepts AMQP, sees all of them running, no partition, no alarm. */
    async waitHealthy(options = {}) {
      const { timeoutMs = 60_000 } = options;
      const targets = (options.nodes ?? nodes.map((node) => node.name)).map(nodeNamed);
      await waitUntil('waiting for a healthy cluster', timeoutMs, () => togetherProblem(targets, true));
    },

    /**
     * The management API first (cheaper than a CLI call; its `leader` field is fresh in 3.10 and
     * present in 4.x); the CLI if no management listener answers.
     */
    async queueInfo(queue, vhost = '/') {
      const fromManagement = await firstAnswering(async (node) => {
        const { status, body } = await managementGet(node, `/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}?columns=leader,members`);
        if (status === 404) return { missing: true };
        return status === 200 ? { leader: body.leader || undefined, members: body.members ?? [] } : undefined;
      });
      const info = fromManagement ?? (await queueInfoFromCli(queue, vhost));
      if (!info || info.missing) throw new Error(`no queue '${queue}' in vhost '${vhost}' (or no node answers)`);
      return info;
    },

    leaderOf: async (queue, vhost) => (await cluster.queueInfo(queue, vhost)).leader,
    membersOf: async (queue, vhost) => (await cluster.queueInfo(queue, vhost)).members,

    /**
     * Raises or clears the memory alarm on every responsive node (or the given ones), then waits
     * until the cluster reports it (publishers on every node are blocked while any node has it).
     * Clearing restores the default watermark 0.4.
     */
    setMemoryAlarm: (on, options = {}) =>
      setAlarm('memory', on, options, (value) => ['set_vm_memory_high_watermark', value], on ? UNREACHABLE_MEMORY_WATERMARK : DEFAULT_MEMORY_WATERMARK),

    /** Like setMemoryAlarm, for the disk alarm; clearing restores the default free-disk limit of 50MB. */
    setDiskAlarm: (on, options = {}) =>
      setAlarm('disk', on, options, (value) => ['set_disk_free_limit', value], on ? UNREACHABLE_DISK_FREE_LIMIT : DEFAULT_DISK_FREE_LIMIT),

    /** Alarms in effect, as the first answering node reports them (resource 'memory' or 'disk'). */
    alarms: () => firstAnswering(alarmsFrom),

    /**
     * cluster_status of the first responsive node that answers within `timeoutMs`, as JSON. While a
     * peer is frozen, a node waits for it until it declares it down (net_ticktime, about a minute).
     */
    clusterStatus: (options = {}) =>
      firstAnswering(async (node) => JSON.parse(await cluster.ctl(node.name, ['cluster_status', '--formatter', 'json'], { timeoutMs: options.timeoutMs ?? 20_000 }))),

    /**
     * Stops every node (thawed, gracefully in parallel, SIGKILL by pid past `timeoutMs`), then
     * deletes the directory unless it was started with keepDir.
     */
    async stop(options = {}) {
      const keep = options.keepDir ?? state.keepDir;
      const started = Date.now();
      const outcomes = await Promise.allSettled(nodes.map((node) => cluster.stopNode(node.name, options)));
      for (const outcome of outcomes) if (outcome.status === 'rejected') log(outcome.reason.message);
      const survivors = nodes.filter((node) => pidOf(node.name) !== undefined);
      if (survivors.length > 0) throw new Error(`still running after stop: ${survivors.map((node) => `${node.name} pid ${pidOf(node.name)}`).join(', ')}`);
      stopEpmd();
      if (!keep) fs.rmSync(dir, { recursive: true, force: true });
      log(`cluster stopped (${Date.now() - started} ms)${keep ? `, ${dir} kept` : ''}`);
    },
  };

  /** The cluster's own epmd's pid, if that process is alive and really is it (its environment names this cluster). */
  function epmdPid() {
    try {
      const pid = Number.parseInt(fs.readFileSync(join(dir, EPMD_PID_FILE), 'utf8'), 10);
      return Number.isInteger(pid) && hasEnvironment(pid, `BSS_EPMD_OF=${dir}`) ? pid : undefined;
    } catch {
      return undefined;
    }
  }

  function stopEpmd() {
    const pid = epmdPid();
    if (pid === undefined) return;
    signalIfAlive(pid, 'SIGKILL');
    log(`epmd on port ${epmdPort} stopped (pid ${pid})`);
  }

  async function setAlarm(resource, on, options, command, value) {
    const targets = (options.nodes ?? responsiveNodes().map((node) => node.name)).map(nodeNamed);
    if (targets.length === 0) throw new Error('no responsive node to set the alarm on');
    await Promise.all(targets.map((node) => cluster.ctl(node.name, command(value))));
    await waitUntil(`${resource} alarm ${on ? 'raised' : 'cleared'}`, 15_000, async () => {
      const alarms = await cluster.alarms();
      if (!alarms) return 'no node answers';
      const alarmed = alarms.filter((alarm) => alarm.resource === resource).map((alarm) => alarm.node);
      const wrong = targets.filter((node) => alarmed.includes(node.name) !== on);
      return wrong.length > 0 ? `${wrong.map((node) => node.name).join(', ')} ${on ? 'not yet alarmed' : 'still alarmed'}` : undefined;
    });
    log(`${resource} alarm ${on ? 'raised' : 'cleared'} on ${targets.map((node) => node.name).join(', ')}`);
  }

  async function queueInfoFromCli(queue, vhost) {
    return firstAnswering(async (node) => {
      const rows = JSON.parse(await cluster.ctl(node.name, ['list_queues', '-p', vhost, 'name', 'leader', 'members', '--formatter', 'json'], { timeoutMs: 20_000 }));
      const row = rows.find((candidate) => candidate.name === queue);
      return row ? { leader: row.leader || undefined, members: row.members ?? [] } : { missing: true };
    });
  }

  return cluster;
}

/** The installation of a version, its root file system built first where this machine has none yet. */
async function ensureBrokerInstalled(broker, options = {}) {
  const { version, root } = await installationFor(broker, options);
  return { version, root };
}

module.exports = { startCluster, attachCluster, portsFromBase, defaultDir, ensureBrokerInstalled, BROKER_VERSIONS, DEFAULT_BASE_PORT };
