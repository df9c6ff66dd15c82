import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { DIST_APPS_DIR } from '../support/system';

const run = promisify(execFile);
const WORKSPACE_ROOT = join(__dirname, '../../../..');
const SCREENSHOT = join(WORKSPACE_ROOT, 'docs/images/leveling-report.png');
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

interface ReportJson {
  runs: {
    verdict: {
      mode: 'queue' | 'direct';
      backendPeakRatio: number;
      smoothingFactor: number | null;
      backendErrorRate: number;
      accounting: { accepted: number; lost: number; appliedTwice: number; failedOutright: number };
      checks: { name: string; passed: boolean }[];
      prediction?: { peakDepthError?: number; drainError?: number; predicted: { peakDepth: number }; measured: { peakDepth: number } };
    };
  }[];
}

/** Runs the built load generator as a user would and reads the report it wrote. */
async function loadgen(args: string[]): Promise<{ report: ReportJson; html: string; exitCode: number }> {
  const out = mkdtempSync(join(tmpdir(), 'loadgen-'));
  let exitCode = 0;
  await run(process.execPath, [join(DIST_APPS_DIR, 'loadgen/main.cjs'), '--launch', '--out', out, ...args], {
    cwd: WORKSPACE_ROOT,
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  }).catch((error: { code?: number }) => {
    exitCode = error.code ?? 1;
  });
  return { report: JSON.parse(readFileSync(join(out, 'report.json'), 'utf8')), html: join(out, 'report.html'), exitCode };
}

function expectPredictedWithin15Percent(prediction: ReportJson['runs'][number]['verdict']['prediction']): void {
  expect(prediction?.measured.peakDepth).toBeGreaterThan(0);
  expect(Math.abs(prediction?.peakDepthError ?? Infinity)).toBeLessThanOrEqual(0.15);
  expect(Math.abs(prediction?.drainError ?? Infinity)).toBeLessThanOrEqual(0.15);
}

const SPIKE = ['--profile', 'spike', '--rate', '20', '--multiplier', '10', '--spike-at', '5', '--spike-for', '10', '--duration', '30', '--capacity', '40', '--mix', 'SUBSCRIPTION=1,MNP=1'];

describe('the leveling, measured by the load generator', () => {
  let compare: Awaited<ReturnType<typeof loadgen>>;

  beforeAll(async () => {
    compare = await loadgen(['--mode', 'compare', ...SPIKE, '--replicas', 'mnp-processor=2']);
  });

  it('through the queue, a 10× spike reaches the backend at ≤ 1.05 × capacity with nothing lost — two MNP replicas sharing one budget', () => {
    const queue = compare.report.runs.find((entry) => entry.verdict.mode === 'queue')?.verdict;
    expect(queue?.backendPeakRatio).toBeLessThanOrEqual(1.05);
    expect(queue?.accounting).toMatchObject({ lost: 0, appliedTwice: 0 });
    expect(queue?.accounting.accepted).toBe(20 * 20 + 200 * 10);
    expect(queue?.checks.every((check) => check.passed)).toBe(true);
    expect(compare.exitCode).toBe(0);
  });

  it("the capacity planner, given only the run's settings and profile, predicted the spike's peak depth and drain time within 15 %", () => {
    const prediction = compare.report.runs.find((entry) => entry.verdict.mode === 'queue')?.verdict.prediction;
    expectPredictedWithin15Percent(prediction);
  });

  it('and a step profile (MNP only, 20 → 120 → 20 orders/s) the same way', async () => {
    const stepped = await loadgen(['--mode', 'queue', '--profile', 'step', '--levels', '20,120,20', '--step-sec', '10', '--capacity', '40', '--mix', 'MNP=1']);
    const { prediction, accounting } = stepped.report.runs[0].verdict;
    expect(accounting.lost).toBe(0);
    expectPredictedWithin15Percent(prediction);
  });

  it('straight to the backend, the same spike overloads it', () => {
    const direct = compare.report.runs.find((entry) => entry.verdict.mode === 'direct')?.verdict;
    expect(direct?.backendPeakRatio).toBeGreaterThan(1.5);
    expect(direct?.backendErrorRate).toBeGreaterThan(0.2);
    expect(direct?.accounting.failedOutright).toBeGreaterThan(0);
  });

  it('without the shared budget, two replicas together do overrun the backend (so the Redis budget is what holds it)', async () => {
    const shortSpike = ['--profile', 'spike', '--rate', '20', '--spike-at', '2', '--spike-for', '4', '--duration', '8', '--capacity', '40'];
    const unshared = await loadgen(['--mode', 'queue', ...shortSpike, '--mix', 'MNP=1', '--replicas', 'mnp-processor=2', '--no-redis']);
    const queue = unshared.report.runs[0].verdict;
    expect(queue.accounting.lost).toBe(0);
    expect(queue.backendPeakRatio).toBeGreaterThan(1.3);
  });

  it('renders the HTML report with its charts, and saves the screenshot shown in the README', async () => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      await page.goto(`file://${compare.html}`);
      expect(await page.locator('section.run').count()).toBe(2);
      const plotted = await page.locator('svg polyline').evaluateAll((lines) => lines.map((line) => Number(line.getAttribute('data-points'))));
      expect(plotted.length).toBeGreaterThanOrEqual(5);
      expect(plotted.every((points) => points > 20)).toBe(true);
      expect(await page.locator('.checks .fail').count()).toBe(0);
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
