import { processorAppSchema } from '@bss/config';
import { processorNameOf } from '@bss/contracts';
import { DeployedOrderType, DeploySettings, queueOf } from './deploy-settings';
import { urlSecretKeyOf } from './broker-permissions';

type Manifest = Record<string, unknown>;

/** Settings each type states in its definition: its deployment sets them, bss-config does not. */
function ownSettings(definition: DeployedOrderType): Record<string, number> {
  const { port, concurrency, backendRateLimit, backendMaxConcurrency } = definition.processor;
  return { PORT: port, CONCURRENCY: concurrency, BACKEND_RATE_LIMIT: backendRateLimit, BACKEND_MAX_CONCURRENCY: backendMaxConcurrency };
}

/**
 * The container's environment, variable by variable of the processors' configuration schema: the
 * type's own values, secrets from the Secret, everything else from bss-config when it sets it (the
 * app's default otherwise). A setting added to the schema and to bss-config reaches every processor.
 */
function environmentOf(definition: DeployedOrderType, settings: DeploySettings): Manifest[] {
  const own = ownSettings(definition);
  return Object.entries(processorAppSchema(definition.processor)).flatMap(([name, variable]): Manifest[] => {
    if (name in own) return [{ name, value: String(own[name]) }];
    if (name === 'RABBITMQ_URL') return [{ name, valueFrom: { secretKeyRef: { name: 'bss-secrets', key: urlSecretKeyOf(definition) } } }];
    if (variable.secret) return [{ name, valueFrom: { secretKeyRef: { name: 'bss-secrets', key: name } } }];
    if (name in settings.config) return [{ name, valueFrom: { configMapKeyRef: { name: 'bss-config', key: name } } }];
    return [];
  });
}

const GRACE_ABOVE_SHUTDOWN_SEC = 10;

export function processorWorkload(definition: DeployedOrderType, settings: DeploySettings): Manifest[] {
  const name = processorNameOf(definition);
  const selector = { 'app.kubernetes.io/name': name };
  const labels = { ...selector, 'app.kubernetes.io/component': 'processor' };
  const probe = (path: string, extra: Record<string, number>) => ({ httpGet: { path, port: 'http' }, ...extra });
  const deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 1,
      selector: { matchLabels: selector },
      template: {
        metadata: { labels: { ...labels, 'bss.example/rabbitmq-client': 'true' } },
        spec: {
          // Above SHUTDOWN_GRACE_SEC: in-flight orders finish, the rest goes back to the queue.
          terminationGracePeriodSeconds: Number(settings.config['SHUTDOWN_GRACE_SEC'] ?? 20) + GRACE_ABOVE_SHUTDOWN_SEC,
          automountServiceAccountToken: false,
          securityContext: { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [
            {
              name,
              image: `${name}:latest`,
              ports: [{ name: 'http', containerPort: definition.processor.port }],
              env: environmentOf(definition, settings),
              startupProbe: probe('/health/live', { periodSeconds: 2, failureThreshold: 30 }),
              livenessProbe: probe('/health/live', { periodSeconds: 10 }),
              readinessProbe: probe('/health/ready', { periodSeconds: 5 }),
              resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
              securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
            },
          ],
        },
      },
    },
  };
  const disruptionBudget = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name }, spec: { maxUnavailable: 1, selector: { matchLabels: selector } } };
  // One DNS record per ready pod, so the ops console reads every replica's /metrics.
  const headless = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: headlessServiceOf(definition), labels: selector },
    spec: { clusterIP: 'None', selector, ports: [{ name: 'http', port: definition.processor.port, targetPort: 'http' }] },
  };
  return [deployment, disruptionBudget, headless];
}

function headlessServiceOf(definition: DeployedOrderType): string {
  return `${processorNameOf(definition)}-headless`;
}

/** The processor's /metrics through its headless Service: every replica, for the ops console. */
export function metricsUrlOf(definition: DeployedOrderType): string {
  return `http://${headlessServiceOf(definition)}:${definition.processor.port}/metrics`;
}

/**
 * Scales on queue depth (ready + unacked, over the management API). With the shared backend budget
 * more replicas never push the backend past its rate; they only keep the budget busy.
 */
export function processorScaledObject(definition: DeployedOrderType, settings: DeploySettings): Manifest {
  const name = processorNameOf(definition);
  const { autoscaling } = definition.processor;
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name },
    spec: {
      scaleTargetRef: { name },
      minReplicaCount: 1,
      maxReplicaCount: autoscaling.maxReplicas,
      pollingInterval: 5,
      cooldownPeriod: 120,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: 120, policies: [{ type: 'Pods', value: 1, periodSeconds: 60 }] } },
        },
      },
      triggers: [
        {
          type: 'rabbitmq',
          metadata: {
            protocol: 'http',
            mode: 'QueueLength',
            value: String(autoscaling.queueLengthTarget),
            activationValue: String(autoscaling.activationQueueLength),
            queueName: queueOf(settings, definition),
            vhostName: '/',
          },
          authenticationRef: { name: 'rabbitmq-management' },
        },
      ],
    },
  };
}

/** The seed guide's CPU autoscaling, for clusters without KEDA. */
export function processorCpuAutoscaler(definition: DeployedOrderType): Manifest {
  const name = processorNameOf(definition);
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: { name },
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name },
      minReplicas: 1,
      maxReplicas: definition.processor.autoscaling.maxReplicas,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    },
  };
}
