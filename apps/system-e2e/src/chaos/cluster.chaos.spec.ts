import { ORDER_TYPES, OrderType } from '@bss/contracts';
import { attachCluster, RabbitCluster, startCluster } from '@bss/rabbitmq-cluster';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectEveryOrderOnce, expectImmediateRefusals, sleep, statusCounts } from '../support/chaos-expectations';
import { ClientScenario, ClientScenarioResult, ScenarioContext, runClientScenario } from '../support/client-scenario';

/** Half the orders are MNP, so its queue is the busiest one. */
const mnpHeavy = (index: number): OrderType => (index % 2 === 0 ? 'MNP' : ORDER_TYPES[(index >> 1) % ORDER_TYPES.length]);

let cluster: RabbitCluster;

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
  for (const node of cluster.nodes) if (cluster.pidOf(node.name) === undefined) await cluster.startNode(node.name);
  const alarms = (await cluster.alarms()) ?? [];
  if (alarms.some((alarm) => alarm.resource === 'memory')) await cluster.setMemoryAlarm(false);
  if (alarms.some((alarm) => alarm.resource === 'disk')) await cluster.setDiskAlarm(false);
  await cluster.waitHealthy({ timeoutMs: 120_000 });
}

describe('delivery guarantees on a three-node RabbitMQ cluster (chaos suite)', () => {
  // A directory of our own, so that a start that times out can still be found and stopped.
  const dir = join(tmpdir(), `bss-chaos-cluster-${randomUUID().slice(0, 8)}`);

  beforeAll(async () => {
    cluster = await startCluster({ dir, ports: 'auto', namePrefix: 'bss-chaos', log: (line) => process.stdout.write(`[cluster] ${line}\n`) });
  }, 300_000);

  afterAll(async () => {
    await (cluster ?? attachCluster(dir))?.stop();
  }, 120_000);

  beforeEach(heal, 300_000);

  it('places its queues on all three nodes', async () => {
    const result = await onCluster({
      title: 'cluster: quorum queues on three nodes',
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
      title: 'cluster: kill -9 the busiest queue leader',
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
      title: 'cluster: node frozen 30 s',
      ratePerSecond: 40,
      typeOf: mnpHeavy,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        const leader = await busiestQueueLeader(context);
        context.faultBegins();
        cluster.signal(leader, 'SIGSTOP');
        try {
          await sleep(30_000);
        } finally {
          cluster.signal(leader, 'SIGCONT');
        }
        await cluster.waitHealthy({ timeoutMs: 120_000 });
      },
    });
    expectEveryOrderOnce(result);
    expect(result.audit.longestWithout202Sec).toBeLessThan(30);
  });

  it('restart all three nodes one after the other, under load (a rolling upgrade)', async () => {
    const result = await onCluster({
      title: 'cluster: rolling restart of all nodes',
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
    const [first, second] = cluster.nodes.map((node) => node.name);
    let readyDuringOutage: number | undefined;
    const result = await onCluster({
      title: 'cluster: two of three nodes down',
      ratePerSecond: 40,
      tailMs: 5000,
      fault: async (context) => {
        await sleep(5000);
        context.faultBegins();
        await Promise.all([cluster.stopNode(first), cluster.stopNode(second)]);
        await sleep(8000);
        readyDuringOutage = (await fetch(`${context.system.url('producer-api')}/ready`)).status;
        await cluster.startNode(second);
        await cluster.startNode(first);
      },
    });
    expectEveryOrderOnce(result);
    expect(readyDuringOutage).toBe(503);
    expect(statusCounts(result)[503]).toBeGreaterThan(0);
    expect(result.audit.longestWithout202Sec).toBeGreaterThan(8);
  });

  for (const alarm of ['memory', 'disk'] as const) {
    it(`a ${alarm} alarm on the cluster while orders flow: refused at once (nothing published), drained afterwards`, async () => {
      let readyAnswer: { status: number; body: string } | undefined;
      const result = await onCluster({
        title: `cluster: ${alarm} alarm`,
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
