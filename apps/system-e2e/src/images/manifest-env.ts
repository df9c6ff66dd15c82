import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const WORKSPACE_ROOT = join(__dirname, '../../../..');

interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly configMapKeyRef?: KeyRef; readonly secretKeyRef?: KeyRef };
}
interface KeyRef {
  readonly name: string;
  readonly key: string;
}
interface Container {
  readonly image: string;
  readonly command?: string[];
  readonly env?: EnvVar[];
  readonly envFrom?: unknown[];
}
interface Manifest {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly data?: Record<string, string>;
  readonly spec?: {
    readonly selector?: Record<string, string>;
    readonly ports?: { readonly port: number; readonly targetPort?: number | string }[];
    readonly template?: { readonly metadata?: { readonly labels?: Record<string, string> }; readonly spec: { readonly containers: Container[] } };
  };
}

/** A workload of the rendered overlay that runs one of our images. */
export interface Workload {
  /** The app whose image it runs (`producer-api`), from the image name. */
  readonly app: string;
  readonly kind: 'Deployment' | 'Job';
  readonly name: string;
  readonly command?: readonly string[];
  /** Its environment as the pod would see it: literal values and ConfigMap/Secret references resolved. */
  readonly env: Record<string, string>;
}

/** Where the machine's own services and our containers are, for the in-cluster addresses of the manifests. */
export interface LocalAddresses {
  /** The AMQP URL of this run (the machine's broker, a vhost of the run's own). */
  readonly amqpUrl: string;
  readonly managementUrl: string;
  readonly redisUrl: string;
  readonly databaseUrl: string;
  /** The port each app listens on here (host network: every container shares the machine's ports). */
  readonly portOf: Record<string, number>;
}

/**
 * The rendered minikube overlay (`kubectl kustomize`, as `kubectl apply -k` renders it), through the
 * deployment tests' own renderer so both see the same manifests.
 */
export function renderMinikubeOverlay(): Manifest[] {
  const script = `import { renderOverlay } from './deploy/tests/render.mjs'; process.stdout.write(JSON.stringify(renderOverlay('minikube')));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: WORKSPACE_ROOT, encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 })) as Manifest[];
}

/** Every Deployment and Job that runs an image of ours (`<app>:<tag>` where apps/<app> exists), with its environment. */
export function workloadsOf(manifests: readonly Manifest[], apps: readonly string[]): Workload[] {
  const configMaps = new Map(manifests.filter((item) => item.kind === 'ConfigMap').map((item) => [item.metadata.name, item.data ?? {}]));
  const secrets = new Map(
    manifests
      .filter((item) => item.kind === 'Secret')
      .map((item) => [item.metadata.name, Object.fromEntries(Object.entries(item.data ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64').toString('utf8')]))]),
  );
  const lookup = (source: Map<string, Record<string, string>>, ref: KeyRef, what: string): string => {
    const value = source.get(ref.name)?.[ref.key];
    if (value === undefined) throw new Error(`${what} ${ref.name} has no key ${ref.key}`);
    return value;
  };
  return manifests.flatMap((item): Workload[] => {
    if (item.kind !== 'Deployment' && item.kind !== 'Job') return [];
    return (item.spec?.template?.spec.containers ?? []).flatMap((container): Workload[] => {
      const app = container.image.split(':')[0];
      if (!apps.includes(app)) return [];
      if (container.envFrom?.length) throw new Error(`${item.metadata.name}: envFrom is not resolved by this test; name each variable`);
      const env = Object.fromEntries(
        (container.env ?? []).map((variable) => {
          const { configMapKeyRef, secretKeyRef } = variable.valueFrom ?? {};
          if (configMapKeyRef) return [variable.name, lookup(configMaps, configMapKeyRef, 'ConfigMap')];
          if (secretKeyRef) return [variable.name, lookup(secrets, secretKeyRef, 'Secret')];
          return [variable.name, variable.value ?? ''];
        }),
      );
      return [{ app, kind: item.kind as Workload['kind'], name: item.metadata.name, command: container.command, env }];
    });
  });
}

/**
 * The workload's environment with every in-cluster address replaced by where that thing is on this
 * machine: the broker, Redis and PostgreSQL are the machine's (with its credentials), a Service of
 * ours is the container behind it on its local port. Every key and every other value stays as the
 * manifests have it, so a key they forget is missing here too. An address of neither kind fails.
 */
export function localEnv(workload: Workload, manifests: readonly Manifest[], local: LocalAddresses): Record<string, string> {
  const appBehindService = serviceTargets(manifests, workloadsByName(manifests));
  const rewrite = (value: string, key: string): string =>
    value
      .split(',')
      .map((part) => (/^[a-z]+:\/\//.test(part) ? localUrl(part, key) : part))
      .join(',');
  const localUrl = (raw: string, key: string): string => {
    const url = new URL(raw);
    const service = url.hostname;
    if (service === 'rabbitmq') return url.protocol === 'amqp:' ? local.amqpUrl : local.managementUrl;
    if (service === 'redis') return local.redisUrl;
    if (service === 'postgres') return local.databaseUrl;
    const app = appBehindService.get(`${service}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`);
    if (!app) throw new Error(`${workload.name}: ${key} names ${url.host}, which is neither a Service of ours nor a machine service`);
    return `http://127.0.0.1:${local.portOf[app]}${url.pathname === '/' ? '' : url.pathname}`;
  };
  const env = Object.fromEntries(Object.entries(workload.env).map(([key, value]) => [key, rewrite(value, key)]));
  if ('PORT' in env) env.PORT = String(local.portOf[workload.app]);
  return env;
}

function workloadsByName(manifests: readonly Manifest[]): Map<string, { labels: Record<string, string>; app: string }> {
  return new Map(
    manifests
      .filter((item) => item.kind === 'Deployment')
      .map((item) => [item.metadata.name, { labels: item.spec?.template?.metadata?.labels ?? {}, app: item.spec?.template?.spec.containers[0].image.split(':')[0] ?? '' }]),
  );
}

/** `service:port` → the app whose pods the Service selects. */
function serviceTargets(manifests: readonly Manifest[], deployments: Map<string, { labels: Record<string, string>; app: string }>): Map<string, string> {
  const targets = new Map<string, string>();
  for (const service of manifests.filter((item) => item.kind === 'Service')) {
    const selector = Object.entries(service.spec?.selector ?? {});
    const deployment = [...deployments.values()].find(({ labels }) => selector.length > 0 && selector.every(([key, value]) => labels[key] === value));
    if (!deployment) continue;
    for (const port of service.spec?.ports ?? []) targets.set(`${service.metadata.name}:${port.port}`, deployment.app);
  }
  return targets;
}
