// src/main/index.ts run in plain Node against a stand-in 'electron' module (the real one
// cannot start here) and a fake engine: the window's web preferences, the session's CSP and
// permission handling, navigation/window-open lock-down, IPC through ipc.ts with the sender
// check, the engine options, the menu's actions, and closing the engine on quit.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { IpcSenderEvent } from '../../src/main/ipc';
import { createIpcClient } from '../../src/preload/client';
import { CONTENT_SECURITY_POLICY } from '../../src/server/http-host';
import { API_METHODS } from '../../src/shared/api';
import { IPC_CHANNELS } from '../../src/shared/ipc';
import type { FakeApi } from './fake-api';
import type { createFakeIpc } from './fake-ipc';

type Listener = (...args: unknown[]) => unknown;
interface MenuItem {
  label?: string;
  role?: string;
  enabled?: boolean;
  submenu?: MenuItem[];
  click?: () => void;
}

const h = await vi.hoisted(async () => {
  const { mkdtempSync, mkdirSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const base = mkdtempSync(join(tmpdir(), 'di-main-'));
  const drop = join(base, 'the drop');
  mkdirSync(drop);
  const savedArgv = process.argv;
  // As `electron . <drop>` would have it, under Electron 38.
  process.argv = [process.execPath, '.', drop];
  Object.defineProperty(process.versions, 'electron', {
    value: '38.8.6',
    configurable: true,
    enumerable: true,
  });
  return {
    base,
    drop,
    savedArgv,
    appEvents: new Map<string, Listener[]>(),
    windows: [] as {
      options: Record<string, unknown>;
      loaded: string;
      webContents: { id: number; reloads: number; sent: unknown[][] };
    }[],
    menus: [] as MenuItem[][],
    headersHook: null as null | ((details: unknown, cb: (r: unknown) => void) => void),
    permissionRequest: null as null | Listener,
    permissionCheck: null as null | Listener,
    ipc: null as null | ReturnType<typeof createFakeIpc>,
    engineOptions: [] as unknown[],
    readAhead: [] as string[],
    engines: [] as (FakeApi & { closed: boolean })[],
    dialog: {
      open: [] as unknown[],
      save: [] as unknown[],
      errors: [] as unknown[][],
      messages: [] as unknown[],
      nextOpen: { canceled: false, filePaths: ['/picked/folder'] } as {
        canceled: boolean;
        filePaths: string[];
      },
      nextSave: { canceled: true, filePath: '' } as { canceled: boolean; filePath?: string },
    },
    quits: 0,
  };
});

vi.mock('electron', async () => {
  const { createFakeIpc } = await import('./fake-ipc');
  h.ipc = createFakeIpc();
  let nextId = 41;
  const on = (map: Map<string, Listener[]>) => (event: string, fn: Listener) => {
    map.set(event, [...(map.get(event) ?? []), fn]);
  };
  class BrowserWindow {
    readonly events = new Map<string, Listener[]>();
    readonly webContents: Record<string, unknown> & { id: number; reloads: number; sent: unknown[][] };
    record: (typeof h.windows)[number];
    constructor(readonly options: Record<string, unknown>) {
      const wcEvents = new Map<string, Listener[]>();
      this.webContents = {
        id: nextId++,
        reloads: 0,
        sent: [],
        once: on(wcEvents),
        on: on(wcEvents),
        reload: () => this.webContents.reloads++,
        send: (...args: unknown[]) => this.webContents.sent.push(args),
        isDestroyed: () => false,
      };
      this.record = { options, loaded: '', webContents: this.webContents };
      h.windows.push(this.record);
    }
    once = (event: string, fn: Listener) => on(this.events)(event, fn);
    on = (event: string, fn: Listener) => on(this.events)(event, fn);
    loadFile = async (file: string) => {
      this.record.loaded = file;
    };
    loadURL = async (url: string) => {
      this.record.loaded = url;
    };
    isDestroyed = () => false;
    isMinimized = () => false;
    show = () => undefined;
    focus = () => undefined;
    restore = () => undefined;
  }
  return {
    app: {
      isPackaged: false,
      enableSandbox: () => undefined,
      requestSingleInstanceLock: () => true,
      quit: () => h.quits++,
      on: on(h.appEvents),
      whenReady: () => Promise.resolve(),
      getAppPath: () => h.base,
      getPath: (name: string) => join(h.base, name),
    },
    BrowserWindow,
    dialog: {
      showOpenDialog: async (...args: unknown[]) => (h.dialog.open.push(args), h.dialog.nextOpen),
      showSaveDialog: async (...args: unknown[]) => (h.dialog.save.push(args), h.dialog.nextSave),
      showMessageBox: async (...args: unknown[]) => (h.dialog.messages.push(args), { response: 0 }),
      showErrorBox: (...args: unknown[]) => h.dialog.errors.push(args),
    },
    Menu: {
      buildFromTemplate: (template: MenuItem[]) => template,
      setApplicationMenu: (menu: MenuItem[]) => h.menus.push(menu),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: (fn: typeof h.headersHook) => {
            h.headersHook = fn;
          },
        },
        setPermissionRequestHandler: (fn: Listener) => {
          h.permissionRequest = fn;
        },
        setPermissionCheckHandler: (fn: Listener) => {
          h.permissionCheck = fn;
        },
      },
    },
    ipcMain: h.ipc.ipcMain,
  };
});

vi.mock('../../src/engine/service', async () => {
  const { FakeApi } = await import('./fake-api');
  return {
    createEngineService: (options: unknown) => {
      h.engineOptions.push(options);
      const engine = Object.assign(new FakeApi(), { closed: false });
      Object.assign(engine, {
        close: async () => {
          engine.closed = true;
        },
        readAhead: async (drop: string) => {
          h.readAhead.push(drop);
        },
      });
      engine.recent = [
        { path: h.drop, format: 'gim', lastScannedAt: null, chunks: 1, errors: 0, warnings: 0 },
      ];
      h.engines.push(engine);
      return engine;
    },
  };
});

const mainDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/main');
const rendererHtml = join(mainDir, '../renderer/index.html');

function ourSender(): IpcSenderEvent {
  return {
    sender: { id: h.windows[0]!.webContents.id },
    senderFrame: { url: pathToFileURL(rendererHtml).href, parent: null },
  };
}

function menuItem(label: string): MenuItem {
  const menu = h.menus.at(-1)!;
  for (const top of menu) for (const item of top.submenu ?? []) if (item.label === label) return item;
  throw new Error(`no menu item ${label}`);
}

describe('Electron main process (stand-in electron)', () => {
  beforeAll(async () => {
    await import('../../src/main/index');
    await vi.waitFor(() => expect(h.windows).toHaveLength(1));
    await vi.waitFor(() => expect(h.menus.length).toBeGreaterThan(0));
  });
  afterAll(() => {
    process.argv = h.savedArgv;
    delete (process.versions as Record<string, string | undefined>).electron;
    rmSync(h.base, { recursive: true, force: true });
  });

  it('opens one locked-down window on the built renderer with the CJS preload', () => {
    const { options, loaded } = h.windows[0]!;
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: join(mainDir, '../preload/index.cjs'),
    });
    expect(loaded).toBe(rendererHtml);
  });

  it('creates the engine with the catalog in userData and the (missing) Electron addon, and says so', () => {
    expect(h.engineOptions).toEqual([
      { catalogPath: join(h.base, 'userData', 'catalog.sqlite'), nativeBinding: undefined },
    ]);
    expect(h.dialog.errors.map((e) => e[0])).toEqual(['Drop Inspector cannot open its catalog']);
  });

  it('sets the CSP on every response, replacing any other', () => {
    let result: { responseHeaders: Record<string, string[]> } | undefined;
    h.headersHook!(
      { responseHeaders: { 'content-security-policy': ['default-src *'], 'X-Other': ['1'] } },
      (r) => {
        result = r as typeof result;
      },
    );
    expect(result!.responseHeaders).toEqual({
      'X-Other': ['1'],
      'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      'X-Content-Type-Options': ['nosniff'],
    });
  });

  it('denies permission requests and checks', () => {
    const answers: unknown[] = [];
    h.permissionRequest!({}, 'media', (granted: boolean) => answers.push(granted));
    expect(answers).toEqual([false]);
    expect(h.permissionCheck!({}, 'clipboard-read')).toBe(false);
  });

  it('denies new windows and prevents navigation in every webContents', () => {
    const handlers = new Map<string, Listener>();
    let openHandler: Listener | undefined;
    const contents = {
      setWindowOpenHandler: (fn: Listener) => (openHandler = fn),
      on: (event: string, fn: Listener) => handlers.set(event, fn),
    };
    for (const fn of h.appEvents.get('web-contents-created') ?? []) fn({}, contents);
    expect(openHandler!({ url: 'https://evil.example' })).toEqual({ action: 'deny' });
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const prevented = vi.fn();
      handlers.get(event)!({ preventDefault: prevented }, 'https://evil.example');
      expect(prevented, event).toHaveBeenCalled();
    }
  });

  it('serves the API over IPC to its own window only', async () => {
    expect([...h.ipc!.handlers.keys()].sort()).toEqual(API_METHODS.map((m) => IPC_CHANNELS[m]).sort());
    const client = createIpcClient(h.ipc!.renderer(ourSender()).ipcRenderer);
    expect(await client.initialDrop()).toBe(h.drop);
    // The drop it starts with was read ahead while the window loaded.
    expect(h.readAhead).toEqual([h.drop]);
    expect(await client.recentDrops()).toEqual(h.engines[0]!.recent);
    expect(await client.pickFolder()).toBe('/picked/folder');
    expect(h.dialog.open).toHaveLength(1);
    await expect(client.getReport('relative')).rejects.toMatchObject({ code: 'bad-request' });

    const evil = createIpcClient(
      h.ipc!.renderer({ ...ourSender(), senderFrame: { url: 'https://evil.example/', parent: null } })
        .ipcRenderer,
    );
    await expect(evil.pickFolder()).rejects.toThrow(/Refused IPC/);
    const stranger = createIpcClient(h.ipc!.renderer({ ...ourSender(), sender: { id: 9999 } }).ipcRenderer);
    await expect(stranger.recentDrops()).rejects.toThrow(/Refused IPC/);
    expect(h.dialog.open).toHaveLength(1);
  });

  it('forwards engine events to the window', () => {
    h.engines[0]!.emit({ type: 'report-updated', drop: h.drop });
    expect(h.windows[0]!.webContents.sent).toContainEqual([
      IPC_CHANNELS.onEvent,
      { type: 'report-updated', drop: h.drop },
    ]);
  });

  it('has the File menu: Open, Recent Drops, Re-scan, Export, Quit', async () => {
    const file = h.menus.at(-1)!.find((m) => m.label?.replace('&', '') === 'File')!;
    const labels = file.submenu!.map((i) => i.label ?? i.role);
    expect(labels).toEqual(
      expect.arrayContaining(['Open Drop…', 'Recent Drops', 'Re-scan', 'Export Report…', 'quit']),
    );
    expect(menuItem('Recent Drops').submenu!.map((i) => i.label)).toEqual([h.drop]);

    const engine = h.engines[0]!;
    menuItem('Re-scan').click!();
    await vi.waitFor(() =>
      expect(engine.callsOf('startScan')).toEqual([{ method: 'startScan', args: [h.drop] }]),
    );

    const target = join(h.base, 'out', 'report.csv');
    mkdirSync(dirname(target), { recursive: true });
    h.dialog.nextSave = { canceled: false, filePath: target };
    menuItem('Export Report…').click!();
    await vi.waitFor(() => expect(readFileSync(target, 'utf8')).toContain(`report of ${h.drop} as csv`));

    // Open Drop… shows the picked folder: initialDrop() answers it after the reload.
    const other = join(h.base, 'other drop');
    mkdirSync(other);
    h.dialog.nextOpen = { canceled: false, filePaths: [other] };
    const reloads = h.windows[0]!.webContents.reloads;
    menuItem('Open Drop…').click!();
    await vi.waitFor(() => expect(h.windows[0]!.webContents.reloads).toBe(reloads + 1));
    const client = createIpcClient(h.ipc!.renderer(ourSender()).ipcRenderer);
    expect(await client.initialDrop()).toBe(other);

    // The drop the UI reports on is the one Re-scan acts on.
    const third = join(h.base, 'third drop');
    mkdirSync(third);
    await client.getReport(third);
    menuItem('Re-scan').click!();
    await vi.waitFor(() =>
      expect(engine.callsOf('startScan').at(-1)).toEqual({ method: 'startScan', args: [third] }),
    );
  });

  it('closes the engine before quitting', async () => {
    const prevented = vi.fn();
    for (const fn of h.appEvents.get('will-quit') ?? []) fn({ preventDefault: prevented });
    expect(prevented).toHaveBeenCalled();
    await vi.waitFor(() => expect(h.engines[0]!.closed).toBe(true));
    await vi.waitFor(() => expect(h.quits).toBeGreaterThan(0));
    expect(h.ipc!.handlers.size).toBe(0);
  });
});
