import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

/** Where a raised alarm's undo waits, so that the suite's teardown can still clear it if the run breaks off. */
const WATERMARK_TO_RESTORE = join(__dirname, '../../../../dist/chaos/memory-watermark-to-restore.json');

/**
 * Raises a memory alarm on the machine's RabbitMQ (the watermark set so low that any use exceeds
 * it) and returns how to clear it: the watermark as it was, restored exactly.
 */
export async function raiseMemoryAlarm(): Promise<() => Promise<void>> {
  const { stdout } = await run('rabbitmqctl', ['eval', 'vm_memory_monitor:get_vm_memory_high_watermark().'], { timeout: 60_000 });
  const previous = stdout.trim();
  const absolute = /^\{absolute,\s*(\d+)\}$/.exec(previous);
  if (!absolute && !/^\d+(\.\d+)?$/.test(previous)) throw new Error(`unexpected memory watermark: ${previous}`);
  const restoreArgs = absolute ? ['absolute', absolute[1]] : [previous];
  mkdirSync(dirname(WATERMARK_TO_RESTORE), { recursive: true });
  writeFileSync(WATERMARK_TO_RESTORE, JSON.stringify(restoreArgs));
  await run('rabbitmqctl', ['set_vm_memory_high_watermark', '0.0001'], { timeout: 60_000 });
  return restoreMemoryWatermark;
}

/** Clears a memory alarm raised by raiseMemoryAlarm, if one is still waiting to be cleared. */
export async function restoreMemoryWatermark(): Promise<void> {
  if (!existsSync(WATERMARK_TO_RESTORE)) return;
  const restoreArgs = JSON.parse(readFileSync(WATERMARK_TO_RESTORE, 'utf8')) as string[];
  await run('rabbitmqctl', ['set_vm_memory_high_watermark', ...restoreArgs], { timeout: 60_000 });
  rmSync(WATERMARK_TO_RESTORE);
}
