import pino from 'pino';

/**
 * Past this many bytes waiting for a slow reader of standard output, new lines are dropped: the
 * process keeps serving instead of blocking on the pipe or growing without bound.
 */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** Longest a stopping process waits for its last lines (a reader that stopped reading must not hold it). */
const FLUSH_GRACE_MS = 2000;

/** The signals an orchestrator or a terminal stops an app with. */
const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT'];

const openDestinations = new Set<AsyncLogDestination>();

/**
 * Writes log lines to a file descriptor without blocking the event loop: a line goes out at once
 * when no write is in progress; lines logged meanwhile collect and leave together in the next
 * write, so under load one system call carries many lines and at rest nothing waits.
 */
export class AsyncLogDestination implements pino.DestinationStream {
  private readonly stream: ReturnType<typeof pino.destination>;
  private idle = true;
  private idleWaiters: (() => void)[] = [];

  constructor(fd: number) {
    // pino registers the stream to be written out synchronously on process exit.
    this.stream = pino.destination({ dest: fd, sync: false, minLength: 0, maxLength: MAX_PENDING_BYTES });
    // With minLength 0 the stream drains only once every pending line is written.
    this.stream.on('drain', () => {
      this.idle = true;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    });
  }

  write(line: string): void {
    this.idle = false;
    this.stream.write(line);
  }

  /** Resolves once every line written so far has reached the file descriptor. */
  flushed(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}

/** The process's standard output as an asynchronous log destination, flushed before a stop signal ends the process. */
export function stdoutLogDestination(): AsyncLogDestination {
  const destination = new AsyncLogDestination(1);
  if (openDestinations.size === 0) flushBeforeStopSignals();
  openDestinations.add(destination);
  return destination;
}

/** Resolves once every line logged to standard output so far is written, or after a grace period. */
export async function flushLogs(): Promise<void> {
  let grace: NodeJS.Timeout | undefined;
  const graceOver = new Promise<void>((resolve) => (grace = setTimeout(resolve, FLUSH_GRACE_MS)));
  await Promise.race([Promise.all([...openDestinations].map((destination) => destination.flushed())), graceOver]);
  clearTimeout(grace);
}

/**
 * NestJS's shutdown hooks close the app on a stop signal, then re-raise it without a listener of
 * their own, which ends the process at once, without the 'exit' event that would flush the logs.
 * This listener stays: while another listener handles the signal it does nothing; when it is the
 * only one (the re-raised signal, or an app without shutdown hooks) it flushes, then re-raises.
 */
function flushBeforeStopSignals(): void {
  const onStopSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    for (const stopSignal of STOP_SIGNALS) process.removeListener(stopSignal, onStopSignal);
    void flushLogs().then(() => process.kill(process.pid, signal));
  };
  for (const signal of STOP_SIGNALS) process.on(signal, onStopSignal);
}
