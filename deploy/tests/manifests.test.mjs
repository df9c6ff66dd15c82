import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { DEPLOY_DIR, OVERLAYS, renderBaseWith, renderOverlay } from './render.mjs';
import { appConfigSchemas, unknownFieldErrors, validateAgainstModel } from './schemas.mjs';

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'Job'];
const OPERATOR_KINDS = ['RabbitmqCluster', 'Queue', 'Exchange', 'Binding', 'Policy', 'User', 'Permission'];
/** Secrets the cluster's secret management provides, named in the overlay's kustomization.yaml. */
const EXTERNAL_SECRETS = { production: ['ops-console-database'] };
const schemas = appConfigSchemas();
const { BROKER_VERSIONS } = createRequire(import.meta.url)('../../tools/rabbitmq-cluster/broker-installations.js');

const workloads = (objects) => objects.filter((object) => WORKLOAD_KINDS.includes(object.kind));
const podSpec = (workload) => workload.spec.template.spec;
const processors = (objects) => objects.filter((object) => object.kind === 'Deployment' && object.metadata.labels?.['app.kubernetes.io/component'] === 'processor');

/** The app whose config a container reads, or undefined for third-party images. */
function appOf(container) {
  const image = container.image.split(':')[0];
  if (['producer-api', 'backend-simulator', 'ops-console', 'order-tracker'].includes(image)) return image;
  if (image.endsWith('-processor')) return 'processor';
  return undefined;
}

function declaresPort(container, port) {
  return (container.ports ?? []).some((declared) => declared.name === port || declared.containerPort === port);
}

function matches(selector, labels) {
  return Object.entries(selector ?? {}).every(([key, value]) => labels?.[key] === value);
}

for (const overlay of OVERLAYS) {
  describe(`overlay ${overlay}`, () => {
    const objects = renderOverlay(overlay);

    test('renders with kubectl kustomize into the bss-queue-system namespace', () => {
      assert.ok(objects.length > 10);
      for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
        assert.equal(object.metadata.namespace, 'bss-queue-system', `${object.kind}/${object.metadata.name}`);
      }
    });

    test('every object validates against its Kubernetes or KEDA schema', async () => {
      for (const object of objects) {
        const modelled = await validateAgainstModel(object);
        if (!modelled) assert.ok(OPERATOR_KINDS.includes(object.kind), `no schema for ${object.apiVersion} ${object.kind}`);
      }
    });

    test('deploys a RabbitMQ version the broker matrix tests, with the policies rendered for it', () => {
      const images = objects.flatMap((object) => (object.kind === 'RabbitmqCluster' ? [object.spec.image] : workloads(objects).includes(object) ? podSpec(object).containers.map((container) => container.image) : []));
      const brokers = images.filter((image) => image.startsWith('rabbitmq:'));
      assert.equal(brokers.length, 1, `one RabbitMQ image: ${brokers.join(', ')}`);
      const series = /^rabbitmq:(\d+\.\d+)-management$/.exec(brokers[0])?.[1];
      assert.ok(BROKER_VERSIONS.includes(series), `${brokers[0]} is not among the tested versions ${BROKER_VERSIONS.join(', ')}`);
      const policies = readFileSync(join(DEPLOY_DIR, 'overlays/minikube/rabbitmq/policies.sh'), 'utf8');
      assert.match(policies, new RegExp(`for RabbitMQ ${series.replace('.', '\\.')} `));
    });

    test('no object has a field its schema does not define', () => {
      assert.deepEqual(unknownFieldErrors(objects), []);
    });

    test('every long-running container has liveness and readiness probes on a port it declares', () => {
      for (const workload of workloads(objects).filter((object) => object.kind !== 'Job')) {
        for (const container of podSpec(workload).containers) {
          for (const probe of ['livenessProbe', 'readinessProbe']) {
            const action = container[probe]?.httpGet ?? container[probe]?.tcpSocket;
            assert.ok(action, `${workload.metadata.name}/${container.name} has no ${probe}`);
            assert.ok(declaresPort(container, action.port), `${workload.metadata.name}/${container.name} ${probe} probes undeclared port ${action.port}`);
          }
          if (appOf(container)) {
            assert.equal(container.livenessProbe.httpGet.path, '/health/live');
            assert.equal(container.readinessProbe.httpGet.path, '/health/ready');
          }
        }
      }
    });

    test('every container has resources, runs as non-root, without privilege escalation or capabilities', () => {
      for (const workload of workloads(objects)) {
        const spec = podSpec(workload);
        for (const container of spec.containers) {
          const name = `${workload.metadata.name}/${container.name}`;
          assert.ok(container.resources?.requests && container.resources?.limits, `${name} has no requests and limits`);
          assert.equal(container.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot, true, `${name} may run as root`);
          assert.equal(container.securityContext?.allowPrivilegeEscalation, false, name);
          assert.deepEqual(container.securityContext?.capabilities?.drop, ['ALL'], name);
          if (appOf(container)) assert.equal(container.securityContext.readOnlyRootFilesystem, true, name);
        }
      }
    });

    test('every processor has exactly one autoscaler, and the grace period outlasts its drain', () => {
      const autoscalers = objects.filter((object) => object.kind === 'ScaledObject' || object.kind === 'HorizontalPodAutoscaler');
      const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'bss-config').data;
      assert.ok(processors(objects).length >= 2);
      for (const processor of processors(objects)) {
        const targeting = autoscalers.filter((autoscaler) => autoscaler.spec.scaleTargetRef.name === processor.metadata.name);
        assert.equal(targeting.length, 1, `${processor.metadata.name} has ${targeting.length} autoscalers`);
        assert.ok(podSpec(processor).terminationGracePeriodSeconds > Number(config.SHUTDOWN_GRACE_SEC));
      }
      for (const scaledObject of autoscalers.filter((object) => object.kind === 'ScaledObject')) {
        const [trigger] = scaledObject.spec.triggers;
        assert.equal(trigger.type, 'rabbitmq');
        assert.equal(trigger.metadata.mode, 'QueueLength');
        assert.equal(trigger.metadata.protocol, 'http');
        assert.equal(trigger.metadata.queueName, `bss.orders.${scaledObject.spec.scaleTargetRef.name.replace(/-processor$/, '')}`);
        assert.ok(scaledObject.spec.advanced.horizontalPodAutoscalerConfig.behavior.scaleDown.stabilizationWindowSeconds > 0);
      }
    });

    test('selectors match the labels they select', () => {
      const pods = workloads(objects).map((workload) => workload.spec.template.metadata.labels);
      for (const workload of workloads(objects).filter((object) => object.kind !== 'Job')) {
        assert.ok(matches(workload.spec.selector.matchLabels, workload.spec.template.metadata.labels), workload.metadata.name);
      }
      for (const service of objects.filter((object) => object.kind === 'Service')) {
        assert.ok(pods.some((labels) => matches(service.spec.selector, labels)), `service ${service.metadata.name} selects no pod`);
      }
      for (const budget of objects.filter((object) => object.kind === 'PodDisruptionBudget')) {
        assert.ok(pods.some((labels) => matches(budget.spec.selector.matchLabels, labels)), `PDB ${budget.metadata.name} selects no pod`);
      }
      const deployments = objects.filter((object) => object.kind === 'Deployment').map((object) => object.metadata.name);
      for (const autoscaler of objects.filter((object) => object.kind === 'ScaledObject' || object.kind === 'HorizontalPodAutoscaler')) {
        assert.ok(deployments.includes(autoscaler.spec.scaleTargetRef.name), `${autoscaler.metadata.name} scales nothing`);
      }
    });

    test("the env keys are exactly ones the app's config reads, and every ConfigMap key is read", () => {
      const config = objects.find((object) => object.kind === 'ConfigMap' && object.metadata.name === 'bss-config');
      const secret = objects.find((object) => object.kind === 'Secret' && object.metadata.name === 'bss-secrets');
      const read = new Set();
      for (const workload of workloads(objects)) {
        for (const container of podSpec(workload).containers) {
          const app = appOf(container);
          for (const variable of container.env ?? []) {
            if (app) assert.ok(schemas[app].includes(variable.name), `${workload.metadata.name} sets ${variable.name}, which ${app} does not read`);
            const configKey = variable.valueFrom?.configMapKeyRef;
            if (configKey) {
              assert.ok(configKey.key in config.data, `${workload.metadata.name} reads missing key ${configKey.key}`);
              read.add(configKey.key);
            }
            const secretKey = variable.valueFrom?.secretKeyRef;
            if (secretKey?.name === secret.metadata.name) assert.ok(secretKey.key in secret.data, `${workload.metadata.name} reads missing secret key ${secretKey.key}`);
            else if (secretKey) assert.ok(EXTERNAL_SECRETS[overlay]?.includes(secretKey.name), `${workload.metadata.name} reads Secret ${secretKey.name}, which nothing provides`);
          }
        }
      }
      assert.deepEqual(Object.keys(config.data).filter((key) => !read.has(key)), []);
    });

    test('no credential is written in a manifest, and nothing comes from Bitnami', () => {
      for (const object of objects) {
        const text = JSON.stringify(object);
        assert.doesNotMatch(text, /bitnami/i, `${object.kind}/${object.metadata.name}`);
        if (object.kind === 'Secret') continue;
        assert.doesNotMatch(text, /(amqps?|redis|https?|postgres(ql)?):\/\/[^:"/]+:[^@"]+@/, `${object.kind}/${object.metadata.name} embeds a credential`);
        for (const workload of workloads([object])) {
          for (const container of podSpec(workload).containers) {
            for (const variable of container.env ?? []) {
              if (/URL|PASS|KEY/.test(variable.name) && variable.value !== undefined) assert.fail(`${workload.metadata.name} sets ${variable.name} literally`);
            }
          }
        }
      }
    });
  });
}

test('the committed tree holds no secrets.env, only its example', () => {
  const ignored = readFileSync(join(DEPLOY_DIR, '../.gitignore'), 'utf8');
  assert.match(ignored, /deploy\/\*\*\/secrets\.env/);
  assert.match(readFileSync(join(DEPLOY_DIR, 'base/secrets.env.example'), 'utf8'), /CHANGE_ME/);
});

test('the CPU-based component gives each processor one HPA at 70 % CPU, for parity with the seed guide', () => {
  const objects = renderBaseWith('hpa-cpu');
  const hpas = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler');
  assert.deepEqual(hpas.map((hpa) => hpa.spec.scaleTargetRef.name).sort(), processors(objects).map((processor) => processor.metadata.name).sort());
  for (const hpa of hpas) assert.equal(hpa.spec.metrics[0].resource.target.averageUtilization, 70);
});
