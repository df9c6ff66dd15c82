import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { BareOrdersController } from './bare-orders.controller';
import { installStrictJsonParser } from '@bss/contracts';

@Module({ controllers: [BareOrdersController] })
class BareIntakeModule {}

/**
 * The HTTP ceiling: NestJS on the same Fastify adapter, body limit, strict JSON parser and DTO
 * validation as producer-api, without a broker and without logs.
 */
async function main(): Promise<void> {
  const adapter = new FastifyAdapter({ bodyLimit: 1_048_576 });
  installStrictJsonParser(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(BareIntakeModule, adapter, { logger: false, bodyParser: false });
  app.enableShutdownHooks();
  await app.listen(Number(process.env['PORT'] ?? 8199), process.env['HOST'] ?? '127.0.0.1');
}

main().catch((error: Error) => {
  process.stderr.write(`bare-intake: ${error.message}\n`);
  process.exit(1);
});
