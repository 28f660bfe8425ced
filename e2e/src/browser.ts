import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it when missing); playwright never downloads a browser here. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless, and quiet: no background traffic (the machine has no internet), no first-run UI, no updates. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'];

const ROOT = join(__dirname, '..', '..');
/** Where screenshots go (a build artifact: tmp/ is not committed). */
export const SCREENSHOT_DIR = join(ROOT, 'tmp', 'screenshots');
/** Where the README's screenshots live (written only when asked to: CONSOLE_SCREENSHOTS_TO_DOCS=1). */
export const DOCS_IMAGES_DIR = join(ROOT, 'docs', 'images');

export interface TestBrowser {
  /** One browser context on a fresh user-data directory; each page has its own sessionStorage. */
  readonly context: BrowserContext;
  /** A new tab that records its console errors and uncaught page errors in `problems`. */
  newPage(): Promise<Page>;
  /** Console errors, uncaught page errors and failed requests of every page opened with newPage (for failure messages). */
  readonly problems: string[];
  close(): Promise<void>;
}

/** Starts headless chromium with a fresh profile (removed on close). */
export async function launchBrowser(options: { viewport?: { width: number; height: number }; defaultTimeoutMs?: number } = {}): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`no chromium at ${CHROMIUM_PATH}: install it (apt-get install -y --no-install-recommends chromium) or set CHROMIUM_PATH`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'twinline-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: options.viewport ?? { width: 1440, height: 900 },
      deviceScaleFactor: 1,
      locale: 'en-GB',
      timezoneId: 'UTC',
    });
  } catch (error) {
    rmSync(userDataDir, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(options.defaultTimeoutMs ?? 15_000);
  const problems: string[] = [];
  const watch = (page: Page) => {
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console error on ${page.url()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => {
      // An EventSource torn down by navigation or close is not a problem.
      if (!/net::ERR_ABORTED/.test(r.failure()?.errorText ?? '')) problems.push(`request failed: ${r.method()} ${r.url()} ${r.failure()?.errorText ?? ''}`);
    });
  };
  // launchPersistentContext opens one blank tab: use it first.
  const spare = context.pages()[0];
  let spareUsed = false;
  return {
    context,
    problems,
    async newPage() {
      const page = !spareUsed && spare ? spare : await context.newPage();
      spareUsed = true;
      watch(page);
      return page;
    },
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(userDataDir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Saves a full-page screenshot as tmp/screenshots/<name>.png; with `docsName` and
 * CONSOLE_SCREENSHOTS_TO_DOCS=1 also as docs/images/<docsName>.png. Returns the paths written.
 */
export async function saveScreenshot(page: Page, name: string, docsName?: string): Promise<string[]> {
  const paths = [join(SCREENSHOT_DIR, `${name}.png`)];
  if (docsName !== undefined && process.env.CONSOLE_SCREENSHOTS_TO_DOCS === '1') paths.push(join(DOCS_IMAGES_DIR, `${docsName}.png`));
  const png = await page.screenshot({ fullPage: true, animations: 'disabled' });
  for (const path of paths) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, png);
  }
  return paths;
}
