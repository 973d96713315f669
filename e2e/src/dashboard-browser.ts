import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const dashboard = path.resolve(__dirname, '../../apps/dashboard');
export const DASHBOARD_DIST = path.join(dashboard, 'dist');

const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
  .reduce((max, e) => Math.max(max, e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs), 0);

/** Builds the dashboard (vite) when its dist is missing or older than its sources, so the tests never drive a stale build. */
export function ensureDashboardBuilt(): void {
  const index = path.join(DASHBOARD_DIST, 'index.html');
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(path.join(dashboard, 'src')), statSync(path.join(dashboard, 'index.html')).mtimeMs)) return;
  execFileSync('npm', ['run', '--silent', 'build', '-w', '@hive/dashboard'], { cwd: path.resolve(dashboard, '../..'), stdio: 'pipe', timeout: 180_000 });
}

/** Screenshots and figures of the browser tests (gitignored with the rest of .hive/). */
export const ARTIFACTS = path.resolve(__dirname, '../../.hive/test-artifacts');

/**
 * Debian's Chromium (apt-get install chromium) driven by playwright-core:
 * no browser download, headless, no sandbox (CI runs as root), nothing
 * running in the background that could phone home or update itself.
 */
export async function launchChromium(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `dashboard-${name}.png`), fullPage: true });
}

/** Logs in through the login form and waits for the navigation to show the user. */
export async function logIn(page: Page, base: string, tenant: string, username: string, password: string): Promise<void> {
  await page.goto(`${base}/dashboard/`);
  await page.fill('input[name=tenant]', tenant);
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-testid=whoami]');
}
