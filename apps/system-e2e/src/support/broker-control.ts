import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Stops and starts the machine's RabbitMQ with the commands that run it here. Only for the chaos
 * suite, which runs alone: any other test would lose its broker too.
 */
export async function stopBroker(): Promise<void> {
  await run('rabbitmqctl', ['stop'], { timeout: 120_000 });
}

/** `-detached` returns before the node registers, so readiness is polled until the node answers. */
export async function startBroker(timeoutMs = 120_000): Promise<void> {
  await run('rabbitmq-server', ['-detached'], { timeout: 60_000 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await run('rabbitmqctl', ['await_startup', '--timeout', '10'], { timeout: 30_000 });
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

export async function canControlBroker(): Promise<boolean> {
  try {
    await run('rabbitmqctl', ['status'], { timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}
