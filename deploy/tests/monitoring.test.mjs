import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { CONTRACT, DEFAULT_METRICS, metricsIn, metricsRegisteredInSources } from './metric-contract.mjs';
import { DEPLOY_DIR, renderBaseWith, renderOverlay } from './render.mjs';
import { unknownFieldErrors, validateAgainstModel } from './schemas.mjs';
import { admits, podsOf, selects } from './selection.mjs';

// Ajv 8 (a devDependency), JSON Schema draft-07 by default.
const Ajv = createRequire(import.meta.url)('ajv').default;
const DASHBOARD_FILE = join(DEPLOY_DIR, 'components/monitoring/dashboards/bss-load-leveling.json');
const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
const validateDashboard = new Ajv({ allErrors: true, strict: true }).compile(JSON.parse(readFileSync(join(DEPLOY_DIR, 'tests/grafana-dashboard.schema.json'), 'utf8')));
const APP_COMPONENTS = ['intake', 'processor', 'operations'];
const PROMETHEUS_NAMESPACE = { 'kubernetes.io/metadata.name': 'monitoring' };
/** What the issue asks the dashboard to show: each of these metrics is in some panel. */
const SHOWN = [
  'bss_queue_length',
  'bss_orders_accepted_total',
  'bss_orders_rejected_total',
  'bss_messages_processed_total',
  'bss_message_processing_duration_seconds_bucket',
  'bss_order_end_to_end_seconds_bucket',
  'bss_publish_confirm_duration_seconds_bucket',
  'bss_retries_total',
  'bss_dead_letters_total',
  'bss_limiter_wait_seconds_bucket',
  'bss_backend_requests_total',
  'bss_backend_rate_limit',
  'bss_backend_learned_limit',
  'bss_backend_errors_total',
  'bss_dead_letters_stored',
  'bss_backlog_oldest_age_seconds',
  'bss_backlog_drain_seconds',
  'process_resident_memory_bytes',
];

/** Brackets of a PromQL expression close in order (label values hold none of them). */
function balanced(expression) {
  const open = [];
  for (const character of expression) {
    if ('([{'.includes(character)) open.push(character);
    else if (')]}'.includes(character) && open.pop() !== '([{'[')]}'.indexOf(character)]) return false;
  }
  return open.length === 0;
}

const expressions = dashboard.panels.flatMap((panel) => panel.targets.map((target) => ({ panel: panel.title, expr: target.expr })));

for (const [name, render] of /** @type {[string, () => any[]][]} */ ([
  ['the production overlay', () => renderOverlay('production')],
  ['the base with the monitoring component', () => renderBaseWith('monitoring')],
])) {
  describe(`monitoring in ${name}`, () => {
    const objects = render();
    const monitors = objects.filter((object) => object.kind === 'PodMonitor' || object.kind === 'ServiceMonitor');

    test('its PodMonitor validates against the Prometheus Operator schema, with no unknown field', async () => {
      assert.ok(monitors.length > 0);
      for (const monitor of monitors) assert.equal(await validateAgainstModel(monitor), true);
      assert.deepEqual(unknownFieldErrors(monitors), []);
    });

    test("every app's pods are scraped at /metrics on a port they declare, and Prometheus may reach it", () => {
      const apps = podsOf(objects).filter((pod) => APP_COMPONENTS.includes(pod.metadata.labels['app.kubernetes.io/component']));
      assert.ok(apps.length >= 6);
      for (const pod of apps) {
        const podMonitors = monitors.filter((monitor) => monitor.kind === 'PodMonitor' && selects(monitor.spec.selector, pod.metadata.labels));
        assert.equal(podMonitors.length, 1, `${pod.name} is scraped by ${podMonitors.length} PodMonitors`);
        const [endpoint] = podMonitors[0].spec.podMetricsEndpoints;
        assert.equal(endpoint.path, '/metrics');
        const port = pod.spec.containers[0].ports.find((declared) => declared.name === endpoint.port);
        assert.ok(port, `${pod.name} declares no port ${endpoint.port}`);
        assert.ok(admits(objects, { fromNamespace: PROMETHEUS_NAMESPACE }, pod.metadata.labels, { name: port.name, port: port.containerPort }), `Prometheus may not scrape ${pod.name}`);
      }
    });

    test('the dashboard ships as a ConfigMap the Grafana sidecar picks up', () => {
      const configMaps = objects.filter((object) => object.kind === 'ConfigMap' && object.metadata.labels?.grafana_dashboard === '1');
      assert.equal(configMaps.length, 1);
      assert.deepEqual(JSON.parse(configMaps[0].data['bss-load-leveling.json']), dashboard);
    });
  });
}

test('the unknown-field check catches a misspelt PodMonitor field', () => {
  const [monitor] = renderBaseWith('monitoring').filter((object) => object.kind === 'PodMonitor');
  const misspelt = structuredClone(monitor);
  misspelt.spec.podMetricsEndpoints[0].pathname = '/metrics';
  assert.equal(unknownFieldErrors([misspelt]).length, 1);
});

describe('the Grafana dashboard', () => {
  test('validates strictly against the schema of the dashboard model we use', () => {
    assert.equal(validateDashboard(dashboard), true, JSON.stringify(validateDashboard.errors, null, 2));
  });

  test('the schema rejects an unknown panel field and a panel without gridPos', () => {
    const unknownField = structuredClone(dashboard);
    unknownField.panels[0].gridpos = unknownField.panels[0].gridPos;
    assert.equal(validateDashboard(unknownField), false);
    const withoutGrid = structuredClone(dashboard);
    delete withoutGrid.panels[0].gridPos;
    assert.equal(validateDashboard(withoutGrid), false);
  });

  test('panels have unique ids, refIds unique per panel, and do not overlap', () => {
    assert.equal(new Set(dashboard.panels.map((panel) => panel.id)).size, dashboard.panels.length);
    const cells = new Set();
    for (const panel of dashboard.panels) {
      assert.equal(new Set(panel.targets.map((target) => target.refId)).size, panel.targets.length, panel.title);
      const { x, y, w, h } = panel.gridPos;
      assert.ok(x + w <= 24, panel.title);
      for (let row = y; row < y + h; row++) {
        for (let column = x; column < x + w; column++) {
          assert.ok(!cells.has(`${row}:${column}`), `${panel.title} overlaps another panel`);
          cells.add(`${row}:${column}`);
        }
      }
    }
  });

  test('every query reads only metrics of the contract, and the series kind fits the metric type', () => {
    for (const { panel, expr } of expressions) {
      assert.ok(balanced(expr), `${panel}: unbalanced brackets in ${expr}`);
      const metrics = metricsIn(expr);
      assert.ok(metrics.length > 0, `${panel}: ${expr} reads no metric`);
      for (const { series, metric } of metrics) {
        const type = CONTRACT[metric] ?? DEFAULT_METRICS[metric];
        assert.ok(type, `${panel}: ${series} is not a metric the apps export`);
        if (type === 'histogram') assert.match(series, /_bucket$/, `${panel}: ${series} is a histogram, quantiles need its buckets`);
        if (type === 'counter') assert.match(expr, new RegExp(`(rate|increase)\\(${series}\\b`), `${panel}: ${series} is a counter, read its rate`);
        assert.match(expr, new RegExp(`${series}\\{namespace="\\$namespace"\\}`), `${panel}: ${series} is not filtered to $namespace`);
      }
    }
  });

  test('every bss_ metric it reads is registered so, with the type of the contract, in the sources', () => {
    const registered = metricsRegisteredInSources();
    const read = new Set(expressions.flatMap(({ expr }) => metricsIn(expr).map(({ metric }) => metric)).filter((metric) => metric.startsWith('bss_')));
    assert.ok(read.size > 10);
    assert.deepEqual(
      [...read].filter((metric) => registered[metric] !== CONTRACT[metric]).map((metric) => `${metric}: ${registered[metric] ?? 'not registered'}`),
      [],
    );
  });

  test('it shows queue depth, intake, processing, latency, retries, dead letters, backlog age and drain time, backend load and memory', () => {
    const read = new Set(expressions.flatMap(({ expr }) => metricsIn(expr).map(({ series }) => series)));
    assert.deepEqual(SHOWN.filter((series) => !read.has(series)), []);
  });
});
