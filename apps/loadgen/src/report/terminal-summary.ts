import { formatFactor, Verdict } from './verdict';

const ms = (value: number | undefined) => (value === undefined ? '–' : `${Math.round(value)} ms`);

/** The verdict lines, as printed at the end of a run. */
export function terminalSummary(verdicts: readonly Verdict[]): string {
  return verdicts
    .map((verdict) => {
      const a = verdict.accounting;
      const lines = [
        `${verdict.mode.toUpperCase()}${verdict.budget ? ` (${verdict.budget} budget)` : ''} — ${verdict.profile}`,
        `  backend peak ÷ capacity   ${verdict.backendPeakRatio.toFixed(3)}   (offered peak ${verdict.offeredPeak}/s, backend peak ${verdict.backendPeak}/s)`,
        `  smoothing factor          ${formatFactor(verdict.smoothingFactor)}`,
        `  accepted ${a.accepted} · applied ${a.applied} · business-rejected ${a.rejectedByBusiness} · dead-lettered ${a.deadLettered} · lost ${a.lost} · applied twice ${a.appliedTwice} · refused/failed ${a.failedOutright}`,
        `  intake latency            p50 ${ms(verdict.intakeLatencyMs.p50)} · p99 ${ms(verdict.intakeLatencyMs.p99)} · max ${ms(verdict.intakeLatencyMs.max)}`,
        verdict.mode === 'queue'
          ? `  end-to-end latency        p50 ${ms(verdict.endToEndLatencyMs.p50)} · p99 ${ms(verdict.endToEndLatencyMs.p99)} · drained ${verdict.drainSeconds.toFixed(1)} s after the last request`
          : `  backend error rate        ${(verdict.backendErrorRate * 100).toFixed(1)} %`,
        ...verdict.checks.map((check) => `  ${check.passed ? 'PASS' : 'FAIL'}  ${check.name}: ${check.detail}`),
      ];
      return lines.join('\n');
    })
    .join('\n\n');
}
