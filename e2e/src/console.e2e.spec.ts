import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { p101Readings, sendReadings } from '@twinline/cli';
import { waitFor } from '@twinline/testing';
import type { Page } from 'playwright-core';
import { launchBrowser, saveScreenshot, SCREENSHOT_DIR, type TestBrowser } from './browser';
import { getJson, postJson, startHarness, MQTT_URL, type Harness } from './harness';
import { P101_REGISTRATION, testRegistry } from './registry';

interface ShelveView {
  alarmId: string;
  by: string;
  until: string;
  reason: string;
}
interface AlarmView {
  alarmId: string;
  cause: string;
  state: 'ACTIVE_UNACKED' | 'ACTIVE_ACKED' | 'RETURNED_UNACKED';
  acknowledgedBy: string | null;
  acknowledgedAt: string | null;
  shelved: ShelveView | null;
}
interface AssetView {
  status: string;
  readingsApplied: number;
  /** The ACTIVE alarms (acknowledged or not). */
  activeAlarms: AlarmView[];
  /** Every alarm record that is not NORMAL (ISA-18.2), by cause. */
  alarms: AlarmView[];
  shelves: Record<string, ShelveView>;
}
interface WorkOrderView {
  workOrderId: string;
  status: string;
}

/**
 * The browser globals the page functions below use (the e2e project compiles without the DOM
 * library). Page functions are functions, not strings: the console's CSP forbids eval.
 */
interface PageGlobals {
  document: { body: object; querySelector(selector: string): { getAttribute(name: string): string | null } | null };
  sessionStorage: Record<string, string>;
  localStorage: Record<string, string>;
  MutationObserver: new (callback: () => void) => { observe(target: object, options: object): void };
  __twinlineNoReload?: boolean;
  __alarmShownAt?: number | null;
}

const slug = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 40).replace(/-$/, '');

/** The card of P-101 on the fleet view; its data-status is the twin's status. */
const CARD = 'asset-card-P-101';
/** Every control that changes something carries this class: auditors must see none. */
const WRITE_CONTROL = '.write-control';
/** The issue's requirement: a status change reaches the open fleet view within 2 s, without reload. */
const LIVE_BUDGET_MS = 2_000;
/** The pump's limit alarm (temperature > 80 °C or pressure > 1500 psi); vibration alarms on its own cause. */
const LIMIT_CAUSE = 'THRESHOLD_EXCEEDED';
/** The active limit alarm of the twin (the demo leaves returned, unacknowledged records of earlier episodes too). */
const limitAlarm = (view: AssetView) => view.activeAlarms.find((a) => a.cause === LIMIT_CAUSE);

/**
 * The operations console (issue 7) in a real browser (Debian's headless chromium through
 * playwright-core) against the whole platform as processes: the P-101 demo readings, the fleet,
 * the asset charts with their thresholds, a live ALARM, the acknowledgement, and an auditor who
 * sees no write control. Screenshots of each view go to tmp/screenshots/ (and the asset view to
 * docs/images/console-asset.png with CONSOLE_SCREENSHOTS_TO_DOCS=1).
 */
describe('the operations console in a browser', () => {
  let h: Harness;
  let browser: TestBrowser;
  let operator: Page;
  const registry = testRegistry([{ assetId: 'P-101', registration: P101_REGISTRATION }]);
  const readings = registry.sign(p101Readings({ seqBase: 0 }));

  /** The console: startPlatform starts it as the sixth service, on a free port of the harness. */
  const consoleUrl = () => h.platform.urls.console;
  const twin = () => getJson<AssetView>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator });
  /** The steps build on each other: after one fails, the next ones say so instead of failing on its leftovers. */
  let failedStep: string | null = null;
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async () => {
      if (failedStep !== null) throw new Error(`not run: the earlier step "${failedStep}" failed`);
      try {
        await fn();
      } catch (error) {
        failedStep = name;
        // What each open tab showed when the step failed (tmp/screenshots/, kept as a build artifact).
        const pages = browser?.context.pages() ?? [];
        await Promise.all(pages.map((page, i) => saveScreenshot(page, `console-failed-${slug(name)}-${i}`).catch(() => undefined)));
        throw error;
      }
    });
  /** What went wrong in the browser, for failure messages. */
  const browserProblems = () => (browser.problems.length ? `\nin the browser:\n${browser.problems.slice(-20).join('\n')}` : '');

  /** A new tab signed in with `token` through the sign-in page. */
  async function signIn(token: string): Promise<Page> {
    const page = await browser.newPage();
    await page.goto(consoleUrl());
    await page.getByTestId('signin-token').fill(token);
    await page.getByTestId('signin-submit').click();
    await page.getByTestId('nav-fleet').waitFor({ state: 'visible' });
    return page;
  }

  async function openFleet(page: Page) {
    await page.getByTestId('nav-fleet').click();
    await page.getByTestId(CARD).waitFor({ state: 'visible' });
  }

  /** Through the fleet: the asset's link on its card. */
  async function openAsset(page: Page) {
    await openFleet(page);
    await page.getByTestId(CARD).getByRole('link', { name: 'P-101', exact: true }).click();
    await page.getByTestId('temperature-chart').waitFor({ state: 'visible' });
  }

  async function openWorkOrder(page: Page, workOrderId: string) {
    await page.getByTestId('nav-work-orders').click();
    await page.getByTestId(`wo-card-${workOrderId}`).waitFor({ state: 'visible' });
  }

  /** Through the history view's asset picker. */
  async function openHistory(page: Page) {
    await page.getByTestId('nav-history').click();
    await page.getByTestId('history-asset').fill('P-101');
    await page.getByTestId('history-go').click();
    await page.getByTestId('history-table').waitFor({ state: 'visible' });
  }

  /** The page's one live stream (EventSource on /api/live) is open. */
  async function waitLive(page: Page) {
    await page
      .locator('[data-testid="live-state"][data-state="live"]')
      .waitFor({ state: 'attached', timeout: 10_000 })
      .catch(async (error: Error) => {
        throw new Error(`the live stream did not open: live-state is ${await page.getByTestId('live-state').getAttribute('data-state')} (${error.message})${browserProblems()}`);
      });
  }

  beforeAll(async () => {
    // Screenshots of an earlier run's failures would mislead.
    if (existsSync(SCREENSHOT_DIR)) for (const f of readdirSync(SCREENSHOT_DIR)) if (f.startsWith('console-failed-')) rmSync(join(SCREENSHOT_DIR, f));
    h = await startHarness('e2e_console', registry.env);
    [browser] = await Promise.all([launchBrowser(), sendReadings(readings, { via: 'http', mqttUrl: MQTT_URL, ingestionUrl: h.platform.urls.ingestion, site: 'north-field' })]);
    await waitFor(twin, { accept: (r) => r.status === 200 && r.body.readingsApplied === readings.length, what: 'the ten P-101 readings applied', timeoutMs: 30_000 });
  });
  afterAll(async () => {
    await browser?.close();
    await h?.teardown();
  });

  step('signs an operator in with a token kept in sessionStorage and shows P-101 on the fleet view', async () => {
    operator = await signIn(h.tokens.operator);
    const stored = await operator.evaluate(() => {
      const w = globalThis as unknown as PageGlobals;
      return { session: Object.values(w.sessionStorage), local: Object.values(w.localStorage) };
    });
    expect(stored.session).toContain(h.tokens.operator);
    expect(stored.local).not.toContain(h.tokens.operator);

    await openFleet(operator);
    // The demo table ends within limits: both alarm episodes have cleared.
    await expect(operator.getByTestId(CARD).getAttribute('data-status')).resolves.toBe('OPERATIONAL');
  });

  step('draws the temperature chart and the pressure bars with their threshold lines, and the vibration chart', async () => {
    await openAsset(operator);
    const temperature = operator.getByTestId('temperature-chart');
    const pressure = operator.getByTestId('pressure-chart');
    await temperature.getByTestId('threshold-temperatureC').waitFor({ state: 'attached' });
    await pressure.waitFor({ state: 'visible' });
    await pressure.getByTestId('threshold-pressurePsi').waitFor({ state: 'attached' });
    await operator.getByTestId('vibration-chart').waitFor({ state: 'visible' });

    // What a user waits for a fresh page load of each view (printed for docs/performance.md, never
    // asserted: timings do not decide tests). The token stays in the tab's sessionStorage.
    for (const [view, ready] of [['#/fleet', CARD], ['#/assets/P-101', 'threshold-temperatureC']] as const) {
      await operator.goto('about:blank');
      const started = Date.now();
      await operator.goto(`${consoleUrl()}/${view}`);
      await operator.getByTestId(ready).waitFor({ state: 'attached' });
      process.stdout.write(`console load: ${view} ready ${Date.now() - started} ms after navigation\n`);
    }
  });

  step(`turns the P-101 card to ALARM within ${LIVE_BUDGET_MS} ms of the reading's 202, without reloading the page`, async () => {
    await openFleet(operator);
    await expect(operator.getByTestId(CARD).getAttribute('data-status')).resolves.toBe('OPERATIONAL');
    // The live stream must be open before the reading goes in (it only carries what happens next).
    await waitLive(operator);
    // A marker a reload would wipe, and the moment the card shows ALARM, seen by the page itself.
    await operator.evaluate((card) => {
      const w = globalThis as unknown as PageGlobals;
      w.__twinlineNoReload = true;
      w.__alarmShownAt = null;
      const check = () => {
        if (w.__alarmShownAt === null && w.document.querySelector(`[data-testid="${card}"]`)?.getAttribute('data-status') === 'ALARM') w.__alarmShownAt = Date.now();
      };
      new w.MutationObserver(check).observe(w.document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'] });
    }, CARD);

    // Newer than the demo's last reading (09:00, seq 10) and hotter than the pump's 80 °C limit.
    const [alarmReading] = registry.sign([{ deviceId: 'P-101-edge', assetId: 'P-101', seq: readings.length + 1, ts: '2024-01-01T10:00:00Z', metrics: { temperatureC: 92, pressurePsi: 1250, vibrationMmS: 3.1 } }]);
    const sentAt = Date.now();
    const accepted = await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, alarmReading);
    const acceptedAt = Date.now();
    expect(accepted.status).toBe(202);

    const remaining = Math.max(1, acceptedAt + LIVE_BUDGET_MS - Date.now());
    const waitError = await operator
      .waitForFunction((card) => (globalThis as unknown as PageGlobals).document.querySelector(`[data-testid="${card}"]`)?.getAttribute('data-status') === 'ALARM', CARD, { timeout: remaining, polling: 20 })
      .then(() => null)
      .catch((error: Error) => error);
    const waitedMs = Date.now() - acceptedAt;
    const page = await operator.evaluate((card) => {
      const w = globalThis as unknown as PageGlobals;
      return { shownAt: w.__alarmShownAt ?? null, noReload: w.__twinlineNoReload === true, status: w.document.querySelector(`[data-testid="${card}"]`)?.getAttribute('data-status') ?? null };
    }, CARD);
    if (waitError !== null) {
      const later = await twin();
      throw new Error(`the card did not show ALARM within ${LIVE_BUDGET_MS} ms of the 202: it showed ${page.status} after ${waitedMs} ms (the twin API says ${later.body.status}; live-state ${await operator.getByTestId('live-state').getAttribute('data-state')}): ${waitError.message}${browserProblems()}`);
    }
    expect(page.noReload).toBe(true);
    expect(page.shownAt).not.toBeNull();
    const fromAccepted = page.shownAt! - acceptedAt;
    process.stdout.write(`console live update: card showed ALARM ${fromAccepted} ms after the ingestion 202 (${page.shownAt! - sentAt} ms after the POST was sent; 202 took ${acceptedAt - sentAt} ms)\n`);
    expect(fromAccepted).toBeLessThanOrEqual(LIVE_BUDGET_MS);
    // The status shows first; the card's values and the new alarm follow from the asset's refresh.
    // (The demo left returned, unacknowledged alarms on the card: wait for the new active limit alarm.)
    await operator.getByTestId(CARD).locator(`[data-testid^="alarm-"][data-cause="${LIMIT_CAUSE}"][data-state="ACTIVE_UNACKED"]`).first().waitFor({ state: 'visible', timeout: 5_000 });
    await expect(operator.getByTestId('metric-temperatureC-P-101').textContent()).resolves.toContain('92');
    await saveScreenshot(operator, 'console-fleet');
  });

  step('shows an auditor no write control on the asset view, the work-order board and the history view', async () => {
    const { body: alarmed } = await waitFor(twin, { accept: (r) => r.body.status === 'ALARM' && limitAlarm(r.body) !== undefined, what: `P-101 in ALARM with an active ${LIMIT_CAUSE} alarm` });
    const alarmId = limitAlarm(alarmed)!.alarmId;
    const { body: orders } = await waitFor(() => getJson<{ items: WorkOrderView[] }>(`${h.platform.urls['maintenance-scheduler']}/v1/work-orders?assetId=P-101`, { token: h.tokens.operator }), {
      accept: (r) => r.status === 200 && r.body.items.some((o) => o.status === 'REQUESTED'),
      what: 'a REQUESTED work order for P-101',
    });
    const workOrderId = orders.items.find((o) => o.status === 'REQUESTED')!.workOrderId;

    // What the others see there: the operator may acknowledge the alarm, a planner may move the work order.
    await openAsset(operator);
    await expect(operator.getByTestId(`ack-${alarmId}`).getAttribute('class')).resolves.toMatch(/\bwrite-control\b/);
    const planner = await signIn(h.tokens.planner);
    await openWorkOrder(planner, workOrderId);
    await planner.getByTestId(`wo-approve-${workOrderId}`).waitFor({ state: 'visible' });
    await expect(planner.getByTestId(`wo-approve-${workOrderId}`).getAttribute('class')).resolves.toMatch(/\bwrite-control\b/);
    await planner.close();

    const auditor = await signIn(h.tokens.auditor);
    await openAsset(auditor);
    await auditor.getByTestId('vibration-chart').waitFor({ state: 'visible' });
    await auditor.getByTestId('alarm-list').getByTestId(`alarm-${alarmId}`).waitFor({ state: 'visible' });
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);
    expect(await auditor.getByTestId(`ack-${alarmId}`).count()).toBe(0);

    await openWorkOrder(auditor, workOrderId);
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);

    await openHistory(auditor);
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);
    // Verifying the chain only reads: the auditor's one action here.
    await auditor.getByTestId('verify-chain').click();
    await auditor.locator('[data-testid="verify-result"][data-valid="true"]').waitFor({ state: 'visible' });
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);
    await saveScreenshot(auditor, 'console-history-auditor');
    await auditor.close();
  });

  step('lets the operator acknowledge the alarm, which the twin API then shows', async () => {
    const alarmId = limitAlarm((await twin()).body)!.alarmId;
    await openAsset(operator);
    await expect(operator.getByTestId(`alarm-${alarmId}`).getAttribute('data-state')).resolves.toBe('ACTIVE_UNACKED');
    await operator.getByTestId(`ack-${alarmId}`).click();
    const { body } = await waitFor(twin, { accept: (r) => limitAlarm(r.body)?.acknowledgedBy != null, what: `the acknowledgement of ${alarmId} in the twin API${browserProblems()}` });
    expect(limitAlarm(body)).toMatchObject({ alarmId, state: 'ACTIVE_ACKED', acknowledgedBy: 'user:operator' });
    // Acknowledged once: the button goes away and the alarm says who.
    await operator.getByTestId(`ack-${alarmId}`).waitFor({ state: 'detached' });
    await operator.locator(`[data-testid="alarm-${alarmId}"][data-acknowledged="true"][data-state="ACTIVE_ACKED"]`).waitFor({ state: 'visible' });
    await saveScreenshot(operator, 'console-asset', 'console-asset');
  });

  step('lets the operator shelve the alarm in a dialog (refused beyond the profile\'s maxShelveSeconds, naming the field), which the twin API then shows; an auditor sees the shelve but no control', async () => {
    const alarmId = limitAlarm((await twin()).body)!.alarmId;
    // The longest shelve, as the console reads it: the pump profile's alarmPolicy through the console's API.
    const profile = await getJson<{ alarmPolicy: { maxShelveSeconds: number } }>(`${consoleUrl()}/api/profiles/pump`, { token: h.tokens.operator });
    expect(profile.status).toBe(200);
    const maxMinutes = Math.floor(profile.body.alarmPolicy.maxShelveSeconds / 60);
    expect(maxMinutes).toBeGreaterThan(30);

    await openAsset(operator);
    await operator.getByTestId(`shelve-${alarmId}`).click();
    const dialog = operator.getByTestId('shelve-dialog');
    await dialog.waitFor({ state: 'visible' });
    await expect(dialog.textContent()).resolves.toContain(`maxShelveSeconds ${profile.body.alarmPolicy.maxShelveSeconds}`);
    // Too long: twin-state's 400 problem shows in the dialog, naming the field; the dialog stays open.
    const problemsBefore = browser.problems.length;
    await dialog.getByTestId('dlg-durationMinutes').fill(String(maxMinutes + 1));
    await dialog.getByTestId('dlg-reason').fill('pump on test run, alarm expected');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.locator('.notice-error').filter({ hasText: 'durationMinutes' }).waitFor({ state: 'visible' });
    await expect(dialog.locator('.notice-error').textContent()).resolves.toMatch(/at most/);
    expect((await twin()).body.shelves).toEqual({});
    // The browser logs the refused request (400) as a console error: expected here, not a problem.
    browser.problems.splice(problemsBefore, browser.problems.length - problemsBefore, ...browser.problems.slice(problemsBefore).filter((p) => !/status of 400/.test(p)));

    await dialog.getByTestId('dlg-durationMinutes').fill('30');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const { body } = await waitFor(twin, { accept: (r) => Object.hasOwn(r.body.shelves, LIMIT_CAUSE), what: `the shelve of ${alarmId} in the twin API${browserProblems()}` });
    expect(body.shelves[LIMIT_CAUSE]).toMatchObject({ alarmId, by: 'user:operator', reason: 'pump on test run, alarm expected' });
    const minutes = (Date.parse(body.shelves[LIMIT_CAUSE]!.until) - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(25);
    expect(minutes).toBeLessThanOrEqual(30);
    expect(body.alarms.find((a) => a.alarmId === alarmId)?.shelved).toMatchObject({ by: 'user:operator' });

    // The asset view shows it shelved, with Unshelve instead of Shelve.
    await operator.locator(`[data-testid="alarm-${alarmId}"][data-shelved="true"]`).waitFor({ state: 'visible' });
    await operator.getByTestId(`unshelve-${alarmId}`).waitFor({ state: 'visible' });
    await expect(operator.getByTestId(`shelved-${alarmId}`).textContent()).resolves.toContain('by user:operator');
    await saveScreenshot(operator, 'console-asset-shelved');

    const auditor = await signIn(h.tokens.auditor);
    await openAsset(auditor);
    await auditor.locator(`[data-testid="alarm-${alarmId}"][data-shelved="true"]`).waitFor({ state: 'visible' });
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);
    expect(await auditor.getByTestId(`unshelve-${alarmId}`).count()).toBe(0);
    // The alarm KPIs are the auditor's to read too.
    await auditor.getByTestId('nav-alarm-kpis').click();
    await auditor.locator('[data-testid="kpi-none"], [data-testid^="kpi-site-"] table').first().waitFor({ state: 'visible' });
    expect(await auditor.locator(WRITE_CONTROL).count()).toBe(0);
    await saveScreenshot(auditor, 'console-alarm-kpis');
    await auditor.close();
  });

  step('lets the operator take an alarm cause out of service (dialog) and return it, as the twin API shows', async () => {
    const cause = 'NO_DATA';
    await openAsset(operator);
    await operator.getByTestId(`out-of-service-${cause}`).click();
    const dialog = operator.getByTestId('out-of-service-dialog');
    await dialog.getByTestId('dlg-reason').fill('data logger replaced');
    await dialog.getByTestId('dialog-submit').click();
    await dialog.waitFor({ state: 'detached' });
    const { body } = await waitFor(() => getJson<AssetView & { outOfService: Record<string, { by: string; reason: string }> }>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator }), {
      accept: (r) => Object.hasOwn(r.body.outOfService ?? {}, cause),
      what: `${cause} out of service in the twin API${browserProblems()}`,
    });
    expect(body.outOfService[cause]).toMatchObject({ by: 'user:operator', reason: 'data logger replaced' });
    await operator.locator(`[data-testid="cause-${cause}"][data-in-service="false"]`).waitFor({ state: 'visible' });
    await operator.getByTestId(`in-service-${cause}`).click();
    await waitFor(() => getJson<{ outOfService: Record<string, unknown> }>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator }), {
      accept: (r) => !Object.hasOwn(r.body.outOfService ?? {}, cause),
      what: `${cause} back in service in the twin API${browserProblems()}`,
    });
    await operator.locator(`[data-testid="cause-${cause}"][data-in-service="true"]`).waitFor({ state: 'visible' });
  });

  step('fills the fleet\'s "Predicted breach" from the twin\'s prediction slice (the earliest FailurePredicted in force)', async () => {
    type Prediction = { failures: Record<string, { predictedFailureAt: string; cause: string }>; rul: { rulHours: number } | null };
    const prediction = async () => getJson<{ prediction?: Prediction }>(`${h.platform.urls['twin-state']}/v1/assets/P-101`, { token: h.tokens.operator });
    // A day later, temperature climbs 4 °C an hour from 60 °C, still under the 80 °C limit: seven readings half an
    // hour apart give the twin's trend (30-minute buckets, at least 6 points) a crossing about 2 h after the last one.
    // (Vibration moves a little: integrity calls a vibration sensor that repeats one value for an hour stuck.)
    const rising = registry.sign(
      Array.from({ length: 7 }, (_, i) => ({ deviceId: 'P-101-edge', assetId: 'P-101', seq: readings.length + 2 + i, ts: new Date(Date.UTC(2024, 0, 2, 12, 30 * i)).toISOString(), metrics: { temperatureC: 60 + 2 * i, pressurePsi: 1250, vibrationMmS: i % 2 === 0 ? 2.0 : 2.1 } })),
    );
    for (const reading of rising) expect((await postJson(`${h.platform.urls.ingestion}/v1/telemetry`, reading)).status).toBe(202);
    const { body } = await waitFor(prediction, {
      accept: (r) => r.status === 200 && Object.keys(r.body.prediction?.failures ?? {}).length > 0,
      what: `a FailurePredicted in force on P-101 after the rising temperatures${browserProblems()}`,
      timeoutMs: 20_000,
    });
    const times = Object.values(body.prediction!.failures).map((f) => f.predictedFailureAt).sort((a, b) => Date.parse(a) - Date.parse(b));
    process.stdout.write(`console prediction: P-101 has ${times.length} failure prediction(s) in force, earliest ${times[0]}; RUL ${body.prediction!.rul ? `${body.prediction!.rul.rulHours} h` : 'none'}\n`);

    await openFleet(operator);
    const eta = operator.getByTestId('breach-eta-P-101');
    await operator.locator(`[data-testid="breach-eta-P-101"][data-at="${times[0]}"]`).waitFor({ state: 'attached' });
    await expect(eta.textContent()).resolves.not.toBe('—');
    if (body.prediction!.rul) await operator.getByTestId('rul-P-101').waitFor({ state: 'visible' });
    await saveScreenshot(operator, 'console-fleet-predicted');
    await openAsset(operator);
    await operator.getByTestId('prediction-breach').waitFor({ state: 'visible' });
  });

  step('saves a screenshot of the work-order board and the history view', async () => {
    await operator.getByTestId('nav-work-orders').click();
    await operator.getByTestId('work-order-board').locator('[data-testid^="wo-card-WO-P-101-"]').first().waitFor({ state: 'visible' });
    await saveScreenshot(operator, 'console-work-orders');
    await openHistory(operator);
    await saveScreenshot(operator, 'console-history');
    expect(browser.problems.filter((p) => !/\/api\/live/.test(p))).toEqual([]);
  });
});
