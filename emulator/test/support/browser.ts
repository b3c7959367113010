/**
 * Real Chromium for the console's tests: Debian's `chromium` (`make test` installs it: scripts/system-deps.sh) driven
 * by playwright-core, which never downloads a browser of its own. Each browser gets a fresh profile folder, deleted
 * afterwards, and the flags this machine needs: no sandbox (tests run as root), no GPU, and no background networking
 * (the machine has no network, and Chromium's update, sync and QUIC probes would only be refused).
 * Screenshots go to test-output/console/<name>/ at the repository root (git-ignored).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.ALIKMS_TEST_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-output', 'console');
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface TestBrowser {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Saves the page as test-output/console/<browser name>/<name>.png; returns the file. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A browser whose screenshots go to test-output/console/<name>/. */
export async function startBrowser(name: string): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`Chromium is not installed (${CHROMIUM}): run \`make system-deps\` or \`apt-get install -y chromium\``);
  const profile = mkdtempSync(join(tmpdir(), 'alikms-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      viewport: { width: 1480, height: 900 },
      timeout: 60_000,
    });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  // Destructive forms ask first (data-confirm): the tests say yes.
  page.on('dialog', (dialog) => void dialog.accept());
  return {
    context,
    page,
    async screenshot(shot) {
      const dir = join(SCREENSHOTS, name);
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `${shot}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Signs in through the form, as a person would. */
export async function signIn(page: Page, endpoint: string, accessKeyId: string, accessKeySecret: string): Promise<void> {
  await page.goto(`${endpoint}/console/`);
  await page.fill('input[name="accessKeyId"]', accessKeyId);
  await page.fill('input[name="accessKeySecret"]', accessKeySecret);
  await page.click('#sign-in button[type="submit"]');
}
