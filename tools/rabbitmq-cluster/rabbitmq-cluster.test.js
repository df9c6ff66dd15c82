const assert = require('node:assert/strict');
const fs = require('node:fs');
const { after, before, describe, it } = require('node:test');
const amqp = require('amqplib');
const { basename } = require('node:path');
const { brokerVersionOf } = require('./broker-installations');
const { startCluster } = require('./rabbitmq-cluster');

const MACHINE_NODE_URL = 'amqp://guest:guest@127.0.0.1:5672';
const QUEUE = `bss-rmq-cluster-test-${process.pid}`;
const started = Date.now();
const log = (line) => console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${line}`);

async function eventually(what, timeoutMs, check) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() >= deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function withTimeout(promise, timeoutMs, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

async function confirmedPublish(channel, body) {
  channel.sendToQueue(QUEUE, Buffer.from(body), { persistent: true });
  await withTimeout(channel.waitForConfirms(), 30_000, `confirm of ${body}`);
}

/** The versions to run on: BSS_TEST_BROKERS (comma-separated), by default the machine's 3.10 and 4.3. */
const BROKERS = (process.env.BSS_TEST_BROKERS ?? '3.10,4.3').split(',').map((version) => brokerVersionOf(version.trim()));

/**
 * Processes whose environment points into `dir` (a chrooted node sees it under another path, but
 * its last part names the cluster's first port): its nodes, and a 4.x cluster's own epmd. A shared
 * epmd a 3.10 node may have started is not the cluster's.
 */
function processesUnder(dir) {
  const inside = `/${basename(dir)}/`;
  return fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry)).flatMap((pid) => {
    try {
      const command = fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
      const environment = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      const ours = environment.some((variable) => (variable.startsWith('RABBITMQ_PID_FILE=') && variable.includes(inside)) || variable === `BSS_EPMD_OF=${dir}`);
      return ours ? [`${command} (pid ${pid})`] : [];
    } catch {
      return [];
    }
  });
}

/** The machine node's beam.smp: the one whose home is /var/lib/rabbitmq. */
function machineNodePid() {
  return fs.readdirSync('/proc').find((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      return argv[0].endsWith('beam.smp') && argv[argv.indexOf('-home') + 1] === '/var/lib/rabbitmq';
    } catch {
      return false;
    }
  });
}

/** The broker closes connections to a node it kills; without a listener that would crash the test. */
async function connect(url) {
  const connection = await amqp.connect(url);
  connection.on('error', () => undefined);
  const channel = await connection.createConfirmChannel();
  channel.on('error', () => undefined);
  return { connection, channel };
}

for (const broker of BROKERS) {
  describe(`a three-node RabbitMQ ${broker} cluster`, { timeout: 300_000 }, () => {
    let cluster;
    let clients = [];
    let leader;
    const machinePid = machineNodePid();

    before(async () => {
      assert.ok(machinePid, "the machine's own RabbitMQ node must be running for this test to check that it is left alone");
      cluster = await startCluster({ ports: 'auto', broker, log });
      assert.equal(cluster.broker, broker);
    });

    after(async () => {
      await Promise.all(clients.map(({ connection }) => connection.close().catch(() => undefined)));
      if (cluster && fs.existsSync(cluster.dir)) await cluster.stop();
    });

    it('runs three nodes that cluster_status lists as running', async () => {
      const status = await cluster.clusterStatus();
      assert.deepEqual([...status.running_nodes].sort(), cluster.nodes.map((node) => node.name).sort());
      assert.equal(cluster.nodes.filter((node) => cluster.pidOf(node.name) !== undefined).length, 3);
    });

    it('places a quorum queue on all three nodes, with one leader', async () => {
      clients = await Promise.all(cluster.amqpUrls().map(connect));
      await clients[0].channel.assertQueue(QUEUE, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
      assert.deepEqual([...(await cluster.membersOf(QUEUE))].sort(), cluster.nodes.map((node) => node.name).sort());
      leader = await eventually('a leader', 10_000, () => cluster.leaderOf(QUEUE));
      assert.ok(cluster.nodes.some((node) => node.name === leader), `leader ${leader} is a cluster node`);
      log(`leader of ${QUEUE}: ${leader}`);
    });

    it('confirms a publish through every node', async () => {
      await Promise.all(clients.map(({ channel }, index) => confirmedPublish(channel, `to node ${index + 1}`)));
    });

    it('still confirms publishes through another node when the leader is killed, and elects a new leader', async () => {
      cluster.signal(leader, 'SIGKILL');
      await eventually(`${leader} dead`, 5_000, () => cluster.pidOf(leader) === undefined);
      const survivor = clients[cluster.nodes.findIndex((node) => node.name !== leader)];
      await confirmedPublish(survivor.channel, 'after the leader died');
      const newLeader = await eventually('a new leader', 15_000, async () => {
        const current = await cluster.leaderOf(QUEUE);
        return current !== leader && current;
      });
      log(`new leader: ${newLeader}`);
    });

    it('restarts the killed node back into the cluster', async () => {
      const restartStarted = Date.now();
      await cluster.startNode(leader);
      log(`${leader} restarted in ${Date.now() - restartStarted} ms`);
      assert.ok((await cluster.clusterStatus()).running_nodes.includes(leader));
      await cluster.waitHealthy({ timeoutMs: 30_000 });
    });

    it('blocks publishers while the memory alarm is in effect and unblocks them when it clears', async () => {
      const { connection, channel } = await connect(cluster.nodes.find((node) => node.name !== leader).amqpUrl);
      clients.push({ connection, channel });
      await confirmedPublish(channel, 'before the alarm');
      const blocked = new Promise((resolve) => connection.once('blocked', resolve));
      const unblocked = new Promise((resolve) => connection.once('unblocked', resolve));
      await cluster.setMemoryAlarm(true);
      // The broker blocks a connection (and says so) only once it publishes after the alarm went off.
      channel.sendToQueue(QUEUE, Buffer.from('during the alarm'), { persistent: true });
      log(`blocked: ${await withTimeout(blocked, 10_000, 'blocked event')}`);
      await cluster.setMemoryAlarm(false);
      await withTimeout(unblocked, 10_000, 'unblocked event');
      await withTimeout(channel.waitForConfirms(), 30_000, 'confirm of the publish held by the alarm');
    });

    it('stops every node, deletes its directory and leaves the machine node alone', async () => {
      await Promise.all(clients.map(({ connection }) => connection.close().catch(() => undefined)));
      clients = [];
      await cluster.stop();
      assert.deepEqual(processesUnder(cluster.dir), []);
      assert.equal(fs.existsSync(cluster.dir), false);
      const machine = await amqp.connect(MACHINE_NODE_URL);
      await machine.close();
      assert.equal(machineNodePid(), machinePid, "the machine node's beam.smp is the one that ran before");
    });
  });
}
