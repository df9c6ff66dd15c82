import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from './render.mjs';

/** The metric contract of issue 7, and the learned limit of issue 17 (name → type); the dashboard may only query these. */
export const CONTRACT = {
  bss_orders_accepted_total: 'counter',
  bss_orders_rejected_total: 'counter',
  bss_publish_confirm_duration_seconds: 'histogram',
  bss_messages_processed_total: 'counter',
  bss_message_processing_duration_seconds: 'histogram',
  bss_order_end_to_end_seconds: 'histogram',
  bss_retries_total: 'counter',
  bss_dead_letters_total: 'counter',
  bss_limiter_wait_seconds: 'histogram',
  bss_backend_in_flight: 'gauge',
  bss_backend_requests_total: 'counter',
  bss_backend_errors_total: 'counter',
  bss_backend_rate_limit: 'gauge',
  bss_backend_learned_limit: 'gauge',
  bss_queue_length: 'gauge',
  bss_dead_letters_stored: 'gauge',
  bss_dead_letter_replays_total: 'counter',
  bss_backlog_oldest_age_seconds: 'gauge',
  bss_backlog_drain_seconds: 'gauge',
  bss_simulator_requests_total: 'counter',
  bss_simulator_in_flight: 'gauge',
};

/** prom-client's default process metrics, which every app registers without naming them. */
export const DEFAULT_METRICS = { process_resident_memory_bytes: 'gauge', nodejs_eventloop_lag_seconds: 'gauge' };

const HISTOGRAM_SERIES = /_(bucket|count|sum)$/;

/** The metrics a PromQL expression reads, histogram series folded into their histogram's name. */
export function metricsIn(expression) {
  const names = expression.match(/\b(bss|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(names)].map((series) => {
    const histogram = series.replace(HISTOGRAM_SERIES, '');
    return { series, metric: HISTOGRAM_SERIES.test(series) && CONTRACT[histogram] === 'histogram' ? histogram : series };
  });
}

function sourceFiles(directory) {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return entry === 'node_modules' ? [] : sourceFiles(path);
    return /\.ts$/.test(entry) && !/\.spec\.ts$/.test(entry) ? [path] : [];
  });
}

/**
 * The metrics the apps and libs register, name → type, read from their sources (tests excluded):
 * `metrics.counter({ name: 'bss_…' })` and the like. A consumer that merely mentions a name (the ops
 * console's scraper) does not count: a metric renamed where it is registered must fail the check.
 */
export function metricsRegisteredInSources() {
  const registered = {};
  for (const root of ['apps', 'libs']) {
    for (const file of sourceFiles(join(WORKSPACE_ROOT, root))) {
      for (const [, type, name] of readFileSync(file, 'utf8').matchAll(/\.(counter|gauge|histogram)\(\{\s*name:\s*['"`](bss_[a-z0-9_]+)['"`]/g)) registered[name] = type;
    }
  }
  return registered;
}
