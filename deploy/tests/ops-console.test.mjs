import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DEPLOY_DIR, OVERLAYS, renderOverlay } from './render.mjs';
import { admits, podsOf } from './selection.mjs';

const ENV_KEYS = [
  'TRACKING_DATABASE_URL',
  'TRACKING_DATABASE_SCHEMA',
  'LOG_LEVEL',
  'MONITORING_ENABLED',
  'RABBITMQ_URL',
  'RABBITMQ_HEARTBEAT_SEC',
  'QUEUE_NAME',
  'PORT',
  'DATABASE_URL',
  'DATABASE_SCHEMA',
  'RABBITMQ_MANAGEMENT_URL',
  'OPS_VIEWER_TOKENS',
  'OPS_OPERATOR_TOKENS',
  'PROCESSOR_METRICS_URLS',
  'SAMPLE_INTERVAL_MS',
  'HISTORY_SECONDS',
  // Its user may not declare anything; the setup job or the topology operator owns the topology.
  'DECLARE_TOPOLOGY',
];
const SECRET_KEYS = ['RABBITMQ_URL', 'RABBITMQ_MANAGEMENT_URL', 'DATABASE_URL', 'TRACKING_DATABASE_URL', 'OPS_VIEWER_TOKENS', 'OPS_OPERATOR_TOKENS'];
/** The RabbitMqCluster of production labels its pods so (see rabbitmq-cluster.yaml's override). */
const BROKER_POD = { 'app.kubernetes.io/component': 'broker' };

const containerOf = (workload) => workload.spec.template.spec.containers[0];
const httpPort = (container) => {
  const port = container.ports.find((candidate) => candidate.name === 'http');
  return { name: port.name, port: port.containerPort };
};

for (const overlay of OVERLAYS) {
  describe(`ops console in overlay ${overlay}`, () => {
    const objects = renderOverlay(overlay);
    const console = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'ops-console');
    const consolePod = console.spec.template.metadata.labels;
    const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'bss-config').data;
    const processors = objects.filter((object) => object.kind === 'Deployment' && object.metadata.labels['app.kubernetes.io/component'] === 'processor');

    test('runs as the single writer of the dead-letter store, never two at once', () => {
      assert.equal(console.spec.replicas, 1);
      assert.equal(console.spec.strategy.type, 'Recreate');
    });

    test('gets exactly its settings, credentials and tokens from Secrets, and never declares topology', () => {
      const env = containerOf(console).env;
      assert.deepEqual(env.map((variable) => variable.name).sort(), [...ENV_KEYS].sort());
      for (const key of SECRET_KEYS) assert.ok(env.find((variable) => variable.name === key).valueFrom.secretKeyRef, `${key} is not from a Secret`);
      assert.equal(config.DECLARE_TOPOLOGY, 'false');
      assert.equal(containerOf(console).ports[0].containerPort, Number(env.find((variable) => variable.name === 'PORT').value));
    });

    test("reads every processor's metrics through its headless Service, at the container's port", () => {
      const urls = config.PROCESSOR_METRICS_URLS.split(',');
      assert.equal(urls.length, processors.length);
      for (const processor of processors) {
        const name = processor.metadata.name;
        const headless = objects.find((object) => object.kind === 'Service' && object.metadata.name === `${name}-headless`);
        assert.ok(headless, `${name} has no headless Service`);
        assert.equal(headless.spec.clusterIP, 'None');
        assert.deepEqual(headless.spec.selector, processor.spec.selector.matchLabels);
        const { port } = httpPort(containerOf(processor));
        assert.deepEqual(headless.spec.ports, [{ name: 'http', port, targetPort: 'http' }]);
        assert.ok(urls.includes(`http://${name}-headless:${port}/metrics`), `PROCESSOR_METRICS_URLS misses ${name}`);
      }
    });

    test('network policies let it reach the processors, RabbitMQ and PostgreSQL, and operators reach it', () => {
      for (const processor of processors) {
        assert.ok(admits(objects, { fromPod: consolePod }, processor.spec.template.metadata.labels, httpPort(containerOf(processor))), processor.metadata.name);
      }
      for (const port of [5672, 15672]) assert.ok(admits(objects, { fromPod: consolePod }, BROKER_POD, { port }), `broker port ${port}`);
      assert.ok(admits(objects, { fromPod: consolePod }, { 'app.kubernetes.io/component': 'dead-letter-store' }, { port: 5432, name: 'postgres' }));
      assert.ok(admits(objects, { fromNamespace: { 'kubernetes.io/metadata.name': 'ingress-nginx' } }, consolePod, httpPort(containerOf(console))));
      const producerPod = podsOf(objects).find((pod) => pod.name === 'bss-producer').metadata.labels;
      assert.ok(!admits(objects, { fromPod: producerPod }, BROKER_POD, { port: 15672 }), 'the producer reaches the management API');
      // The producer and the tracker reach PostgreSQL for the tracking store; the processors do not.
      for (const processor of processors) {
        assert.ok(
          !admits(objects, { fromPod: processor.spec.template.metadata.labels }, { 'app.kubernetes.io/component': 'dead-letter-store' }, { port: 5432, name: 'postgres' }),
          `${processor.metadata.name} reaches the store`,
        );
      }
      assert.ok(admits(objects, { fromPod: producerPod }, { 'app.kubernetes.io/component': 'dead-letter-store' }, { port: 5432, name: 'postgres' }), 'the producer cannot read the tracking store');
    });
  });
}

test('minikube runs PostgreSQL for the store on a volume, with the password from the Secret', () => {
  const objects = renderOverlay('minikube');
  const postgres = objects.find((object) => object.kind === 'StatefulSet' && object.metadata.name === 'postgres');
  const container = postgres.spec.template.spec.containers[0];
  assert.match(container.image, /^postgres:16-alpine$/);
  assert.equal(postgres.spec.template.metadata.labels['app.kubernetes.io/component'], 'dead-letter-store');
  assert.equal(container.env.find((variable) => variable.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef.key, 'POSTGRES_PASSWORD');
  assert.equal(postgres.spec.volumeClaimTemplates[0].metadata.name, container.volumeMounts[0].name);
  const secret = objects.find((object) => object.kind === 'Secret' && object.metadata.name === 'bss-secrets');
  const databaseUrl = new URL(Buffer.from(secret.data.OPS_CONSOLE_DATABASE_URL.replace(/\s/g, ''), 'base64').toString());
  assert.equal(databaseUrl.hostname, 'postgres');
  assert.equal(databaseUrl.username, container.env.find((variable) => variable.name === 'POSTGRES_USER').value);
  assert.equal(databaseUrl.pathname, `/${container.env.find((variable) => variable.name === 'POSTGRES_DB').value}`);
  const nodePort = objects.find((object) => object.kind === 'Service' && object.metadata.name === 'ops-console');
  assert.equal(nodePort.spec.type, 'NodePort');
  const console = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'ops-console');
  assert.equal(containerOf(console).imagePullPolicy, 'Never', "the image is built in Minikube's Docker, never pulled");
});

test('minikube gives the console one RabbitMQ user for AMQP and the management API, with least privilege', () => {
  const secret = renderOverlay('minikube').find((object) => object.kind === 'Secret' && object.metadata.name === 'bss-secrets');
  const userOf = (key) => new URL(Buffer.from(secret.data[key].replace(/\s/g, ''), 'base64').toString()).username;
  assert.equal(userOf('OPS_CONSOLE_RABBITMQ_MANAGEMENT_URL'), userOf('OPS_CONSOLE_RABBITMQ_URL'));
  const setup = readFileSync(join(DEPLOY_DIR, 'overlays/minikube/rabbitmq/grants.sh'), 'utf8');
  // Write on the order queues only lets it read their depths (passive declares; RabbitMQ 4.x wants some permission for one).
  const orderQueues = 'bss\\\\.orders\\\\.subscription|bss\\\\.orders\\\\.mnp|bss\\\\.orders\\\\.change|bss\\\\.orders\\\\.termination';
  assert.ok(setup.includes(`grant "$OPS_CONSOLE_RABBITMQ_URL" "monitoring" '^$' '^(bss\\\\.orders|bss\\\\.orders\\\\.events|${orderQueues})$' '^bss\\\\.orders\\\\.dead$'`));
});

test('production takes the store from a managed PostgreSQL and gives the console a least-privilege RabbitMQ user', () => {
  const objects = renderOverlay('production');
  const console = objects.find((object) => object.kind === 'Deployment' && object.metadata.name === 'ops-console');
  const databaseUrl = containerOf(console).env.find((variable) => variable.name === 'DATABASE_URL').valueFrom.secretKeyRef;
  assert.deepEqual(databaseUrl, { name: 'ops-console-database', key: 'DATABASE_URL' });
  assert.ok(!objects.some((object) => object.metadata.labels?.['app.kubernetes.io/component'] === 'dead-letter-store'));
  const user = objects.find((object) => object.kind === 'User' && object.metadata.name === 'ops-console');
  assert.deepEqual(user.spec.tags, ['monitoring']);
  const permission = objects.find((object) => object.kind === 'Permission' && object.spec.userReference.name === 'ops-console');
  const orderQueues = 'bss\\.orders\\.subscription|bss\\.orders\\.mnp|bss\\.orders\\.change|bss\\.orders\\.termination';
  assert.deepEqual(permission.spec.permissions, { configure: '^$', write: `^(bss\\.orders|bss\\.orders\\.events|${orderQueues})$`, read: '^bss\\.orders\\.dead$' });
});
