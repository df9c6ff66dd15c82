/**
 * Polls every app's /ready while a scenario runs and remembers the last moment any of them was not
 * ready, so a run can tell how long after a fault every app was ready again.
 */
export class ReadinessMonitor {
  private timer?: NodeJS.Timeout;
  private lastUnreadyAt?: number;
  private lastUnreadyApp?: { app: string; said: string };
  private readonly unready = new Set<string>();
  private polling = false;

  constructor(
    private readonly urls: Record<string, string>,
    private readonly intervalMs = 250,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
  }

  /** Stops polling; resolves when the last poll is done. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    while (this.polling) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /**
   * Seconds from `since` until every app was ready for good; 0 if none was unready after it,
   * undefined if one still was not ready at the last poll.
   */
  readyAgainSecondsAfter(since: number): number | undefined {
    if (this.unready.size > 0) return undefined;
    if (this.lastUnreadyAt === undefined || this.lastUnreadyAt < since) return 0;
    return Math.round((this.lastUnreadyAt + this.intervalMs - since) / 100) / 10;
  }

  /** The app that was unready last and what its /ready said, for the scenario's log. */
  lastUnready(): { readonly app: string; readonly said: string } | undefined {
    return this.lastUnreadyApp;
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      await Promise.all(
        Object.entries(this.urls).map(async ([name, url]) => {
          const answer = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(this.intervalMs * 4) }).then(
            async (response) => ({ ready: response.ok, says: response.ok ? '' : await response.text().catch(() => '') }),
            (error: Error) => ({ ready: false, says: error.message }),
          );
          if (answer.ready) this.unready.delete(name);
          else {
            this.unready.add(name);
            this.lastUnreadyAt = Date.now();
            this.lastUnreadyApp = { app: name, said: answer.says.slice(0, 300) };
          }
        }),
      );
    } finally {
      this.polling = false;
    }
  }
}
