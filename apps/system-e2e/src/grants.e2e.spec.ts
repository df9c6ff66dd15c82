import { EXAMPLE_PAYLOADS, ORDER_TYPES, OrderType, TopologyNames, topologyNames } from '@bss/contracts';
import { eventually } from '@bss/messaging/testing';
import { freePorts, launchSystem } from '@bss/system-launcher';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { renderMinikubeOverlay, Workload, workloadsOf } from './images/manifest-env';
import { DEFAULT_EXCHANGE, DeployedResources, Management, parseGrants, parsePolicies, permissionTrouble, probeUser, RenderedGrant, Verdict } from './support/deployed-grants';
import { DIST_APPS_DIR, RunningSystem } from './support/system';

const WORKSPACE_ROOT = join(__dirname, '../../..');
const RABBITMQ_SETUP = join(WORKSPACE_ROOT, 'deploy/overlays/minikube/rabbitmq');
const AMQP_URL = (process.env['TEST_RABBITMQ_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672').split(',')[0];
const MANAGEMENT_URL = (process.env['TEST_RABBITMQ_MANAGEMENT_URL'] ?? 'http://guest:guest@127.0.0.1:15672').split(',')[0];
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env['TEST_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
/** Settings whose in-cluster addresses the launcher replaces with where the apps run here. */
const WIRED_BY_LAUNCHER = new Set(['BACKEND_URL', 'PROCESSOR_METRICS_URLS']);

/**
 * What each app does on the broker, from its code (not from the grants): whom it publishes to,
 * which queues it consumes, whose depth it reads with a passive declare, whether it reads queue
 * statistics from the management API. Nobody declares anything: the topology job does.
 */
interface Needs {
  readonly publishes: readonly string[];
  readonly consumes: readonly string[];
  /** RabbitMQ 4.x answers a passive declare only to a user with some permission on the queue. */
  readonly inspects: readonly string[];
  readonly monitors: boolean;
}

interface DeployedTopology {
  readonly names: TopologyNames;
  readonly orderQueues: readonly string[];
  /** The retry steps' and deferral steps' exchanges, as many as the topology job declared. */
  readonly delayExchanges: readonly string[];
}

function needsOf(app: string, { names, orderQueues, delayExchanges }: DeployedTopology): Needs {
  const type = ORDER_TYPES.find((candidate) => app === `${candidate.toLowerCase()}-processor`);
  // A processor consumes its queue (whose depth it samples for bss_queue_length) and republishes an
  // order to a retry step, a deferral step or the dead letters, and its lifecycle events.
  if (type) return { publishes: [names.deadLetterExchange, names.eventsExchange, ...delayExchanges], consumes: [names.queueFor(type)], inspects: [names.queueFor(type)], monitors: false };
  switch (app) {
    // Publishes orders and their first lifecycle events; reads the order queues' depths for
    // GET /api/queue/status and to tell a full queue's nack from another.
    case 'producer-api':
      return { publishes: [names.ordersExchange, names.eventsExchange], consumes: [], inspects: orderQueues, monitors: false };
    // Collects the dead letters, replays them to the orders exchange with a `replayed` event, and
    // samples the queues: depths live over AMQP (the order queues' feed the arrival rate), the rest
    // from the management API (the retry and deferral queues share their names with exchanges it
    // must not publish to, so it gets no AMQP access to them and reads them there).
    case 'ops-console':
      return { publishes: [names.ordersExchange, names.eventsExchange], consumes: [names.deadLetterQueue], inspects: [...orderQueues, names.deadLetterQueue], monitors: true };
    case 'order-tracker':
      return { publishes: [], consumes: [names.trackerQueue], inspects: [], monitors: false };
    // Scales the processors on their queues' depth, read from the management API.
    case 'keda':
      return { publishes: [], consumes: [], inspects: [], monitors: true };
    default:
      throw new Error(`no needs written down for ${app}: add it to needsOf`);
  }
}

interface TrackedOrder {
  readonly orderId: string;
  readonly state: string;
  readonly final: boolean;
  readonly timeline: readonly { state: string }[];
}

interface LedgerEntry {
  readonly orderId: string;
  readonly type: OrderType;
  readonly outcome: string;
  readonly appliedBy?: string;
  readonly duplicateAttempts: number;
}

/** A user of the run, under a name of its own (users are the broker's, not the vhost's), for a user the deployment names. */
interface RunUser {
  readonly deployedName: string;
  readonly name: string;
  readonly password: string;
  readonly grant: RenderedGrant;
}

const TAKEN_UP = 'in-progress(( retrying| deferred| pending) in-progress)*';

describe(`the system as deployed on RabbitMQ ${process.env['TEST_RABBITMQ_VERSION'] ?? "(the machine's)"}: each app its own least-privilege user, from the rendered grants`, () => {
  const run = `grants-${randomUUID().slice(0, 8)}`;
  const vhost = `test-${run}`;
  const schema = `test_${run.replace(/-/g, '_')}`;
  const trackingSchema = `${schema}_tracking`;
  const admin = new Management(MANAGEMENT_URL, adminOf());
  const logs = new Map<string, string[]>();
  const users = new Map<string, RunUser>();
  const appOfUser = new Map<string, string>();
  const created = { vhost: false, users: [] as string[], policies: [] as string[], schemas: false };
  let brokerVersion = '';
  let topology: DeployedTopology;
  let resources: DeployedResources;
  let verdicts: Verdict[] = [];
  let workloads: Workload[] = [];
  let system: RunningSystem | undefined;

  const deployment = (app: string): Workload => {
    const found = workloads.find((workload) => workload.app === app && workload.kind === 'Deployment');
    if (!found) throw new Error(`the minikube overlay runs no Deployment of ${app}`);
    return found;
  };

  beforeAll(async () => {
    const manifests = renderMinikubeOverlay();
    const secrets = decodedSecret(manifests, 'bss-secrets');
    workloads = workloadsOf(manifests, builtApps());
    brokerVersion = (await admin.json<{ rabbitmq_version: string }>('/overview')).rabbitmq_version;

    // What the setup job applies (setup-users.sh): grants.sh's users and permissions, policies.sh's policies.
    const grants = parseGrants(readFileSync(join(RABBITMQ_SETUP, 'grants.sh'), 'utf8'));
    for (const grant of grants) {
      const deployedName = decodeURIComponent(new URL(secretOf(secrets, grant.secretKey)).username);
      if (users.has(deployedName)) throw new Error(`grants.sh grants ${deployedName} twice (${users.get(deployedName)?.grant.secretKey}, ${grant.secretKey})`);
      users.set(deployedName, { deployedName, name: `test-${run}-${deployedName}`, password: randomUUID(), grant });
    }
    await admin.must('PUT', `/vhosts/${encodeURIComponent(vhost)}`, {});
    created.vhost = true;
    await admin.must('PUT', `/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(adminOf().name)}`, { configure: '.*', write: '.*', read: '.*' });
    for (const user of users.values()) {
      await admin.must('PUT', `/users/${encodeURIComponent(user.name)}`, { password: user.password, tags: user.grant.tags });
      created.users.push(user.name);
      const { configure, write, read } = user.grant;
      await admin.must('PUT', `/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(user.name)}`, { configure, write, read });
    }
    // The deployment runs RabbitMQ 4.3, which policies.sh is for: 3.10 has no default delivery limit
    // to lift and refuses -1 (deliveryLimitPolicies sets none there either).
    if (majorOf(brokerVersion) >= 4) {
      for (const policy of parsePolicies(readFileSync(join(RABBITMQ_SETUP, 'policies.sh'), 'utf8'))) {
        await admin.must('PUT', `/policies/${encodeURIComponent(vhost)}/${encodeURIComponent(policy.name)}`, policy.body);
        created.policies.push(policy.name);
      }
    }

    // Every URL of the rendered deployment, pointed here: the broker user it names becomes the run's
    // one of that name (the administrator the topology job's), in the run's vhost.
    const adminName = secretOf(secrets, 'RABBITMQ_ADMIN_USER');
    const brokerUrlHere = (key: string, raw: string): string => {
      const url = new URL(raw);
      const deployedName = decodeURIComponent(url.username);
      const user = deployedName === adminName ? adminOf() : users.get(deployedName);
      if (!user) throw new Error(`${key} connects as ${deployedName}, a user grants.sh does not create`);
      const here = new URL(url.protocol === 'amqp:' ? AMQP_URL : MANAGEMENT_URL);
      here.username = encodeURIComponent(user.name);
      here.password = encodeURIComponent(user.password);
      here.pathname = url.protocol === 'amqp:' ? `/${encodeURIComponent(vhost)}` : url.pathname;
      return here.toString();
    };
    const urlHere = (key: string, raw: string): string => {
      const host = new URL(raw).hostname;
      if (host === 'rabbitmq') return brokerUrlHere(key, raw);
      if (host === 'postgres') return DATABASE_URL;
      if (host === 'redis') return REDIS_URL;
      if (WIRED_BY_LAUNCHER.has(key)) return raw;
      throw new Error(`${key} names ${host}, which this test does not know where to find here`);
    };
    const envHere = (workload: Workload): Record<string, string> => {
      const env = Object.fromEntries(
        Object.entries(workload.env).map(([key, value]) => [key, value.split(',').map((part) => (/^[a-z]+:\/\//.test(part) ? urlHere(key, part) : part)).join(',')]),
      );
      // The run's own tables on the shared PostgreSQL.
      if ('DATABASE_SCHEMA' in env) env['DATABASE_SCHEMA'] = schema;
      if ('TRACKING_DATABASE_SCHEMA' in env) env['TRACKING_DATABASE_SCHEMA'] = trackingSchema;
      // The pause that lets Kubernetes take a stopping pod out of its Service: nothing to wait for here.
      if ('SHUTDOWN_DRAIN_DELAY_SEC' in env) env['SHUTDOWN_DRAIN_DELAY_SEC'] = '0';
      return env;
    };

    // Which app connects as whom: its Deployment's broker URLs, and KEDA's TriggerAuthentication.
    for (const workload of workloads.filter((candidate) => candidate.kind === 'Deployment')) {
      for (const key of ['RABBITMQ_URL', 'RABBITMQ_MANAGEMENT_URL']) {
        if (workload.env[key]) claimUser(new URL(workload.env[key]).username, workload.app);
      }
    }
    for (const secretKey of kedaSecretKeys(manifests)) claimUser(new URL(secretOf(secrets, secretKey)).username, 'keda');
    const unclaimed = [...users.keys()].filter((name) => !appOfUser.has(name));
    if (unclaimed.length > 0) throw new Error(`grants.sh creates users no workload connects as: ${unclaimed.join(', ')}`);

    // The topology job, as deployed: `node main.cjs --declare-topology` of its image, as administrator.
    const job = workloads.find((workload) => workload.kind === 'Job' && workload.command?.includes('--declare-topology'));
    if (!job?.command || job.command[0] !== 'node' || job.command[1] !== 'main.cjs') throw new Error(`expected a topology Job running node main.cjs --declare-topology, got ${JSON.stringify(job?.command)}`);
    const declared = await runToEnd(process.execPath, [join(DIST_APPS_DIR, job.app, 'main.cjs'), ...job.command.slice(2)], { PATH: process.env['PATH'] ?? '', ...envHere(job) });
    if (declared.code !== 0) throw new Error(`the topology job (${job.app} ${job.command.slice(2).join(' ')}) exited with ${declared.code}:\n${declared.output}`);

    resources = await deployedResources(admin, vhost);
    const names = topologyNames(deployment('producer-api').env['QUEUE_NAME']);
    topology = {
      names,
      orderQueues: ORDER_TYPES.map((type) => names.queueFor(type)),
      delayExchanges: resources.exchanges.map((exchange) => exchange.name).filter((name) => name.startsWith(`${names.prefix}.retry.`) || name.startsWith(`${names.prefix}.deferral.`)),
    };

    // What the broker lets each user do, asked before the apps start: no queue holds anything yet and nobody consumes.
    const broker = { amqpUrl: AMQP_URL, management: MANAGEMENT_URL, vhost };
    verdicts = (await Promise.all([...users.values()].map((user) => probeUser(user, broker, resources)))).flat();

    // The whole system, every app with its Deployment's settings: its own user, DECLARE_TOPOLOGY=false.
    const processors = builtApps().filter((app) => app.endsWith('-processor'));
    const started = ['backend-simulator', 'producer-api', 'ops-console', 'order-tracker', ...processors];
    const envByApp = Object.fromEntries(started.map((app) => [app, envHere(deployment(app))]));
    for (const app of started.filter((name) => name !== 'backend-simulator')) {
      const env = envByApp[app];
      if (!env['RABBITMQ_URL'] || env['DECLARE_TOPOLOGY'] !== 'false') throw new Error(`${app} is not deployed with a RABBITMQ_URL of its own and DECLARE_TOPOLOGY=false`);
    }
    created.schemas = true;
    const [producer, backend, opsConsole, tracker] = await freePorts(4);
    system = await launchSystem({
      distAppsDir: DIST_APPS_DIR,
      envByApp,
      ports: { producer, backend, opsConsole, tracker },
      onLine: (app, line) => {
        const lines = logs.get(app) ?? [];
        lines.push(line);
        logs.set(app, lines);
      },
      readyTimeoutMs: 60_000,
    });
  }, 150_000);

  /** Everything the run made, each step tried whatever the others did: the apps, then the policies, users, vhost and schemas. */
  afterAll(async () => {
    const failures: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>) => {
      await step().catch((error: Error) => failures.push(`${what}: ${error.message}`));
    };
    await attempt('stopping the apps', async () => system?.stop());
    for (const policy of created.policies) await attempt(`policy ${policy}`, () => admin.must('DELETE', `/policies/${encodeURIComponent(vhost)}/${encodeURIComponent(policy)}`));
    for (const user of created.users) await attempt(`user ${user}`, () => admin.must('DELETE', `/users/${encodeURIComponent(user)}`));
    if (created.vhost) await attempt(`vhost ${vhost}`, () => admin.must('DELETE', `/vhosts/${encodeURIComponent(vhost)}`));
    if (created.schemas) {
      await attempt('the schemas', async () => {
        const database = new Client({ connectionString: DATABASE_URL });
        await database.connect();
        try {
          for (const owned of [schema, trackingSchema]) await database.query(`DROP SCHEMA IF EXISTS "${owned}" CASCADE`);
        } finally {
          await database.end();
        }
      });
    }
    if (failures.length > 0) throw new Error(`cleaning up failed:\n${failures.join('\n')}`);
  });

  function claimUser(rawName: string, app: string): void {
    const name = decodeURIComponent(rawName);
    const claimedBy = appOfUser.get(name);
    if (claimedBy && claimedBy !== app) throw new Error(`${app} and ${claimedBy} share the broker user ${name}: each app needs its own`);
    appOfUser.set(name, app);
  }

  const producerApi = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${system?.url('producer-api')}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', 'x-api-key': deployment('producer-api').env['API_KEYS'].split(',')[0] },
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const consoleApi = async <T>(path: string, init: RequestInit = {}): Promise<T> => {
    const response = await fetch(`${system?.url('ops-console')}${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${deployment('ops-console').env['OPS_OPERATOR_TOKENS'].split(',')[0]}` },
    });
    if (!response.ok) throw new Error(`ops console ${path} answered ${response.status}`);
    return (await response.json()) as T;
  };
  const backendApi = (path: string, init: RequestInit = {}) =>
    fetch(`${system?.url('backend-simulator')}${path}`, { ...init, headers: init.body ? { 'content-type': 'application/json' } : {} });
  const place = async (type: OrderType): Promise<string> => {
    const placed = await producerApi('/api/v1/orders', { method: 'POST', body: JSON.stringify({ type, payload: EXAMPLE_PAYLOADS[type] }) });
    expect(placed.status).toBe(202);
    return String(placed.body['orderId']);
  };
  const tracked = async (orderId: string) => (await producerApi(`/api/v1/orders/${orderId}`)).body as unknown as TrackedOrder;
  const untilTracked = (orderId: string, isDone: (order: TrackedOrder) => boolean) => eventually(() => tracked(orderId), isDone, { timeoutMs: 20_000, intervalMs: 200 });
  const ledgerOf = async (orderId: string): Promise<LedgerEntry[]> => {
    const response = await backendApi(`/api/v1/ledger/${orderId}`);
    return response.status === 404 ? [] : ((await response.json()) as { entries: LedgerEntry[] }).entries;
  };
  const statesOf = (order: TrackedOrder) => order.timeline.map((entry) => entry.state).join(' ');

  it("the broker lets each app's user do exactly what the app needs: no more, no less", () => {
    const mismatches: string[] = [];
    const deployedNames = new Set([...resources.exchanges.map((exchange) => exchange.name), ...resources.queues.map((queue) => queue.name)]);
    const byName = new Map([...users.values()].map((user) => [user.name, user]));
    for (const user of users.values()) {
      const app = appOfUser.get(user.deployedName) as string;
      const needs = needsOf(app, topology);
      for (const name of [...needs.publishes, ...needs.consumes, ...needs.inspects]) {
        if (!deployedNames.has(name)) mismatches.push(`${app} (user ${user.deployedName}) needs ${name}, which the topology job did not declare`);
      }
    }
    for (const verdict of verdicts) {
      const user = byName.get(verdict.user) as RunUser;
      const app = appOfUser.get(user.deployedName) as string;
      const needs = needsOf(app, topology);
      const { kind, name } = verdict.resource;
      const needed = {
        publish: needs.publishes.includes(name),
        consume: needs.consumes.includes(name),
        declare: false,
        inspect: needs.inspects.includes(name),
        monitor: needs.monitors,
      }[verdict.operation];
      const resource = `${kind} '${kind === 'exchange' && name === DEFAULT_EXCHANGE ? '(default)' : name}'`;
      const who = `${app} (user ${user.deployedName})`;
      if (needed && !verdict.allowed) mismatches.push(`${who} may not ${verdict.operation} ${resource}, which it needs to`);
      // A passive declare only reads a count, and 4.x allows one wherever any other permission does
      // (3.x everywhere): what it allows beyond the need follows from what is compared above.
      if (!needed && verdict.allowed && verdict.operation !== 'inspect') mismatches.push(`${who} may ${verdict.operation} ${resource}, which it does not need`);
    }
    expect(mismatches).toEqual([]);
    // Every user was asked about everything: the default exchange and each exchange and queue the job declared.
    const perUser = 1 + resources.exchanges.length * 2 + resources.queues.length * 4;
    expect(verdicts).toHaveLength(users.size * perUser);
  });

  it('orders of every type are applied once each, and followed to their end', async () => {
    const placed = new Map<string, OrderType>();
    for (const type of ORDER_TYPES) placed.set(await place(type), type);
    for (const [orderId, type] of placed) {
      const followed = await untilTracked(orderId, (order) => order.final === true);
      expect({ orderId, type, state: followed.state, timeline: statesOf(followed) }).toEqual({
        orderId,
        type,
        state: 'applied',
        timeline: expect.stringMatching(new RegExp(`^accepted queued ${TAKEN_UP} applied$`)),
      });
      expect(await ledgerOf(orderId)).toEqual([expect.objectContaining({ type, outcome: 'applied', appliedBy: `${type.toLowerCase()}-processor`, duplicateAttempts: 0 })]);
    }
  });

  it('a dead letter reaches the ops console, whose replay is then applied once', async () => {
    // The backend refuses CHANGE orders outright (400): the processor dead-letters the order at once.
    expect((await backendApi('/api/v1/faults', { method: 'PUT', body: JSON.stringify({ status: 400, types: ['CHANGE'] }) })).status).toBeLessThan(300);
    const orderId = await place('CHANGE');
    expect((await untilTracked(orderId, (order) => order.final === true)).state).toBe('dead-lettered');
    const listed = await eventually(
      () => consoleApi<{ items: { id: string; orderId: string }[] }>('/api/v1/dead-letters?type=CHANGE'),
      (page) => page.items.some((item) => item.orderId === orderId),
    );
    const deadLetter = listed.items.find((item) => item.orderId === orderId);
    expect(deadLetter).toBeDefined();
    expect((await backendApi('/api/v1/faults', { method: 'DELETE' })).status).toBe(204);

    const replay = await consoleApi<{ done: string[] }>('/api/v1/dead-letters/replay', { method: 'POST', body: JSON.stringify({ ids: [deadLetter?.id] }) });
    expect(replay.done).toEqual([deadLetter?.id]);
    const replayed = await untilTracked(orderId, (order) => order.state === 'applied');
    expect(statesOf(replayed)).toMatch(new RegExp(`^accepted queued ${TAKEN_UP} dead-lettered replayed ${TAKEN_UP} applied$`));
    expect(await ledgerOf(orderId)).toEqual([expect.objectContaining({ outcome: 'applied', appliedBy: 'change-processor', duplicateAttempts: 0 })]);
  });

  it("the producer reads the order queues' state (GET /api/queue/status) with its own user", async () => {
    const status = await producerApi('/api/queue/status');
    expect(status.status).toBe(200);
    const queues = (status.body['세부정보'] as { 큐목록: { 큐이름: string; 존재: boolean; 소비자개수: number }[] }).큐목록;
    expect(queues.map((queue) => ({ queue: queue.큐이름, exists: queue.존재, consumed: queue.소비자개수 > 0 }))).toEqual(
      topology.orderQueues.map((queue) => ({ queue, exists: true, consumed: true })),
    );
  });

  it("the ops console's overview shows every queue and the processors' flow, with its own user", async () => {
    interface Overview {
      problems: string[];
      types: { type: string; consumers: number; arrivalRate: number | null; rateSource: string | null }[];
      retries: { queues: unknown[] };
      deferrals: { queues: unknown[] };
    }
    const overview = await eventually(
      () => consoleApi<Overview>('/api/v1/overview'),
      (current) => current.problems.length === 0 && current.types.every((type) => type.consumers > 0 && type.arrivalRate !== null),
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect(overview.problems).toEqual([]);
    expect(overview.types.map(({ type, consumers, arrivalRate, rateSource }) => ({ type, consumed: consumers > 0, arrivalKnown: arrivalRate !== null, rateSource }))).toEqual(
      ORDER_TYPES.map((type) => ({ type, consumed: true, arrivalKnown: true, rateSource: 'processors' })),
    );
    expect(overview.retries.queues.length + overview.deferrals.queues.length).toBe(topology.delayExchanges.length);
  });

  it('the queues carry the policies of policies.sh (on 4.x, which the deployment runs; 3.10 refuses them)', async () => {
    if (majorOf(brokerVersion) < 4) {
      expect(created.policies).toEqual([]);
      return;
    }
    const policies = parsePolicies(readFileSync(join(RABBITMQ_SETUP, 'policies.sh'), 'utf8'));
    expect(created.policies).toEqual(policies.map((policy) => policy.name));
    const expected = resources.queues.map(({ name }) => ({
      queue: name,
      policy: policies.find((policy) => policy.body['apply-to'] === 'queues' && new RegExp(String(policy.body['pattern'])).test(name))?.name ?? null,
    }));
    expect(expected.filter((queue) => queue.policy !== null)).not.toEqual([]);
    // The management API lists a queue's policy from its periodic statistics: a few seconds behind.
    const applied = await eventually(
      async () => (await deployedResources(admin, vhost)).queues.map(({ name, policy }) => ({ queue: name, policy: policy ?? null })),
      (queues) => JSON.stringify(queues) === JSON.stringify(expected),
      { timeoutMs: 15_000, intervalMs: 500 },
    );
    expect(applied).toEqual(expected);
  });

  it('no app logged a refusal (ACCESS_REFUSED, 401/403, a permission error), and each stopped cleanly', async () => {
    const codes = (await system?.stop()) ?? {};
    for (const code of Object.values(codes)) expect([0, 'SIGTERM']).toContain(code);
    const refusals = [...logs].flatMap(([app, lines]) => permissionTrouble(lines).map((line) => `${app}: ${line}`));
    expect(refusals).toEqual([]);
    // Every app on the broker did log (at the deployed LOG_LEVEL): an empty log would pass for the wrong reason.
    const onBroker = (system?.apps ?? []).map((app) => app.name).filter((name) => name !== 'backend-simulator');
    expect(onBroker.filter((app) => (logs.get(app) ?? []).length === 0)).toEqual([]);
  });
});

/** The broker administrator of this run: the test broker's own (guest), as the deployment's topology job runs as its administrator. */
function adminOf(): { name: string; password: string } {
  for (const raw of [MANAGEMENT_URL, AMQP_URL]) {
    const url = new URL(raw);
    if (url.username) return { name: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
  }
  return { name: 'guest', password: 'guest' };
}

function majorOf(version: string): number {
  return Number.parseInt(version, 10);
}

/** The apps with a built bundle in dist/apps. */
function builtApps(): string[] {
  return readdirSync(DIST_APPS_DIR).filter((app) => existsSync(join(DIST_APPS_DIR, app, 'main.cjs')));
}

type Manifest = ReturnType<typeof renderMinikubeOverlay>[number];

function decodedSecret(manifests: readonly Manifest[], name: string): Record<string, string> {
  const secret = manifests.find((item) => item.kind === 'Secret' && item.metadata.name === name);
  if (!secret) throw new Error(`the minikube overlay has no Secret ${name}`);
  return Object.fromEntries(Object.entries(secret.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]));
}

function secretOf(secrets: Record<string, string>, key: string): string {
  const value = secrets[key];
  if (value === undefined) throw new Error(`the Secret has no key ${key}`);
  return value;
}

/** The Secret keys KEDA's TriggerAuthentications read its broker user from. */
function kedaSecretKeys(manifests: readonly Manifest[]): string[] {
  return manifests
    .filter((item) => item.kind === 'TriggerAuthentication')
    .flatMap((item) => ((item.spec as { secretTargetRef?: { key: string }[] } | undefined)?.secretTargetRef ?? []).map((ref) => ref.key));
}

/** Every exchange and queue of the vhost but the broker's own (`amq.*`, the default exchange). */
async function deployedResources(admin: Management, vhost: string): Promise<DeployedResources> {
  const exchanges = await admin.json<{ name: string; type: string }[]>(`/exchanges/${encodeURIComponent(vhost)}`);
  const queues = await admin.json<{ name: string; arguments: Record<string, unknown>; policy?: string | null }[]>(`/queues/${encodeURIComponent(vhost)}`);
  return {
    exchanges: exchanges.filter((exchange) => exchange.name !== '' && !exchange.name.startsWith('amq.')).map(({ name, type }) => ({ name, type })),
    queues: queues.map(({ name, arguments: args, policy }) => ({ name, arguments: args, policy: policy ?? undefined })),
  };
}

function runToEnd(command: string, args: string[], env: Record<string, string>): Promise<{ code: number | string; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { env, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? ((error as { code?: number | string }).code ?? (error as { signal?: string }).signal ?? 'failed') : 0;
      resolve({ code: code ?? 'failed', output: `${stdout}${stderr}` });
    });
  });
}
