// Small, Electron-free decisions of the main process, kept here so they can be tested in
// plain Node: which drop to open from the command line, which report format a save-dialog
// path asks for, the renderer's CSP.
import { extname, resolve } from 'node:path';
import type { ReportFormat } from '../shared/api';
import { CONTENT_SECURITY_POLICY } from '../server/http-host';

/**
 * The drop named on the command line, resolved against cwd, or null. Unpackaged, Electron's
 * argv is [electron, <app or script>, ...args]; packaged it is [app, ...args]. Switches
 * (Chromium's or ours) start with '-' and are skipped.
 */
export function dropFromArgv(
  argv: readonly string[],
  opts: { isPackaged: boolean; cwd: string },
): string | null {
  const args = argv.slice(opts.isPackaged ? 1 : 2);
  for (const arg of args) {
    if (arg === '' || arg.startsWith('-')) continue;
    return resolve(opts.cwd, arg);
  }
  return null;
}

export const EXPORT_FILTERS: readonly { name: string; extensions: string[]; format: ReportFormat }[] = [
  { name: 'Markdown', extensions: ['md'], format: 'md' },
  { name: 'CSV', extensions: ['csv'], format: 'csv' },
  { name: 'JSON', extensions: ['json'], format: 'json' },
  { name: 'HTML', extensions: ['html', 'htm'], format: 'html' },
];

/** The format a chosen file name asks for (by extension), or null. */
export function reportFormatForPath(filePath: string): ReportFormat | null {
  const ext = extname(filePath).slice(1).toLowerCase();
  return EXPORT_FILTERS.find((f) => f.extensions.includes(ext))?.format ?? null;
}

/**
 * The renderer's Content-Security-Policy: the browser host's, except under the dev server,
 * whose hot reload needs its inline preamble and a WebSocket.
 */
export function rendererContentSecurityPolicy(devServerUrl?: string): string {
  if (!devServerUrl) return CONTENT_SECURITY_POLICY;
  const origin = new URL(devServerUrl);
  const ws = `ws://${origin.host}`;
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
    .replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
    .replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}
