import { escapeHtml, lineChart, REPORT_STYLE, TYPE_COLORS } from '../report/svg-charts';
import { PlanResult, TypePlan, TypePlanResult } from './capacity-plan';

const seconds = (value: number | undefined) => (value === undefined ? 'not within the horizon' : `${Math.round(value)} s`);
const whole = (value: number) => Math.round(value).toLocaleString('en-US');

function first503(type: TypePlanResult): string {
  return type.first503AtSec === undefined ? 'never' : `from ${type.first503AtSec} s (${whole(type.refused)} refused)`;
}

/** The plan's findings per type, as printed at the end of `loadgen:plan`. */
export function planSummary(plan: PlanResult, settings: readonly TypePlan[]): string {
  const lines = [`PLAN — ${plan.profile}`];
  for (const type of plan.types) {
    const setting = settings.find((candidate) => candidate.type === type.type);
    lines.push(
      `  ${type.type.padEnd(13)} peak depth ${whole(type.peakDepth)} at ${type.peakAtSec} s · oldest waits ${seconds(type.longestWaitSec)} · drained ${seconds(type.drainSec)} after the peak` +
        ` · replicas up to ${type.maxReplicas} · queue bound needed ${whole(type.queueBoundNeeded)} of ${whole(setting?.queueBound ?? 0)} · 503 ${first503(type)}`,
    );
  }
  lines.push(`  all types     peak depth ${whole(plan.total.peakDepth)} at ${plan.total.peakAtSec} s · drained ${seconds(plan.total.drainSec)} after the peak`);
  return lines.join('\n');
}

function settingsRow(setting: TypePlan): string {
  const scaler = setting.autoscaler
    ? `${setting.autoscaler.minReplicas}–${setting.autoscaler.maxReplicas} replicas, ${setting.autoscaler.queueLengthTarget} per replica, pods ready after ${setting.autoscaler.podStartSec} s`
    : `${setting.replicas} replicas, no autoscaler`;
  return `<tr><th>${escapeHtml(setting.type)}</th><td>${Math.round(setting.share * 100)} %</td><td>${setting.backendCapacityPerSec}/s</td><td>${setting.budgetPerSec || 'none'}</td><td>${setting.concurrency} × ${setting.serviceMs} ms</td><td>${escapeHtml(scaler)}</td></tr>`;
}

function findingsRow(type: TypePlanResult, setting: TypePlan | undefined): string {
  return `<tr><th>${escapeHtml(type.type)}</th><td>${whole(type.peakDepth)} at ${type.peakAtSec} s</td><td>${seconds(type.longestWaitSec)}</td><td>${seconds(type.drainSec)}</td><td>${type.maxReplicas}</td><td>${whole(type.queueBoundNeeded)} of ${whole(setting?.queueBound ?? 0)}</td><td>${escapeHtml(first503(type))}</td></tr>`;
}

function perType(plan: PlanResult, value: (second: TypePlanResult['seconds'][number]) => number) {
  return plan.types.map((type) => ({ name: type.type, color: TYPE_COLORS[type.type] ?? '#555', values: type.seconds.map(value) }));
}

/** The plan as one self-contained HTML page: settings, findings, and the charts over time. */
export function renderPlanHtml(plan: PlanResult, settings: readonly TypePlan[], generatedAt: string): string {
  const offered = Array.from({ length: plan.total.depth.length }, (_, second) => plan.types.reduce((sum, type) => sum + (type.seconds[second]?.offered ?? 0), 0));
  const drained = Array.from({ length: plan.total.depth.length }, (_, second) => plan.types.reduce((sum, type) => sum + (type.seconds[second]?.drained ?? 0), 0));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Capacity plan — ${escapeHtml(plan.profile)}</title>
<style>${REPORT_STYLE}</style></head>
<body>
<h1>Capacity plan</h1>
<div class="meta">${escapeHtml(plan.profile)} · simulated ${generatedAt ? escapeHtml(generatedAt) : ''}, not run</div>
<table><caption>Settings</caption><tr><th>type</th><th>share</th><th>backend</th><th>budget</th><th>concurrency × service</th><th>autoscaler</th></tr>
${settings.map(settingsRow).join('\n')}</table>
<table><caption>Findings</caption><tr><th>type</th><th>peak depth</th><th>oldest order waits</th><th>drained after the peak</th><th>replicas up to</th><th>queue bound needed</th><th>intake answers 503</th></tr>
${plan.types.map((type) => findingsRow(type, settings.find((setting) => setting.type === type.type))).join('\n')}
<tr><th>all</th><td>${whole(plan.total.peakDepth)} at ${plan.total.peakAtSec} s</td><td></td><td>${seconds(plan.total.drainSec)}</td><td></td><td></td><td></td></tr></table>
${lineChart({ title: 'Offered and drained (all types)', yLabel: 'orders / s', series: [{ name: 'offered', color: '#9ca3af', values: offered }, { name: 'drained', color: '#dc2626', values: drained }] })}
${lineChart({ title: 'Queue depth', yLabel: 'orders', series: perType(plan, (second) => second.depth) })}
${lineChart({ title: 'Age of the oldest waiting order', yLabel: 's', series: perType(plan, (second) => second.oldestWaitSec) })}
${lineChart({ title: 'Replicas consuming', yLabel: 'replicas', series: perType(plan, (second) => second.replicas) })}
</body></html>
`;
}
