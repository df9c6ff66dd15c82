import { OrderType } from '@bss/contracts';
import { formatRelativeError, measuredDepth, PredictionCheck } from '../plan/prediction-check';
import { RunResult } from '../run/run-load';
import { capacityAt } from './budget-figures';
import { alignedSeries, formatFactor, typesIn, Verdict } from './verdict';
import { barChart, escapeHtml, lineChart, REPORT_STYLE, TYPE_COLORS } from './svg-charts';
import { LatencySummary } from '@bss/observability';

export interface ReportInput {
  readonly generatedAt: string;
  readonly machine: string;
  readonly runs: readonly { run: RunResult; verdict: Verdict }[];
}

function ms(value: number | undefined): string {
  return value === undefined ? '–' : `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

function latencyRow(name: string, latency: LatencySummary): string {
  return `<tr><th>${name}</th><td>${ms(latency.p50)}</td><td>${ms(latency.p90)}</td><td>${ms(latency.p99)}</td><td>${ms(latency.max)}</td><td>${latency.count}</td></tr>`;
}

/** The capacity planner's prediction of this run (its settings and profile only) beside what the run measured. */
function predictionSection(prediction: PredictionCheck, run: RunResult, length: number): string {
  const { predicted, measured } = prediction;
  return `<table class="prediction"><caption>Capacity planner (simulated from the settings, not run) vs this run</caption>
    <tr><th></th><th>predicted</th><th>measured</th><th>off by</th></tr>
    <tr><th>peak depth, all types</th><td>${Math.round(predicted.peakDepth)}</td><td>${Math.round(measured.peakDepth)}</td><td>${formatRelativeError(prediction.peakDepthError)}</td></tr>
    <tr><th>drain time from the peak</th><td>${predicted.drainSec ?? '–'} s</td><td>${measured.drainSec ?? '–'} s</td><td>${formatRelativeError(prediction.drainError)}</td></tr>
  </table>
  ${lineChart({
    title: 'Queue depth, all types: planner vs measured',
    yLabel: 'orders',
    series: [
      { name: 'planner', color: '#9ca3af', values: prediction.predictedDepth.slice(0, length) },
      { name: 'measured', color: '#111827', values: measuredDepth(run).slice(0, length) },
    ],
  })}`;
}

function runTitle(run: Pick<RunResult, 'mode' | 'budget'>): string {
  if (run.mode === 'direct') return 'Straight to the backend (no queue)';
  return run.budget ? `Through the queue — ${run.budget} budget` : 'Through the queue';
}

/** Capacity, the limit the processors allowed themselves (learned or configured), and what the backend took, per second, summed over the types. */
function learnedLimitChart(run: RunResult, seconds: readonly number[], backend: readonly number[]): string {
  if (run.learnedLimit.length === 0) return '';
  const types = typesIn(run) as OrderType[];
  const limitAt = new Map(run.learnedLimit.map((sample) => [sample.second, sample.limit]));
  const learned = run.budget === 'adaptive';
  return lineChart({
    title: learned ? 'Capacity vs the limit the processors learned (all types)' : 'Capacity vs the configured budget (all types)',
    yLabel: 'orders / s',
    series: [
      { name: 'capacity', color: '#9ca3af', values: seconds.map((second) => types.reduce((sum, type) => sum + capacityAt(run, type, second), 0)) },
      { name: learned ? 'learned limit' : 'budget', color: '#2563eb', values: seconds.map((second) => types.reduce((sum, type) => sum + (limitAt.get(second)?.[type] ?? 0), 0)) },
      { name: 'backend', color: '#dc2626', values: backend },
    ],
  });
}

function percent(value: number | undefined): string {
  return value === undefined ? '–' : `${(value * 100).toFixed(1)} %`;
}

/** The queue runs of the budgets side by side: the figures the adaptive budget is held to. */
function budgetComparison(runs: ReportInput['runs']): string {
  const queueRuns = runs.filter(({ run }) => run.mode === 'queue' && run.budget);
  if (queueRuns.length < 2) return '';
  const row = (name: string, cell: (verdict: Verdict) => string) => `<tr><th>${name}</th>${queueRuns.map(({ verdict }) => `<td>${cell(verdict)}</td>`).join('')}</tr>`;
  const seconds = (value: number | undefined) => (value === undefined ? '–' : `${value} s`);
  return `<table class="budgets"><caption>The budgets side by side (same profile, seed and backend)</caption>
    <tr><th></th>${queueRuns.map(({ run }) => `<th>${escapeHtml(run.budget ?? '')}</th>`).join('')}</tr>
    ${row('busiest backend second ÷ capacity', (verdict) => verdict.backendPeakRatio.toFixed(3))}
    ${row('capacity used while a backlog waited', (verdict) => percent(verdict.budgetFigures?.capacityUsedInBacklog))}
    ${row('time to drain the backlog', (verdict) => `${verdict.drainSeconds.toFixed(1)} s`)}
    ${row('backend error rate', (verdict) => percent(verdict.backendErrorRate))}
    ${queueRuns.some(({ run }) => run.capacityFault) ? row('under the reduced capacity after', (verdict) => seconds(verdict.budgetFigures?.underReducedCapacityAfterSec)) : ''}
    ${queueRuns.some(({ run }) => run.capacityFault) ? row('≥ 90 % of capacity again after its return', (verdict) => seconds(verdict.budgetFigures?.backTo90PercentAfterSec)) : ''}
    ${row('replicas: largest distance from an even share', (verdict) => {
      const fairness = verdict.budgetFigures?.fairness ?? [];
      return fairness.length === 0 ? '–' : fairness.map((entry) => `${entry.type} ${percent(entry.maxDeviation)}`).join(', ');
    })}
    ${row('lost · applied twice', (verdict) => `${verdict.accounting.lost} · ${verdict.accounting.appliedTwice}`)}
  </table>`;
}

function runColumn({ run, verdict }: { run: RunResult; verdict: Verdict }): string {
  const series = alignedSeries(run);
  const types = typesIn(run) as OrderType[];
  const capacity = types.reduce((sum, type) => sum + run.capacity[type].ratePerSecond, 0);
  const depthSeries = types.map((type) => ({
    name: type,
    color: TYPE_COLORS[type] ?? '#555',
    values: series.seconds.map((second) => run.queueDepth.find((sample) => sample.second === second)?.depth[type] ?? 0),
  }));
  const checks = verdict.checks
    .map((check) => `<li class="${check.passed ? 'pass' : 'fail'}">${check.passed ? '✔' : '✘'} ${escapeHtml(check.name)}: <b>${escapeHtml(check.detail)}</b></li>`)
    .join('');
  const a = verdict.accounting;
  return `<section class="run ${run.mode}">
  <h2>${escapeHtml(runTitle(run))}</h2>
  <ul class="checks">${checks}</ul>
  <table class="facts">
    <tr><th>backend peak ÷ capacity</th><td>${verdict.backendPeakRatio.toFixed(3)}</td></tr>
    <tr><th>smoothing factor (var offered ÷ var backend)</th><td>${escapeHtml(formatFactor(verdict.smoothingFactor))}</td></tr>
    <tr><th>offered peak / backend peak (per s)</th><td>${verdict.offeredPeak} / ${verdict.backendPeak}</td></tr>
    <tr><th>accepted · applied · business-rejected</th><td>${a.accepted} · ${a.applied} · ${a.rejectedByBusiness}</td></tr>
    <tr><th>lost · applied twice · dead-lettered</th><td>${a.lost} · ${a.appliedTwice} · ${a.deadLettered}</td></tr>
    <tr><th>refused or failed outright</th><td>${a.failedOutright}</td></tr>
    <tr><th>backend error rate</th><td>${(verdict.backendErrorRate * 100).toFixed(1)} %</td></tr>
    <tr><th>time to drain the backlog</th><td>${run.mode === 'queue' ? `${verdict.drainSeconds.toFixed(1)} s` : '–'}</td></tr>
    ${verdict.budgetFigures ? `<tr><th>capacity used while a backlog waited</th><td>${percent(verdict.budgetFigures.capacityUsedInBacklog)}</td></tr>` : ''}
  </table>
  ${lineChart({
    title: 'Offered rate vs backend rate',
    yLabel: 'orders / s',
    series: [
      { name: 'offered', color: '#9ca3af', values: series.offered },
      { name: run.mode === 'queue' ? 'accepted (202)' : 'answered with an outcome', color: '#16a34a', values: series.seconds.map((second) => run.intake.find((entry) => entry.second === second)?.accepted ?? 0) },
      { name: 'backend', color: '#dc2626', values: series.backend },
    ],
    guide: { value: capacity, label: `capacity ${capacity}/s` },
  })}
  ${learnedLimitChart(run, series.seconds, series.backend)}
  ${run.mode === 'queue' ? lineChart({ title: 'Queue depth (orders waiting, sampled every second)', yLabel: 'orders', series: depthSeries }) : ''}
  ${verdict.prediction ? predictionSection(verdict.prediction, run, series.seconds.length) : ''}
  ${lineChart({ title: 'Backend errors', yLabel: 'errors / s', series: [{ name: 'errors (503, 504)', color: '#7c3aed', values: series.backendErrors }] })}
  ${barChart({
    title: 'Latency percentiles',
    unit: 'ms',
    groups: [
      { label: run.mode === 'queue' ? 'intake (HTTP 202)' : 'backend call', latency: verdict.intakeLatencyMs },
      ...(run.mode === 'queue' ? [{ label: 'end to end (accepted → applied)', latency: verdict.endToEndLatencyMs }] : []),
    ].map(({ label, latency }) => ({ label, bars: [{ name: 'p50', value: latency.p50 }, { name: 'p99', value: latency.p99 }, { name: 'max', value: latency.max }] })),
  })}
  <table class="latency"><caption>Latency</caption><tr><th></th><th>p50</th><th>p90</th><th>p99</th><th>max</th><th>n</th></tr>
    ${latencyRow(run.mode === 'queue' ? 'intake (HTTP 202)' : 'backend call', verdict.intakeLatencyMs)}
    ${run.mode === 'queue' ? latencyRow('end to end (accepted → applied)', verdict.endToEndLatencyMs) : ''}
  </table>
</section>`;
}

/** One HTML file with everything inline: open it offline, mail it, attach it to a ticket. */
export function renderHtmlReport(input: ReportInput): string {
  const profile = input.runs[0]?.run.profile ?? '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Load leveling report — ${escapeHtml(input.generatedAt)}</title>
<style>${REPORT_STYLE}
  .runs { display: grid; grid-template-columns: repeat(${Math.max(1, input.runs.length)}, minmax(560px, 1fr)); gap: 24px; }</style></head>
<body>
<h1>Queue-based load leveling: verification report</h1>
<div class="meta">${escapeHtml(profile)} · generated ${escapeHtml(input.generatedAt)} · ${escapeHtml(input.machine)}</div>
${budgetComparison(input.runs)}
<div class="runs">${input.runs.map(runColumn).join('\n')}</div>
</body></html>
`;
}
