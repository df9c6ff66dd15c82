import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export type MetricLabels<L extends string> = Readonly<Record<L, string>>;

export interface CounterSeries {
  inc(value?: number): void;
}

export interface GaugeSeries {
  set(value: number): void;
  inc(value?: number): void;
  dec(value?: number): void;
}

export interface HistogramSeries {
  observe(value: number): void;
}

/** A metric and its labelled series; `with` returns the same series object for the same labels. */
export interface MetricFamily<L extends string, S> {
  with(labels: MetricLabels<L>): S;
}

export interface MetricSpec<L extends string> {
  readonly name: string;
  readonly help: string;
  readonly labelNames: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  /** Upper bounds in seconds; DEFAULT_SECONDS_BUCKETS when absent. */
  readonly buckets?: readonly number[];
}

/**
 * One process's metrics. Each app creates its own (tests run several apps in one process), defines
 * its metrics once at start-up and records through the returned families.
 */
export interface Metrics {
  /** False when MONITORING_ENABLED=false: recording does nothing and /metrics answers 404. */
  readonly enabled: boolean;
  counter<L extends string>(spec: MetricSpec<L>): MetricFamily<L, CounterSeries>;
  gauge<L extends string>(spec: MetricSpec<L>): MetricFamily<L, GaugeSeries>;
  histogram<L extends string>(spec: HistogramSpec<L>): MetricFamily<L, HistogramSeries>;
  /** Prometheus text exposition of every metric, default process metrics included. */
  exposition(): Promise<string>;
  readonly contentType: string;
}

/** From 5 ms to 5 minutes: covers an intake confirm as well as an order's whole way through the queue. */
export const DEFAULT_SECONDS_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] as const;

export interface MetricsOptions {
  readonly enabled: boolean;
}

export function createMetrics(options: MetricsOptions): Metrics {
  return options.enabled ? new PrometheusMetrics() : DISABLED_METRICS;
}

class PrometheusMetrics implements Metrics {
  readonly enabled = true;
  private readonly registry = new Registry();
  private readonly families = new Map<string, { kind: string; labelNames: readonly string[]; family: unknown }>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  counter<L extends string>(spec: MetricSpec<L>): MetricFamily<L, CounterSeries> {
    return this.defineOnce('counter', spec, () => {
      const counter = new Counter<L>({ name: spec.name, help: spec.help, labelNames: [...spec.labelNames], registers: [this.registry] });
      return cachedFamily(spec.labelNames, (labels) => counter.labels(labels));
    });
  }

  gauge<L extends string>(spec: MetricSpec<L>): MetricFamily<L, GaugeSeries> {
    return this.defineOnce('gauge', spec, () => {
      const gauge = new Gauge<L>({ name: spec.name, help: spec.help, labelNames: [...spec.labelNames], registers: [this.registry] });
      return cachedFamily(spec.labelNames, (labels) => (spec.labelNames.length === 0 ? gauge : gauge.labels(labels)));
    });
  }

  histogram<L extends string>(spec: HistogramSpec<L>): MetricFamily<L, HistogramSeries> {
    return this.defineOnce('histogram', spec, () => {
      const histogram = new Histogram<L>({
        name: spec.name,
        help: spec.help,
        labelNames: [...spec.labelNames],
        buckets: [...(spec.buckets ?? DEFAULT_SECONDS_BUCKETS)],
        registers: [this.registry],
      });
      return cachedFamily(spec.labelNames, (labels) => histogram.labels(labels));
    });
  }

  /** Two parts of an app may declare the same metric: both get the one family. */
  private defineOnce<L extends string, S>(kind: string, spec: MetricSpec<L>, define: () => MetricFamily<L, S>): MetricFamily<L, S> {
    const existing = this.families.get(spec.name);
    if (existing) {
      const sameShape = existing.kind === kind && existing.labelNames.join() === spec.labelNames.join();
      if (!sameShape) throw new Error(`metric ${spec.name} is already defined as a ${existing.kind} with labels [${existing.labelNames.join(', ')}]`);
      return existing.family as MetricFamily<L, S>;
    }
    const family = define();
    this.families.set(spec.name, { kind, labelNames: spec.labelNames, family });
    return family;
  }

  exposition(): Promise<string> {
    return this.registry.metrics();
  }
}

/**
 * prom-client hashes the label object on every call; hot paths (one call per message) look the
 * series up once per label combination instead.
 */
function cachedFamily<L extends string, S>(
  labelNames: readonly L[],
  create: (labels: MetricLabels<L>) => S,
): MetricFamily<L, S> {
  const series = new Map<string, S>();
  return {
    with(labels) {
      const key = labelNames.map((name) => labels[name]).join('\u0000');
      let found = series.get(key);
      if (found === undefined) {
        found = create({ ...labels });
        series.set(key, found);
      }
      return found;
    },
  };
}

const NO_OP_SERIES: CounterSeries & GaugeSeries & HistogramSeries = {
  inc: () => undefined,
  dec: () => undefined,
  set: () => undefined,
  observe: () => undefined,
};

const NO_OP_FAMILY: MetricFamily<string, typeof NO_OP_SERIES> = { with: () => NO_OP_SERIES };

const DISABLED_METRICS: Metrics = {
  enabled: false,
  contentType: 'text/plain',
  counter: () => NO_OP_FAMILY,
  gauge: () => NO_OP_FAMILY,
  histogram: () => NO_OP_FAMILY,
  exposition: async () => '',
};
