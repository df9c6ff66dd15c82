import { loadConfig } from '@bss/config';
import { eventually } from '@bss/messaging/testing';
import { createLogger } from '@bss/observability';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Writable } from 'node:stream';
import { createProducerApp } from '../create-producer-app';
import { producerConfigSchema } from '../producer-config';

const silent = new Writable({ write: (_chunk, _encoding, done) => done() });

/** The whole producer app, as `main` builds it, in this process and without logs, for `inject` requests. */
export async function startProducerForTest(env: Record<string, string>): Promise<NestFastifyApplication> {
  const config = loadConfig(producerConfigSchema, env);
  const app = await createProducerApp(config, createLogger({ service: 'producer-api-test', level: 'silent', destination: silent }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

export async function untilReady(app: NestFastifyApplication): Promise<void> {
  const status = await eventually(async () => (await app.inject({ method: 'GET', url: '/ready' })).statusCode, (code) => code === 200);
  if (status !== 200) throw new Error(`producer-api did not turn ready: /ready answers ${status}`);
}
