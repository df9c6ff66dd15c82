import type { BeforeApplicationShutdown } from '@nestjs/common';

/** Something an app needs before it can do its work, e.g. the broker connection and topology. */
export interface ReadinessProbe {
  readonly name: string;
  isReady(): boolean;
  /** Extra facts for the readiness answer; never secrets. */
  describe?(): Record<string, unknown>;
}

export const READINESS_PROBES = Symbol('READINESS_PROBES');

/** Turned on when the app begins to shut down, so readiness drops before anything stops. */
export class ShutdownSignal implements BeforeApplicationShutdown {
  private shuttingDown = false;

  begin(): void {
    this.shuttingDown = true;
  }

  beforeApplicationShutdown(): void {
    this.begin();
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }
}
