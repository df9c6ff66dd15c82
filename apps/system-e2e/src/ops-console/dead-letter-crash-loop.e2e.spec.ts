import { ENVELOPE_VERSION, EXAMPLE_PAYLOADS, ORDER_HEADERS } from '@bss/contracts';
import { DEAD_LETTER_HEADERS, DEAD_LETTER_QUEUE_ARGUMENTS, ManagementClient, vhostOf } from '@bss/messaging';
import { BrokerProbe, eventually, TEST_BROKER_URL, uniqueTopology } from '@bss/messaging/testing';
import { adoptChild, freePorts, imageNodeFlags, stopChild, waitForReady } from '@bss/system-launcher';
import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import readline from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client } from 'pg';
import { PostgresLink } from '../support/postgres-link';
import { DIST_APPS_DIR } from '../support/system';

const BUNDLE = join(DIST_APPS_DIR, 'ops-console', 'main.cjs');
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const MANAGEMENT_URL = process.env['TEST_RABBITMQ_MANAGEMENT_URL'] ?? 'http://guest:guest@127.0.0.1:15672';
const VIEWER_TOKEN = `viewer-${randomUUID()}`;
/** Fewer than the collector's prefetch (50): one console holds every one of them unacked. */
const DEAD_LETTERS = 30;
/** More than RabbitMQ 4.x's default delivery limit of a quorum queue (20). */
const KILLS = 25;
/** An app's last lines, for the error when it does something unexpected. */
const LINES_KEPT = 20;

interface ConsoleProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<number | string>;
  readonly url: string;
  exitCode(): number | string | undefined;
  lastLines(): string;
}

interface StoredList {
  items: { orderId: string; reason: string; state: string }[];
  total: number;
}

interface QueueState {
  messageCount: number;
  consumerCount: number;
}

/** A dead letter as a processor leaves it: the order, with the headers OrderConsumer adds when it gives up on it. */
function deadLetter(queueOfOrders: string): { id: string; body: Buffer; headers: Record<string, unknown> } {
  const id = randomUUID();
  const correlationId = `corr-${id}`;
  const order = { id, type: 'MNP', version: ENVELOPE_VERSION, acceptedAt: new Date().toISOString(), correlationId, origin: 'api', payload: EXAMPLE_PAYLOADS.MNP };
  return {
    id,
    body: Buffer.from(JSON.stringify(order)),
    headers: {
      [DEAD_LETTER_HEADERS.reason]: 'retries-exhausted',
      [DEAD_LETTER_HEADERS.lastError]: 'backend answered 500: boom',
      [DEAD_LETTER_HEADERS.attempts]: 4,
      [DEAD_LETTER_HEADERS.deadLetteredAt]: new Date().toISOString(),
      [DEAD_LETTER_HEADERS.sourceQueue]: queueOfOrders,
      [ORDER_HEADERS.attempt]: 4,
      [ORDER_HEADERS.correlationId]: correlationId,
    },
  };
}

/** The built console as a process of its own, so that "killed" is a SIGKILL the broker sees as a dropped connection. */
function startConsole(port: number, env: Record<string, string>): ConsoleProcess {
  const child = spawn(process.execPath, [...imageNodeFlags(BUNDLE), BUNDLE], { env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  adoptChild(child);
  let code: number | string | undefined;
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (exitCode, signal) => {
      code = exitCode ?? signal ?? 'unknown';
      resolve(code);
    }),
  );
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => {
      lines.push(line);
      if (lines.length > LINES_KEPT) lines.shift();
    });
  }
  return { child, exited, url: `http://127.0.0.1:${port}`, exitCode: () => code, lastLines: () => lines.join('\n') };
}

/** A management API GET with the URL's credentials as a header (fetch refuses them in the URL). */
async function managementGet<T>(path: string): Promise<T> {
  const url = new URL(MANAGEMENT_URL.split(',')[0]);
  const authorization = `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}`;
  url.username = '';
  url.password = '';
  const response = await fetch(`${url.toString().replace(/\/$/, '')}${path}`, { headers: { authorization } });
  if (!response.ok) throw new Error(`management API: GET ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

describe('the dead-letter collector killed over and over while PostgreSQL is down', () => {
  const names = uniqueTopology('dlq-crash-loop');
  const schema = `test_dlq_crash_loop_${randomUUID().slice(0, 8)}`;
  const queue = names.deadLetterQueue;
  const management = new ManagementClient(MANAGEMENT_URL.split(','), vhostOf(TEST_BROKER_URL.split(',')[0]));
  let probe: BrokerProbe;
  let link: PostgresLink;
  let running: ConsoleProcess | undefined;

  const queueState = () => probe.onChannel(async (channel): Promise<QueueState> => {
    const { messageCount, consumerCount } = await channel.checkQueue(queue);
    return { messageCount, consumerCount };
  });

  /**
   * Until the console holds every dead letter left, unacked: it consumes, none is ready any more, and
   * its first store took PostgreSQL down (a delivery is acked only once stored). The management API's
   * unacked count would say so too, but up to 5 s late (the broker's statistics interval), every
   * cycle; a passive declare tells what the queue holds right now.
   */
  const untilHoldingAll = async (opsConsole: ConsoleProcess, timeoutMs = 20_000): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const state = await queueState();
      if (link.isDown() && state.consumerCount === 1 && state.messageCount === 0) return;
      const code = opsConsole.exitCode();
      if (code !== undefined) throw new Error(`the console exited (${code}) before it held the dead letters; its last lines:\n${opsConsole.lastLines()}`);
      if (Date.now() > deadline) {
        throw new Error(`the console did not hold the dead letters within ${timeoutMs} ms: ${JSON.stringify(state)}, database ${link.isDown() ? 'down' : 'up'}`);
      }
      await sleep(20);
    }
  };

  const consoleEnv = (databaseUrl: string): Record<string, string> => ({
    RABBITMQ_URL: TEST_BROKER_URL,
    // The console sets the dead-letter queue's policy itself, through the management API of this broker.
    RABBITMQ_MANAGEMENT_URL: MANAGEMENT_URL,
    QUEUE_NAME: names.prefix,
    DATABASE_URL: databaseUrl,
    DATABASE_SCHEMA: schema,
    // Down with the store: the console only reads the tracker's tables, in a schema nobody creates here.
    TRACKING_DATABASE_URL: databaseUrl,
    TRACKING_DATABASE_SCHEMA: `${schema}_tracking`,
    ORDER_TRACKING: 'false',
    OPS_VIEWER_TOKENS: VIEWER_TOKEN,
    LOG_LEVEL: 'warn',
  });

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    const { hostname, port } = new URL(DATABASE_URL);
    link = await PostgresLink.open({ host: hostname, port: Number(port || 5432) });
  });

  afterAll(async () => {
    if (running && running.exitCode() === undefined) running.child.kill('SIGKILL');
    await running?.exited;
    await link.close();
    await probe.deleteTopology(names);
    await probe.close();
    await management.deletePolicy(`${names.prefix}.no-delivery-limit`);
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  });

  it(`keeps every dead letter through ${KILLS} kill -9s of a console holding them unacked, and stores each once when PostgreSQL is back`, async () => {
    const brokerVersion = await management.brokerVersion();
    // The queue as the console declares it, so the dead letters wait in it before any console runs.
    await probe.onChannel((channel) => channel.assertQueue(queue, { durable: true, arguments: DEAD_LETTER_QUEUE_ARGUMENTS }));
    const letters = Array.from({ length: DEAD_LETTERS }, () => deadLetter(names.queueFor('MNP')));
    for (const letter of letters) await probe.publishRaw(queue, letter.body, letter.headers, letter.id);
    expect(await queueState()).toEqual({ messageCount: DEAD_LETTERS, consumerCount: 0 });

    const [port] = await freePorts(1);
    const leftAfterEachKill: number[] = [];
    let left = DEAD_LETTERS;
    while (leftAfterEachKill.length < KILLS && left > 0) {
      link.goDownOnFirstWrite();
      running = startConsole(port, consoleEnv(link.urlFor(DATABASE_URL)));
      await untilHoldingAll(running);
      running.child.kill('SIGKILL');
      expect(await running.exited).toBe('SIGKILL');
      // The broker takes back what the dead consumer held, counting a failed delivery for each.
      const returned = await eventually(queueState, (state) => state.consumerCount === 0 && state.messageCount === left, { timeoutMs: 3000, intervalMs: 20 });
      left = returned.messageCount;
      leftAfterEachKill.push(left);
    }

    // PostgreSQL back: the console stores what is left, once each, and acks it.
    running = startConsole(port, consoleEnv(DATABASE_URL));
    const final = running;
    await waitForReady({ name: 'ops-console', url: final.url, exitCode: final.exitCode, lastLines: final.lastLines, timeoutMs: 30_000 });
    const listStored = async () => {
      const response = await fetch(`${final.url}/api/v1/dead-letters?limit=500`, { headers: { authorization: `Bearer ${VIEWER_TOKEN}` } });
      return (await response.json()) as StoredList;
    };
    const stored = await eventually(listStored, (list) => list.total >= left, { timeoutMs: 30_000, intervalMs: 200 });
    await stopChild(final.child, final.exited);
    // Stopped: whatever it had not acked would be back in the queue now.
    const afterwards = await queueState();

    expect(leftAfterEachKill).toEqual(Array.from({ length: KILLS }, () => DEAD_LETTERS));
    expect(stored.total).toBe(DEAD_LETTERS);
    expect(stored.items.map((item) => item.orderId).sort()).toEqual(letters.map((letter) => letter.id).sort());
    expect(stored.items.every((item) => item.state === 'dead' && item.reason === 'retries-exhausted')).toBe(true);
    expect(afterwards).toEqual({ messageCount: 0, consumerCount: 0 });

    // Each one came back from a dead consumer at every kill: the broker counted those deliveries.
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    const counts = await client
      .query<{ count: number | null }>(`SELECT (headers->>'x-delivery-count')::int AS count FROM "${schema}".dead_letters`)
      .finally(() => client.end());
    expect(counts.rows.map((row) => row.count)).toEqual(Array.from({ length: DEAD_LETTERS }, () => KILLS));

    // On 4.x it is the console's policy that lifts the default limit of 20 on this queue; 3.10 has none.
    const { policy, effective_policy_definition: definition } = await managementGet<{ policy?: string | null; effective_policy_definition?: Record<string, unknown> }>(
      `/api/queues/${encodeURIComponent(vhostOf(TEST_BROKER_URL.split(',')[0]))}/${encodeURIComponent(queue)}`,
    );
    if (Number.parseInt(brokerVersion, 10) >= 4) {
      expect({ policy, deliveryLimit: definition?.['delivery-limit'] }).toEqual({ policy: `${names.prefix}.no-delivery-limit`, deliveryLimit: -1 });
    } else {
      expect(policy ?? '').toBe('');
    }
  });
});
