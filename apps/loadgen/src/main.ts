import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Budget, parseOptions, USAGE } from './cli/options';
import { runPlanCommand } from './plan/plan-command';
import { renderHtmlReport } from './report/html-report';
import { terminalSummary } from './report/terminal-summary';
import { DEFAULT_DIST_APPS_DIR } from './run/launch';
import { runMode } from './run/orchestrate';
import { Mode, Progress } from './run/run-load';

function progressLine(progress: Progress): string {
  const done = progress.total === 0 ? 1 : progress.sent / progress.total;
  const bar = '█'.repeat(Math.round(done * 30)).padEnd(30, '░');
  return progress.phase === 'sending'
    ? `${progress.label.padEnd(14)} sending  ${bar} ${progress.sent}/${progress.total} accepted ${progress.accepted}`
    : `${progress.label.padEnd(14)} draining backlog ${progress.backlog ?? 0}`;
}

function progressReporter(): (progress: Progress) => void {
  let lastPrinted = 0;
  return (progress) => {
    const line = progressLine(progress);
    if (process.stderr.isTTY) process.stderr.write(`\r${line.padEnd(90)}`);
    else if (Date.now() - lastPrinted > 5000) {
      lastPrinted = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

async function main(): Promise<number> {
  if (process.argv[2] === 'plan') return runPlanCommand(process.argv.slice(3));
  const options = parseOptions(process.argv.slice(2));
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const modes: Mode[] = options.mode === 'compare' ? ['queue', 'direct'] : [options.mode];
  const plannedRuns = modes.flatMap((mode): { mode: Mode; budget?: Budget }[] => (mode === 'queue' ? options.budgets.map((budget) => ({ mode, budget })) : [{ mode }]));
  const runs = [];
  for (const { mode, budget } of plannedRuns) {
    runs.push(
      await runMode(options, mode, budget, {
        distAppsDir: DEFAULT_DIST_APPS_DIR,
        redisUrl: process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379',
        onProgress: progressReporter(),
        onAppLine: (app, line) => process.stderr.write(`\n[${app}] ${line}\n`),
      }),
    );
    process.stderr.write('\n');
  }
  const generatedAt = new Date().toISOString();
  const machine = `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  mkdirSync(options.out, { recursive: true });
  const jsonPath = join(options.out, 'report.json');
  const htmlPath = join(options.out, 'report.html');
  writeFileSync(jsonPath, JSON.stringify({ generatedAt, machine, runs: runs.map(({ run, verdict }) => ({ verdict, run })) }, null, 2));
  writeFileSync(htmlPath, renderHtmlReport({ generatedAt, machine, runs }));
  process.stdout.write(`${terminalSummary(runs.map(({ verdict }) => verdict))}\n\nReport: ${htmlPath} (data: ${jsonPath})\n`);
  return runs.every(({ verdict }) => verdict.checks.every((check) => check.passed)) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`loadgen: ${error.message}\n`);
    process.exit(2);
  },
);
