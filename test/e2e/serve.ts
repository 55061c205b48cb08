// Starts `drop-inspector serve` the way a user does and hands back its URL.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = path.join(root, 'out/cli/drop-inspector.mjs');
export const ARTIFACTS = path.join(root, 'test-artifacts/screenshots');
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

if (!HAVE_CHROMIUM && process.env.CI) {
  // CI installs Debian's chromium; a CI run without it must fail, not skip.
  throw new Error(`no Chromium at ${CHROMIUM}: .ci/run installs it (apt-get install chromium)`);
}

export interface Served {
  url: string;
  origin: string;
  token: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function serve(args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no URL: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  const u = new URL(url);
  return {
    url,
    origin: u.origin,
    token: u.searchParams.get('token')!,
    child,
    async stop() {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

/**
 * Collects the page's Content-Security-Policy violations (the policy has no 'unsafe-inline'
 * for styles: React's style props go through the CSSOM, which CSP allows). check() proves the
 * watcher sees a violation by planting an inline style attribute, then hands back what the
 * app itself caused before it.
 */
export async function watchCsp(context: BrowserContext): Promise<{ check(page: Page): Promise<string[]> }> {
  await context.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.effectiveDirective} ${e.blockedURI} ${e.sample}`));
  });
  return {
    async check(page) {
      const seen = await page.evaluate(() => [...(window as unknown as { __csp: string[] }).__csp]);
      await page.evaluate(() => document.body.insertAdjacentHTML('beforeend', '<div id="csp-probe" style="color: red"></div>'));
      const probe = await page
        .waitForFunction(() => (window as unknown as { __csp: string[] }).__csp.some((v) => v.startsWith('style-src')), null, { timeout: 5_000 })
        .then(() => true, () => false);
      await page.evaluate(() => document.getElementById('csp-probe')?.remove());
      if (!probe) throw new Error('an inline style attribute broke no CSP rule: the policy allows inline styles, or the watcher sees nothing');
      return seen;
    },
  };
}
