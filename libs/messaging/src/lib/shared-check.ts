/**
 * Runs a check at most one at a time, and answers every caller with a run that started after it
 * called: callers arriving while a run is under way share the next one. A flood of callers (every
 * nack of a full queue) so costs at most two runs in flight, and nobody gets a stale answer.
 */
export class SharedCheck<T> {
  private running?: Promise<T>;
  private next?: Promise<T>;

  constructor(private readonly check: () => Promise<T>) {}

  run(): Promise<T> {
    if (!this.running) return this.start();
    this.next ??= this.running.then(settled, settled).then(() => {
      this.next = undefined;
      return this.start();
    });
    return this.next;
  }

  private start(): Promise<T> {
    const run = this.check();
    this.running = run;
    const clear = () => {
      if (this.running === run) this.running = undefined;
    };
    run.then(clear, clear);
    return run;
  }
}

function settled(): void {
  return undefined;
}
