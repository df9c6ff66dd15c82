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

/**
 * Raises a memory alarm on the machine's RabbitMQ (the watermark set so low that any use exceeds
 * it) and returns how to clear it: the watermark as it was, restored exactly.
 */
export async function raiseMemoryAlarm(): Promise<() => Promise<void>> {
  const { stdout } = await run('rabbitmqctl', ['eval', 'vm_memory_monitor:get_vm_memory_high_watermark().'], { timeout: 60_000 });
  const previous = stdout.trim();
  const restore = /^\{absolute,\s*(\d+)\}$/.exec(previous);
  const restoreArgs = restore ? ['absolute', restore[1]] : [previous];
  if (!restore && !/^\d+(\.\d+)?$/.test(previous)) throw new Error(`unexpected memory watermark: ${previous}`);
  await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0.0001'], { timeout: 60_000 });
  return async () => {
    await run('rabbitmqctl', ['set_vm_memory_high_watermark', ...restoreArgs], { timeout: 60_000 });
  };
}
