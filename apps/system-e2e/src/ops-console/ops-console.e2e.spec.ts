import { EXAMPLE_PAYLOADS, OrderLifecycleEvent, OrderState, topologyNames } from '@bss/contracts';
import { BrokerProbe, eventually, uniqueTopology } from '@bss/messaging/testing';
import { OrderTrackingStore } from '@bss/order-tracking';
import { freePorts, launchSystem } from '@bss/system-launcher';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { BrowserContext, chromium, Page } from 'playwright-core';
import { DIST_APPS_DIR, postJson, RunningSystem, sendPaced } from '../support/system';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const WORKSPACE_ROOT = join(__dirname, '../../../..');
const DASHBOARD_SCREENSHOT = join(WORKSPACE_ROOT, 'docs/images/ops-console-dashboard.png');
const DEAD_LETTERS_SCREENSHOT = join(WORKSPACE_ROOT, 'docs/images/ops-console-dead-letters.png');
const DATABASE_URL = process.env['TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const OPERATOR_TOKEN = `operator-${randomUUID()}`;
const VIEWER_TOKEN = `viewer-${randomUUID()}`;
/** Low enough that a burst of BURST orders visibly queues up before the processor drains it. */
const BACKEND_RATE = 25;
const BURST = 150;

async function signIn(browser: BrowserContext, url: string, token: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#token', token);
  await page.click('#login button[type=submit]');
  await page.waitForSelector('.card[data-type="MNP"]');
  return page;
}

interface CardShown {
  readonly depth: number;
  readonly arrival: number;
  readonly drain: number;
  /** The limit the MNP replicas allowed themselves (learned; shown after the backend load). */
  readonly learnedLimit: number;
  readonly budgetCap: string;
}

/** The MNP card's figures, read in one go: the card is re-rendered every second. Rates shown as "–" read 0. */
async function mnpCardShown(page: Page): Promise<CardShown> {
  const shown = await page.$eval('.card[data-type="MNP"]', (card) => ({
    depth: card.querySelector('.depth')?.getAttribute('data-depth') ?? '',
    arrival: card.querySelector('.arrival')?.textContent ?? '',
    drain: card.querySelector('.drain')?.textContent ?? '',
    backendLoad: card.querySelector('.backend-load')?.textContent ?? '',
    budgetCap: card.querySelector('.budget-cap')?.textContent ?? '',
  }));
  const rate = (text: string) => Number.parseFloat(text) || 0;
  return {
    depth: Number(shown.depth),
    arrival: rate(shown.arrival),
    drain: rate(shown.drain),
    learnedLimit: rate(shown.backendLoad.split('/ ').at(-1) ?? ''),
    budgetCap: shown.budgetCap,
  };
}

describe('ops console in the browser, on the built system', () => {
  const names = uniqueTopology('ops-ui');
  const schema = `test_ops_ui_${randomUUID().slice(0, 8)}`;
  const trackingSchema = `test_ops_ui_tracking_${randomUUID().slice(0, 8)}`;
  // The order tracker app is not part of this system yet: the test creates its tables and records
  // what it would have recorded from the lifecycle events, straight into the tracking store.
  const tracking = OrderTrackingStore.connect(DATABASE_URL, trackingSchema);
  const userDataDir = mkdtempSync(join(tmpdir(), 'ops-console-chromium-'));
  let system: RunningSystem;
  let browser: BrowserContext;
  let probe: BrokerProbe;
  let consoleUrl: string;

  beforeAll(async () => {
    probe = await BrokerProbe.connect();
    await tracking.migrate();
    const [producer, backend, opsConsole] = await freePorts(3);
    system = await launchSystem({
      distAppsDir: DIST_APPS_DIR,
      env: {
        QUEUE_NAME: names.prefix,
        DATABASE_SCHEMA: schema,
        TRACKING_DATABASE_SCHEMA: trackingSchema,
        OPS_OPERATOR_TOKENS: OPERATOR_TOKEN,
        OPS_VIEWER_TOKENS: VIEWER_TOKEN,
        LOG_LEVEL: 'warn',
        BACKEND_RATE_LIMIT: String(BACKEND_RATE),
        MAX_RETRIES: '1',
        RETRY_BACKOFF_MS: '100',
        SIM_SERVICE_TIME_MS: '2',
      },
      ports: { producer, backend, opsConsole },
    });
    consoleUrl = system.url('ops-console');
    // A persistent context on a fresh directory: the browser starts with a --user-data-dir of its own.
    browser = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      viewport: { width: 1400, height: 1000 },
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await tracking.close();
    await probe.deleteTopology(topologyNames(names.prefix));
    await probe.close();
    rmSync(userDataDir, { recursive: true, force: true });
    const client = new Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.query(`DROP SCHEMA IF EXISTS "${trackingSchema}" CASCADE`);
    await client.end();
  });

  it('shows the MNP queue depth rising during a burst and falling as the processor drains it, at a drain rate above 0', async () => {
    const page = await signIn(browser, consoleUrl, OPERATOR_TOKEN);
    expect(await page.textContent('#role')).toBe('operator');
    const cards: CardShown[] = [];
    const seen: number[] = [];
    let photographed = false;
    const watching = (async () => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        const card = await mnpCardShown(page);
        cards.push(card);
        seen.push(card.depth);
        // Taken while the queue drains, a fifth down from its peak: the picture shows leveling at work,
        // with the rates the burst caused still in their window.
        if (!photographed && Math.max(...seen) >= BURST / 3 && card.depth > 0 && card.depth <= Math.max(...seen) * 0.8 && card.drain > 0 && card.arrival > 0) {
          await page.screenshot({ path: DASHBOARD_SCREENSHOT, fullPage: true });
          photographed = true;
        }
        if (Math.max(...seen) >= BURST / 3 && card.depth === 0) return;
        await page.waitForTimeout(250);
      }
    })();
    const accepted = await sendPaced(BURST, 300, () =>
      postJson(`${system.url('producer-api')}/api/v1/orders`, { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP }),
    );
    expect(accepted.every((response) => response.status === 202)).toBe(true);
    await watching;
    const peak = seen.indexOf(Math.max(...seen));
    expect(seen[peak]).toBeGreaterThanOrEqual(BURST / 3);
    expect(seen.slice(peak)).toContain(0);
    // While the queue is still deep, the dashboard must already show it draining (not a lagging 0.0/s).
    expect(cards.some((card) => card.depth >= BURST / 3 && card.drain > 0)).toBe(true);
    expect(cards.some((card) => card.depth > 0 && card.arrival > 0)).toBe(true);
    // The adaptive budget's learned limit, under its configured cap.
    expect(cards.every((card) => card.budgetCap === `${BACKEND_RATE}/s`)).toBe(true);
    expect(cards.some((card) => card.learnedLimit > 0)).toBe(true);
    expect(Math.max(...cards.map((card) => card.learnedLimit))).toBeLessThanOrEqual(BACKEND_RATE);
    expect(photographed).toBe(true);
    expect(statSync(DASHBOARD_SCREENSHOT).size).toBeGreaterThan(10_000);
    await page.close();
  });

  it('shows a viewer the console with every operator action disabled', async () => {
    const page = await signIn(browser, consoleUrl, VIEWER_TOKEN);
    expect(await page.textContent('#role')).toBe('viewer');
    for (const button of ['#replay-selected', '#purge-selected', '#replay-type', '#purge-type']) {
      expect(await page.isDisabled(button)).toBe(true);
    }
    await page.close();
  });

  it('replays a dead letter from the UI, and the backend applies it exactly once', async () => {
    const backend = system.url('backend-simulator');
    expect((await postJson(`${backend}/api/v1/faults`, { status: 500, types: ['MNP'] }, 'PUT')).status).toBe(200);
    const order = await postJson(`${system.url('producer-api')}/api/v1/orders`, { type: 'MNP', payload: EXAMPLE_PAYLOADS.MNP });
    expect(order.status).toBe(202);
    const orderId = order.body['orderId'] as string;

    const page = await signIn(browser, consoleUrl, OPERATOR_TOKEN);
    await page.selectOption('#filter-type', 'MNP');
    await page.selectOption('#filter-state', 'dead');
    const row = `#dead-letters tr[data-order-id="${orderId}"]`;
    const listed = await eventually(
      async () => {
        await page.click('#filters button[type=submit]');
        await page.waitForTimeout(300);
        return page.locator(row).count();
      },
      (count) => count === 1,
      { timeoutMs: 30_000, intervalMs: 500 },
    );
    expect(listed).toBe(1);
    expect((await fetch(`${backend}/api/v1/ledger/${orderId}`)).status).toBe(404);
    expect((await fetch(`${backend}/api/v1/faults`, { method: 'DELETE' })).status).toBe(204);

    await page.click(`${row} button.show`);
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.textContent('#detail-fields')).toContain('retries-exhausted');
    await page.check(`${row} input[type=checkbox]`);
    await page.click('#replay-selected');
    await page.waitForSelector('#action-result:has-text("1 replayed")');

    const ledger = await eventually(
      async () => {
        const response = await fetch(`${backend}/api/v1/ledger/${orderId}`);
        return response.ok ? ((await response.json()) as { entries: { outcome: string; appliedBy?: string }[] }) : undefined;
      },
      (found) => found !== undefined,
      { timeoutMs: 30_000 },
    );
    expect(ledger?.entries).toEqual([expect.objectContaining({ outcome: 'applied' })]);

    await page.waitForSelector('#detail-history li:has-text("replayed by operator")');
    expect(await page.textContent('#detail-body')).not.toContain(EXAMPLE_PAYLOADS.MNP.customerId);
    await page.selectOption('#filter-state', '');
    await page.click('#filters button[type=submit]');
    await page.waitForSelector(`${row}[data-state="replayed"]`);
    await page.screenshot({ path: DEAD_LETTERS_SCREENSHOT, fullPage: true });

    await page.click('#replay-type');
    await page.waitForSelector('#action-result:has-text("0 replayed")');
    await page.waitForTimeout(2000);
    const again = (await (await fetch(`${backend}/api/v1/ledger/${orderId}`)).json()) as { entries: unknown[] };
    expect(again.entries).toHaveLength(1);
    await page.close();
  });

  it("finds an order by its correlation id and shows its timeline, and the MNP card shows the oldest waiting order's age", async () => {
    const correlationId = `corr-${randomUUID()}`;
    const [waitingId, appliedId] = [randomUUID(), randomUUID()];
    const event = (orderId: string, state: OrderState, attempt = 1, extra: Partial<OrderLifecycleEvent> = {}): OrderLifecycleEvent => ({
      orderId,
      type: 'MNP',
      state,
      at: new Date().toISOString(),
      progress: { generation: 0, attempt, deferrals: 0 },
      correlationId,
      ...extra,
    });
    await tracking.apply([
      event(waitingId, 'accepted', 1, { acceptedAt: new Date(Date.now() - 125_000).toISOString() }),
      event(waitingId, 'queued'),
      event(appliedId, 'accepted', 1, { acceptedAt: new Date().toISOString() }),
      event(appliedId, 'queued'),
      event(appliedId, 'in-progress'),
      event(appliedId, 'retrying', 2, { detail: { reason: 'backend answered 503' } }),
      event(appliedId, 'in-progress', 2),
      event(appliedId, 'applied', 2),
    ]);

    const page = await signIn(browser, consoleUrl, VIEWER_TOKEN);
    await page.waitForSelector('.card[data-type="MNP"] .oldest-age:has-text("min")');
    await page.fill('#order-query', correlationId);
    await page.click('#order-search button[type=submit]');
    const timeline = `.found-order[data-order-id="${appliedId}"] .timeline tbody tr`;
    await page.waitForSelector(`${timeline}[data-state="applied"]`);
    expect(await page.locator('.found-order').count()).toBe(2);
    expect(await page.$$eval(`${timeline} td.state`, (cells) => cells.map((cell) => cell.textContent))).toEqual([
      'accepted',
      'queued',
      'in-progress',
      'retrying',
      'in-progress',
      'applied',
    ]);
    expect(await page.textContent(`${timeline}[data-state="retrying"]`)).toContain('backend answered 503');
    await page.close();
  });
});
