import { EXAMPLE_PAYLOADS } from '@bss/contracts';
import { BrokerProbe } from '@bss/messaging/testing';
import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Client } from 'pg';

const WORKSPACE_ROOT = join(__dirname, '../../..');
const MANAGEMENT = 'http://127.0.0.1:15672/api';
const MANAGEMENT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** The ports `npm start` uses (README): they must be free for this test. */
const LOCAL_PORTS = [8000, 8081, 8082, 8083, 8084, 8085, 8090];

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function management(method: string, path: string, body?: unknown): Promise<void> {
  await fetch(`${MANAGEMENT}${path}`, { method, headers: { authorization: MANAGEMENT_AUTH, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
}

/**
 * `npm start` as a user runs it in a terminal, and Ctrl-C there: SIGINT to the whole foreground
 * process group. Intake must stop first, the processors finish what they hold, the backend last.
 */
describe('npm start, stopped with Ctrl-C under load', () => {
  const id = `start-${Date.now().toString(36)}`;
  const vhost = `bss-${id}`;
  const schema = `bss_${id.replace(/-/g, '_')}`;
  let launcher: ChildProcess;
  let output = '';

  beforeAll(async () => {
    const busy = [];
    for (const port of LOCAL_PORTS) if (!(await portFree(port))) busy.push(port);
    if (busy.length > 0) throw new Error(`ports ${busy.join(', ')} are in use (is npm start running?); this test runs npm start on them`);
    await management('PUT', `/vhosts/${vhost}`, {});
    await management('PUT', `/permissions/${vhost}/guest`, { configure: '.*', write: '.*', read: '.*' });
  });

  afterAll(async () => {
    if (launcher && launcher.exitCode === null && launcher.signalCode === null) {
      // As Ctrl-C would: the launcher stops the apps it started (they run in process groups of their own).
      process.kill(-(launcher.pid as number), 'SIGINT');
      await new Promise((resolve) => launcher.once('exit', resolve));
    }
    await management('DELETE', `/vhosts/${vhost}`);
    const database = new Client({ connectionString: DATABASE_URL });
    await database.connect();
    await database.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await database.end();
  });

  /**
   * Runs `npm start -- --raw` on this test's vhost and schema, in a process group of its own like a
   * terminal's foreground job, and waits until it says it is up; `exited` resolves to how it ended.
   */
  async function startLocal(env: Record<string, string>): Promise<{ exited: Promise<string> }> {
    output = '';
    launcher = spawn('npm', ['start', '--', '--raw'], {
      cwd: WORKSPACE_ROOT,
      detached: true,
      env: { ...process.env, RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${vhost}`, DATABASE_SCHEMA: schema, LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    launcher.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<string>((resolve) => launcher.once('exit', (code, signal) => resolve(signal ?? String(code))));
    const deadline = Date.now() + 150_000;
    while (!output.includes('Press Ctrl-C to stop everything.')) {
      if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`npm start did not come up:\n${output.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    return { exited };
  }

  it('with API_KEYS empty, says authentication is off and prints no key', async () => {
    const { exited } = await startLocal({ API_KEYS: '' });
    expect(output).toContain('Authentication:             off (API_KEYS is empty)');
    expect(output).not.toContain('x-api-key');
    const response = await fetch('http://127.0.0.1:8000/api/v1/orders', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'CHANGE', payload: EXAMPLE_PAYLOADS.CHANGE }),
    });
    expect(response.status).toBe(202);
    process.kill(-(launcher.pid as number), 'SIGINT');
    expect(['0', 'SIGINT']).toContain(await exited);
  }, 240_000);

  it('stops intake, lets the processors finish their orders, then the backend; nothing fails or is lost', async () => {
    const { exited } = await startLocal({ API_KEYS: 'local-start-test-key-0123456789', SIM_SERVICE_TIME_MS: '50', BACKEND_RATE_LIMIT: '20', SHUTDOWN_DRAIN_DELAY_SEC: '1' });
    expect(output).toContain('API key (x-api-key header): local-start-test-key-0123456789');

    const answers = await Promise.all(
      Array.from({ length: 200 }, () =>
        fetch('http://127.0.0.1:8000/api/v1/orders', {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': 'local-start-test-key-0123456789' },
          body: JSON.stringify({ type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }),
        }).then((response) => response.status),
      ),
    );
    expect(answers.filter((status) => status !== 202)).toEqual([]);
    process.kill(-(launcher.pid as number), 'SIGINT');
    // npm passes the SIGINT on, waits for the launcher, then ends itself by the same signal, as in a terminal.
    expect(['0', 'SIGINT']).toContain(await exited);
    expect(output).toContain('Stopping every app');
    expect(output).toMatch(/Stopped \(.*backend-simulator=0/);
    expect(output).not.toMatch(/backend unreachable/);
    const events = output.split('\n').flatMap((line) => {
      const json = line.slice(line.indexOf('│ ') + 2);
      try {
        return [JSON.parse(json) as { service?: string; msg?: string; disposition?: string; finished?: boolean }];
      } catch {
        return [];
      }
    });
    expect(events.filter((event) => event.disposition !== undefined && event.disposition !== 'ack')).toEqual([]);
    const acked = events.filter((event) => event.service === 'mnp-processor' && event.disposition === 'ack').length;
    expect(events.find((event) => event.service === 'mnp-processor' && event.msg === 'consumer stopped')).toMatchObject({ finished: true });
    // What was not processed before the stop is still in the queue: every accepted order is either.
    const probe = await BrokerProbe.connect(`amqp://guest:guest@127.0.0.1:5672/${vhost}`);
    try {
      expect(acked + (await probe.messageCount('bss.orders.mnp'))).toBe(200);
    } finally {
      await probe.close();
    }
    expect(acked).toBeLessThan(200);
  }, 240_000);
});
