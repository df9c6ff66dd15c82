import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium, Page } from 'playwright-core';
import { DIST_APPS_DIR } from '../support/system';

const run = promisify(execFile);
const WORKSPACE_ROOT = join(__dirname, '../../../..');
const SCREENSHOTS = { compare: join(WORKSPACE_ROOT, 'docs/images/leveling-report.png'), capacityLoss: join(WORKSPACE_ROOT, 'docs/images/adaptive-budget-report.png') };
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

type Check = { name: string; passed: boolean; detail: string };

interface Verdict {
  mode: 'queue' | 'direct';
  budget?: 'adaptive' | 'static';
  backendPeakRatio: number;
  backendErrorRate: number;
  accounting: { accepted: number; lost: number; appliedTwice: number; failedOutright: number };
  checks: Check[];
  budgetFigures?: {
    capacityUsedInBacklog?: number;
    underReducedCapacityAfterSec?: number;
    backTo90PercentAfterSec?: number;
    fairness: { type: string; shares: number[]; maxDeviation: number }[];
  };
  prediction?: { peakDepthError?: number; drainError?: number; predicted: { peakDepth: number }; measured: { peakDepth: number } };
}

interface LoadgenRun {
  verdicts: Verdict[];
  html: string;
  exitCode: number;
  /** The run of one mode and budget; fails the test when the report has none. */
  of(mode: Verdict['mode'], budget?: Verdict['budget']): Verdict;
}

/** Runs the built load generator as a user would and reads the report it wrote. */
async function loadgen(args: string[]): Promise<LoadgenRun> {
  const out = mkdtempSync(join(tmpdir(), 'loadgen-'));
  let exitCode = 0;
  await run(process.execPath, [join(DIST_APPS_DIR, 'loadgen/main.cjs'), '--launch', '--out', out, ...args], {
    cwd: WORKSPACE_ROOT,
    timeout: 540_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: number }) => {
    exitCode = error.code ?? 1;
  });
  const verdicts = (JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')) as { runs: { verdict: Verdict }[] }).runs.map((entry) => entry.verdict);
  return {
    verdicts,
    html: join(out, 'report.html'),
    exitCode,
    of: (mode, budget) => {
      const verdict = verdicts.find((candidate) => candidate.mode === mode && candidate.budget === budget);
      if (!verdict) throw new Error(`the report has no ${mode} run${budget ? ` with the ${budget} budget` : ''}`);
      return verdict;
    },
  };
}

function expectPredictedWithin15Percent(prediction: Verdict['prediction']): void {
  expect(prediction?.measured.peakDepth).toBeGreaterThan(0);
  expect(Math.abs(prediction?.peakDepthError ?? Infinity)).toBeLessThanOrEqual(0.15);
  expect(Math.abs(prediction?.drainError ?? Infinity)).toBeLessThanOrEqual(0.15);
}

function failedChecks(verdict: Verdict): Check[] {
  return verdict.checks.filter((check) => !check.passed);
}

function expectFairShares(verdict: Verdict, replicas: number): void {
  const fairness = verdict.budgetFigures?.fairness.find((entry) => entry.type === 'MNP');
  expect(fairness?.shares).toHaveLength(replicas);
  expect(fairness?.maxDeviation).toBeLessThanOrEqual(0.2);
}

async function withPage<T>(html: string, use: (page: Page) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${html}`);
    return await use(page);
  } finally {
    await browser.close();
  }
}

const SPIKE = ['--profile', 'spike', '--rate', '20', '--multiplier', '10', '--spike-at', '5', '--spike-for', '10', '--duration', '30', '--capacity', '40'];

describe('the leveling, measured by the load generator', () => {
  let compare: LoadgenRun;
  let capacityLoss: LoadgenRun;

  beforeAll(async () => {
    compare = await loadgen(['--mode', 'compare', '--budget', 'both', ...SPIKE, '--mix', 'SUBSCRIPTION=1,MNP=1', '--replicas', 'mnp-processor=2']);
    capacityLoss = await loadgen(['--mode', 'queue', '--budget', 'both', ...SPIKE, '--mix', 'MNP=1', '--replicas', 'mnp-processor=4', '--capacity-fault', '0.5@20+15']);
  });

  it('a 10× spike through the queue, with the adaptive budget that was never told the capacity: busiest second ≤ capacity, ≥ 90 % of it used while the backlog waited, nothing lost, two MNP replicas sharing it fairly', () => {
    const adaptive = compare.of('queue', 'adaptive');
    expect(adaptive.backendPeakRatio).toBeLessThanOrEqual(1);
    expect(adaptive.budgetFigures?.capacityUsedInBacklog).toBeGreaterThanOrEqual(0.9);
    expect(adaptive.accounting).toMatchObject({ accepted: 20 * 20 + 200 * 10, lost: 0, appliedTwice: 0 });
    expectFairShares(adaptive, 2);
    expect(failedChecks(adaptive)).toEqual([]);
  });

  it('the same spike with the static budget (90 % of capacity, set by hand) stays ≤ 1.05 × capacity with nothing lost', () => {
    const fixed = compare.of('queue', 'static');
    expect(fixed.backendPeakRatio).toBeLessThanOrEqual(1.05);
    expect(fixed.accounting).toMatchObject({ accepted: 20 * 20 + 200 * 10, lost: 0, appliedTwice: 0 });
    expectFairShares(fixed, 2);
    expect(failedChecks(fixed)).toEqual([]);
    expect(compare.exitCode).toBe(0);
  });

  it('capacity halves in the middle of a backlog: the adaptive budget is under it within 3 s and uses ≥ 90 % of it within 15 s of its return, four replicas sharing it fairly', () => {
    const adaptive = capacityLoss.of('queue', 'adaptive');
    expect(adaptive.budgetFigures?.underReducedCapacityAfterSec).toBeLessThanOrEqual(3);
    expect(adaptive.budgetFigures?.backTo90PercentAfterSec).toBeLessThanOrEqual(15);
    expect(adaptive.backendPeakRatio).toBeLessThanOrEqual(1);
    expect(adaptive.accounting).toMatchObject({ lost: 0, appliedTwice: 0 });
    expectFairShares(adaptive, 4);
    expect(failedChecks(adaptive)).toEqual([]);
  });

  it('the static budget, beside it, keeps calling at 90 % of a capacity that is gone: the backend is overrun until it returns (nothing lost — the queue still holds)', () => {
    const fixed = capacityLoss.of('queue', 'static');
    expect(fixed.backendPeakRatio).toBeGreaterThan(1.3);
    expect(failedChecks(fixed).map((check) => check.name)).toEqual([expect.stringContaining('busiest backend second')]);
    expect(fixed.accounting).toMatchObject({ lost: 0, appliedTwice: 0 });
    expect(capacityLoss.exitCode).toBe(1);
  });

  it("the capacity planner, given only the run's settings and profile, predicted the static spike's peak depth and drain time within 15 %", () => {
    expectPredictedWithin15Percent(compare.of('queue', 'static').prediction);
  });

  it('and a step profile (MNP only, 20 → 120 → 20 orders/s) the same way', async () => {
    const stepped = await loadgen(['--mode', 'queue', '--budget', 'static', '--profile', 'step', '--levels', '20,120,20', '--step-sec', '10', '--capacity', '40', '--mix', 'MNP=1']);
    const verdict = stepped.of('queue', 'static');
    expect(verdict.accounting.lost).toBe(0);
    expectPredictedWithin15Percent(verdict.prediction);
  });

  it('straight to the backend, the same spike overloads it', () => {
    const direct = compare.of('direct');
    expect(direct.backendPeakRatio).toBeGreaterThan(1.5);
    expect(direct.backendErrorRate).toBeGreaterThan(0.2);
    expect(direct.accounting.failedOutright).toBeGreaterThan(0);
  });

  it('without the shared budget, two replicas with static budgets together do overrun the backend (so the Redis budget is what holds it)', async () => {
    const shortSpike = ['--profile', 'spike', '--rate', '20', '--spike-at', '2', '--spike-for', '4', '--duration', '8', '--capacity', '40'];
    const unshared = await loadgen(['--mode', 'queue', '--budget', 'static', ...shortSpike, '--mix', 'MNP=1', '--replicas', 'mnp-processor=2', '--no-redis']);
    const queue = unshared.of('queue', 'static');
    expect(queue.accounting.lost).toBe(0);
    expect(queue.backendPeakRatio).toBeGreaterThan(1.3);
  });

  it('renders the HTML reports with their charts and the budgets side by side, and saves the screenshots shown in the README', async () => {
    await withPage(compare.html, async (page) => {
      expect(await page.locator('section.run').count()).toBe(3);
      const plotted = await page.locator('svg polyline').evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('data-points'))));
      expect(plotted.length).toBeGreaterThanOrEqual(8);
      expect(plotted.every((points) => points > 20)).toBe(true);
      expect(await page.locator('.checks .fail').count()).toBe(0);
      expect(await page.locator('table.budgets th').allTextContents()).toEqual(expect.arrayContaining(['adaptive', 'static']));
      await page.screenshot({ path: SCREENSHOTS.compare, fullPage: true });
    });
    await withPage(capacityLoss.html, async (page) => {
      expect(await page.locator('table.budgets').textContent()).toContain('under the reduced capacity after');
      expect(await page.locator('figcaption', { hasText: 'the limit the processors learned' }).count()).toBe(1);
      expect(await page.locator('figcaption', { hasText: 'the configured budget' }).count()).toBe(1);
      await page.screenshot({ path: SCREENSHOTS.capacityLoss, fullPage: true });
    });
  });
});
