// The Electron-free parts of the main process and the hosts' shared error mapping.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dropFromArgv, rendererContentSecurityPolicy, reportFormatForPath } from '../../src/main/launch';
import {
  electronSqliteBindingPath,
  findElectronSqliteBinding,
  nativeAddonDirName,
} from '../../src/main/native-sqlite';
import { CONTENT_SECURITY_POLICY } from '../../src/server/http-host';
import { ApiError, httpStatusFor, toApiErrorShape } from '../../src/server/errors';
import { callApi, checkDropPath } from '../../src/server/dispatch';
import { FakeApi } from './fake-api';

describe('dropFromArgv', () => {
  it('reads the first non-switch argument after the app path, against cwd', () => {
    expect(dropFromArgv(['/usr/bin/electron', '/app'], { isPackaged: false, cwd: '/home/u' })).toBeNull();
    expect(dropFromArgv(['/usr/bin/electron', '.', 'drops/a'], { isPackaged: false, cwd: '/home/u' })).toBe(
      '/home/u/drops/a',
    );
    expect(
      dropFromArgv(['/usr/bin/electron', '.', '--no-sandbox', '/data/b', 'c'], {
        isPackaged: false,
        cwd: '/x',
      }),
    ).toBe('/data/b');
    expect(dropFromArgv(['/opt/DropInspector', '/data/c'], { isPackaged: true, cwd: '/x' })).toBe('/data/c');
    expect(dropFromArgv(['/opt/DropInspector', '--inspect'], { isPackaged: true, cwd: '/x' })).toBeNull();
  });
});

describe('reportFormatForPath', () => {
  it('maps save-dialog extensions to formats', () => {
    expect(reportFormatForPath('/r/report.md')).toBe('md');
    expect(reportFormatForPath('/r/report.CSV')).toBe('csv');
    expect(reportFormatForPath('/r/report.json')).toBe('json');
    expect(reportFormatForPath('/r/report.htm')).toBe('html');
    expect(reportFormatForPath('/r/report.pdf')).toBeNull();
    expect(reportFormatForPath('/r/report')).toBeNull();
  });
});

describe('rendererContentSecurityPolicy', () => {
  it('is the browser host’s policy for the built renderer', () => {
    expect(rendererContentSecurityPolicy()).toBe(CONTENT_SECURITY_POLICY);
  });
  it('allows the dev server’s inline preamble and WebSocket only in dev', () => {
    const dev = rendererContentSecurityPolicy('http://localhost:5173/');
    expect(dev).toContain("script-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("object-src 'none'");
  });
});

describe('native-sqlite', () => {
  it('names the Electron-ABI addon by version, platform and arch', () => {
    expect(nativeAddonDirName('38.8.6', 'linux', 'x64')).toBe('electron-38.8.6-linux-x64');
    expect(
      electronSqliteBindingPath('/app', { electronVersion: '38.8.6', platform: 'darwin', arch: 'arm64' }),
    ).toBe('/app/resources/native/electron-38.8.6-darwin-arm64/better_sqlite3.node');
  });
  it('refuses to guess outside Electron', () => {
    expect(process.versions.electron).toBeUndefined();
    expect(() => electronSqliteBindingPath('/app')).toThrow(/Not running under Electron/);
  });
  it('finds the addon only once it exists', () => {
    const app = mkdtempSync(join(tmpdir(), 'di-native-'));
    try {
      const runtime = { electronVersion: '1.2.3', platform: 'linux', arch: 'x64' };
      expect(findElectronSqliteBinding(app, runtime)).toBeUndefined();
      const dir = join(app, 'resources', 'native', 'electron-1.2.3-linux-x64');
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'better_sqlite3.node'), '');
      expect(findElectronSqliteBinding(app, runtime)).toBe(join(dir, 'better_sqlite3.node'));
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });
  it('uses the same naming as scripts/start.mjs', async () => {
    const { readFile } = await import('node:fs/promises');
    const script = await readFile(new URL('../../scripts/start.mjs', import.meta.url), 'utf8');
    expect(script).toContain('`electron-${electronVersion}-${process.platform}-${process.arch}`');
    expect(script).toContain("'better_sqlite3.node'");
  });
});

describe('errors', () => {
  it('keeps a known code, turns everything else into internal', () => {
    expect(toApiErrorShape(new ApiError('not-found', 'gone'))).toEqual({
      code: 'not-found',
      message: 'gone',
    });
    expect(toApiErrorShape(Object.assign(new Error('new'), { code: 'catalog-too-new' }))).toEqual({
      code: 'catalog-too-new',
      message: 'new',
    });
    expect(toApiErrorShape(Object.assign(new Error('enoent'), { code: 'ENOENT' }))).toEqual({
      code: 'internal',
      message: 'enoent',
    });
    expect(toApiErrorShape({ code: 'forbidden', message: 'no' })).toEqual({
      code: 'forbidden',
      message: 'no',
    });
    expect(toApiErrorShape('plain string')).toEqual({ code: 'internal', message: 'plain string' });
    expect(toApiErrorShape(undefined)).toMatchObject({ code: 'internal' });
    expect(toApiErrorShape(null)).toMatchObject({ code: 'internal' });
  });
  it('maps codes to HTTP statuses', () => {
    expect(httpStatusFor('bad-request')).toBe(400);
    expect(httpStatusFor('forbidden')).toBe(403);
    expect(httpStatusFor('not-found')).toBe(404);
    expect(httpStatusFor('not-a-directory')).toBe(400);
    expect(httpStatusFor('unreadable')).toBe(403);
    expect(httpStatusFor('unknown-format')).toBe(422);
    expect(httpStatusFor('internal')).toBe(500);
    expect(httpStatusFor('catalog-too-new')).toBe(500);
  });
});

describe('dispatch', () => {
  it('checks drop paths', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'di-dispatch-'));
    try {
      expect(await checkDropPath(dir + '/')).toBe(dir);
      expect(await checkDropPath(`${dir}/sub/..`)).toBe(dir);
      await expect(checkDropPath('')).rejects.toMatchObject({ code: 'bad-request' });
      await expect(checkDropPath('x'.repeat(5000))).rejects.toMatchObject({ code: 'bad-request' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('refuses inherited and unknown names', async () => {
    const fake = new FakeApi();
    for (const name of ['toString', 'constructor', 'hasOwnProperty', 'onEvent', '__proto__']) {
      await expect(callApi(fake, name, [])).rejects.toMatchObject({ code: 'not-found' });
    }
    await expect(callApi(fake, 'recentDrops', 'x')).rejects.toMatchObject({ code: 'bad-request' });
    await expect(callApi(fake, 'recentDrops', [1])).rejects.toMatchObject({ code: 'bad-request' });
    expect(fake.calls).toEqual([]);
    // Trailing null/undefined are omitted arguments.
    expect(await callApi(fake, 'recentDrops', [null, undefined])).toEqual(fake.recent);
  });
});
