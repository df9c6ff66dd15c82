import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { freePorts } from '../support/system';
import { removeContainers } from './docker';
import { LocalAddresses } from './manifest-env';

export const WORKSPACE_ROOT = join(__dirname, '../../../..');

const MANAGEMENT = process.env.TEST_RABBITMQ_MANAGEMENT_URL ?? 'http://127.0.0.1:15672';
const MANAGEMENT_AUTH = `Basic ${Buffer.from('guest:guest').toString('base64')}`;
const DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Every app with a Dockerfile: the images `nx run-many -t docker-build` builds. */
export function deployableApps(): string[] {
  return readdirSync(join(WORKSPACE_ROOT, 'apps')).filter((app) => existsSync(join(WORKSPACE_ROOT, 'apps', app, 'Dockerfile')));
}

/**
 * What one test run of the images owns on this machine: a RabbitMQ vhost (the manifests' queue
 * names stay as they are, inside it), PostgreSQL schemas for the ops console and the order tracker,
 * a port per app and its containers. `cleanUp` removes all of them.
 */
export interface LocalRun {
  readonly addresses: LocalAddresses;
  containerName(app: string): string;
  /**
   * The app's environment with the values that differ from the manifests because this machine is
   * shared: the run's own PostgreSQL schemas, set only where the manifests name the key.
   */
  ownSchemas(app: string, env: Record<string, string>): Record<string, string>;
  queueExists(queue: string): Promise<boolean>;
  cleanUp(): Promise<void>;
}

export async function localRun(label: string): Promise<LocalRun> {
  const id = `${label}-${Date.now().toString(36)}`;
  const vhost = `bss-${id}`;
  const schema = `bss_${id.replace(/-/g, '_')}`;
  const trackingSchema = `${schema}_tracking`;
  await management('PUT', `/api/vhosts/${encodeURIComponent(vhost)}`, {});
  await management('PUT', `/api/permissions/${encodeURIComponent(vhost)}/guest`, { configure: '.*', write: '.*', read: '.*' });
  const apps = deployableApps();
  const ports = await freePorts(apps.length);
  const containers: string[] = [];
  return {
    addresses: {
      amqpUrl: `amqp://guest:guest@127.0.0.1:5672/${encodeURIComponent(vhost)}`,
      managementUrl: `${MANAGEMENT.replace('://', '://guest:guest@')}`,
      redisUrl: REDIS_URL,
      databaseUrl: DATABASE_URL,
      portOf: Object.fromEntries(apps.map((app, index) => [app, ports[index]])),
    },
    containerName(app) {
      const name = `bss-${id}-${app}-${containers.length}`;
      containers.push(name);
      return name;
    },
    ownSchemas(app, env) {
      const own = { ...env };
      if (app === 'ops-console') own.DATABASE_SCHEMA = schema;
      if ('TRACKING_DATABASE_SCHEMA' in env) own.TRACKING_DATABASE_SCHEMA = trackingSchema;
      return own;
    },
    async queueExists(queue) {
      return (await management('GET', `/api/queues/${encodeURIComponent(vhost)}/${encodeURIComponent(queue)}`)).status === 200;
    },
    async cleanUp() {
      await removeContainers(containers);
      await management('DELETE', `/api/vhosts/${encodeURIComponent(vhost)}`);
      const database = new Client({ connectionString: DATABASE_URL });
      await database.connect();
      for (const owned of [schema, trackingSchema]) await database.query(`DROP SCHEMA IF EXISTS ${owned} CASCADE`);
      await database.end();
    },
  };
}

async function management(method: string, path: string, body?: unknown): Promise<Response> {
  const response = await fetch(`${MANAGEMENT}${path}`, {
    method,
    headers: { authorization: MANAGEMENT_AUTH, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (method !== 'GET' && !response.ok) throw new Error(`${method} ${path} answered ${response.status}`);
  return response;
}

/** Polls `url` until it answers 200 or `timeoutMs` passes; the last status (0: no answer). */
export async function untilAnswers(url: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let status = 0;
  while (Date.now() < deadline) {
    status = await fetch(url, { signal: AbortSignal.timeout(2000) }).then((response) => response.status, () => 0);
    if (status === 200) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return status;
}
