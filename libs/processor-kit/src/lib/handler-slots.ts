/**
 * At most `size` handlers at once, the rest waiting their turn in arrival order. The consumer may hold
 * more deliveries than that (see OrderQueueServer): those whose handler finished wait for their final
 * lifecycle event's confirm before their ack, and must not keep the next orders from being worked on.
 */
export class HandlerSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly size: number) {}

  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.busy >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.busy += 1;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.busy -= 1;
    }
  }
}
