import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { attachCluster, BrokerVersion, defaultDir, RabbitCluster, startCluster } from '@bss/rabbitmq-cluster';
import { SETUP_DEADLINE_MS } from '@bss/messaging';
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expectEveryOrderOnce, expectImmediateRefusals, sleep, statusCounts } from '../support/chaos-expectations';
import { ClientScenario, ClientScenarioResult, ScenarioContext, runClientScenario } from '../support/client-scenario';

/** Half the orders are MNP, so its queue is the busiest one. */
const mnpHeavy = (index: number): OrderType => (index % 2 === 0 ? 'MNP' : ORDER_TYPES[(index >> 1) % ORDER_TYPES.length]);

let cluster: RabbitCluster;

/** The RabbitMQ version the cluster runs: the machine's 3.10 unless TEST_RABBITMQ_VERSION names another. */
const BROKER = (process.env['TEST_RABBITMQ_VERSION'] ?? '3.10') as BrokerVersion;
const FREEZE_MS = 30_000;
/** Versions whose nodes run pause_minority; 4.3 has no partition handling modes. */
const MINORITY_PAUSES = BROKER !== '4.3';
/** Long against a healthy node's few milliseconds: what has not happened by then waits for a majority. */
const MINORITY_WAIT_MS = 5000;

interface MinorityAnswers {
  readonly connects: boolean;
  readonly publishConfirmed?: boolean;
  readonly newQueueDeclared?: boolean;
  readonly existingQueueDeclared?: boolean;
  readonly read?: boolean;
}

/** Whether `work` finished within MINORITY_WAIT_MS; an error counts as not done. */
async function doneInTime(work: () => Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), MINORITY_WAIT_MS)));
  const done = await Promise.race([work().then(() => true, () => false), late]);
  clearTimeout(timer);
  return done;
}

/** Deprecated features the broker saw used since it started (4.x; 3.10 cannot say). */
async function featuresUsed(managementUrl: string): Promise<string[]> {
  const { origin, username, password } = new URL(managementUrl);
  const response = await fetch(`${origin}/api/deprecated-features/used`, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` } });
  return ((await response.json()) as { name: string }[]).map((feature) => feature.name);
}

const QUORUM_QUEUE = { durable: true, arguments: { 'x-queue-type': 'quorum' } };

/** A queue of its own for the minority probe, declared while the cluster is whole: no order ever goes there. */
async function declareProbeQueue(amqpUrl: string, queue: string): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    await (await connection.createChannel()).assertQueue(queue, QUORUM_QUEUE);
  } finally {
    await connection.close();
  }
}

/** Asks a node that lost its majority what it still does: take a connection, confirm, declare, read. */
async function askMinority(amqpUrl: string, existingQueue: string): Promise<MinorityAnswers> {
  const connection = await amqplib.connect(amqpUrl, { timeout: MINORITY_WAIT_MS }).catch(() => undefined);
  if (!connection) return { connects: false };
  connection.on('error', () => undefined);
  const channel = async () => {
    const opened = await connection.createConfirmChannel();
    opened.on('error', () => undefined);
    return opened;
  };
  try {
    const publisher = await channel();
    publisher.sendToQueue(existingQueue, Buffer.from('probe'), { persistent: true });
    return {
      connects: true,
      publishConfirmed: await doneInTime(() => publisher.waitForConfirms()),
      newQueueDeclared: await doneInTime(async () => (await channel()).assertQueue(`${existingQueue}.new`, QUORUM_QUEUE)),
      existingQueueDeclared: await doneInTime(async () => (await channel()).checkQueue(existingQueue)),
      read: await doneInTime(async () => (await channel()).get(existingQueue, { noAck: false })),
    };
  } finally {
    connection.close().catch(() => undefined);
  }
}

function onCluster(scenario: Omit<ClientScenario, 'env' | 'brokerUrls'> & { env?: Record<string, string> }): Promise<ClientScenarioResult> {
  return runClientScenario({
    ...scenario,
    env: { RABBITMQ_URL: cluster.amqpUrls().join(','), RABBITMQ_MANAGEMENT_URL: cluster.managementUrls().join(','), ...scenario.env },
    brokerUrls: cluster.amqpUrls(),
  });
}

async function busiestQueueLeader(context: ScenarioContext): Promise<string> {
  const leader = await cluster.leaderOf(context.names.queueFor('MNP'));
  if (!leader) throw new Error('the MNP queue has no leader to break');
  return leader;
}

/** Undoes whatever a scenario that failed halfway left behind: a frozen or stopped node, an alarm. */
async function heal(): Promise<void> {
  for (const node of cluster.nodes) if (cluster.isFrozen(node.name)) cluster.signal(node.name, 'SIGCONT');
  // Together: a 4.3 node started alone while its peers are down waits for a Khepri leader (and gives up after 5 minutes).
  await Promise.all(cluster.nodes.filter((node) => cluster.pidOf(node.name) === undefined).map((node) => cluster.startNode(node.name)));
  const alarms = (await cluster.alarms()) ?? [];
  if (alarms.some((alarm) => alarm.resource === 'memory')) await cluster.setMemoryAlarm(false);
  if (alarms.some((alarm) => alarm.resource === 'disk')) await cluster.setDiskAlarm(false);
  await cluster.waitHealthy({ timeoutMs: 120_000 });
}

describe(`delivery guarantees on a three-node RabbitMQ ${BROKER} cluster (chaos suite)`, () => {
  // A directory of our own, so that a start that times out can still be found and stopped.
  const dir = join(BROKER === '3.10' ? tmpdir() : dirname(defaultDir(0, BROKER)), `bss-chaos-cluster-${randomUUID().slice(0, 8)}`);

  beforeAll(async () => {
    cluster = await startCluster({ dir, broker: BROKER, ports: 'auto', namePrefix: 'bss-chaos', log: (line) => process.stdout.write(`[cluster] ${line}\n`) });
  }, 300_000);

  afterAll(async () => {
    const deprecatedFeaturesUsed = BROKER === '3.10' || !cluster ? [] : await featuresUsed(cluster.nodes[0].managementUrl);
    await (cluster ?? attachCluster(dir))?.stop();
    expect(deprecatedFeaturesUsed).toEqual([]);
  }, 120_000);

  beforeEach(heal, 300_000);

  it('places its queues on all three nodes', async () => {
    const result = await onCluster({
      title: `cluster ${BROKER}: quorum queues on three nodes`,
      orders: 40,
      ratePerSecond: 40,
      fault: async (context) => {
        await sleep(500);
        for (const type of ORDER_TYPES) expect((await cluster.membersOf(context.names.queueFor(type))).sort()).toEqual(cluster.nodes.map((node) => node.name).sort());
      },
    });
    expectEveryOrderOnce(result);
  });

  it('kill -9 the node that leads the busiest queue, under load', async () => {
    const result = await onCluster({
      title: `cluster ${BROKER}: kill -9 the busiest queue leader`,
      ratePerSecond: 50,
      typeOf: mnpHeavy,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        const leader = await busiestQueueLeader(context);
        context.faultBegins();
        cluster.signal(leader, 'SIGKILL');
        await sleep(10_000);
        await cluster.startNode(leader);
      },
    });
    expectEveryOrderOnce(result);
  });

  it('freeze a node for 30 s (SIGSTOP, then SIGCONT), under load', async () => {
    const result = await onCluster({
      title: `cluster ${BROKER}: node frozen 30 s`,
      ratePerSecond: 40,
      typeOf: mnpHeavy,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        const leader = await busiestQueueLeader(context);
        context.faultBegins();
        cluster.signal(leader, 'SIGSTOP');
        try {
          await sleep(FREEZE_MS);
        } finally {
          cluster.signal(leader, 'SIGCONT');
        }
        await cluster.waitHealthy({ timeoutMs: 120_000 });
      },
    });
    expectEveryOrderOnce(result);
    expect(result.audit.longestWithout202Sec).toBeLessThan(30);
    // A setup held by the broker (a consume on the frozen leader's queue) is abandoned at its deadline
    // and tried again, so every app is ready within the freeze, one deadline and a reconnect.
    expect(result.audit.readyAgainSec).toBeLessThan(FREEZE_MS / 1000 + SETUP_DEADLINE_MS / 1000 + 10);
  });

  it('restart all three nodes one after the other, under load (a rolling upgrade)', async () => {
    const result = await onCluster({
      title: `cluster ${BROKER}: rolling restart of all nodes`,
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        context.faultBegins();
        for (const node of cluster.nodes) {
          await cluster.restartNode(node.name);
          await cluster.waitHealthy({ timeoutMs: 120_000 });
        }
      },
    });
    expectEveryOrderOnce(result);
  });

  it('stop two of three nodes: no majority, intake refuses honestly; one back and everything drains', async () => {
    const [first, second, survivor] = cluster.nodes;
    let readyDuringOutage: number | undefined;
    let minority: MinorityAnswers | undefined;
    const probeQueue = `bss-chaos.minority-probe.${randomUUID().slice(0, 8)}`;
    const result = await onCluster({
      title: `cluster ${BROKER}: two of three nodes down`,
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await declareProbeQueue(survivor.amqpUrl, probeQueue);
        await sleep(5000);
        context.faultBegins();
        await Promise.all([cluster.stopNode(first.name), cluster.stopNode(second.name)]);
        minority = await askMinority(survivor.amqpUrl, probeQueue);
        await sleep(2000);
        readyDuringOutage = (await fetch(`${context.system.url('producer-api')}/ready`)).status;
        await cluster.startNode(second.name);
        await cluster.startNode(first.name);
      },
    });
    expectEveryOrderOnce(result);
    process.stdout.write(`[chaos] RabbitMQ ${BROKER}, a node without its majority: ${JSON.stringify(minority)}\n`);
    if (MINORITY_PAUSES) {
      // pause_minority: the survivor closes its listeners, so the apps have no broker and say so.
      expect(minority).toEqual({ connects: false });
      expect(readyDuringOutage).toBe(503);
    } else {
      // 4.3 (Khepri, no partition handling): the survivor takes connections but confirms, reads and
      // declares nothing new; the apps stay connected and intake answers 503 (nothing sent) or 504.
      expect(minority).toEqual({ connects: true, publishConfirmed: false, newQueueDeclared: false, existingQueueDeclared: true, read: false });
      expect(readyDuringOutage).toBe(200);
    }
    expect(statusCounts(result)[503]).toBeGreaterThan(0);
    expect(result.audit.longestWithout202Sec).toBeGreaterThan(8);
  });

  for (const alarm of ['memory', 'disk'] as const) {
    it(`a ${alarm} alarm on the cluster while orders flow: refused at once (nothing published), drained afterwards`, async () => {
      let readyAnswer: { status: number; body: string } | undefined;
      const result = await onCluster({
        title: `cluster ${BROKER}: ${alarm} alarm`,
        ratePerSecond: 40,
        tailMs: 5000,
        fault: async (context) => {
          await sleep(4000);
          context.faultBegins();
          const setAlarm = (on: boolean) => (alarm === 'memory' ? cluster.setMemoryAlarm(on) : cluster.setDiskAlarm(on));
          await setAlarm(true);
          try {
            await sleep(8000);
            const ready = await fetch(`${context.system.url('producer-api')}/ready`);
            readyAnswer = { status: ready.status, body: await ready.text() };
          } finally {
            await setAlarm(false);
          }
        },
      });
      expectEveryOrderOnce(result);
      expect(readyAnswer?.status).toBe(503);
      expect(readyAnswer?.body).toContain('blocked');
      expectImmediateRefusals(result);
    });
  }
});
