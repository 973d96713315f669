import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

const dashboard = path.resolve(__dirname, '../../apps/dashboard');
export const DASHBOARD_DIST = path.join(dashboard, 'dist');

const newest = (dir: string): number => readdirSync(dir, { withFileTypes: true })
  .reduce((max, e) => Math.max(max, e.isDirectory() ? newest(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs), 0);

const isFresh = (): boolean => {
  const index = path.join(DASHBOARD_DIST, 'index.html');
  return existsSync(index) && statSync(index).mtimeMs >= Math.max(newest(path.join(dashboard, 'src')), statSync(path.join(dashboard, 'index.html')).mtimeMs);
};

/**
 * Builds the dashboard (vite) when its dist is missing or older than its sources, so the tests never
 * drive a stale build. Test files may run in parallel workers: the build runs under flock, and a
 * worker that waited for the lock checks again instead of rebuilding under another's feet.
 */
export function ensureDashboardBuilt(): void {
  if (isFresh()) return;
  const root = path.resolve(dashboard, '../..');
  const check = `const fs=require('fs'),p=require('path');const n=(d)=>fs.readdirSync(d,{withFileTypes:true}).reduce((m,e)=>Math.max(m,e.isDirectory()?n(p.join(d,e.name)):fs.statSync(p.join(d,e.name)).mtimeMs),0);`
    + `const i=p.join(${JSON.stringify(DASHBOARD_DIST)},'index.html');process.exit(fs.existsSync(i)&&fs.statSync(i).mtimeMs>=Math.max(n(${JSON.stringify(path.join(dashboard, 'src'))}),fs.statSync(${JSON.stringify(path.join(dashboard, 'index.html'))}).mtimeMs)?0:1)`;
  execFileSync('flock', [path.join(tmpdir(), 'hive-dashboard-build.lock'), 'sh', '-c', 'node -e "$0" || npm run --silent build -w @hive/dashboard', check], { cwd: root, stdio: 'pipe', timeout: 300_000 });
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
