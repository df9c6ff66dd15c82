const { execFile } = require('node:child_process');
const fs = require('node:fs');
const { join, relative, resolve, isAbsolute } = require('node:path');

/**
 * The RabbitMQ versions the project runs its suites on. 3.10 is the machine's own installation;
 * 4.x comes from Debian's packages (sid has 4.3, trixie 4.0) installed into a debootstrap root file
 * system, because the machine's Erlang (OTP 25) is too old for them, and runs chrooted from there.
 */
const BROKER_VERSIONS = ['3.10', '4.0', '4.3'];
const HOST_VERSION = '3.10';
const DEBIAN_SUITES = { '4.3': 'sid', '4.0': 'trixie' };
const HOST_RABBITMQ = '/usr/lib/rabbitmq';
const ROOTFS_RABBITMQ = '/usr/lib/rabbitmq';
const DEFAULT_ROOTFS_BASE = '/var/tmp/bss-rabbitmq-rootfs';
const READY_FILE = 'bss-rootfs-ready.json';
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
/** A 4.x cluster's epmd: its own, so 4.x nodes never register with the machine's 3.10 epmd. */
const EPMD_PROGRAM = '/usr/bin/epmd';
/** debootstrap, then installing the package: about a minute on this kind of machine, much more on a slow mirror. */
const BUILD_TIMEOUT_MS = 15 * 60_000;
const LOCK_STALE_MS = BUILD_TIMEOUT_MS + 60_000;

/**
 * pause_minority: a node cut off from the others stops serving instead of diverging. Only where
 * metadata lives in Mnesia: 4.3 keeps it in Khepri (Raft) only and has no partition handling modes.
 */
const PAUSE_MINORITY = ['cluster_partition_handling = pause_minority'];

const sleep = (ms) => new Promise((resolveSleep) => setTimeout(resolveSleep, ms));

function checkVersion(version) {
  if (!BROKER_VERSIONS.includes(version)) throw new Error(`broker version must be one of ${BROKER_VERSIONS.join(', ')}, got '${version}'`);
}

/**
 * A version named on a command line or in the environment, checked.
 * @param {unknown} text
 * @returns {import('./rabbitmq-cluster').BrokerVersion}
 */
function brokerVersionOf(text) {
  const version = String(text);
  checkVersion(version);
  return /** @type {import('./rabbitmq-cluster').BrokerVersion} */ (version);
}

/**
 * How to run the machine's own RabbitMQ: its scripts directly (not the /usr/sbin wrappers, which
 * switch to the `rabbitmq` user and write the machine node's startup log), sharing the machine's
 * epmd on 4369 (only ever queried).
 */
function hostInstallation() {
  return {
    version: HOST_VERSION,
    root: undefined,
    ownEpmd: false,
    hostPath: (path) => path,
    innerPath: (path) => path,
    command: (program, args) => ({ file: join(HOST_RABBITMQ, 'bin', program), args }),
    clusterConfig: PAUSE_MINORITY,
  };
}

/**
 * How to run a rootfs's RabbitMQ: chrooted, in a mount namespace of its own whose /proc is mounted
 * inside the root (RabbitMQ reads its memory use from /proc; the mount vanishes with the last
 * process of the namespace, so nothing is left mounted on the machine). Processes keep the machine's
 * pids. Paths the node sees are inside the root; the cluster's directory must be there too.
 */
function rootfsInstallation(version, root) {
  const inside = (path) => {
    const rel = relative(root, path);
    if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(`${path} is outside the ${version} root file system ${root}: a chrooted node cannot reach it`);
    return `/${rel}`;
  };
  return {
    version,
    root,
    ownEpmd: true,
    hostPath: (path) => join(root, path),
    innerPath: inside,
    command: (program, args) => ({
      file: '/usr/bin/unshare',
      args: [`--mount-proc=${join(root, 'proc')}`, '/usr/sbin/chroot', root, program.startsWith('/') ? program : join(ROOTFS_RABBITMQ, 'bin', program), ...args],
    }),
    clusterConfig: version === '4.0' ? PAUSE_MINORITY : [],
  };
}

/** The installation of a version whose root file system is known to exist (a cluster's recorded state). */
function installationOf(version, root) {
  checkVersion(version);
  return version === HOST_VERSION ? hostInstallation() : rootfsInstallation(version, root ?? rootfsDir(version));
}

function rootfsBase() {
  return resolve(process.env.BSS_RABBITMQ_ROOTFS_DIR ?? DEFAULT_ROOTFS_BASE);
}

function rootfsDir(version) {
  return join(rootfsBase(), `rabbitmq-${version}`);
}

/** What an installed root file system says about itself, or undefined while there is none. */
function readyRootfs(version) {
  const root = rootfsDir(version);
  try {
    const ready = JSON.parse(fs.readFileSync(join(root, READY_FILE), 'utf8'));
    return ready.series === version ? { root, ...ready } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The installation of a broker version, building the 4.x root file system first if this machine
 * has none yet (as root, with debootstrap; concurrent callers wait for one build).
 */
async function installationFor(version = HOST_VERSION, options = {}) {
  checkVersion(version);
  if (version === HOST_VERSION) return hostInstallation();
  const ready = readyRootfs(version) ?? (await buildRootfs(version, options.log ?? (() => undefined)));
  return rootfsInstallation(version, ready.root);
}

/**
 * The mirror the machine's own apt uses (its Debian sources), so the rootfs comes from where the
 * machine's packages come from; BSS_DEBIAN_MIRROR overrides it.
 */
function debianMirror() {
  if (process.env.BSS_DEBIAN_MIRROR) return process.env.BSS_DEBIAN_MIRROR;
  const candidates = [];
  const sourcesDir = '/etc/apt/sources.list.d';
  for (const file of fs.existsSync(sourcesDir) ? fs.readdirSync(sourcesDir).filter((name) => name.endsWith('.sources')) : []) {
    for (const stanza of fs.readFileSync(join(sourcesDir, file), 'utf8').split(/\n\s*\n/)) {
      const uri = /^URIs:\s*(\S+)/m.exec(stanza)?.[1];
      const suites = /^Suites:\s*(.+)$/m.exec(stanza)?.[1] ?? '';
      if (uri && !/-security/.test(suites) && /\/debian\/?$/.test(uri)) candidates.push(uri);
    }
  }
  if (fs.existsSync('/etc/apt/sources.list')) {
    for (const match of fs.readFileSync('/etc/apt/sources.list', 'utf8').matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian\/?)\s+\S+/gm)) candidates.push(match[1]);
  }
  if (candidates.length === 0) throw new Error('no Debian mirror found in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list; set BSS_DEBIAN_MIRROR');
  return candidates[0];
}

function run(file, args, options = {}) {
  return new Promise((resolveRun, reject) => {
    execFile(file, args, { timeout: BUILD_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { PATH, LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive' }, ...options }, (error, stdout, stderr) => {
      if (!error) return resolveRun(stdout);
      const tail = `${stdout}${stderr}`.trim().split('\n').slice(-15).join('\n');
      reject(new Error(`${file} ${args.join(' ')} failed (${error.killed ? 'timed out' : `exit code ${error.code}`}):\n${tail}`));
    });
  });
}

/** One builder at a time per version: a lock directory, taken over when its builder died or hung. */
async function withBuildLock(version, log, build) {
  const lock = `${rootfsDir(version)}.lock`;
  fs.mkdirSync(rootfsBase(), { recursive: true });
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      if (readyRootfs(version)) return readyRootfs(version);
      if (lockIsStale(lock)) {
        log(`taking over the stale build lock ${lock}`);
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      await sleep(1_000);
    }
  }
  try {
    return readyRootfs(version) ?? (await build());
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function lockIsStale(lock) {
  try {
    const pid = Number(fs.readFileSync(join(lock, 'pid'), 'utf8'));
    const holderAlive = Number.isInteger(pid) && fs.existsSync(`/proc/${pid}`);
    return !holderAlive || Date.now() - fs.statSync(lock).mtimeMs > LOCK_STALE_MS;
  } catch {
    return Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs > 5_000;
  }
}

/**
 * debootstrap (minbase) of the version's Debian suite, then its rabbitmq-server package. Built in a
 * scratch directory and renamed into place only once it is complete and holds the expected series,
 * so a half-built root is never used.
 */
async function buildRootfs(version, log) {
  if (process.getuid?.() !== 0) throw new Error(`building the RabbitMQ ${version} root file system needs root (debootstrap, chroot)`);
  if (!fs.existsSync('/usr/sbin/debootstrap')) throw new Error(`building the RabbitMQ ${version} root file system needs debootstrap: apt-get install debootstrap`);
  return withBuildLock(version, log, async () => {
    const suite = DEBIAN_SUITES[version];
    const root = rootfsDir(version);
    const scratch = `${root}.partial`;
    fs.rmSync(scratch, { recursive: true, force: true });
    const started = Date.now();
    log(`building the RabbitMQ ${version} root file system from Debian ${suite} in ${root} (about a minute)`);
    await run('/usr/sbin/debootstrap', ['--variant=minbase', suite, scratch, debianMirror()]);
    // Keep the package's maintainer scripts from starting a node of their own.
    fs.writeFileSync(join(scratch, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    // Nodes are named ...@localhost; a minbase root has no /etc/hosts.
    fs.writeFileSync(join(scratch, 'etc/hosts'), '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n');
    // sid's Release file is often past its Valid-Until date on a mirror snapshot.
    const apt = ['-o', 'Acquire::Check-Valid-Until=false', '-o', 'APT::Install-Recommends=false', '-qq'];
    await run('/usr/sbin/chroot', [scratch, 'apt-get', ...apt, 'update']);
    await run('/usr/sbin/chroot', [scratch, 'apt-get', ...apt, '-y', 'install', 'rabbitmq-server']);
    await run('/usr/sbin/chroot', [scratch, 'apt-get', 'clean']);
    const installed = (await run('/usr/sbin/chroot', [scratch, 'dpkg-query', '-W', '-f=${Version}', 'rabbitmq-server'])).trim();
    const erlang = (await run('/usr/sbin/chroot', [scratch, 'dpkg-query', '-W', '-f=${Version}', 'erlang-base'])).trim();
    if (!installed.startsWith(`${version}.`)) {
      throw new Error(`Debian ${suite} has rabbitmq-server ${installed}, not ${version}.x: the suite moved on; change DEBIAN_SUITES in ${__filename}`);
    }
    const ready = { series: version, suite, rabbitmq: installed.replace(/-[^-]+$/, ''), erlang, builtAt: new Date().toISOString() };
    fs.writeFileSync(join(scratch, READY_FILE), `${JSON.stringify(ready, null, 2)}\n`);
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(scratch, root);
    log(`RabbitMQ ${ready.rabbitmq} (Erlang ${erlang}) installed in ${root} (${Date.now() - started} ms)`);
    return { root, ...ready };
  });
}

module.exports = { BROKER_VERSIONS, HOST_VERSION, EPMD_PROGRAM, brokerVersionOf, installationFor, installationOf, readyRootfs, rootfsDir };
