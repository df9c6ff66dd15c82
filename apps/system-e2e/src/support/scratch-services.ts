import { ChildProcess, execFile, spawn } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePorts } from './system';

const run = promisify(execFile);

/**
 * A Redis or PostgreSQL server of the test's own, on a port of its own, that the test may stop and
 * start again at will: the machine's own servers are left exactly as they were.
 */
export interface ScratchService {
  readonly url: string;
  /** Stops the server it started (by its PID); PostgreSQL keeps its data for `start`, Redis keeps nothing, like the machine's. */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
  /** Stops it for good and removes its data. */
  remove(): Promise<void>;
}

async function portAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what} did not come up within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

/** A Redis that keeps nothing on disk, like the machine's. */
export async function startScratchRedis(): Promise<ScratchService> {
  const [port] = await freePorts(1);
  let child: ChildProcess | undefined;
  const start = async () => {
    const started = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    child = started;
    const failedToStart = new Promise<never>((_, reject) => started.once('error', reject));
    await Promise.race([waitFor(`redis on ${port}`, () => portAnswers(port)), failedToStart]);
  };
  const stop = async () => {
    if (!child) return;
    const stopping = exited(child);
    child.kill('SIGTERM');
    await stopping;
    child = undefined;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, start, stop, remove: stop };
}

const DEBIAN_POSTGRES = '/usr/lib/postgresql';

/** The newest of the machine's PostgreSQL installations (Debian keeps each under /usr/lib/postgresql/<major>). */
function postgresBinaries(): string {
  const majors = readdirSync(DEBIAN_POSTGRES).filter((name) => /^\d+$/.test(name)).sort((a, b) => Number(b) - Number(a));
  if (majors.length === 0) throw new Error(`no PostgreSQL under ${DEBIAN_POSTGRES}`);
  return join(DEBIAN_POSTGRES, majors[0], 'bin');
}

/**
 * A PostgreSQL cluster of its own (initdb into a temporary directory, run as the `postgres` user,
 * trust authentication on 127.0.0.1 only). `stop` is a fast shutdown: connections are cut, like a
 * database host going away.
 */
export async function startScratchPostgres(): Promise<ScratchService> {
  const [port] = await freePorts(1);
  const dir = mkdtempSync(join(tmpdir(), 'bss-chaos-pg-'));
  const data = join(dir, 'data');
  chownSync(dir, Number((await run('id', ['-u', 'postgres'])).stdout.trim()), Number((await run('id', ['-g', 'postgres'])).stdout.trim()));
  const bin = postgresBinaries();
  const asPostgres = (command: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(bin, command), ...args], { timeout: 60_000 });
  const start = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']);
    await waitFor(`postgres on ${port}`, () => portAnswers(port));
  };
  // pg_ctl stops the postmaster named in the data directory's postmaster.pid: the one started here.
  const stop = async () => {
    await asPostgres('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  };
  const remove = async () => {
    const running = await asPostgres('pg_ctl', ['-D', data, 'status']).then(() => true, () => false);
    if (running) await stop();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await asPostgres('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await start();
  } catch (error) {
    await remove().catch(() => undefined);
    throw error;
  }
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, start, stop, remove };
}
