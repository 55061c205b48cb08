// Electron main process: one locked-down window showing the renderer, the engine service
// (its heavy work runs in worker threads, so this process never blocks), IPC through
// ./ipc.ts only, a native menu and the native folder picker.
import {
  app,
  BrowserWindow,
  dialog,
  Menu,
  session,
  type MenuItemConstructorOptions,
  type WebContents,
} from 'electron';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DropInspectorApi, EngineEvent, ReportFormat, SavedView } from '../shared/api';
import type { ViewSpec } from '../shared/table-api';
import { createEngineService } from '../engine/service';
import { refuseInsideDrop } from '../engine/fs/write-guard';
import { callApi } from '../server/dispatch';
import { toApiErrorShape } from '../server/errors';
import { createSenderCheck, forwardEngineEvents, registerApiHandlers } from './ipc';
import { dropFromArgv, EXPORT_FILTERS, rendererContentSecurityPolicy, reportFormatForPath } from './launch';
import { findElectronSqliteBinding, electronSqliteBindingPath } from './native-sqlite';

type EngineService = ReturnType<typeof createEngineService>;

const here = dirname(fileURLToPath(import.meta.url)); // out/main
const PRELOAD = join(here, '../preload/index.cjs');
const RENDERER_HTML = join(here, '../renderer/index.html');
const DEV_SERVER_URL = !app.isPackaged ? process.env['ELECTRON_RENDERER_URL'] : undefined;
const RENDERER_URL = DEV_SERVER_URL ?? pathToFileURL(RENDERER_HTML).href;
const CSP = rendererContentSecurityPolicy(DEV_SERVER_URL);

/** webContents ids of the windows this app created: the only trusted IPC senders. */
const ownWebContents = new Set<number>();
let mainWindow: BrowserWindow | null = null;
let engine: EngineService | null = null;
/** The drop the window shows: from argv / the sample at first, then what the UI opened. */
let currentDrop: string | null = null;

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function startupDrop(argv: readonly string[], cwd: string): string | null {
  const fromArgs = dropFromArgv(argv, { isPackaged: app.isPackaged, cwd });
  if (fromArgs) return fromArgs; // shown even if wrong: the UI reports not-found
  const sample = join(app.getAppPath(), 'resources', 'sample-drop');
  return isDirectory(sample) ? sample : null;
}

function ownWindow(): BrowserWindow | undefined {
  return mainWindow && !mainWindow.isDestroyed() ? mainWindow : undefined;
}

function showError(title: string, error: unknown): void {
  const shape = toApiErrorShape(error);
  const win = ownWindow();
  const options = { type: 'error' as const, title, message: title, detail: shape.message };
  void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
}

async function pickFolder(): Promise<string | null> {
  const options: Electron.OpenDialogOptions = { title: 'Open drop', properties: ['openDirectory'] };
  const win = ownWindow();
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  if (result.canceled || result.filePaths.length === 0) return null;
  return result.filePaths[0] ?? null;
}

/** The drop the UI looks at now (what Re-scan and Export act on); the menu follows it. */
function setCurrentDrop(drop: string): void {
  if (drop === currentDrop) return;
  currentDrop = drop;
  void rebuildMenu();
}

function requireEngine(): EngineService {
  if (!engine) throw new Error('The engine is not running.');
  return engine;
}

/** What IPC serves: the engine, plus the host's own initialDrop and pickFolder. */
const hostApi: DropInspectorApi = {
  recentDrops: () => requireEngine().recentDrops(),
  initialDrop: async () => currentDrop,
  startScan: (drop, options) => {
    setCurrentDrop(drop);
    return requireEngine().startScan(drop, options);
  },
  cancelScan: (jobId) => requireEngine().cancelScan(jobId),
  getReport: (drop, options) => {
    setCurrentDrop(drop);
    return requireEngine().getReport(drop, options);
  },
  openDrop: (drop, options) => {
    setCurrentDrop(drop);
    return requireEngine().openDrop(drop, options);
  },
  exportReport: (drop, format, options) => requireEngine().exportReport(drop, format, options),
  watchDrop: (drop, on) => requireEngine().watchDrop(drop, on),
  pickFolder,
  browseFolder: (path) => requireEngine().browseFolder(path),
  getJudgement: (drop) => requireEngine().getJudgement(drop),
  setJudgement: (drop, settings) => requireEngine().setJudgement(drop, settings),
  saveView,
  listTables: (drop) => requireEngine().listTables(drop),
  openTable: (drop, request) => requireEngine().openTable(drop, request),
  tableInfo: (handle) => requireEngine().tableInfo(handle),
  getRows: (handle, request) => requireEngine().getRows(handle, request),
  columnStats: (handle, column, view) => requireEngine().columnStats(handle, column, view),
  cancel: (handle) => requireEngine().cancel(handle),
  closeTable: (handle) => requireEngine().closeTable(handle),
  onEvent: (listener) => requireEngine().onEvent(listener),
};

/** Saves a table view as CSV where the user chooses (a save dialog), written by the engine. */
async function saveView(handle: string, view: ViewSpec): Promise<SavedView> {
  const win = ownWindow();
  const info = await requireEngine().tableInfo(handle);
  const options = { defaultPath: `${info.table}-view.csv`, filters: [{ name: 'CSV', extensions: ['csv'] }] };
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  if (result.canceled || !result.filePath) return { saved: false };
  await requireEngine().exportView(handle, view, result.filePath);
  return { saved: true, file: result.filePath };
}

/**
 * Shows another drop. The API has no "open this drop" event, so the window reloads and the
 * renderer, starting over, asks initialDrop() — which is now this drop.
 */
function openDrop(drop: string): void {
  setCurrentDrop(drop);
  ownWindow()?.webContents.reload();
}

async function openDropFromDialog(): Promise<void> {
  const drop = await pickFolder();
  if (drop) openDrop(drop);
}

async function rescan(verify: boolean): Promise<void> {
  if (!currentDrop) return;
  try {
    await callApi(hostApi, 'startScan', [currentDrop, verify ? { verify: true } : undefined]);
  } catch (error) {
    showError('Re-scan failed', error);
  }
}

async function exportReportWithDialog(): Promise<void> {
  const drop = currentDrop;
  if (!drop) return;
  try {
    const options: Electron.SaveDialogOptions = {
      title: 'Export report',
      defaultPath: join(app.getPath('documents'), `${basename(drop)}-report.md`),
      filters: EXPORT_FILTERS.map(({ name, extensions }) => ({ name, extensions })),
    };
    const win = ownWindow();
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return;
    let filePath = result.filePath;
    let format: ReportFormat | null = reportFormatForPath(filePath);
    if (!format) {
      format = 'md';
      filePath += '.md';
    }
    const exported = (await callApi(hostApi, 'exportReport', [drop, format])) as Awaited<
      ReturnType<DropInspectorApi['exportReport']>
    >;
    await writeFile(refuseInsideDrop(filePath, drop, 'the report'), exported.content, 'utf8');
  } catch (error) {
    showError('Export failed', error);
  }
}

async function rebuildMenu(): Promise<void> {
  let recent: { path: string }[];
  try {
    recent = engine ? await engine.recentDrops() : [];
  } catch {
    recent = [];
  }
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No recent drops', enabled: false }]
      : recent.slice(0, 15).map((r) => ({ label: r.path, click: () => openDrop(r.path) }));
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: isMac ? 'File' : '&File',
      submenu: [
        { label: 'Open Drop…', accelerator: 'CmdOrCtrl+O', click: () => void openDropFromDialog() },
        { label: 'Recent Drops', submenu: recentItems },
        { type: 'separator' },
        {
          label: 'Re-scan',
          accelerator: 'F5',
          enabled: currentDrop !== null,
          click: () => void rescan(false),
        },
        {
          label: 'Re-scan and Verify Everything',
          accelerator: 'Shift+F5',
          enabled: currentDrop !== null,
          click: () => void rescan(true),
        },
        { type: 'separator' },
        {
          label: 'Export Report…',
          accelerator: 'CmdOrCtrl+E',
          enabled: currentDrop !== null,
          click: () => void exportReportWithDialog(),
        },
        { type: 'separator' },
        { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: isMac ? 'View' : '&View',
      submenu: [
        ...(app.isPackaged
          ? []
          : ([
              { role: 'reload' },
              { role: 'toggleDevTools' },
              { type: 'separator' },
            ] as MenuItemConstructorOptions[])),
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    ...(isMac ? [{ role: 'windowMenu' as const }] : []),
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

function hardenSession(): void {
  const ses = session.defaultSession;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string[]> = {};
    for (const [name, value] of Object.entries(details.responseHeaders ?? {})) {
      if (name.toLowerCase() !== 'content-security-policy') headers[name] = value;
    }
    headers['Content-Security-Policy'] = [CSP];
    headers['X-Content-Type-Options'] = ['nosniff'];
    callback({ responseHeaders: headers });
  });
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
}

function hardenWebContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 840,
    minWidth: 760,
    minHeight: 480,
    show: false,
    title: 'Drop Inspector',
    webPreferences: {
      preload: PRELOAD,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  });
  const id = win.webContents.id;
  ownWebContents.add(id);
  win.webContents.once('destroyed', () => ownWebContents.delete(id));
  win.once('ready-to-show', () => win.show());
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  const loaded = DEV_SERVER_URL ? win.loadURL(DEV_SERVER_URL) : win.loadFile(RENDERER_HTML);
  loaded.catch((error: unknown) => showError('The window could not load', error));
  return win;
}

function startEngine(): EngineService {
  const catalogPath = join(app.getPath('userData'), 'catalog.sqlite');
  const nativeBinding = findElectronSqliteBinding(app.getAppPath());
  const missing = nativeBinding
    ? null
    : `The SQLite addon built for Electron ${process.versions.electron} is missing (${electronSqliteBindingPath(
        app.getAppPath(),
      )}); run "npm start" once, it builds it.`;
  if (missing) console.error(`drop-inspector: ${missing}`);
  let service: EngineService;
  try {
    service = createEngineService({ catalogPath, nativeBinding });
  } catch (error) {
    throw missing ? new Error(`${missing}\n\n${toApiErrorShape(error).message}`, { cause: error }) : error;
  }
  // The engine came up, but its catalog will fail on first use: say why now.
  if (missing) dialog.showErrorBox('Drop Inspector cannot open its catalog', missing);
  return service;
}

function main(): void {
  app.enableSandbox();
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  currentDrop = startupDrop(process.argv, process.cwd());

  app.on('second-instance', (_event, argv, cwd) => {
    const drop = dropFromArgv(argv, { isPackaged: app.isPackaged, cwd });
    if (drop) openDrop(drop);
    const win = ownWindow();
    if (win) {
      if (win.isMinimized()) win.restore();
      win.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
  app.on('window-all-closed', () => app.quit());

  let unsubscribeEvents: (() => void) | null = null;
  let disposeHandlers: (() => void) | null = null;
  let engineClosed = false;
  app.on('will-quit', (event) => {
    unsubscribeEvents?.();
    unsubscribeEvents = null;
    disposeHandlers?.();
    disposeHandlers = null;
    if (!engine || engineClosed) return;
    event.preventDefault();
    const closing = engine;
    engine = null;
    closing
      .close()
      .catch((error: unknown) => console.error('drop-inspector: closing the engine failed:', error))
      .finally(() => {
        engineClosed = true;
        app.quit();
      });
  });

  void app.whenReady().then(() => {
    hardenSession();
    try {
      engine = startEngine();
    } catch (error) {
      dialog.showErrorBox('Drop Inspector could not start its engine', toApiErrorShape(error).message);
      app.quit();
      return;
    }
    disposeHandlers = registerApiHandlers({
      api: hostApi,
      isTrustedSender: createSenderCheck({
        rendererUrl: RENDERER_URL,
        isOwnWebContents: (webContentsId) => ownWebContents.has(webContentsId),
      }),
    });
    let menuTimer: NodeJS.Timeout | null = null;
    unsubscribeEvents = forwardEngineEvents(engine, () => {
      const win = ownWindow();
      return win ? [win.webContents] : [];
    });
    // The Recent Drops menu follows the catalog.
    engine.onEvent((event: EngineEvent) => {
      if (event.type !== 'report-updated' || menuTimer) return;
      menuTimer = setTimeout(() => {
        menuTimer = null;
        void rebuildMenu();
      }, 500);
    });
    mainWindow = createWindow();
    // Read while the window loads its page and starts the app (service.ts READ_AHEAD_MS).
    if (currentDrop) void engine.readAhead(currentDrop);
    void rebuildMenu();
  });
}

main();
