import type { MetricsExposure } from '@bss/observability';

/** Started with MONITORING_ENABLED=false: nothing is recorded, so there is nothing to expose. */
export class MonitoringOffAtStartError extends Error {
  constructor() {
    super('this process was started with MONITORING_ENABLED=false and records no metrics; restart it with MONITORING_ENABLED=true to expose them');
    this.name = 'MonitoringOffAtStartError';
  }
}

/**
 * What the seed's monitoring toggle becomes here: it pauses or resumes this process's GET /metrics,
 * so Prometheus stops or resumes scraping this replica. Recording goes on while paused, so counters
 * continue where they were when it resumes; other replicas and the processors are not affected.
 */
export class MetricsExposureSwitch implements MetricsExposure {
  private exposed: boolean;

  constructor(private readonly recording: boolean) {
    this.exposed = recording;
  }

  isExposed(): boolean {
    return this.exposed;
  }

  /** Flips the exposure and returns the new state. */
  toggle(): boolean {
    if (!this.recording) throw new MonitoringOffAtStartError();
    this.exposed = !this.exposed;
    return this.exposed;
  }
}
