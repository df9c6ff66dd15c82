import type { BeforeApplicationShutdown } from '@nestjs/common';

/** Something an app needs before it can do its work, e.g. the broker connection and topology. */
export interface ReadinessProbe {
  readonly name: string;
  isReady(): boolean;
  /** Extra facts for the readiness answer; never secrets. */
  describe?(): Record<string, unknown>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');

/**
 * Turned on when the app begins to shut down, so readiness drops before anything stops; then waits
 * `drainDelayMs` so load balancers notice and stop sending before the server closes.
 */
export class ShutdownSignal implements BeforeApplicationShutdown {
  private shuttingDown = false;

  constructor(private readonly drainDelayMs = 0) {}

  begin(): void {
    this.shuttingDown = true;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.begin();
    if (this.drainDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.drainDelayMs));
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
